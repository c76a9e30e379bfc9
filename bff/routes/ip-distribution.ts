import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { eq } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import { can } from '../auth/roles.js';
import type { Tx } from '../db/client.js';
import { recordNotification } from '../db/queries/licences.js';
import { actorName } from '../db/queries/notifications.js';
import {
  appendEvent,
  applyDueDecrease,
  lockSeller,
  lockSubscription,
  monthlyFigures,
  pricingContext,
  repricePortfolio,
  writeSubscription,
  type LockedSubscription,
  type PricingContext,
} from '../db/queries/pricing.js';
import { auditLog, orgs } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { bookingMonthEnd } from '../domain/billing.js';
import { averageIpPrice, graduatedPrice, volumeBand } from '../domain/pricing.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { requestNotificationFanout } from '../jobs/notifications.js';
import { commonErrors, IdParam, json, notFoundError, Problem, problem, Timestamp, Uuid } from './schemas.js';
import { IfMatchHeader, TierJson } from './pricing.js';

/**
 * A customer's IP quota split between internal and external scanning. An increase of the total
 * applies at once; a decrease waits as a pending change until the end of the booking month
 * (cancellable until then); a new split that keeps the total applies at once. Every change is an
 * event in the subscription's append-only history and reprices the subscription. Writers name
 * the version they read (`If-Match`); the subscription row is locked while it is compared, so
 * of two editors of one quota exactly one wins and the other is told what is current.
 */

const MAX_IPS = 1_000_000;
const Ips = z.number().int().min(0).max(MAX_IPS);

export const IpDistribution = z
  .object({
    customerId: Uuid,
    internal: z.number().int(),
    external: z.number().int(),
    total: z.number().int(),
    pending: z
      .object({ internal: z.number().int(), external: z.number().int(), effectiveAt: Timestamp })
      .nullable()
      .describe('A decrease waiting for the end of its booking month; null when none'),
    currency: z.string().length(3),
    sell: z.array(TierJson).describe("The seller's graduated price tiers, for a live preview"),
    price: z.object({
      monthlyMinor: z.number().int().describe('The monthly price of the current IPs (0 on a trial)'),
      averageIpPriceMinor: z.number().int().nullable(),
    }),
    bookingMonthEnd: Timestamp.describe('When a decrease asked for now would take effect'),
    version: z.number().int().describe('The ETag is this number in quotes; changes need it in If-Match'),
    canEdit: z.boolean().describe('Whether the caller may change the quota now'),
  })
  .openapi('IpDistribution');
type IpDistributionJson = z.infer<typeof IpDistribution>;

const IpDistributionUpdate = z
  .object({ internal: Ips.describe('Internal IPs'), external: Ips.describe('External IPs') })
  .openapi('IpDistributionUpdate');

const IpDistributionConflict = Problem.extend({
  current: IpDistribution.describe('The quota as it is now; re-apply the change to it and send its version'),
}).openapi('IpDistributionConflict');

const path = '/v1/customers/{id}/ip-distribution';
const changeErrors = {
  ...commonErrors,
  ...notFoundError,
  409: problem('The subscription cannot change in the customer\'s state (cancelled, being deleted) — `invalid_transition`'),
  412: problem('`If-Match` names a version that is no longer current; `current` holds the quota now', IpDistributionConflict),
  428: problem('`If-Match` is missing: read the quota first and send its ETag'),
} as const;
const answer = json(IpDistribution, 'The quota as it is now; `ETag` carries its version');

const get = createRoute({
  method: 'get',
  path,
  tags: ['pricing'],
  summary: "A customer's IP quota, its pending decrease and its price",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam },
  responses: { 200: answer, ...commonErrors, ...notFoundError },
});

const put = createRoute({
  method: 'put',
  path,
  tags: ['pricing'],
  summary: 'Change the IP quota: an increase applies now, a decrease at the end of the booking month',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('quotas:write'),
  request: { params: IdParam, headers: IfMatchHeader, body: { required: true, content: { 'application/json': { schema: IpDistributionUpdate } } } },
  responses: { 200: answer, ...changeErrors },
});

const cancelPending = createRoute({
  method: 'delete',
  path: `${path}/pending`,
  tags: ['pricing'],
  summary: 'Cancel the pending decrease (nothing pending: nothing changes)',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('quotas:write'),
  request: { params: IdParam, headers: IfMatchHeader },
  responses: { 200: answer, ...changeErrors },
});

interface Loaded {
  sub: LockedSubscription;
  ctx: PricingContext;
}

