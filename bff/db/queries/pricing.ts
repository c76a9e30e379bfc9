import { and, asc, eq, sql } from 'drizzle-orm';
import { subscriptionStateAt, type Partnership, type Plan, type PriceVersion, type SubscriptionEvent } from '../../domain/billing.js';
import { quote, type Tier } from '../../domain/pricing.js';
import { queryRows, type Tx } from '../client.js';
import { auditLog, priceTableVersions, subscriptionEvents, subscriptions } from '../schema.js';

/**
 * What the pricing, IP-distribution and billing routes read and write. Run inside `withScope`:
 * RLS decides which rows exist. A customer's prices come from its seller (the nearest MSP or
 * sub-partner above it), whose rows a customer's own users cannot read, so they come through
 * `portico.pricing_context`, which answers only for an org the caller may see.
 *
 * `subscriptions.monthly_price_minor` / `monthly_cost_minor` (the fleet's monthly price, ACV,
 * average IP price and margin) are kept equal to the engine's quote of the current IPs: every
 * IP change reprices its subscription, and saving a price table — or an increase that moves the
 * portfolio into another volume band — reprices the seller's whole portfolio (as far as the
 * caller can see it). A trial is free. A decrease that takes effect reprices its own
 * subscription only; the invoice preview always computes with the current band.
 */

export interface PricingContext {
  sellerId: string;
  partnership: Partnership;
  timeZone: string;
  currency: string;
  articleName: string | null;
  articleNumber: string | null;
  /** Empty when the seller has no price table yet: every IP count then costs 0. */
  sell: Tier[];
  cost: Tier[];
  prepaidDiscountBps: number;
  portfolioUnits: number;
}

/** The pricing of `orgId` (a customer, or a seller itself), or null when the caller cannot see it. */
export async function pricingContext(tx: Tx, orgId: string): Promise<PricingContext | null> {
  const [row] = await queryRows<{
    seller_id: string; partnership: Partnership; time_zone: string; currency: string; sell: Tier[] | string | null; cost: Tier[] | string | null;
    article_name: string | null; article_number: string | null; prepaid_discount_bps: number; portfolio_units: number | string;
  }>(tx, sql`select * from portico.pricing_context(${orgId}::uuid)`);
  if (!row) return null;
  const tiers = (t: Tier[] | string | null): Tier[] => (t === null ? [] : typeof t === 'string' ? (JSON.parse(t) as Tier[]) : t);
  return {
    sellerId: row.seller_id,
    partnership: row.partnership,
    timeZone: row.time_zone,
    currency: row.currency,
    articleName: row.article_name,
    articleNumber: row.article_number,
    sell: tiers(row.sell),
    cost: tiers(row.cost),
    prepaidDiscountBps: row.prepaid_discount_bps,
    portfolioUnits: Number(row.portfolio_units),
  };
}

/**
 * Serialises the changes that may reprice a seller's whole portfolio (a price table saved, an
 * increase crossing a volume band) with every quota change of that seller, for this transaction.
 * Without it, two such changes could each hold one subscription and wait for the other's.
 */
