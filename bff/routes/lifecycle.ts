import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { and, desc, eq, sql } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import type { Tx } from '../db/client.js';
import { auditLog, customerProfiles, orgs, subscriptions, users } from '../db/schema.js';
import { recordNotification } from '../db/queries/licences.js';
import { actorName } from '../db/queries/notifications.js';
import { appendEvent, lockSeller, monthlyFigures, pricingContext, repricePortfolio } from '../db/queries/pricing.js';
import { withScope } from '../db/scope.js';
import { stateRequired } from '../domain/addresses.js';
import { applyAction, shownStatus, type LifecycleAction, type LifecycleState } from '../domain/lifecycle.js';
import { volumeBand } from '../domain/pricing.js';
import { checkVat, normaliseVatId } from '../domain/vat.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { requestNotificationFanout } from '../jobs/notifications.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { Customer, customerEtag, readCustomer, sellerCountry, type CustomerJson } from './customers.js';
import { commonErrors, IdParam, json, notFoundError, Problem, problem, Uuid } from './schemas.js';

/**
 * The customer lifecycle an MSP admin drives: edit, lock, cancel, reactivate, convert, change
 * the main user, delete. Every change names the version it read (`If-Match`), is checked
 * against the lifecycle rules (bff/domain/lifecycle.ts), is audited with what it changed, and
 * answers the customer as `GET /v1/customers/{id}` shows it now, with its new ETag.
 */

const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^"\d{1,9}"$/, { error: 'must be the ETag of the customer as read, such as "3"' })
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header', required: true },
      description: 'The ETag (`"<version>"`) of the customer this change applies to',
      example: '"1"',
    }),
});

const CustomerConflict = Problem.extend({
  current: Customer.describe('The customer as it is now; re-apply the change to it and send its version'),
}).openapi('CustomerConflict');

const changeErrors = {
  ...commonErrors,
  ...notFoundError,
  409: problem('The change is not possible in the customer\'s current state (`invalid_transition`) or a field conflicts with it'),
  412: problem('`If-Match` names a version that is no longer current; `current` holds the customer now', CustomerConflict),
  428: problem('`If-Match` is missing: read the customer first and send its ETag'),
} as const;

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const Address = z
  .object({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).nullable().optional(),
    postalCode: z.string().trim().min(1).max(20),
    city: z.string().trim().min(1).max(100),
    state: z.string().trim().min(1).max(100).nullable().optional().describe('Required for US, CA and AU'),
  })
  .openapi('CustomerAddressUpdate');

const CustomerUpdate = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    address: Address.optional(),
    vatId: z.string().trim().max(30).nullable().optional().describe('Null removes it; required when the country differs from the MSP\'s'),
    accessDelegation: z.enum(['disabled', 'read_only', 'full']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { error: 'name at least one field to change' })
  .openapi('CustomerUpdate');

const Conversion = z
  .object({ licenceQuota: z.number().int().min(1).max(1_000_000).optional().describe('A new quota; the trial quota stays otherwise') })
  .openapi('TrialConversion');

const MainUserChange = z.object({ userId: Uuid }).openapi('MainUserChange');

const DeletionRequest = z
  .object({ confirm: z.literal('DELETE', { error: 'type DELETE (in capitals) to confirm' }) })
  .openapi('DeletionRequest');

const common = {
  tags: ['customers'],
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:manage'),
};
const answer = json(Customer, 'The customer as it is now; `ETag` carries its new version');
const ok = { 200: answer, ...changeErrors };
const bare = { params: IdParam, headers: IfMatch };
const action = (path: string, summary: string) => createRoute({ method: 'post', path, summary, ...common, request: bare, responses: ok });

