-- The name of the seller an org is attributed to (the nearest MSP or sub-partner above it), for
-- the executive report's "Prepared by". A customer's users cannot see their seller's org row,
-- so this reads it for any org the principal manages, and answers only that one name.
CREATE FUNCTION portico.seller_name(p_org uuid)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT o.name
    FROM portico.org_closure c
    JOIN public.orgs o ON o.id = c.ancestor_id
   WHERE c.descendant_id = p_org
     AND c.depth > 0
     AND o.kind IN ('msp', 'partner')
     AND p_org = any(portico.managed_tenants())
   ORDER BY c.depth
   LIMIT 1
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.seller_name(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.seller_name(uuid) TO portico_app;