export async function lockSeller(tx: Tx, sellerId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`portico.pricing:${sellerId}`}))`);
}

/** Monthly price and cost of `ips` IPs under `ctx`; 0 for a trial or a seller without tables. */
export function monthlyFigures(ctx: PricingContext, ips: number, plan: 'trial' | 'purchased', portfolioUnits = ctx.portfolioUnits) {
  if (plan === 'trial' || ctx.sell.length === 0 || ctx.cost.length === 0) return { priceMinor: 0, costMinor: 0 };
  const q = quote({ ips, sell: ctx.sell, cost: ctx.cost, portfolioUnits, prepaidDiscountBps: ctx.prepaidDiscountBps });
  return { priceMinor: q.priceMinor, costMinor: q.costMinor };
}

export interface LockedSubscription {
  tenantId: string;
  id: string;
  plan: 'trial' | 'purchased';
  status: string;
  serviceMode: 'managed' | 'self_service';
  ipsInternal: number;
  ipsExternal: number;
  pending: { internal: number; external: number; effectiveAt: Date } | null;
  cancelledAt: Date | null;
  version: number;
}

/**
 * The customer's current subscription, row-locked for this transaction so two writers of one
 * quota queue up and the second sees the first's version; null when the caller cannot see it.
 */
export async function lockSubscription(tx: Tx, customerId: string, lock = true): Promise<LockedSubscription | null> {
  const [row] = await queryRows<{
    id: string; plan: 'trial' | 'purchased'; status: string; service_mode: 'managed' | 'self_service'; ips_internal: number; ips_external: number;
    pending_ips_internal: number | null; pending_ips_external: number | null; pending_effective_at: Date | string | null; cancelled_at: Date | string | null; version: number;
  }>(
    tx,
    sql`select s.id, s.plan::text as plan, cp.status::text as status, cp.service_mode::text as service_mode, s.ips_internal, s.ips_external,
               s.pending_ips_internal, s.pending_ips_external, s.pending_effective_at, s.cancelled_at, s.version
          from subscriptions s join customer_profiles cp on cp.tenant_id = s.tenant_id
         where s.tenant_id = ${customerId}::uuid
         order by s.started_at desc limit 1
         ${lock ? sql`for update of s` : sql``}`,
  );
  if (!row) return null;
  const date = (d: Date | string | null) => (d === null ? null : new Date(d));
  return {
    tenantId: customerId,
    id: row.id,
    plan: row.plan,
    status: row.status,
    serviceMode: row.service_mode,
    ipsInternal: row.ips_internal,
    ipsExternal: row.ips_external,
    pending:
      row.pending_ips_internal !== null && row.pending_ips_external !== null && row.pending_effective_at !== null
        ? { internal: row.pending_ips_internal, external: row.pending_ips_external, effectiveAt: date(row.pending_effective_at)! }
        : null,
    cancelledAt: date(row.cancelled_at),
    version: row.version,
  };
}

export interface NewEvent {
  kind: SubscriptionEvent['kind'];
  at: Date;
  /** The plan from `at` on: required knowledge for `started`, implied by `converted_to_purchased`. */
  plan?: Plan;
  ipsInternal?: number;
  ipsExternal?: number;
  effectiveAt?: Date;
  ref?: string;
  actorId?: string | null;
}

/** Appends one event to a subscription's history (the table refuses anything but inserts). */
export async function appendEvent(tx: Tx, tenantId: string, subscriptionId: string, e: NewEvent): Promise<void> {
  await tx.insert(subscriptionEvents).values({
    tenantId,
    subscriptionId,
    kind: e.kind,
    at: e.at,
    plan: e.plan ?? (e.kind === 'converted_to_purchased' ? 'purchased' : null),
    ipsInternal: e.ipsInternal ?? null,
    ipsExternal: e.ipsExternal ?? null,
    effectiveAt: e.effectiveAt ?? null,
    ref: e.ref ?? null,
    actorId: e.actorId ?? null,
  });
}

type EventRow = { at: Date; kind: SubscriptionEvent['kind']; plan: Plan | null; ipsInternal: number | null; ipsExternal: number | null; effectiveAt: Date | null; ref: string | null };

/** A stored event as the billing engine takes it. */
function engineEvent(r: EventRow): SubscriptionEvent {
  return {
    at: r.at.toISOString(),
    kind: r.kind,
    ...(r.plan !== null ? { plan: r.plan } : {}),
    ...(r.ipsInternal !== null ? { ipsInternal: r.ipsInternal } : {}),
    ...(r.ipsExternal !== null ? { ipsExternal: r.ipsExternal } : {}),
    ...(r.effectiveAt !== null ? { effectiveAt: r.effectiveAt.toISOString() } : {}),
    ...(r.ref !== null ? { ref: r.ref } : {}),
  };
}

/**
 * The plan a stored event sets. A `started` event written before the plan was recorded
 * (migration 0014) takes its subscription's plan: one still a trial started as a trial, any
 * other as purchased (a conversion before 0014 left no event, so it bills from the start).
 */
const eventPlan = sql<Plan | null>`coalesce(${subscriptionEvents.plan}, case when ${subscriptionEvents.kind} = 'started' then ${subscriptions.plan} end)`;

/** The events of the given customers' subscriptions, oldest first, as the billing engine takes them. */
export async function eventsOf(tx: Tx, customerIds: string[]): Promise<Map<string, SubscriptionEvent[]>> {
  const out = new Map<string, SubscriptionEvent[]>();
  if (customerIds.length === 0) return out;
  const rows = await tx
    .select({
      tenantId: subscriptionEvents.tenantId,
      at: subscriptionEvents.at,
      kind: subscriptionEvents.kind,
      plan: eventPlan,
      ipsInternal: subscriptionEvents.ipsInternal,
      ipsExternal: subscriptionEvents.ipsExternal,
      effectiveAt: subscriptionEvents.effectiveAt,
      ref: subscriptionEvents.ref,
    })
    .from(subscriptionEvents)
    .innerJoin(subscriptions, and(eq(subscriptions.tenantId, subscriptionEvents.tenantId), eq(subscriptions.id, subscriptionEvents.subscriptionId)))
    .where(sql`${subscriptionEvents.tenantId} = any(${sql.param(customerIds)}::uuid[])`)
    .orderBy(asc(subscriptionEvents.at), asc(subscriptionEvents.id));
  for (const r of rows) {
    const list = out.get(r.tenantId) ?? [];
    list.push(engineEvent(r));
    out.set(r.tenantId, list);
  }
  return out;
}

/**
 * The units of a seller's portfolio at instant `at`, replayed from the events (the same replay
 * as `subscriptionStateAt`): the IPs of its subscriptions active and purchased then — a trial's
 * units count from its conversion on. Counts the
 * customers the caller cannot see too, as `portfolio_units` does today.
 */
export async function portfolioUnitsAt(tx: Tx, sellerId: string, at: Date): Promise<number> {
  const rows = await queryRows<{ tenant_id: string; at: Date | string; kind: SubscriptionEvent['kind']; plan: Plan | null; ips_internal: number | null; ips_external: number | null; effective_at: Date | string | null; ref: string | null }>(
    tx,
    sql`select * from portico.portfolio_events(${sellerId}::uuid, ${at.toISOString()}::timestamptz)`,
  );
  const byCustomer = new Map<string, SubscriptionEvent[]>();
  for (const r of rows) {
    const list = byCustomer.get(r.tenant_id) ?? [];
    list.push(engineEvent({ at: new Date(r.at), kind: r.kind, plan: r.plan, ipsInternal: r.ips_internal, ipsExternal: r.ips_external, effectiveAt: r.effective_at === null ? null : new Date(r.effective_at), ref: r.ref }));
    byCustomer.set(r.tenant_id, list);
  }
  let units = 0;
  for (const events of byCustomer.values()) {
    const state = subscriptionStateAt(events, at);
    if (state.active && state.plan === 'purchased') units += state.internal + state.external;
  }
  return units;
}

/** Every saved version of a seller's price tables (the caller's own org), oldest first, as the billing engine takes them. */
export async function priceVersions(tx: Tx, sellerId: string): Promise<PriceVersion[]> {
  const rows = await tx
    .select()
    .from(priceTableVersions)
    .where(eq(priceTableVersions.tenantId, sellerId))
    .orderBy(asc(priceTableVersions.version));
  const out: PriceVersion[] = [];
  for (const sellRow of rows.filter((r) => r.kind === 'sell')) {
    const costRow = rows.find((r) => r.kind === 'cost' && r.version === sellRow.version);
    if (!costRow) continue;
    out.push({ validFrom: sellRow.validFrom.toISOString(), sell: sellRow.tiers as Tier[], cost: costRow.tiers as Tier[], prepaidDiscountBps: costRow.prepaidDiscountBps });
  }
  return out;
}

/**
 * Appends the tables just saved as version `version`, valid from `now` — or from the previous
 * version's start, if the clock reads earlier, so versions never go back in time.
 */
export async function appendPriceVersion(
  tx: Tx,
  sellerId: string,
  version: number,
  tables: Record<'sell' | 'cost', { currency: string; articleName: string; articleNumber: string; tiers: Tier[] }>,
  prepaidDiscountBps: number,
  now: Date,
  createdBy: string | null,
): Promise<void> {
  const validFrom = sql`greatest(${now.toISOString()}::timestamptz,
    (select max(v.valid_from) from price_table_versions v where v.tenant_id = ${sellerId}::uuid))`;
  await tx.insert(priceTableVersions).values((['sell', 'cost'] as const).map((kind) => ({
    tenantId: sellerId,
    version,
    kind,
    currency: tables[kind].currency,
    articleName: tables[kind].articleName,
    articleNumber: tables[kind].articleNumber,
    tiers: tables[kind].tiers,
    prepaidDiscountBps: kind === 'cost' ? prepaidDiscountBps : 0,
    validFrom,
    createdBy,
  })));
}

/** Writes a subscription's IPs, pending decrease and the monthly figures they cost, and bumps its version. */
export async function writeSubscription(
  tx: Tx,
  sub: LockedSubscription,
  next: { ipsInternal: number; ipsExternal: number; pending: LockedSubscription['pending'] },
  figures: { priceMinor: number; costMinor: number } | null,
): Promise<void> {
  await tx
    .update(subscriptions)
    .set({
      ipsInternal: next.ipsInternal,
      ipsExternal: next.ipsExternal,
      pendingIpsInternal: next.pending?.internal ?? null,
      pendingIpsExternal: next.pending?.external ?? null,
      pendingEffectiveAt: next.pending?.effectiveAt ?? null,
      ...(figures ? { monthlyPriceMinor: figures.priceMinor, monthlyCostMinor: figures.costMinor } : {}),
      version: sql`${subscriptions.version} + 1`,
    })
    .where(and(eq(subscriptions.tenantId, sub.tenantId), eq(subscriptions.id, sub.id)));
}

/**
 * Applies a pending decrease whose booking month has ended (no job does it: whichever request
 * reads the subscription first), audited as the system's doing. No event is written — the
 * scheduled event already says when it takes effect; only the row, which caches the current
 * state, catches up.
 */
export async function applyDueDecrease(tx: Tx, sub: LockedSubscription, ctx: PricingContext | null, now: Date): Promise<LockedSubscription> {
  if (!sub.pending || sub.pending.effectiveAt > now) return sub;
  const next = { ipsInternal: sub.pending.internal, ipsExternal: sub.pending.external, pending: null };
  const figures = ctx ? monthlyFigures(ctx, next.ipsInternal + next.ipsExternal, sub.plan) : null;
  await writeSubscription(tx, sub, next, figures);
  await tx.insert(auditLog).values({
    tenantId: sub.tenantId,
    at: now,
    actorId: null,
    actorRole: 'system',
    action: 'subscription.ips_decrease_applied',
    targetId: sub.id,
    before: { internal: sub.ipsInternal, external: sub.ipsExternal, version: sub.version },
    after: { internal: next.ipsInternal, external: next.ipsExternal, effectiveAt: sub.pending.effectiveAt.toISOString(), version: sub.version + 1 },
  });
  return { ...sub, ...next, version: sub.version + 1 };
}

/**
 * Reprices every subscription of a seller's portfolio the caller can see (after its price
 * table changed): one statement for all of them.
 */
export async function repricePortfolio(tx: Tx, ctx: PricingContext): Promise<number> {
  const subs = await queryRows<{ tenant_id: string; id: string; plan: 'trial' | 'purchased'; ips: number }>(
    tx,
    sql`select s.tenant_id, s.id, s.plan::text as plan, s.ips_internal + s.ips_external as ips
          from subscriptions s where s.tenant_id in (select portico.portfolio_customers(${ctx.sellerId}::uuid))`,
  );
  if (subs.length === 0) return 0;
  const priced = subs.map((s) => ({ ...s, ...monthlyFigures(ctx, s.ips, s.plan) }));
  await tx.execute(sql`update subscriptions s set monthly_price_minor = u.price, monthly_cost_minor = u.cost, currency = ${ctx.currency}
      from unnest(${sql.param(priced.map((p) => p.tenant_id))}::uuid[], ${sql.param(priced.map((p) => p.id))}::uuid[],
                  ${sql.param(priced.map((p) => String(p.priceMinor)))}::int8[], ${sql.param(priced.map((p) => String(p.costMinor)))}::int8[])
           as u(tenant_id, id, price, cost)
     where s.tenant_id = u.tenant_id and s.id = u.id`);
  return priced.length;
}

/** The customers a seller sells to that the caller can see, with names, for invoices. */
export async function portfolioCustomers(tx: Tx, sellerId: string): Promise<{ id: string; name: string; plan: 'trial' | 'purchased' | null }[]> {
  return queryRows<{ id: string; name: string; plan: 'trial' | 'purchased' | null }>(
    tx,
    sql`select o.id, o.name,
               (select s.plan::text from subscriptions s where s.tenant_id = o.id order by s.started_at desc limit 1) as plan
          from orgs o where o.id in (select portico.portfolio_customers(${sellerId}::uuid))
         order by o.name, o.id`,
  );
}
