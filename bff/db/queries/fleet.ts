import { sql, type SQL } from 'drizzle-orm';
import { averageIpPrice } from '../../domain/pricing.js';
import { queryRows, type Tx } from '../client.js';

/**
 * The fleet: one row per customer the principal manages, with what the fleet view shows.
 * These queries carry no tenant filter of their own — run them inside `withScope` and RLS
 * decides which customers exist. (The benchmark runs the same SQL without RLS.)
 */

export const fleetSorts = ['name', 'status', 'postureScore', 'lastScan', 'licenceUse'] as const;
export type FleetSort = (typeof fleetSorts)[number];

export interface FleetQuery {
  sort: FleetSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: { key: string; id: string } | undefined;
  status?: string[] | undefined;
  plan?: string[] | undefined;
  serviceMode?: string[] | undefined;
  paymentMethod?: string[] | undefined;
  tag?: string[] | undefined;
  q?: string | undefined;
  lastScanBefore?: Date | undefined;
  lastScanAfter?: Date | undefined;
  /** Only this customer (the detail view). */
  id?: string | undefined;
}

/** Sort expressions with their SQL type; nulls get a sentinel so keyset paging stays total. */
const sortKeys: Record<FleetSort, { expr: SQL; type: SQL }> = {
  name: { expr: sql`lower(o.name)`, type: sql`text` },
  status: { expr: sql`(case when cp.revoked_at is not null then 'connection_lost' else cp.status::text end)`, type: sql`text` },
  postureScore: { expr: sql`coalesce(m.posture_score, -1)`, type: sql`int` },
  lastScan: { expr: sql`coalesce(m.last_scan_at, '-infinity'::timestamptz)`, type: sql`timestamptz` },
  licenceUse: { expr: sql`coalesce(${licenceUseExpr()}, -1)`, type: sql`float8` },
};

function licencesUsedExpr(): SQL {
  return sql`(case s.licence_model when 'per_scan' then m.scans_this_month else m.assets_count end)`;
}

function licenceUseExpr(): SQL {
  return sql`(case when s.licence_model = 'unlimited' or coalesce(s.licence_quota, 0) = 0 then null
                   else ${licencesUsedExpr()}::float8 / s.licence_quota end)`;
}

/**
 * The current subscription of each customer: the newest one. A `distinct on` derived table
 * rather than a `lateral … limit 1`: the lateral form forces one index probe per customer, and
 * under RLS every probe also walks the whole visible-tenant array (`tenant_id = any($set)` is an
 * index condition), so it cost O(customers × visible tenants). This form can be hash-joined.
 */
const currentSubscription = sql`left join (
    select distinct on (s0.tenant_id) s0.* from subscriptions s0 order by s0.tenant_id, s0.started_at desc
  ) s on s.tenant_id = o.id`;

/**
 * Plan settings for queries over a principal's whole scope (lists and totals, not one customer).
 *
 * The planner cannot see the size of the visible-tenant set: `tenant_id = any($initplan)`
 * is estimated as if the array had 10 elements, so for an MSP with hundreds of customers it
 * expects a handful of rows per table and picks nested loops with per-row index probes (each
 * probe costs O(visible tenants) on PostgreSQL 15) and sequential scans that compare every
 * row with every element of the array. Hash joins over bitmap index scans on `tenant_id`
 * are the right plan at every scope size for these tables (at most a few rows per tenant), so
 * the list queries ask for them. Transaction-local and restored afterwards; `jit = off` keeps
 * the disabled-path cost penalty from ever triggering JIT compilation.
 */
export async function withScopePlan<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  const [before] = await queryRows<{ nestloop: string; seqscan: string; jit: string }>(
    tx,
    sql`select current_setting('enable_nestloop') as nestloop, current_setting('enable_seqscan') as seqscan,
               current_setting('jit') as jit,
               set_config('enable_nestloop', 'off', true), set_config('enable_seqscan', 'off', true),
               set_config('jit', 'off', true)`,
  );
  // On error the transaction is aborted and rolls the settings back with it.
  const result = await work();
  if (before) {
    await tx.execute(sql`select set_config('enable_nestloop', ${before.nestloop}, true),
                                set_config('enable_seqscan', ${before.seqscan}, true),
                                set_config('jit', ${before.jit}, true)`);
  }
  return result;
}