const patch = createRoute({
  method: 'patch',
  path: '/v1/customers/{id}',
  summary: 'Edit name, address, VAT-ID or access delegation',
  ...common,
  request: { ...bare, body: jsonBody(CustomerUpdate) },
  responses: ok,
});
const lock = action('/v1/customers/{id}/lock', 'Lock: its users cannot sign in; the subscription continues');
const unlock = action('/v1/customers/{id}/unlock', 'Unlock a locked customer');
const cancel = action('/v1/customers/{id}/cancel', 'Cancel the subscription; the data stays');
const reactivate = action('/v1/customers/{id}/reactivate', 'Reactivate a cancelled subscription');
const toManaged = action('/v1/customers/{id}/convert-to-managed', 'Convert a self-service customer to managed');
const toPurchased = createRoute({
  method: 'post',
  path: '/v1/customers/{id}/convert-to-purchased',
  summary: 'Convert a trial to a purchased plan, keeping all data (body `{}` keeps the quota)',
  ...common,
  request: { ...bare, body: jsonBody(Conversion) },
  responses: ok,
});
const mainUser = createRoute({
  method: 'put',
  path: '/v1/customers/{id}/main-user',
  summary: 'Make an active user of the customer its main user',
  ...common,
  request: { ...bare, body: jsonBody(MainUserChange) },
  responses: ok,
});
const deletion = createRoute({
  method: 'post',
  path: '/v1/customers/{id}/deletion',
  summary: 'Delete the customer: it is marked deleting now and purged with all its data in the background',
  ...common,
  request: { ...bare, body: jsonBody(DeletionRequest) },
  responses: { 202: answer, ...changeErrors },
});

/** What the audit record of a change shows: the fields of the customer that changed. */
const auditedFields = ['name', 'status', 'plan', 'serviceMode', 'accessDelegation', 'address', 'vatId', 'mainUser', 'licences', 'renewsAt', 'trialEndsAt', 'deletionRequestedAt'] as const;

function changedFields(before: CustomerJson, after: CustomerJson) {
  const changed = auditedFields.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const pick = (c: CustomerJson) => Object.fromEntries(changed.map((k) => [k, k === 'licences' ? c.licences && { model: c.licences.model, quota: c.licences.quota } : c[k]]));
  return { before: pick(before), after: pick(after) };
}

interface Loaded {
  state: LifecycleState;
  customer: CustomerJson;
  /** The current subscription, when the caller may see it (not for a revoked customer). */
  subscription: { id: string; licenceModel: string; ips: number; cancelled: boolean } | null;
  /** The org that manages the customer. */
  parentId: string;
}

/** Locks the customer's profile for this transaction and reads its lifecycle state. */
async function loadForChange(tx: Tx, id: string): Promise<Loaded | null> {
  const [profile] = await tx
    .select({ status: customerProfiles.status, revokedAt: customerProfiles.revokedAt, serviceMode: customerProfiles.serviceMode })
    .from(customerProfiles)
    .where(eq(customerProfiles.tenantId, id))
    .for('update');
  if (!profile) return null;
  const customer = await readCustomer(tx, id);
  if (!customer) return null;
  const [sub] = await tx
    .select({
      id: subscriptions.id,
      plan: subscriptions.plan,
      licenceModel: subscriptions.licenceModel,
      cancelledAt: subscriptions.cancelledAt,
      ips: sql<number>`${subscriptions.ipsInternal} + ${subscriptions.ipsExternal}`.mapWith(Number),
    })
    .from(subscriptions)
    .where(eq(subscriptions.tenantId, id))
    .orderBy(desc(subscriptions.startedAt))
    .limit(1);
  return {
    state: {
      status: profile.status,
      revoked: profile.revokedAt !== null,
      // A revoked customer's subscription is hidden; the rules allow it nothing that needs it.
      plan: sub?.plan ?? 'purchased',
      serviceMode: profile.serviceMode,
      cancelled: sub ? sub.cancelledAt !== null : profile.status === 'cancelled',
    },
    customer,
    subscription: sub ? { id: sub.id, licenceModel: sub.licenceModel, ips: sub.ips, cancelled: sub.cancelledAt !== null } : null,
    parentId: customer.parent.id,
  };
}

