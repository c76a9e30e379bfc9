import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';
import { eventsOf, portfolioCustomers, portfolioUnitsAt, priceVersions, pricingContext, type PricingContext } from '../db/queries/pricing.js';
import { periodContaining, type Partnership, type Period } from '../domain/billing.js';
import { annualContractValueAt, REPORT_PERIODS, periodsEndingWith, usageReport, type ScanCount, type UsageReport } from '../domain/usage-report.js';
import { HttpProblem, notFound } from '../http/problem.js';

/**
 * What the usage report reads, in one scoped transaction (RLS decides which customers exist):
 * the partnerships the caller may report on, and for one of them the invoice preview's own
 * inputs — the seller's portfolio customers, their subscription events, the seller's price
 * versions and the portfolio's units at each period's start — plus the scans per profile and
 * period. The figures are then computed by bff/domain/usage-report.ts from the billing engine.
 */

/** An org that sells (an MSP or a sub-partner) the caller may report on. */
export interface Seller {
  id: string;
  name: string;
  partnership: Partnership;
}

/**
 * The sellers in the caller's view: its own org and the sub-partners below it that RLS shows
 * (an account manager sees only its own org). An org without a partnership type bills as a
 * reseller, as `portico.pricing_context` says.
 */
export async function visibleSellers(tx: Tx): Promise<Seller[]> {
  return queryRows<Seller>(
    tx,
    sql`select o.id, o.name, coalesce(o.partnership_type::text, 'reseller') as partnership
          from orgs o where o.kind in ('msp', 'partner')
         order by o.parent_id is not null, o.name, o.id`,
  );
}

/**
 * The seller a request means: the one named by `sellerId` (404 when the caller cannot see it,
 * 400 when it is of the other type), else the caller's own org when it has this type, else the
 * first of this type. Null when the caller sees no seller of the type.
 */
export function chooseSeller(sellers: Seller[], homeOrg: string, type: Partnership | undefined, sellerId: string | undefined): Seller | null {
  if (sellerId) {
    const named = sellers.find((s) => s.id === sellerId);
    if (!named) throw notFound('seller');
    if (type && named.partnership !== type) {
      throw new HttpProblem(400, 'invalid_request', `The seller bills as ${named.partnership}, not ${type}.`, [
        { pointer: '#/query/seller', detail: `is a ${named.partnership} partnership; ask with type=${named.partnership}` },
      ]);
    }
    return named;
  }
  const wanted = type ?? sellers.find((s) => s.id === homeOrg)?.partnership ?? sellers[0]?.partnership;
  return sellers.find((s) => s.id === homeOrg && s.partnership === wanted) ?? sellers.find((s) => s.partnership === wanted) ?? null;
}

/** A portfolio customer as the report lists it. */
export interface ReportCustomer {
  id: string;
  name: string;
  status: string;
  renewsAt: Date | null;
  renewsSoon: boolean;
  purchased: boolean;
}

export interface UsageData {
  ctx: PricingContext;
  customers: ReportCustomer[];
  report: UsageReport;
  /** The chosen period (the report's last). */
  period: Period;
  /** The portfolio now: what the fleet's totals count, for this seller's customers. */
  summary: { customers: number; active: number; acvMinor: number; renewalsNextThreeMonths: number };
}

/** Customers of a seller's portfolio with what the summary cards count, in the invoice preview's order. */
async function reportCustomers(tx: Tx, sellerId: string, now: Date): Promise<ReportCustomer[]> {
  const portfolio = await portfolioCustomers(tx, sellerId);
  if (portfolio.length === 0) return [];
  const rows = await queryRows<{ id: string; status: string; renews_at: Date | string | null; renews_soon: boolean }>(
    tx,
    sql`select cp.tenant_id as id, cp.status::text as status, s.renews_at,
               coalesce(s.cancelled_at is null and s.renews_at >= ${now.toISOString()}::timestamptz
                        and s.renews_at < ${now.toISOString()}::timestamptz + interval '3 months', false) as renews_soon
          from customer_profiles cp
          left join lateral (select renews_at, cancelled_at from subscriptions s where s.tenant_id = cp.tenant_id order by s.started_at desc limit 1) s on true
         where cp.tenant_id = any(${sql.param(portfolio.map((c) => c.id))}::uuid[])`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return portfolio.map((c) => {
    const r = byId.get(c.id);
    return { id: c.id, name: c.name, status: r?.status ?? 'active', renewsAt: r?.renews_at ? new Date(r.renews_at) : null, renewsSoon: r?.renews_soon ?? false, purchased: c.plan === 'purchased' };
  });
}

/**
 * Scans per customer, profile and period. An enterprise's sub-organisations scan on its licence,
 * so their scans count for it (as the licence meter counts them).
 */
async function scanCounts(tx: Tx, customerIds: string[], periods: Period[]): Promise<ScanCount[]> {
  if (customerIds.length === 0 || periods.length === 0) return [];
  const bounds = [...periods.map((p) => p.start), periods[periods.length - 1]!.end];
  const ids = sql.param(customerIds);
  const rows = await queryRows<{ customer: string; profile: string; bucket: number; scans: number }>(
    tx,
    sql`select case when o.id = any(${ids}::uuid[]) then o.id else o.parent_id end as customer, s.profile,
               width_bucket(s.started_at, ${sql.param(bounds)}::text[]::timestamptz[]) as bucket, count(*)::int as scans
          from scans s join orgs o on o.id = s.tenant_id
         where (o.id = any(${ids}::uuid[]) or o.parent_id = any(${ids}::uuid[]))
           and s.started_at >= ${bounds[0]}::timestamptz and s.started_at < ${bounds[bounds.length - 1]}::timestamptz
         group by 1, 2, 3`,
  );
  return rows.map((r) => ({ customerId: r.customer, profile: r.profile, period: Number(r.bucket) - 1, scans: Number(r.scans) }));
}

/**
 * The report of `seller` for the `REPORT_PERIODS` periods ending with `label` (default: the
 * period running at `now`), from the invoice preview's inputs.
 */
export async function readUsage(tx: Tx, seller: Seller, label: string | undefined, now: Date): Promise<UsageData> {
  const ctx = await pricingContext(tx, seller.id);
  if (!ctx) throw notFound('seller');
  const last = label ?? periodContaining(now, ctx.partnership, ctx.timeZone).label;
  const periods = periodsEndingWith(last, REPORT_PERIODS, ctx.partnership, ctx.timeZone);
  const customers = await reportCustomers(tx, ctx.sellerId, now);
  const events = await eventsOf(tx, customers.map((c) => c.id));
  const prices = await priceVersions(tx, ctx.sellerId);
  const units: number[] = [];
  // One band per period: the one the portfolio had when it began (as the invoice preview does).
  for (const p of periods) units.push(await portfolioUnitsAt(tx, ctx.sellerId, new Date(p.start)));
  const scans = await scanCounts(tx, customers.map((c) => c.id), periods);
  const report = usageReport({
    customers: customers.map((c) => ({ id: c.id, name: c.name, events: events.get(c.id) ?? [], purchased: c.purchased })),
    prices,
    periods: periods.map((period, i) => ({ period, portfolioUnits: units[i]! })),
    scans,
    now,
  });
  const summary = {
    customers: customers.length,
    active: customers.filter((c) => c.status === 'active').length,
    acvMinor: customers.reduce((sum, c) => sum + (c.purchased ? annualContractValueAt(events.get(c.id) ?? [], prices, now) : 0), 0),
    renewalsNextThreeMonths: customers.filter((c) => c.renewsSoon).length,
  };
  return { ctx, customers, report, period: periods[periods.length - 1]!, summary };
}
