-- Customer lifecycle: Row-Level Security for the tables of 0007_lifecycle.sql, and the two
-- SECURITY DEFINER functions a request needs to step outside its visible set in a controlled
-- way: creating an org (the request role cannot insert into orgs) and accepting an invite
-- (the person accepting has no session yet).

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['invites', 'idempotency_keys', 'notifications', 'email_messages'] LOOP
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
-- A user replays only its own idempotent responses.
CREATE POLICY idempotency_keys_own ON public.idempotency_keys AS RESTRICTIVE
  USING (user_id = (SELECT portico.principal_user()))
  WITH CHECK (user_id = (SELECT portico.principal_user()));
--> statement-breakpoint
-- Requests record notifications and queue email; the sender (running as the owner) updates
-- email status. Nothing is deleted by a request: purging a tenant removes its rows.
REVOKE UPDATE, DELETE, TRUNCATE ON public.notifications, public.email_messages FROM portico_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON public.invites FROM portico_app;
--> statement-breakpoint

-- Creating an org ------------------------------------------------------------------------
-- An MSP admin creates a customer, sub-partner or enterprise below an org it manages; an
-- enterprise admin's MSP creates sub-organisations (kind `customer`) below the enterprise.
-- Everything else about the new tenant (profile, subscription, users) is inserted by the
-- request role afterwards, through the ordinary policies: the closure trigger has made the
-- new org part of the caller's subtree by then.
CREATE FUNCTION portico.create_org(
  p_parent uuid, p_kind public.org_kind, p_slug text, p_name text, p_country text,
  p_state text, p_time_zone text, p_currency text
) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  new_id uuid := pg_catalog.gen_random_uuid();
  parent_kind public.org_kind;
BEGIN
  IF pg_catalog.current_setting('portico.role', true) IS DISTINCT FROM 'msp_admin'
     OR NOT (p_parent = any(portico.visible_tenants())) THEN
    RAISE EXCEPTION 'the parent org is not managed by the caller' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT o.kind INTO parent_kind FROM public.orgs o WHERE o.id = p_parent;
  IF p_kind = 'msp'
     OR (parent_kind IN ('msp', 'partner') AND p_kind NOT IN ('customer', 'partner', 'enterprise'))
     OR (parent_kind = 'enterprise' AND p_kind <> 'customer')
     OR parent_kind = 'customer' THEN
    RAISE EXCEPTION 'an org of kind % cannot be created below a %', p_kind, parent_kind USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO public.orgs (id, parent_id, kind, slug, name, country, state, time_zone, currency)
  VALUES (new_id, p_parent, p_kind, p_slug, p_name, p_country, p_state, p_time_zone, p_currency);
  RETURN new_id;
END $$;
--> statement-breakpoint

-- Accepting an invite --------------------------------------------------------------------
-- The invitee has no session: the token is the credential. Returns the outcome and, when the
-- token is known, the tenant and user it belongs to. An expired or replaced token changes
-- nothing.
CREATE FUNCTION portico.accept_invite(p_token_hash text, p_now timestamptz)
RETURNS TABLE (outcome text, tenant_id uuid, user_id uuid, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv public.invites%ROWTYPE;
BEGIN
  SELECT * INTO inv FROM public.invites i WHERE i.token_hash = p_token_hash FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF inv.accepted_at IS NOT NULL THEN
    RETURN QUERY SELECT 'already_accepted'::text, inv.tenant_id, inv.user_id, inv.email;
    RETURN;
  END IF;
  IF inv.expires_at <= p_now THEN
    RETURN QUERY SELECT 'expired'::text, inv.tenant_id, inv.user_id, inv.email;
    RETURN;
  END IF;
  UPDATE public.invites i SET accepted_at = p_now WHERE i.tenant_id = inv.tenant_id AND i.id = inv.id;
  UPDATE public.users u SET status = 'active' WHERE u.tenant_id = inv.tenant_id AND u.id = inv.user_id AND u.status = 'invited';
  INSERT INTO public.audit_log (tenant_id, at, actor_id, actor_role, action, target_id, after)
  VALUES (inv.tenant_id, p_now, inv.user_id, 'invitee', 'user.invite_accepted', inv.user_id,
          pg_catalog.jsonb_build_object('email', inv.email));
  RETURN QUERY SELECT 'accepted'::text, inv.tenant_id, inv.user_id, inv.email;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.create_org(uuid, public.org_kind, text, text, text, text, text, text), portico.accept_invite(text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.create_org(uuid, public.org_kind, text, text, text, text, text, text), portico.accept_invite(text, timestamptz) TO portico_app;