/** The actions people hear about (category `lifecycle`): the notification's kind and what its title says happened. */
const notified: Partial<Record<LifecycleAction, { kind: string; title: (customer: string, actor: string) => string }>> = {
  lock: { kind: 'customer-locked', title: (n, by) => `${n} was locked by ${by}` },
  unlock: { kind: 'customer-unlocked', title: (n, by) => `${n} was unlocked by ${by}` },
  cancel: { kind: 'customer-cancelled', title: (n, by) => `${n}'s subscription was cancelled by ${by}` },
  reactivate: { kind: 'customer-reactivated', title: (n, by) => `${n} was reactivated by ${by}` },
  convert_to_managed: { kind: 'customer-converted-to-managed', title: (n, by) => `${n} was converted to a managed customer by ${by}` },
  convert_to_purchased: { kind: 'customer-converted', title: (n, by) => `${n} was converted from a trial to a purchased plan by ${by}` },
  delete: { kind: 'customer-deletion-requested', title: (n, by) => `${n} is being deleted with all its data, as ${by} asked` },
};

interface Change {
  tx: Tx;
  id: string;
  loaded: Loaded;
  now: Date;
}

/**
 * Runs one lifecycle change: checks `If-Match`, locks and loads the customer (404 when the
 * caller cannot see it), answers 412 with the current customer on a stale version and 409
 * when the rules refuse the action, applies `apply`, bumps the version and audits what changed;
 * an action people hear about is also recorded as a notification, and a fan-out asked for after commit.
 */
async function changeCustomer(
  c: Context<AppEnv>,
  id: string,
  ifMatch: string | undefined,
  action: LifecycleAction,
  apply: (change: Change) => Promise<void>,
): Promise<CustomerJson> {
  if (ifMatch === undefined) {
    throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the customer you read (GET it first).');
  }
  const expected = Number(ifMatch.slice(1, -1));
  const s = c.var.session;
  const now = c.var.deps.now?.() ?? new Date();
  const notice = notified[action];
  const customer = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
    const loaded = await loadForChange(tx, id);
    if (!loaded) throw notFound('customer');
    const before = loaded.customer;
    if (before.version !== expected) {
      throw new HttpProblem(412, 'precondition_failed', `The customer changed since you read it: it is at version ${before.version}, not ${expected}.`, undefined, { etag: customerEtag(before) }, {
        current: before,
      });
    }
    const transition = applyAction(loaded.state, action);
    if (!transition.ok) {
      throw new HttpProblem(409, 'invalid_transition', `${transition.reason} (status: ${shownStatus(loaded.state)})`);
    }
    await apply({ tx, id, loaded, now });
    await tx
      .update(customerProfiles)
      .set({ version: sql`${customerProfiles.version} + 1`, updatedAt: now })
      .where(eq(customerProfiles.tenantId, id));
    const after = await readCustomer(tx, id);
    if (!after) throw new Error('the customer vanished during its own change');
    // A revoked customer's tenant no longer accepts the MSP's rows; its audit goes to the
    // org that manages it.
    const tenantId = loaded.state.revoked ? loaded.parentId : id;
    const [audit] = await tx
      .insert(auditLog)
      .values({
        tenantId,
        actorId: s.userId,
        actorRole: s.role,
        action: `customer.${action}`,
        targetId: id,
        ...changedFields(before, after),
        requestId: c.var.requestId,
      })
      .returning({ id: auditLog.id });
    // Heard about by everyone who may see the customer (or, revoked, the org managing it); one
    // notification per audited change.
    if (notice) {
      await recordNotification(tx, {
        tenantId,
        kind: notice.kind,
        category: 'lifecycle',
        dedupeKey: String(audit!.id),
        title: notice.title(after.name, (await actorName(tx, s.userId)) ?? 'an administrator'),
        data: { customerId: id, action, auditId: String(audit!.id), status: after.status, plan: after.plan, actorId: s.userId },
      });
    }
    return after;
  });
  if (notice) await requestNotificationFanout(c.var.deps.jobs);
  return customer;
}

