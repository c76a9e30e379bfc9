ALTER TABLE "themes" DROP COLUMN "logo_url";--> statement-breakpoint

-- Branding: Row-Level Security for the tables of 0018_branding.sql ---------------------------
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['logos', 'report_schedules', 'report_sends'] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY %I ON public.%I
         USING (tenant_id = any((SELECT portico.visible_tenants())::uuid[]))
         WITH CHECK (tenant_id = any((SELECT portico.visible_tenants())::uuid[]))',
      t || '_visible', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- A logo is never changed (a new upload is a new row); a send is a record of what went out.
REVOKE UPDATE, TRUNCATE ON public.logos FROM portico_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON public.report_sends FROM portico_app;
--> statement-breakpoint

-- A logo's bytes by its id, for anyone: widgets show it with <img>, which sends no token, and
-- the id is a random UUID that only a theme answer reveals. Nothing else of the row is answered.
CREATE FUNCTION portico.logo_image(p_id uuid)
RETURNS TABLE (content_type text, image bytea, raster bytea, sha256 text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT l.content_type, l.image, l.raster, l.sha256 FROM public.logos l WHERE l.id = p_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.logo_image(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.logo_image(uuid) TO portico_app;
--> statement-breakpoint

-- The fleet theme now carries the seller's logo too.
DROP FUNCTION portico.fleet_theme(uuid);
--> statement-breakpoint
CREATE FUNCTION portico.fleet_theme(p_org uuid)
RETURNS TABLE (
  tenant_id uuid, color_primary text, color_accent text, color_background text, color_text text,
  color_danger text, color_warning text, color_success text, font_family text, border_radius text,
  spacing_unit text, mode text, logo_id uuid
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
         t.spacing_unit, t.mode::text, t.logo_id
    FROM seller JOIN public.themes t ON t.tenant_id = seller.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.fleet_theme(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.fleet_theme(uuid) TO portico_app;
