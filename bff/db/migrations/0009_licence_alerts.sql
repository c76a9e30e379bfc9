-- Licence alerts: two SECURITY DEFINER functions a licence request needs to look one step
-- outside its visible set, each answering only about a customer the caller may see.
--
-- A threshold alert goes to the admins of the org that manages the customer (its MSP or
-- sub-partner). An account manager, an analyst of another branch or the customer's own admin
-- cannot read those users through RLS, yet any of them may be the one whose request crosses
-- the threshold; the recipients must not depend on who asked. Answers the managing org's name
-- (the email's sender line) with each address.
CREATE FUNCTION portico.licence_alert_recipients(p_customer uuid)
RETURNS TABLE (manager_name text, email text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF p_customer IS NULL OR NOT (p_customer = any(portico.visible_tenants())) THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT DISTINCT m.name, u.email
      FROM public.orgs o
      JOIN public.orgs m ON m.id = o.parent_id
      JOIN public.users u ON u.tenant_id = m.id AND u.status = 'active'
      JOIN public.role_assignments r ON r.tenant_id = u.tenant_id AND r.user_id = u.id AND r.role = 'msp_admin'
     WHERE o.id = p_customer
     ORDER BY u.email;
END $$;
--> statement-breakpoint
-- Billing periods run on the MSP's clock: the time zone of the MSP at the root of the org's
-- tree, which a customer's own users cannot read through RLS. Null when the caller does not
-- manage the org.
CREATE FUNCTION portico.msp_time_zone(p_org uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN (
    SELECT o.time_zone
      FROM portico.org_closure c
      JOIN public.orgs o ON o.id = c.ancestor_id AND o.kind = 'msp'
     WHERE c.descendant_id = p_org
       AND p_org = any(portico.managed_tenants())
  );
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.licence_alert_recipients(uuid), portico.msp_time_zone(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.licence_alert_recipients(uuid), portico.msp_time_zone(uuid) TO portico_app;