const setStatus = (status: LifecycleState['status']) => async ({ tx, id }: Change) => {
  await tx.update(customerProfiles).set({ status }).where(eq(customerProfiles.tenantId, id));
};

/** The subscription a change needs; a customer without one cannot be cancelled or converted. */
function subscriptionOf(loaded: Loaded) {
  if (!loaded.subscription) throw new HttpProblem(409, 'invalid_transition', 'The customer has no subscription to change.');
  return loaded.subscription;
}

async function bumpSubscription(tx: Tx, id: string, subscriptionId: string, set: Partial<typeof subscriptions.$inferInsert>) {
  await tx
    .update(subscriptions)
    .set({ ...set, version: sql`${subscriptions.version} + 1` })
    .where(and(eq(subscriptions.tenantId, id), eq(subscriptions.id, subscriptionId)));
}

const fieldConflict = (pointer: string, detail: string) =>
  new HttpProblem(409, 'conflict', `The request conflicts with the customer: ${pointer.slice(2)} ${detail}.`, [{ pointer, detail }]);
const fieldInvalid = (pointer: string, detail: string) =>
  new HttpProblem(400, 'invalid_request', `The request is not valid: ${pointer.slice(2)} ${detail}.`, [{ pointer, detail }]);

function respond(c: Context<AppEnv>, customer: CustomerJson) {
  c.header('etag', customerEtag(customer));
  c.header('cache-control', 'no-store');
}

