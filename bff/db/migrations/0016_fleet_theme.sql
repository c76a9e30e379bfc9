-- The fleet theme an org inherits (DESIGN.md, Theming: customer → MSP fleet theme → preset):
-- the theme row of the nearest MSP or sub-partner above it, or nothing when that seller has
-- none. A customer's users cannot see their seller's rows, so this reads it for any org the
-- principal may see, and answers only that one row's theme values.
CREATE FUNCTION portico.fleet_theme(p_org uuid)
RETURNS TABLE (
  tenant_id uuid, color_primary text, color_accent text, color_background text, color_text text,
  color_danger text, color_warning text, color_success text, font_family text, border_radius text,
  spacing_unit text, mode text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  WITH seller AS (
    SELECT c.ancestor_id AS id
      FROM portico.org_closure c
      JOIN public.orgs o ON o.id = c.ancestor_id
     WHERE c.descendant_id = p_org
       AND c.depth > 0
       AND o.kind IN ('msp', 'partner')
       AND p_org = any(portico.visible_tenants())
     ORDER BY c.depth
     LIMIT 1
  )
  SELECT t.tenant_id, t.color_primary, t.color_accent, t.color_background, t.color_text,
         t.color_danger, t.color_warning, t.color_success, t.font_family, t.border_radius,
         t.spacing_unit, t.mode::text
    FROM seller JOIN public.themes t ON t.tenant_id = seller.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.fleet_theme(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.fleet_theme(uuid) TO portico_app;
