-- Tenancy: the request role, the org closure, the visible-tenant functions and the
-- Row-Level Security policies. Hand-written because drizzle-kit does not model roles,
-- grants, SECURITY DEFINER functions or triggers.
--
-- The role that runs migrations owns every table and function here. It must be a superuser
-- or have BYPASSRLS: the SECURITY DEFINER functions below read RLS-protected tables as it.

-- The role every request transaction runs as (`set_config('role', 'portico_app', true)`).
-- Roles are cluster-wide, so several Portico databases on one server share it.
DO $$
BEGIN
  CREATE ROLE portico_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT portico_app TO %I', current_user);
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN
  NULL;
END $$;
--> statement-breakpoint

-- The org tree ------------------------------------------------------------------------
ALTER TABLE public.orgs
  ADD CONSTRAINT orgs_parent_fk FOREIGN KEY (parent_id) REFERENCES public.orgs (id);
--> statement-breakpoint
ALTER TABLE public.orgs
  ADD CONSTRAINT orgs_root_is_msp CHECK ((parent_id IS NULL) = (kind = 'msp'));
--> statement-breakpoint
ALTER TABLE portico.org_closure
  ADD CONSTRAINT org_closure_ancestor_fk FOREIGN KEY (ancestor_id) REFERENCES public.orgs (id) ON DELETE CASCADE,
  ADD CONSTRAINT org_closure_descendant_fk FOREIGN KEY (descendant_id) REFERENCES public.orgs (id) ON DELETE CASCADE;
--> statement-breakpoint
CREATE FUNCTION portico.orgs_closure_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO portico.org_closure (ancestor_id, descendant_id, depth)
  SELECT c.ancestor_id, NEW.id, c.depth + 1
    FROM portico.org_closure c
   WHERE c.descendant_id = NEW.parent_id
  UNION ALL
  SELECT NEW.id, NEW.id, 0;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER orgs_closure_insert AFTER INSERT ON public.orgs
  FOR EACH ROW EXECUTE FUNCTION portico.orgs_closure_insert();
--> statement-breakpoint
-- Moving an org would silently re-scope every row below it; it is not an update.
CREATE FUNCTION portico.orgs_parent_immutable() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.kind IS DISTINCT FROM OLD.kind THEN
    RAISE EXCEPTION 'an org cannot change its parent or kind' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER orgs_parent_immutable BEFORE UPDATE ON public.orgs
  FOR EACH ROW EXECUTE FUNCTION portico.orgs_parent_immutable();
--> statement-breakpoint

-- The audit log is append-only ----------------------------------------------------------
CREATE FUNCTION portico.audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON public.audit_log
  FOR EACH ROW EXECUTE FUNCTION portico.audit_log_append_only();
--> statement-breakpoint

-- Who is asking --------------------------------------------------------------------------
-- A request sets `portico.principal` (a user id) and `portico.role` (the role its session
-- was minted for), or `portico.api_key` (an API key id) for server-to-server calls. Anything
-- else, including nothing at all, sees nothing.
--
-- These functions are PL/pgSQL wrappers around one SQL query each (`RETURN (query)`), not
-- LANGUAGE sql: a non-inlinable SQL function is parsed and planned again on every call, and
-- every policy reference in a statement evaluates the set once (one InitPlan per table
-- reference), so a fleet query paid that planning five times per request (about half of an
-- 18 ms query for an MSP with 860 customers; see docs/benchmarks.md). PL/pgSQL keeps the
-- plans for the life of the connection; the queries and their results are unchanged.
CREATE FUNCTION portico.principal_home() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN (
    SELECT coalesce(
      (SELECT u.tenant_id FROM public.users u
        WHERE u.id = nullif(current_setting('portico.principal', true), '')::uuid),
      (SELECT k.tenant_id FROM public.api_keys k
        WHERE k.id = nullif(current_setting('portico.api_key', true), '')::uuid
          AND k.revoked_at IS NULL)
    )
  );