/** Locks and reads the customer's subscription, applying a decrease that has come due. */
async function load(tx: Tx, id: string, now: Date): Promise<Loaded> {
  const found = await lockSubscription(tx, id);
  const ctx = found && (await pricingContext(tx, id));
  if (!found || !ctx) throw notFound('customer');
  return { sub: await applyDueDecrease(tx, found, ctx, now), ctx };
}

function editable(c: Context<AppEnv>, sub: LockedSubscription): boolean {
  const role = c.var.session.role;
  if (!can(role, 'quotas:write')) return false;
  if (role === 'customer_admin' && sub.serviceMode !== 'self_service') return false;
  return !sub.cancelledAt && sub.status !== 'deleting' && sub.status !== 'cancelled';
}

function view(c: Context<AppEnv>, { sub, ctx }: Loaded, now: Date): IpDistributionJson {
  const total = sub.ipsInternal + sub.ipsExternal;
  const monthly = sub.plan === 'trial' || ctx.sell.length === 0 ? 0 : graduatedPrice(ctx.sell, total).totalMinor;
  return {
    customerId: sub.tenantId,
    internal: sub.ipsInternal,
    external: sub.ipsExternal,
    total,
    pending: sub.pending ? { internal: sub.pending.internal, external: sub.pending.external, effectiveAt: sub.pending.effectiveAt.toISOString() } : null,
    currency: ctx.currency,
    sell: ctx.sell,
    price: { monthlyMinor: monthly, averageIpPriceMinor: averageIpPrice(monthly, total) },
    bookingMonthEnd: bookingMonthEnd(now, ctx.partnership, ctx.timeZone).toISOString(),
    version: sub.version,
    canEdit: editable(c, sub),
  };
}

const etag = (v: IpDistributionJson) => `"${v.version}"`;

/**
 * What people hear about a change (category `billing`): a new quota or split in force now, a
 * decrease scheduled, a pending decrease cancelled. Null when the change left both alone.
 */
function billingNotice(before: IpDistributionJson, after: IpDistributionJson, customer: string, by: string, timeZone: string): { kind: string; title: string } | null {
  const ips = (p: { internal: number; external: number }) => p.internal + p.external;
  if (after.pending && JSON.stringify(after.pending) !== JSON.stringify(before.pending)) {
    const on = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone }).format(new Date(after.pending.effectiveAt));
    return { kind: 'ips-decrease-scheduled', title: `${customer}'s IP quota goes down from ${after.total} to ${ips(after.pending)} IPs on ${on}, as ${by} asked` };
  }
  if (after.internal !== before.internal || after.external !== before.external) {
    const title =
      after.total === before.total
        ? `${customer}'s ${after.total} IPs were split anew by ${by}: ${after.internal} internal, ${after.external} external`
        : `${customer}'s IP quota was ${after.total > before.total ? 'raised' : 'lowered'} from ${before.total} to ${after.total} IPs by ${by}`;
    return { kind: 'ips-changed', title };
  }
  if (before.pending && !after.pending) {
    return { kind: 'ips-decrease-cancelled', title: `The decrease of ${customer}'s IP quota to ${ips(before.pending)} IPs was cancelled by ${by}` };
  }
  return null;
}

/**
 * Runs one change: `If-Match` required; 404 when the customer is not visible; 403 for a customer
 * admin of a managed customer; 412 (with `current`) on a stale version; 409 when the
 * subscription is not running. `change` writes the row and the events; the version is bumped
 * and the change audited whatever it did, so every accepted write answers a new ETag.
 */
