-- The volume band counts a subscription's units only while it is purchased, so the portfolio's
-- events now carry the plan each one sets (0014_subscription_plan_events.sql). A `started`
-- event stored before the plan was recorded reads as the subscription's plan: one still a trial
-- started as a trial; any other started purchased (a conversion before 0014 left no event, so
-- such a subscription counts as purchased from its start, as it did until now).
DROP FUNCTION portico.portfolio_events(uuid, timestamptz);
--> statement-breakpoint
CREATE FUNCTION portico.portfolio_events(p_seller uuid, p_until timestamptz)
RETURNS TABLE (tenant_id uuid, at timestamptz, kind text, plan text, ips_internal integer, ips_external integer, effective_at timestamptz, ref text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT e.tenant_id, e.at, e.kind::text,
         coalesce(e.plan::text, CASE WHEN e.kind::text = 'started' THEN s.plan::text END),
         e.ips_internal, e.ips_external, e.effective_at, e.ref
    FROM public.subscription_events e
    JOIN public.subscriptions s ON s.tenant_id = e.tenant_id AND s.id = e.subscription_id
   WHERE p_seller = any(portico.visible_tenants())
     AND s.plan = 'purchased'
     AND e.tenant_id IN (SELECT portico.portfolio_members(p_seller))
     AND e.at <= p_until
   ORDER BY e.tenant_id, e.at, e.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION portico.portfolio_events(uuid, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION portico.portfolio_events(uuid, timestamptz) TO portico_app;