END $$;
--> statement-breakpoint
-- Orgs whose directory entry and customer profile the principal may see. Revoked customers
-- are still listed here, so the fleet can show them as "connection lost".
CREATE FUNCTION portico.managed_tenants() RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN (
    WITH me AS (
      SELECT u.id, u.tenant_id, r.role::text AS role
        FROM public.users u
        JOIN public.role_assignments r ON r.user_id = u.id AND r.tenant_id = u.tenant_id
       WHERE u.id = nullif(current_setting('portico.principal', true), '')::uuid
         AND u.status = 'active'
         AND r.role::text = current_setting('portico.role', true)
    )
    SELECT coalesce(array_agg(DISTINCT s.tenant_id), '{}'::uuid[]) FROM (
      -- MSP admins and analysts: their org and everything below it.
      SELECT c.descendant_id AS tenant_id
        FROM me JOIN portico.org_closure c ON c.ancestor_id = me.tenant_id
       WHERE me.role IN ('msp_admin', 'msp_analyst')
      UNION ALL
      -- Account managers and marketing: their own org (no customer data by itself).
      SELECT me.tenant_id FROM me WHERE me.role IN ('msp_account_manager', 'msp_marketing')
      UNION ALL
      -- Account managers: the subtrees of their assigned customers inside their own org.
      SELECT c.descendant_id
        FROM me
        JOIN public.account_manager_assignments a ON a.user_id = me.id
        JOIN portico.org_closure inside ON inside.ancestor_id = me.tenant_id
                                       AND inside.descendant_id = a.tenant_id
        JOIN portico.org_closure c ON c.ancestor_id = a.tenant_id
       WHERE me.role = 'msp_account_manager'
      UNION ALL
      -- Customer users: their own subtree, only while the MSP delegates access to them.
      SELECT c.descendant_id
        FROM me
        JOIN public.customer_profiles cp ON cp.tenant_id = me.tenant_id
        JOIN portico.org_closure c ON c.ancestor_id = me.tenant_id
       WHERE cp.status NOT IN ('locked', 'deleting')
         AND ((me.role = 'customer_admin' AND cp.access_delegation = 'full')
           OR (me.role = 'customer_viewer' AND cp.access_delegation IN ('read_only', 'full')))
      UNION ALL
      -- API keys act for their org's subtree.
      SELECT c.descendant_id
        FROM public.api_keys k
        JOIN portico.org_closure c ON c.ancestor_id = k.tenant_id
       WHERE k.id = nullif(current_setting('portico.api_key', true), '')::uuid
         AND k.revoked_at IS NULL
    ) s
  );
END $$;
--> statement-breakpoint
-- Orgs whose data the principal may read and write: the managed set without customers that
-- revoked their MSP's access (unless the principal belongs to that customer).
CREATE FUNCTION portico.visible_tenants() RETURNS uuid[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN (
    WITH home AS (SELECT portico.principal_home() AS id)
    SELECT coalesce(array_agg(t), '{}'::uuid[])
      FROM unnest(portico.managed_tenants()) AS t
     WHERE NOT EXISTS (
       SELECT 1
         FROM portico.org_closure c
         JOIN public.customer_profiles cp ON cp.tenant_id = c.ancestor_id AND cp.revoked_at IS NOT NULL
        WHERE c.descendant_id = t
          AND NOT EXISTS (
            SELECT 1 FROM portico.org_closure mine, home
             WHERE mine.ancestor_id = cp.tenant_id AND mine.descendant_id = home.id
          )
     )
  );
END $$;
--> statement-breakpoint
-- The orgs at or below `root` that the principal manages (the closure itself stays private).
CREATE FUNCTION portico.subtree(root uuid) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT c.descendant_id
    FROM portico.org_closure c
   WHERE c.ancestor_id = root
     AND c.descendant_id = any(portico.managed_tenants())
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.principal_home(), portico.managed_tenants(), portico.visible_tenants(), portico.subtree(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA portico TO portico_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.principal_home(), portico.managed_tenants(), portico.visible_tenants(), portico.subtree(uuid) TO portico_app;
--> statement-breakpoint

-- Grants: the request role reads and writes public tables; RLS decides which rows. -----
GRANT USAGE ON SCHEMA public TO portico_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portico_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portico_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_log FROM portico_app;
--> statement-breakpoint
-- Orgs are created and removed by onboarding and purge code running as the owner.
REVOKE INSERT, DELETE, TRUNCATE ON public.orgs FROM portico_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portico_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO portico_app;
--> statement-breakpoint

-- Row-Level Security: enabled and forced on every table in public. ----------------------
ALTER TABLE public.orgs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE public.orgs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY orgs_managed ON public.orgs
  USING (id = any((SELECT portico.managed_tenants())::uuid[]))
  WITH CHECK (id = any((SELECT portico.managed_tenants())::uuid[]));
--> statement-breakpoint
ALTER TABLE public.customer_profiles ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE public.customer_profiles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY customer_profiles_managed ON public.customer_profiles
  USING (tenant_id = any((SELECT portico.managed_tenants())::uuid[]))
  WITH CHECK (tenant_id = any((SELECT portico.managed_tenants())::uuid[]));
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'users', 'role_assignments', 'account_manager_assignments', 'subscriptions', 'assets',
    'scans', 'findings', 'posture_snapshots', 'customer_metrics', 'themes', 'api_keys',
    'audit_log'
  ] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY %I ON public.%I
         USING (tenant_id = any((SELECT portico.visible_tenants())::uuid[]))
         WITH CHECK (tenant_id = any((SELECT portico.visible_tenants())::uuid[]))',
      t || '_visible', t);
  END LOOP;
END $$;
