-- Pricing and billing: Row-Level Security for the tables of 0010_pricing.sql, the append-only
-- rule of subscription events, and the SECURITY DEFINER functions that find a customer's seller
-- (the nearest MSP or sub-partner above it), its price list and its portfolio.

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['price_tables', 'subscription_events', 'project_keys'] LOOP
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

-- Subscription events are append-only ----------------------------------------------------
-- The request role may insert and read them, nothing else; the trigger also refuses an update
-- by anyone, and a delete by the request role. Purging a tenant (bff/jobs/purge.ts, running as
-- the owner) still deletes them.
REVOKE UPDATE, DELETE, TRUNCATE ON public.subscription_events FROM portico_app;
--> statement-breakpoint
CREATE FUNCTION portico.subscription_events_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_user <> 'portico_app' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'subscription_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER subscription_events_append_only BEFORE UPDATE OR DELETE ON public.subscription_events
  FOR EACH ROW EXECUTE FUNCTION portico.subscription_events_append_only();
--> statement-breakpoint
-- Project keys and price tables are changed, never deleted, by a request.
REVOKE DELETE, TRUNCATE ON public.price_tables, public.project_keys FROM portico_app;
--> statement-breakpoint

-- Sellers ----------------------------------------------------------------------------------
-- The org that sells to a customer: its nearest ancestor that is an MSP or a sub-partner.
CREATE FUNCTION portico.seller_of(p_org uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT c.ancestor_id
    FROM portico.org_closure c
    JOIN public.orgs o ON o.id = c.ancestor_id AND o.kind IN ('msp', 'partner')
   WHERE c.descendant_id = p_org AND c.depth > 0
   ORDER BY c.depth
   LIMIT 1
$$;
--> statement-breakpoint
-- What pricing an org needs, for an org the caller may see (no rows otherwise): its seller
-- (the org itself when it is an MSP or sub-partner, else the nearest one above it), the
-- seller's billing partnership and time zone, both price tables (null when the seller has
-- none), and the seller's portfolio — the IPs of its purchased, running subscriptions, which
-- pick the volume band of its cost. A customer's own users cannot read the seller's rows; the
-- route decides what of this it shows (never the cost to a customer).
CREATE FUNCTION portico.pricing_context(p_customer uuid)
RETURNS TABLE (seller_id uuid, partnership text, time_zone text, currency text, sell jsonb, cost jsonb,
               article_name text, article_number text, prepaid_discount_bps integer, portfolio_units bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  s uuid;
BEGIN
  IF p_customer IS NULL OR NOT (p_customer = any(portico.visible_tenants())) THEN
    RETURN;
  END IF;
  SELECT CASE WHEN o.kind IN ('msp', 'partner') THEN o.id ELSE portico.seller_of(o.id) END INTO s
    FROM public.orgs o WHERE o.id = p_customer;
  IF s IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT o.id, coalesce(o.partnership_type::text, 'reseller'), o.time_zone,
           coalesce(ps.currency, o.currency), ps.tiers, pc.tiers, ps.article_name, ps.article_number,
           coalesce(pc.prepaid_discount_bps, 0), portico.portfolio_units(o.id)
      FROM public.orgs o
      LEFT JOIN public.price_tables ps ON ps.tenant_id = o.id AND ps.kind = 'sell'
      LEFT JOIN public.price_tables pc ON pc.tenant_id = o.id AND pc.kind = 'cost'
     WHERE o.id = s;
END $$;
--> statement-breakpoint
-- The IPs a seller bills: those of the purchased, not cancelled subscriptions of the customers
-- it sells to directly (a sub-partner's customers count for the sub-partner).
CREATE FUNCTION portico.portfolio_units(p_seller uuid) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(sum(s.ips_internal + s.ips_external), 0)::bigint
    FROM portico.org_closure c
    JOIN public.subscriptions s ON s.tenant_id = c.descendant_id
   WHERE c.ancestor_id = p_seller AND c.depth > 0
     AND s.plan = 'purchased' AND s.cancelled_at IS NULL
     AND portico.seller_of(c.descendant_id) = p_seller
$$;
--> statement-breakpoint
-- The customers a seller sells to directly, among those the caller may see.
CREATE FUNCTION portico.portfolio_customers(p_seller uuid) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT c.descendant_id
    FROM portico.org_closure c
    JOIN public.customer_profiles cp ON cp.tenant_id = c.descendant_id
   WHERE c.ancestor_id = p_seller AND c.depth > 0
     AND portico.seller_of(c.descendant_id) = p_seller
     AND c.descendant_id = any(portico.visible_tenants())
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.seller_of(uuid), portico.pricing_context(uuid), portico.portfolio_units(uuid), portico.portfolio_customers(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.pricing_context(uuid), portico.portfolio_customers(uuid) TO portico_app;