function filters(q: FleetQuery): SQL[] {
  const where: SQL[] = [sql`o.kind in ('customer', 'enterprise')`];
  if (q.id) where.push(sql`o.id = ${q.id}::uuid`);
  if (q.status?.length) where.push(sql`${sortKeys.status.expr} = any(${sql.param(q.status)}::text[])`);
  if (q.plan?.length) where.push(sql`s.plan::text = any(${sql.param(q.plan)}::text[])`);
  if (q.serviceMode?.length) where.push(sql`cp.service_mode::text = any(${sql.param(q.serviceMode)}::text[])`);
  if (q.paymentMethod?.length) where.push(sql`cp.payment_method::text = any(${sql.param(q.paymentMethod)}::text[])`);
  if (q.tag?.length) {
    // Tags compare ignoring case, as POST /v1/fleet/tags stores and matches them.
    const keys = q.tag.map((t) => t.toLocaleLowerCase('en-US'));
    where.push(sql`exists (select 1 from unnest(cp.tags) as t(tag) where lower(t.tag) = any(${sql.param(keys)}::text[]))`);
  }
  if (q.q) where.push(sql`o.name ilike ${'%' + q.q.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%'}`);
  if (q.lastScanBefore) where.push(sql`m.last_scan_at < ${q.lastScanBefore.toISOString()}::timestamptz`);
  if (q.lastScanAfter) where.push(sql`m.last_scan_at >= ${q.lastScanAfter.toISOString()}::timestamptz`);
  return where;
}

export interface FleetRowData {
  id: string;
  slug: string;
  name: string;
  kind: 'customer' | 'enterprise';
  parentId: string;
  parentName: string | null;
  country: string;
  status: string;
  serviceMode: string;
  paymentMethod: string;
  accessDelegation: string;
  tags: string[];
  plan: string | null;
  licenceModel: string | null;
  licencesUsed: number | null;
  licenceQuota: number | null;
  licenceUse: number | null;
  ipsInternal: number | null;
  ipsExternal: number | null;
  currency: string | null;
  monthlyPriceMinor: number | null;
  acvMinor: number | null;
  /** The engine's `averageIpPrice` of the monthly price (half-even), not SQL's round(). */
  averageIpPriceMinor: number | null;
  renewsAt: Date | null;
  trialEndsAt: Date | null;
  postureScore: number | null;
  postureTrend: number | null;
  /** Daily scores of the last 30 days, oldest first. */
  postureHistory: number[] | null;
  lastScanAt: Date | null;
  openPriorityFindings: number | null;
  sortKey: string;
}

const toDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
const toNum = (v: unknown): number | null => (v == null ? null : Number(v));

export function fleetSelect(q: FleetQuery, { withPaging = true } = {}): SQL {
  const key = sortKeys[q.sort];
  const where = filters(q);
  if (withPaging && q.cursor) {
    const cmp = q.order === 'asc' ? sql`>` : sql`<`;
    where.push(sql`(${key.expr}, o.id) ${cmp} (${q.cursor.key}::${key.type}, ${q.cursor.id}::uuid)`);
  }
  const dir = q.order === 'asc' ? sql`asc` : sql`desc`;
  return sql`
    select o.id, o.slug, o.name, o.kind::text as kind, o.parent_id as "parentId", p.name as "parentName",
           o.country,
           ${sortKeys.status.expr} as status,
           cp.service_mode::text as "serviceMode", cp.payment_method::text as "paymentMethod",
           cp.access_delegation::text as "accessDelegation", cp.tags,
           s.plan::text as plan, s.licence_model::text as "licenceModel",
           (case when s.id is null then null else ${licencesUsedExpr()} end) as "licencesUsed",
           s.licence_quota as "licenceQuota", ${licenceUseExpr()} as "licenceUse",
           s.ips_internal as "ipsInternal", s.ips_external as "ipsExternal", s.currency,
           s.monthly_price_minor as "monthlyPriceMinor",
           (case when s.cancelled_at is null then s.monthly_price_minor * 12 else 0 end) as "acvMinor",
           s.renews_at as "renewsAt", s.trial_ends_at as "trialEndsAt",
           m.posture_score as "postureScore", m.posture_trend as "postureTrend", m.posture_history as "postureHistory",
           m.last_scan_at as "lastScanAt", m.open_priority_findings as "openPriorityFindings",
           ${key.expr}::text as "sortKey"
      from orgs o
      join customer_profiles cp on cp.tenant_id = o.id
      left join orgs p on p.id = o.parent_id
      ${currentSubscription}
      left join customer_metrics m on m.tenant_id = o.id
     where ${sql.join(where, sql` and `)}
     order by ${key.expr} ${dir}, o.id ${dir}
     ${withPaging ? sql`limit ${q.limit + 1}` : sql``}`;
}

