-- Price history: Row-Level Security and the append-only rule for price_table_versions
-- (0012_price_history.sql), the versions the tables saved before had, and a set-based
-- portfolio: a seller's customers found with one anti-join instead of portico.seller_of per row.

ALTER TABLE public.price_table_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE public.price_table_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY price_table_versions_visible ON public.price_table_versions
  USING (tenant_id = any((SELECT portico.visible_tenants())::uuid[]))
  WITH CHECK (tenant_id = any((SELECT portico.visible_tenants())::uuid[]));
--> statement-breakpoint

-- Like subscription events: the request role may insert and read versions, nothing else; the
-- trigger refuses an update by anyone and a delete by the request role, so only the purge
-- (running as the owner) removes a tenant's history.
REVOKE UPDATE, DELETE, TRUNCATE ON public.price_table_versions FROM portico_app;
--> statement-breakpoint
CREATE FUNCTION portico.price_table_versions_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_user <> 'portico_app' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'price_table_versions is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER price_table_versions_append_only BEFORE UPDATE OR DELETE ON public.price_table_versions
  FOR EACH ROW EXECUTE FUNCTION portico.price_table_versions_append_only();
--> statement-breakpoint

-- Tables saved before there was a history become their own first version. Nothing older is
-- known, so it holds from the first subscription event on (or from its save, if earlier).
INSERT INTO public.price_table_versions
  (tenant_id, version, kind, currency, article_name, article_number, tiers, prepaid_discount_bps, valid_from)
SELECT pt.tenant_id, pt.version, pt.kind, pt.currency, pt.article_name, pt.article_number, pt.tiers,
       pt.prepaid_discount_bps, least(pt.updated_at, (SELECT min(e.at) FROM public.subscription_events e))
  FROM public.price_tables pt;
--> statement-breakpoint

-- The orgs a seller sells to directly: its descendants, minus those below another MSP or
-- sub-partner inside its subtree (they are that one's portfolio). One statement for the whole
-- portfolio; the seller_of-per-row form ran a closure lookup for each customer.
CREATE FUNCTION portico.portfolio_members(p_seller uuid) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT c.descendant_id
    FROM portico.org_closure c
   WHERE c.ancestor_id = p_seller AND c.depth > 0
     AND NOT EXISTS (
       SELECT 1
         FROM portico.org_closure inner_seller
         JOIN public.orgs o ON o.id = inner_seller.descendant_id AND o.kind IN ('msp', 'partner')
         JOIN portico.org_closure below ON below.ancestor_id = inner_seller.descendant_id AND below.depth > 0
        WHERE inner_seller.ancestor_id = p_seller AND inner_seller.depth > 0
          AND below.descendant_id = c.descendant_id)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION portico.portfolio_units(p_seller uuid) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(sum(s.ips_internal + s.ips_external), 0)::bigint
    FROM public.subscriptions s
   WHERE s.tenant_id IN (SELECT portico.portfolio_members(p_seller))
     AND s.plan = 'purchased' AND s.cancelled_at IS NULL
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION portico.portfolio_customers(p_seller uuid) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT cp.tenant_id
    FROM public.customer_profiles cp
   WHERE cp.tenant_id IN (SELECT portico.portfolio_members(p_seller))
     AND cp.tenant_id = any(portico.visible_tenants())
$$;
--> statement-breakpoint
-- The subscription events of a seller's purchased subscriptions up to an instant, all of them
-- (the customers the caller cannot see count for the volume band too), for a seller the caller
-- may see. The invoice preview replays them to find the portfolio's units at a period's start.
CREATE FUNCTION portico.portfolio_events(p_seller uuid, p_until timestamptz)
RETURNS TABLE (tenant_id uuid, at timestamptz, kind text, ips_internal integer, ips_external integer, effective_at timestamptz, ref text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT e.tenant_id, e.at, e.kind::text, e.ips_internal, e.ips_external, e.effective_at, e.ref
    FROM public.subscription_events e
    JOIN public.subscriptions s ON s.tenant_id = e.tenant_id AND s.id = e.subscription_id
   WHERE p_seller = any(portico.visible_tenants())
     AND s.plan = 'purchased'
     AND e.tenant_id IN (SELECT portico.portfolio_members(p_seller))
     AND e.at <= p_until
   ORDER BY e.tenant_id, e.at, e.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.portfolio_members(uuid), portico.portfolio_events(uuid, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.portfolio_events(uuid, timestamptz) TO portico_app;
