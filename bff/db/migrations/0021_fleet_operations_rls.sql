-- Fleet operations: Row-Level Security for the tables of 0020_fleet_operations.sql, and the
-- finding-title catalogue that lets text search use an index under RLS.

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['scan_schedules', 'notification_preferences', 'notification_deliveries'] LOOP
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

-- Notification preferences and deliveries: a user reaches its own; an admin (MSP admin, or a
-- customer admin in its own organisation) reaches those of every user it can see.
CREATE FUNCTION portico.principal_is_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(pg_catalog.current_setting('portico.role', true), '') IN ('msp_admin', 'customer_admin')
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.principal_is_admin() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.principal_is_admin() TO portico_app;
--> statement-breakpoint
CREATE POLICY notification_preferences_own_or_admin ON public.notification_preferences AS RESTRICTIVE
  USING (user_id = (SELECT portico.principal_user()) OR (SELECT portico.principal_is_admin()))
  WITH CHECK (user_id = (SELECT portico.principal_user()) OR (SELECT portico.principal_is_admin()));
--> statement-breakpoint
CREATE POLICY notification_deliveries_own_or_admin ON public.notification_deliveries AS RESTRICTIVE
  USING (user_id = (SELECT portico.principal_user()) OR (SELECT portico.principal_is_admin()))
  WITH CHECK (user_id = (SELECT portico.principal_user()) OR (SELECT portico.principal_is_admin()));
--> statement-breakpoint
-- A delivery is a record of what went out.
REVOKE UPDATE, DELETE, TRUNCATE ON public.notification_deliveries FROM portico_app;
--> statement-breakpoint

-- Finding search -----------------------------------------------------------------------------
-- Text operators (LIKE, ILIKE, pg_trgm's %, full-text @@) are not LEAKPROOF, so under RLS the
-- planner may not use them as index conditions: it must apply the tenant policy first and then
-- test every visible row, which for an MSP admin is every finding of the fleet. Search therefore
-- matches text in a small catalogue of distinct (type, title) pairs, which has its own trigram
-- index, and then reads findings by `title_id = any(ids)`: integer equality is leakproof, so the
-- (title_id, tenant_id) index serves it under the tenant policy. The catalogue is private; a
-- request only learns ids, and reads findings, still through RLS.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX finding_titles_search_trgm ON portico.finding_titles USING gin (search_text public.gin_trgm_ops);
--> statement-breakpoint
CREATE FUNCTION portico.finding_search_text(p_type text, p_title text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT pg_catalog.lower(pg_catalog.replace(p_type, '_', ' ') || ' ' || p_title)
$$;
--> statement-breakpoint
-- The catalogue id of a (type, title), adding it when new.
CREATE FUNCTION portico.finding_title_id(p_type text, p_title text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  found integer;
BEGIN
  SELECT t.id INTO found FROM portico.finding_titles t WHERE t.type = p_type AND t.title = p_title;
  IF found IS NULL THEN
    INSERT INTO portico.finding_titles (type, title, search_text)
    VALUES (p_type, p_title, portico.finding_search_text(p_type, p_title))
    ON CONFLICT (type, title) DO NOTHING
    RETURNING id INTO found;
    IF found IS NULL THEN
      SELECT t.id INTO found FROM portico.finding_titles t WHERE t.type = p_type AND t.title = p_title;
    END IF;
  END IF;
  RETURN found;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.finding_title_id(text, text) FROM PUBLIC;
--> statement-breakpoint
CREATE FUNCTION portico.findings_set_title_id() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.title_id := portico.finding_title_id(NEW.type, NEW.title);
  RETURN NEW;
END $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.finding_title_id(text, text) TO portico_app;
--> statement-breakpoint
CREATE TRIGGER findings_title_id BEFORE INSERT OR UPDATE OF type, title ON public.findings
  FOR EACH ROW EXECUTE FUNCTION portico.findings_set_title_id();
--> statement-breakpoint
INSERT INTO portico.finding_titles (type, title, search_text)
SELECT DISTINCT f.type, f.title, portico.finding_search_text(f.type, f.title) FROM public.findings f
ON CONFLICT (type, title) DO NOTHING;
--> statement-breakpoint
UPDATE public.findings f SET title_id = t.id
  FROM portico.finding_titles t
 WHERE t.type = f.type AND t.title = f.title AND f.title_id IS DISTINCT FROM t.id;
--> statement-breakpoint
-- The search counts every finding a title matches by customer, severity and type, filtered by
-- status and age. A title's findings lie all over the table (rows are stored by tenant), so
-- reading those columns from the heap costs a page per finding; carried in the index, they come
-- from an index-only scan. Same key columns as schema.ts declares (drizzle has no INCLUDE).
DROP INDEX public.findings_title_tenant_idx;
--> statement-breakpoint
CREATE INDEX findings_title_tenant_idx ON public.findings USING btree (title_id, tenant_id) INCLUDE (status, severity, type, first_seen_at);
--> statement-breakpoint
-- Ids of the catalogue entries whose text holds every word of `p_query` (case-insensitive
-- substrings; LIKE wildcards in the query are taken literally). The longest word goes through
-- the trigram index; the others filter the few rows it finds.
CREATE FUNCTION portico.finding_title_matches(p_query text) RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  words text[];
  patterns text[];
  longest text;
BEGIN
  SELECT pg_catalog.array_agg(w ORDER BY pg_catalog.length(w) DESC)
    INTO words
    FROM pg_catalog.regexp_split_to_table(pg_catalog.lower(pg_catalog.btrim(coalesce(p_query, ''))), '[\s_]+') AS w
   WHERE w <> '';
  IF words IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT pg_catalog.array_agg('%' || pg_catalog.regexp_replace(w, '([\\%_])', '\\\1', 'g') || '%')
    INTO patterns FROM pg_catalog.unnest(words) AS w;
  longest := patterns[1];
  RETURN (
    SELECT coalesce(pg_catalog.array_agg(t.id), '{}'::integer[])
      FROM portico.finding_titles t
     WHERE t.search_text LIKE longest
       AND t.search_text LIKE ALL (patterns)
  );
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.finding_title_matches(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.finding_title_matches(text) TO portico_app;
