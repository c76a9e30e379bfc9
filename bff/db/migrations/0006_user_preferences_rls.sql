-- Row-Level Security for user_preferences (table DDL in 0005_user_preferences.sql).
--
-- Two policies. The permissive one is the tenant rule every tenant table has. The restrictive
-- one narrows it to the principal's own rows: an MSP admin sees every tenant below its MSP, but
-- not its colleagues' column choices. Both wrap their function in `(select …)` so it is an
-- InitPlan evaluated once per statement. An API key has no user, so it sees no preferences.

-- The user a request acts for, or null (no principal, or an API key). Not SECURITY DEFINER:
-- it reads only the request's own setting.
CREATE FUNCTION portico.principal_user() RETURNS uuid
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT nullif(pg_catalog.current_setting('portico.principal', true), '')::uuid
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.principal_user() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.principal_user() TO portico_app;
--> statement-breakpoint
-- Preferences are read and overwritten, never deleted by a request: purging a tenant or a user
-- removes them through the foreign keys.
GRANT SELECT, INSERT, UPDATE ON public.user_preferences TO portico_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON public.user_preferences FROM portico_app;
--> statement-breakpoint
ALTER TABLE public.user_preferences ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE public.user_preferences FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY user_preferences_visible ON public.user_preferences
  USING (tenant_id = any((SELECT portico.visible_tenants())::uuid[]))
  WITH CHECK (tenant_id = any((SELECT portico.visible_tenants())::uuid[]));
--> statement-breakpoint
CREATE POLICY user_preferences_own ON public.user_preferences AS RESTRICTIVE
  USING (user_id = (SELECT portico.principal_user()))
  WITH CHECK (user_id = (SELECT portico.principal_user()));
