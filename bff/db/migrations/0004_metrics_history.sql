-- Adds the 30-day posture history to the fleet figures, so a fleet page is one statement.
-- Recomputes the fleet figures of the given customers (all when `tenants` is null) from their
-- snapshots, scans, findings and assets. Runs as the owner after scans finish and after seeding;
-- SECURITY INVOKER, so a request role calling it would only touch rows RLS lets it see.
CREATE OR REPLACE FUNCTION portico.refresh_customer_metrics(tenants uuid[] DEFAULT NULL) RETURNS integer
LANGUAGE sql SET search_path = '' AS $$
  WITH targets AS (
    SELECT cp.tenant_id FROM public.customer_profiles cp
     WHERE tenants IS NULL OR cp.tenant_id = any(tenants)
  ),
  figures AS (
    SELECT t.tenant_id,
           latest.score AS posture_score,
           latest.score - coalesce(month_ago.score, latest.score) AS posture_trend,
           (SELECT coalesce(array_agg(p.score ORDER BY p.day), '{}'::smallint[]) FROM public.posture_snapshots p
             WHERE p.tenant_id = t.tenant_id AND p.day > latest.day - 30) AS posture_history,
           (SELECT max(s.finished_at) FROM public.scans s
             WHERE s.tenant_id = t.tenant_id AND s.status = 'completed') AS last_scan_at,
           (SELECT count(*) FROM public.findings f
             WHERE f.tenant_id = t.tenant_id AND f.status = 'open' AND f.severity IN ('critical', 'high'))::int
             AS open_priority_findings,
           (SELECT count(*) FROM public.assets a WHERE a.tenant_id = t.tenant_id)::int AS assets_count,
           (SELECT count(*) FROM public.scans s
             WHERE s.tenant_id = t.tenant_id AND s.started_at >= date_trunc('month', now()))::int AS scans_this_month
      FROM targets t
      LEFT JOIN LATERAL (
        SELECT p.score, p.day FROM public.posture_snapshots p
         WHERE p.tenant_id = t.tenant_id ORDER BY p.day DESC LIMIT 1
      ) latest ON true
      LEFT JOIN LATERAL (
        SELECT p.score FROM public.posture_snapshots p
         WHERE p.tenant_id = t.tenant_id AND p.day <= latest.day - 30 ORDER BY p.day DESC LIMIT 1
      ) month_ago ON true
  ),
  upserted AS (
    INSERT INTO public.customer_metrics AS m
           (tenant_id, posture_score, posture_trend, posture_history, last_scan_at, open_priority_findings,
            assets_count, scans_this_month, refreshed_at)
    SELECT tenant_id, posture_score, posture_trend, posture_history, last_scan_at, open_priority_findings,
           assets_count, scans_this_month, now()
      FROM figures
    ON CONFLICT (tenant_id) DO UPDATE SET
      posture_score = excluded.posture_score,
      posture_trend = excluded.posture_trend,
      posture_history = excluded.posture_history,
      last_scan_at = excluded.last_scan_at,
      open_priority_findings = excluded.open_priority_findings,
      assets_count = excluded.assets_count,
      scans_this_month = excluded.scans_this_month,
      refreshed_at = excluded.refreshed_at
    RETURNING 1
  )
  SELECT count(*)::int FROM upserted
$$;