async function changeQuota(
  c: Context<AppEnv>,
  id: string,
  ifMatch: string | undefined,
  action: string,
  change: (tx: Tx, loaded: Loaded, now: Date) => Promise<void>,
): Promise<IpDistributionJson> {
  if (ifMatch === undefined) throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the quota you read (GET it first).');
  const expected = Number(ifMatch.slice(1, -1));
  const s = c.var.session;
  const now = c.var.deps.now?.() ?? new Date();
  let noticed = false;
  const result = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
    const seller = await pricingContext(tx, id);
    if (seller) await lockSeller(tx, seller.sellerId);
    const loaded = await load(tx, id, now);
    if (s.role === 'customer_admin' && loaded.sub.serviceMode !== 'self_service') {
      throw new HttpProblem(403, 'forbidden', 'The customer is managed: only its MSP changes the subscription.');
    }
    const before = view(c, loaded, now);
    if (loaded.sub.version !== expected) {
      throw new HttpProblem(412, 'precondition_failed', `The quota changed since you read it: it is at version ${loaded.sub.version}, not ${expected}.`, undefined, { etag: etag(before) }, { current: before });
    }
    if (!editable(c, loaded.sub)) {
      throw new HttpProblem(409, 'invalid_transition', `The subscription is not running (status: ${loaded.sub.cancelledAt ? 'cancelled' : loaded.sub.status}); its quota cannot change.`);
    }
    await change(tx, loaded, now);
    const after = await load(tx, id, now);
    const json = view(c, after, now);
    const [audit] = await tx
      .insert(auditLog)
      .values({
        tenantId: id,
        actorId: s.userId,
        actorRole: s.role,
        action,
        targetId: loaded.sub.id,
        before: { internal: before.internal, external: before.external, pending: before.pending, version: before.version },
        after: { internal: json.internal, external: json.external, pending: json.pending, version: json.version },
        requestId: c.var.requestId,
      })
      .returning({ id: auditLog.id });
    const [org] = await tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, id));
    const notice = billingNotice(before, json, org?.name ?? 'A customer', (await actorName(tx, s.userId)) ?? 'an administrator', loaded.ctx.timeZone);
    if (notice) {
      noticed = await recordNotification(tx, {
        tenantId: id,
        ...notice,
        category: 'billing',
        dedupeKey: String(audit!.id),
        data: { customerId: id, action, auditId: String(audit!.id), before: { internal: before.internal, external: before.external, pending: before.pending }, after: { internal: json.internal, external: json.external, pending: json.pending } },
      });
    }
    return json;
  });
  if (noticed) await requestNotificationFanout(c.var.deps.jobs);
  return result;
}

function respond(c: Context<AppEnv>, body: IpDistributionJson) {
  c.header('etag', etag(body));
  c.header('cache-control', 'no-store');
}

export function ipDistributionRoutes() {
  return router()
    .openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const now = c.var.deps.now?.() ?? new Date();
      const body = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => view(c, await load(tx, id, now), now));
      respond(c, body);
      return c.json(body, 200);
    })
    .openapi(put, async (c) => {
      const { id } = c.req.valid('param');
      const { internal, external } = c.req.valid('json');
      const actorId = c.var.session.userId;
      const body = await changeQuota(c, id, c.req.valid('header')['if-match'], 'subscription.ips_change', async (tx, { sub, ctx }, now) => {
        const total = internal + external;
        const current = sub.ipsInternal + sub.ipsExternal;
        if (total >= current) {
          // More (or as many) IPs: in force now; a pending decrease is superseded by it.
          const changed = internal !== sub.ipsInternal || external !== sub.ipsExternal;
          if (changed || sub.pending) await appendEvent(tx, sub.tenantId, sub.id, { kind: 'ips_changed', at: now, ipsInternal: internal, ipsExternal: external, actorId });
          const units = ctx.portfolioUnits + (sub.plan === 'purchased' ? total - current : 0);
          await writeSubscription(tx, sub, { ipsInternal: internal, ipsExternal: external, pending: null }, monthlyFigures(ctx, total, sub.plan, units));
          // The portfolio crossed a volume band: every unit cost it buys at changed.
          if (volumeBand(units) !== volumeBand(ctx.portfolioUnits)) await repricePortfolio(tx, { ...ctx, portfolioUnits: units });
        } else {
          // Fewer IPs: the current ones stay paid for until the booking month ends.
          const effectiveAt = bookingMonthEnd(now, ctx.partnership, ctx.timeZone);
          await appendEvent(tx, sub.tenantId, sub.id, { kind: 'ips_decrease_scheduled', at: now, ipsInternal: internal, ipsExternal: external, effectiveAt, ref: randomUUID(), actorId });
          await writeSubscription(tx, sub, { ipsInternal: sub.ipsInternal, ipsExternal: sub.ipsExternal, pending: { internal, external, effectiveAt } }, null);
        }
      });
      respond(c, body);
      return c.json(body, 200);
    })
    .openapi(cancelPending, async (c) => {
      const { id } = c.req.valid('param');
      const actorId = c.var.session.userId;
      const body = await changeQuota(c, id, c.req.valid('header')['if-match'], 'subscription.ips_decrease_cancel', async (tx, { sub }, now) => {
        if (sub.pending) await appendEvent(tx, sub.tenantId, sub.id, { kind: 'ips_decrease_cancelled', at: now, actorId });
        await writeSubscription(tx, sub, { ipsInternal: sub.ipsInternal, ipsExternal: sub.ipsExternal, pending: null }, null);
      });
      respond(c, body);
      return c.json(body, 200);
    });
}