export function lifecycleRoutes() {
  return router()
    .openapi(patch, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const customer = await changeCustomer(c, id, c.req.valid('header')['if-match'], 'edit', async ({ tx, loaded }) => {
        const country = loaded.customer.country;
        if (body.address && stateRequired(country) && !body.address.state) {
          throw fieldInvalid('#/body/address/state', `is required for an address in ${country}`);
        }
        if (body.vatId !== undefined) {
          const seller = await sellerCountry(tx, id);
          const problem = seller ? checkVat(country, body.vatId, seller) : null;
          if (problem) throw fieldInvalid('#/body/vatId', problem.detail);
        }
        if (body.name !== undefined || body.address) {
          await tx
            .update(orgs)
            .set({ ...(body.name !== undefined ? { name: body.name } : {}), ...(body.address ? { state: body.address.state ?? null } : {}) })
            .where(eq(orgs.id, id));
        }
        const vat = body.vatId == null ? null : normaliseVatId(body.vatId);
        await tx
          .update(customerProfiles)
          .set({
            ...(body.address
              ? { addressLine1: body.address.line1, addressLine2: body.address.line2 ?? null, postalCode: body.address.postalCode, city: body.address.city }
              : {}),
            ...(body.vatId !== undefined ? { vatId: vat || null } : {}),
            ...(body.accessDelegation ? { accessDelegation: body.accessDelegation } : {}),
          })
          .where(eq(customerProfiles.tenantId, id));
      });
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(lock, async (c) => {
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'lock', setStatus('locked'));
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(unlock, async (c) => {
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'unlock', setStatus('active'));
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(cancel, async (c) => {
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'cancel', async (change) => {
        const sub = subscriptionOf(change.loaded);
        await setStatus('cancelled')(change);
        await bumpSubscription(change.tx, change.id, sub.id, { cancelledAt: change.now, pendingIpsInternal: null, pendingIpsExternal: null, pendingEffectiveAt: null });
        await appendEvent(change.tx, change.id, sub.id, { kind: 'cancelled', at: change.now, actorId: c.var.session.userId });
      });
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(reactivate, async (c) => {
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'reactivate', async (change) => {
        const sub = subscriptionOf(change.loaded);
        await setStatus('active')(change);
        await bumpSubscription(change.tx, change.id, sub.id, { cancelledAt: null });
        await appendEvent(change.tx, change.id, sub.id, { kind: 'reactivated', at: change.now, actorId: c.var.session.userId });
      });
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(toManaged, async (c) => {
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'convert_to_managed', async ({ tx, id }) => {
        await tx.update(customerProfiles).set({ serviceMode: 'managed' }).where(eq(customerProfiles.tenantId, id));
      });
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(toPurchased, async (c) => {
      const { licenceQuota } = c.req.valid('json');
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'convert_to_purchased', async ({ tx, id, loaded, now }) => {
        const sub = subscriptionOf(loaded);
        if (licenceQuota !== undefined && sub.licenceModel === 'unlimited') {
          throw fieldInvalid('#/body/licenceQuota', 'must be left out: the licence is unlimited');
        }
        // Billing is monthly; the first purchased month starts now.
        const renewsAt = new Date(now);
        renewsAt.setUTCMonth(renewsAt.getUTCMonth() + 1);
        // The seller's quota changes wait for this one: its units join the portfolio now.
        const ctx = await pricingContext(tx, id);
        if (ctx) await lockSeller(tx, ctx.sellerId);
        const units = ctx ? ctx.portfolioUnits + (sub.cancelled ? 0 : sub.ips) : 0;
        const figures = ctx ? monthlyFigures(ctx, sub.ips, 'purchased', units) : null;
        await bumpSubscription(tx, id, sub.id, {
          plan: 'purchased',
          trialEndsAt: null,
          renewsAt,
          ...(licenceQuota !== undefined ? { licenceQuota } : {}),
          ...(figures ? { monthlyPriceMinor: figures.priceMinor, monthlyCostMinor: figures.costMinor } : {}),
        });
        // The event makes the plan part of the history: billed (and counted for the volume
        // band) from this instant, not from the trial's start.
        await appendEvent(tx, id, sub.id, { kind: 'converted_to_purchased', at: now, plan: 'purchased', actorId: c.var.session.userId });
        if (ctx && volumeBand(units) !== volumeBand(ctx.portfolioUnits)) await repricePortfolio(tx, { ...ctx, portfolioUnits: units });
      });
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(mainUser, async (c) => {
      const { userId } = c.req.valid('json');
      const customer = await changeCustomer(c, c.req.valid('param').id, c.req.valid('header')['if-match'], 'change_main_user', async ({ tx, id }) => {
        const [user] = await tx
          .select({ status: users.status })
          .from(users)
          .where(and(eq(users.tenantId, id), eq(users.id, userId)));
        if (!user) throw fieldConflict('#/body/userId', 'is not a user of this customer');
        if (user.status !== 'active') throw fieldConflict('#/body/userId', `is ${user.status}; the main user must be an active user`);
        await tx.update(customerProfiles).set({ mainUserId: userId }).where(eq(customerProfiles.tenantId, id));
      });
      respond(c, customer);
      return c.json(customer, 200);
    })
    .openapi(deletion, async (c) => {
      const { id } = c.req.valid('param');
      c.req.valid('json');
      const s = c.var.session;
      const customer = await changeCustomer(c, id, c.req.valid('header')['if-match'], 'delete', async ({ tx, now }) => {
        await tx
          .update(customerProfiles)
          .set({ status: 'deleting', deletionRequestedAt: now, deletionRequestedBy: s.userId })
          .where(eq(customerProfiles.tenantId, id));
      });
      // Committed: the purge may start. If the queue cannot take it now (or there is none),
      // the tenant stays `deleting` and the next worker's start-up sweep queues it.
      try {
        await c.var.deps.jobs?.send('tenant-purge', { tenantId: id, requestedBy: s.userId }, { singletonKey: id });
      } catch (error) {
        console.error(`[${c.var.requestId}] queueing the purge of ${id}:`, error);
      }
      respond(c, customer);
      return c.json(customer, 202);
    });
}