export async function fleetPage(tx: Tx, q: FleetQuery): Promise<{ rows: FleetRowData[]; next: { key: string; id: string } | null }> {
  // One customer (the detail view) is a few index probes; only whole-scope lists need the plan.
  const select = fleetSelect(q);
  const raw = q.id
    ? await queryRows<Record<string, unknown>>(tx, select)
    : await withScopePlan(tx, () => queryRows<Record<string, unknown>>(tx, select));
  const rows = raw.map(toFleetRow);
  const hasMore = rows.length > q.limit;
  if (hasMore) rows.length = q.limit;
  const last = rows[rows.length - 1];
  return { rows, next: hasMore && last ? { key: last.sortKey, id: last.id } : null };
}

function toFleetRow(r: Record<string, unknown>): FleetRowData {
  const monthlyPriceMinor = toNum(r.monthlyPriceMinor);
  const ips = r.ipsInternal == null ? null : Number(r.ipsInternal) + Number(r.ipsExternal ?? 0);
  return {
    ...(r as unknown as FleetRowData),
    tags: (r.tags as string[] | null) ?? [],
    licencesUsed: toNum(r.licencesUsed),
    licenceQuota: toNum(r.licenceQuota),
    licenceUse: toNum(r.licenceUse),
    ipsInternal: toNum(r.ipsInternal),
    ipsExternal: toNum(r.ipsExternal),
    monthlyPriceMinor,
    acvMinor: toNum(r.acvMinor),
    // Computed by the pricing engine, so the fleet shows what a quote of these IPs shows.
    averageIpPriceMinor: monthlyPriceMinor === null || ips === null ? null : averageIpPrice(monthlyPriceMinor, ips),
    renewsAt: toDate(r.renewsAt),
    trialEndsAt: toDate(r.trialEndsAt),
    postureScore: toNum(r.postureScore),
    postureTrend: toNum(r.postureTrend),
    postureHistory: (r.postureHistory as unknown[] | null)?.map(Number) ?? null,
    lastScanAt: toDate(r.lastScanAt),
    openPriorityFindings: toNum(r.openPriorityFindings),
  };
}

export interface FleetSummary {
  customers: number;
  active: number;
  connectionLost: number;
  acv: { currency: string; amountMinor: number }[];
  renewalsNextThreeMonths: number;
}

/**
 * The fleet totals in one statement (exported so the benchmark runs the same SQL): one pass
 * over the customers, so each RLS policy's visible-tenant set is computed once, not twice.
 */
export function fleetSummarySelect(now: Date): SQL {
  return sql`with base as (
      select cp.status, cp.revoked_at, s.id as subscription_id, s.cancelled_at, s.renews_at, s.currency,
             s.monthly_price_minor
        from orgs o
        join customer_profiles cp on cp.tenant_id = o.id
        ${currentSubscription}
       where o.kind in ('customer', 'enterprise')
    )
    select (select count(*) from base)::int as customers,
           (select count(*) from base where status = 'active' and revoked_at is null)::int as active,
           (select count(*) from base where revoked_at is not null)::int as lost,
           (select count(*) from base
             where cancelled_at is null and renews_at >= ${now.toISOString()}::timestamptz
               and renews_at < ${now.toISOString()}::timestamptz + interval '3 months')::int as renewals,
           (select coalesce(json_agg(json_build_object('currency', a.currency, 'amount', a.amount) order by a.currency), '[]'::json)
              from (select currency, sum(monthly_price_minor * 12)::int8 as amount from base
                     where subscription_id is not null and cancelled_at is null
                     group by currency) a) as acv`;
}

export async function fleetSummary(tx: Tx, now: Date): Promise<FleetSummary> {
  const [row] = await withScopePlan(tx, () =>
    queryRows<{
      customers: number;
      active: number;
      lost: number;
      renewals: number;
      acv: { currency: string; amount: string | number }[] | string;
    }>(tx, fleetSummarySelect(now)),
  );
  // postgres.js parses json; PGlite may hand it over as text.
  const acv = typeof row?.acv === 'string' ? (JSON.parse(row.acv) as { currency: string; amount: number }[]) : (row?.acv ?? []);
  return {
    customers: row?.customers ?? 0,
    active: row?.active ?? 0,
    connectionLost: row?.lost ?? 0,
    acv: acv.map((a) => ({ currency: a.currency, amountMinor: Number(a.amount) })),
    renewalsNextThreeMonths: row?.renewals ?? 0,
  };
}
