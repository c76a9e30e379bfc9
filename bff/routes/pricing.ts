import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { sessionRoute } from '../auth/middleware.js';
import { can } from '../auth/roles.js';
import { queryRows, type Tx } from '../db/client.js';
import { appendPriceVersion, lockSeller, pricingContext, repricePortfolio } from '../db/queries/pricing.js';
import { auditLog, priceTables, projectKeys } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { projectKeySummary, quote, validateTiers, type Tier } from '../domain/pricing.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { IdempotencyKeyHeader, idempotent } from '../http/idempotency.js';
import { HttpProblem, notFound, type FieldError } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, IdParam, json, notFoundError, Problem, problem, Timestamp, Uuid } from './schemas.js';

/**
 * The money an MSP (or sub-partner) configures: its graduated price tables (what customers pay
 * and what it pays; every save is a new version valid from then on, kept for billing past
 * periods), quotes for an IP count, and prepaid project keys it redeemed and resells.
 * Price tables and project keys belong to the caller's own org; quotes may name a customer the
 * caller can see. Amounts are integer minor units per month (bff/domain/pricing.ts).
 */

export const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .regex(/^"\d{1,9}"$/, { error: 'must be the ETag as read, such as "3"' })
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header', required: true }, description: 'The ETag (`"<version>"`) of what this change applies to', example: '"1"' }),
});

const MAX_MINOR = 1_000_000_000;
const Minor = z.number().int().min(0).max(MAX_MINOR);

export const TierJson = z
  .object({
    upTo: z.number().int().min(1).max(10_000_000).nullable().describe('The last IP of this range; null for the open-ended last tier'),
    unitMinor: Minor.describe('Monthly price of one IP in this range, in minor units'),
  })
  .openapi('Tier');

const Currency = z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 currency code, such as EUR' });

const PriceTableJson = z
  .object({
    currency: Currency,
    articleName: z.string().trim().min(1).max(200),
    articleNumber: z.string().trim().min(1).max(60),
    tiers: z.array(TierJson).min(1).max(20),
  })
  .openapi('PriceTable');

const PriceTables = z
  .object({
    orgId: Uuid.describe('The MSP or sub-partner these tables belong to'),
    sell: PriceTableJson.describe('What the customers pay'),
    cost: PriceTableJson.describe('What the org pays (before volume-band and prepaid discounts)'),
    prepaidDiscountBps: z.number().int().describe('Prepaid discount on the cost, in basis points'),
    version: z.number().int().describe('0 until first saved; the ETag is this number in quotes'),
  })
  .openapi('PriceTables');
type PriceTablesJson = z.infer<typeof PriceTables>;

const PriceTablesUpdate = z
  .object({ sell: PriceTableJson, cost: PriceTableJson, prepaidDiscountBps: z.number().int().min(0).max(10_000) })
  .openapi('PriceTablesUpdate');

const PriceTablesConflict = Problem.extend({ current: PriceTables.describe('The tables as saved now') }).openapi('PriceTablesConflict');

const PriceLineJson = z.object({ from: z.number().int(), to: z.number().int(), count: z.number().int(), unitMinor: z.number().int(), amountMinor: z.number().int() });

const QuoteRequest = z
  .object({
    ips: z.number().int().min(0).max(1_000_000),
    customerId: Uuid.optional().describe("Price for this customer (its seller's tables); default: the caller's own org"),
  })
  .openapi('QuoteRequest');

const QuoteJson = z
  .object({
    ips: z.number().int(),
    currency: z.string(),
    priceMinor: z.number().int(),
    priceLines: z.array(PriceLineJson),
    averageIpPriceMinor: z.number().int().nullable(),
    costMinor: z.number().int().nullable().describe('Null unless the caller manages pricing'),
    marginMinor: z.number().int().nullable().describe('Null unless the caller manages pricing'),
    costLines: z.array(PriceLineJson).nullable().describe('Null unless the caller manages pricing'),
    band: z.number().int().describe('Volume band of the portfolio (0–3: below 1k, 5k, 25k units, and above)'),
  })
  .openapi('Quote');

const ProjectKeySummaryJson = z.object({
  costPerIpMonthMinor: z.number().int(),
  pricePerIpMonthMinor: z.number().int().nullable(),
  marginMinor: z.number().int().nullable(),
  marginBps: z.number().int().nullable(),
});

const ProjectKeyJson = z
  .object({
    id: Uuid,
    orgId: Uuid.describe('The MSP or sub-partner that redeemed it'),
    code: z.string(),
    ipCount: z.number().int(),
    runtimeMonths: z.number().int(),
    currency: z.string(),
    purchasePriceMinor: z.number().int(),
    sellingPriceMinor: z.number().int().nullable(),
    customerId: Uuid.nullable(),
    redeemedAt: Timestamp,
    version: z.number().int(),
    summary: ProjectKeySummaryJson,
  })
  .openapi('ProjectKey');
type ProjectKeyJsonT = z.infer<typeof ProjectKeyJson>;

const ProjectKeyPage = z.object({ items: z.array(ProjectKeyJson), nextCursor: z.string().nullable() }).openapi('ProjectKeyPage');

const Redemption = z
  .object({
    code: z.string().trim().min(4).max(64).regex(/^[A-Za-z0-9-]+$/, { error: 'may hold only letters, digits and dashes' }),
    ipCount: z.number().int().min(1).max(1_000_000),
    runtimeMonths: z.number().int().min(1).max(120),
    purchasePriceMinor: Minor,
  })
  .openapi('ProjectKeyRedemption');

const ProjectKeyUpdate = z
  .object({
    sellingPriceMinor: Minor.describe('What the MSP charges for the whole key'),
    customerId: Uuid.nullable().optional().describe('The customer the key is for; null unassigns'),
  })
  .openapi('ProjectKeyUpdate');

const ProjectKeyConflict = Problem.extend({ current: ProjectKeyJson }).openapi('ProjectKeyConflict');

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be the nextCursor of a previous page' })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

const security = [{ embedSession: [] }];

const getTables = createRoute({
  method: 'get',
  path: '/v1/price-tables',
  tags: ['pricing'],
  summary: "The caller's org's price tables (version 0 with empty tiers until first saved)",
  security,
  middleware: sessionRoute('pricing:manage'),
  responses: { 200: json(PriceTables, 'The tables; `ETag` carries their version'), ...commonErrors },
});

const putTables = createRoute({
  method: 'put',
  path: '/v1/price-tables',
  tags: ['pricing'],
  summary: 'Save new price tables, valid from now (past periods keep the prices of their time); every subscription the org sells is repriced',
  security,
  middleware: sessionRoute('pricing:manage'),
  request: { headers: IfMatchHeader, body: { required: true, content: { 'application/json': { schema: PriceTablesUpdate } } } },
  responses: {
    200: json(PriceTables, 'Saved; `ETag` carries the new version'),
    ...commonErrors,
    412: problem('`If-Match` names a version that is no longer current; `current` holds the tables now', PriceTablesConflict),
    428: problem('`If-Match` is missing: read the tables first and send their ETag'),
  },
});

const postQuote = createRoute({
  method: 'post',
  path: '/v1/quotes',
  tags: ['pricing'],
  summary: 'The monthly price (and, for pricing managers, cost and margin) of an IP count',
  security,
  middleware: sessionRoute('quotes:read'),
  request: { body: { required: true, content: { 'application/json': { schema: QuoteRequest } } } },
  responses: { 200: json(QuoteJson, 'The quote'), ...commonErrors },
});

const listKeys = createRoute({
  method: 'get',
  path: '/v1/project-keys',
  tags: ['pricing'],
  summary: "Redeemed project keys: the org's and its sub-partners'",
  security,
  middleware: sessionRoute('pricing:manage'),
  request: { query: ListQuery },
  responses: { 200: json(ProjectKeyPage, 'A page of keys, oldest id first'), ...commonErrors },
});

const redeemKey = createRoute({
  method: 'post',
  path: '/v1/project-keys',
  tags: ['pricing'],
  summary: 'Redeem a prepaid project key: IP count, runtime and purchase price',
  security,
  middleware: sessionRoute('pricing:manage'),
  request: { headers: IdempotencyKeyHeader, body: { required: true, content: { 'application/json': { schema: Redemption } } } },
  responses: {
    201: json(ProjectKeyJson, 'Redeemed; `Location` names the key'),
    ...commonErrors,
    409: problem('This org has redeemed a key with this code already'),
    422: problem('The `Idempotency-Key` was used before with a different request'),
  },
});

const getKey = createRoute({
  method: 'get',
  path: '/v1/project-keys/{id}',
  tags: ['pricing'],
  summary: 'One project key with its summary',
  security,
  middleware: sessionRoute('pricing:manage'),
  request: { params: IdParam },
  responses: { 200: json(ProjectKeyJson, 'The key; `ETag` carries its version'), ...commonErrors, ...notFoundError },
});

const putKey = createRoute({
  method: 'put',
  path: '/v1/project-keys/{id}',
  tags: ['pricing'],
  summary: 'Set the selling price of a project key (and the customer it is for)',
  security,
  middleware: sessionRoute('pricing:manage'),
  request: { params: IdParam, headers: IfMatchHeader, body: { required: true, content: { 'application/json': { schema: ProjectKeyUpdate } } } },
  responses: {
    200: json(ProjectKeyJson, 'Saved; `ETag` carries the new version'),
    ...commonErrors,
    ...notFoundError,
    412: problem('`If-Match` names a version that is no longer current; `current` holds the key now', ProjectKeyConflict),
    428: problem('`If-Match` is missing: read the key first and send its ETag'),
  },
});

const versionOf = (ifMatch: string | undefined, what: string) => {
  if (ifMatch === undefined) throw new HttpProblem(428, 'precondition_required', `Send If-Match with the ETag of the ${what} you read (GET it first).`);
  return Number(ifMatch.slice(1, -1));
};

const badRequest = (errors: FieldError[]) =>
  new HttpProblem(400, 'invalid_request', `The request is not valid: check ${errors.map((e) => e.pointer.slice(2)).join(', ')}.`, errors);

async function audit(tx: Tx, c: Context<AppEnv>, tenantId: string, action: string, targetId: string | null, before: unknown, after: unknown) {
  const s = c.var.session;
  await tx.insert(auditLog).values({ tenantId, actorId: s.userId, actorRole: s.role, action, targetId, before: before ?? null, after: after ?? null, requestId: c.var.requestId });
}

// --- Price tables -------------------------------------------------------------------------

async function readTables(tx: Tx, orgId: string, lock = false): Promise<PriceTablesJson> {
  const query = tx.select().from(priceTables).where(eq(priceTables.tenantId, orgId));
  const rows = lock ? await query.for('update') : await query;
  const [org] = await queryRows<{ currency: string }>(tx, sql`select currency from orgs where id = ${orgId}::uuid`);
  const table = (kind: 'sell' | 'cost') => {
    const row = rows.find((r) => r.kind === kind);
    return row
      ? { currency: row.currency, articleName: row.articleName, articleNumber: row.articleNumber, tiers: row.tiers as Tier[] }
      : { currency: org?.currency ?? 'EUR', articleName: '', articleNumber: '', tiers: [] };
  };
  const cost = rows.find((r) => r.kind === 'cost');
  return {
    orgId,
    sell: table('sell'),
    cost: table('cost'),
    prepaidDiscountBps: cost?.prepaidDiscountBps ?? 0,
    version: Math.max(0, ...rows.map((r) => r.version)),
  };
}

/** Rules across fields: tiers that can price, and one currency for both tables. */
function tableErrors(body: z.infer<typeof PriceTablesUpdate>): FieldError[] {
  const errors: FieldError[] = [];
  for (const kind of ['sell', 'cost'] as const) {
    for (const p of validateTiers(body[kind].tiers)) {
      errors.push({ pointer: ['#/body', kind, 'tiers', ...p.path].join('/'), detail: p.detail });
    }
  }
  if (body.cost.currency !== body.sell.currency) errors.push({ pointer: '#/body/cost/currency', detail: `must be the sell table's currency (${body.sell.currency})` });
  return errors;
}

// --- Project keys -------------------------------------------------------------------------

type KeyRow = typeof projectKeys.$inferSelect;

function keyJson(k: KeyRow): ProjectKeyJsonT {
  return {
    id: k.id,
    orgId: k.tenantId,
    code: k.code,
    ipCount: k.ipCount,
    runtimeMonths: k.runtimeMonths,
    currency: k.currency,
    purchasePriceMinor: k.purchasePriceMinor,
    sellingPriceMinor: k.sellingPriceMinor,
    customerId: k.customerId,
    redeemedAt: k.redeemedAt.toISOString(),
    version: k.version,
    summary: projectKeySummary(k),
  };
}

/** A project key the caller can see: its org's, or a sub-partner's below it. */
async function findKey(tx: Tx, id: string, lock = false): Promise<KeyRow | null> {
  const query = tx.select().from(projectKeys).where(eq(projectKeys.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

/** Whether the caller can see `customerId` as a customer. */
async function customerVisible(tx: Tx, customerId: string): Promise<boolean> {
  const [row] = await queryRows<{ ok: boolean }>(
    tx,
    sql`select exists(select 1 from customer_profiles where tenant_id = ${customerId}::uuid) and ${customerId}::uuid = any(portico.visible_tenants()) as ok`,
  );
  return row?.ok === true;
}

const unknownCustomer = () => badRequest([{ pointer: '#/body/customerId', detail: 'names no customer you can see' }]);

export function pricingRoutes() {
  return router()
    .openapi(getTables, async (c) => {
      const s = c.var.session;
      const tables = await withScope(c.var.deps.db, dbPrincipal(s), (tx) => readTables(tx, s.orgId));
      c.header('etag', `"${tables.version}"`);
      c.header('cache-control', 'no-store');
      return c.json(tables, 200);
    })
    .openapi(putTables, async (c) => {
      const s = c.var.session;
      const body = c.req.valid('json');
      const errors = tableErrors(body);
      if (errors.length) throw badRequest(errors);
      const expected = versionOf(c.req.valid('header')['if-match'], 'price tables');
      const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        // Repricing touches every subscription the org sells: no quota change runs meanwhile.
        await lockSeller(tx, s.orgId);
        // Locks both rows (when saved before), so of two editors with one version exactly one wins.
        const before = await readTables(tx, s.orgId, true);
        if (before.version !== expected) {
          throw new HttpProblem(412, 'precondition_failed', `The price tables are at version ${before.version}, not ${expected}.`, undefined, { etag: `"${before.version}"` }, { current: before });
        }
        const version = expected + 1;
        for (const kind of ['sell', 'cost'] as const) {
          const t = body[kind];
          const values = {
            currency: t.currency,
            articleName: t.articleName,
            articleNumber: t.articleNumber,
            tiers: t.tiers,
            prepaidDiscountBps: kind === 'cost' ? body.prepaidDiscountBps : 0,
            version,
            updatedAt: sql`now()`,
          };
          // A first save inserts; of two first saves racing, the second finds the first's row and,
          // its version being 1 by then, updates nothing.
          const written =
            (await tx.insert(priceTables).values({ tenantId: s.orgId, kind, ...values }).onConflictDoNothing().returning({ kind: priceTables.kind })).length > 0 ||
            (await tx.update(priceTables).set(values).where(and(eq(priceTables.tenantId, s.orgId), eq(priceTables.kind, kind), eq(priceTables.version, expected))).returning({ kind: priceTables.kind })).length > 0;
          if (!written) {
            const current = await readTables(tx, s.orgId);
            throw new HttpProblem(412, 'precondition_failed', `The price tables are at version ${current.version}, not ${expected}.`, undefined, { etag: `"${current.version}"` }, { current });
          }
        }
        // The history bills past periods; the rows above are the current version's copy.
        await appendPriceVersion(tx, s.orgId, version, body, body.prepaidDiscountBps, c.var.deps.now?.() ?? new Date(), s.userId);
        const after = await readTables(tx, s.orgId);
        const ctx = await pricingContext(tx, s.orgId);
        const repriced = ctx ? await repricePortfolio(tx, ctx) : 0;
        await audit(tx, c, s.orgId, 'price_tables.update', s.orgId, before.version === 0 ? null : before, { ...after, repricedSubscriptions: repriced });
        return after;
      });
      c.header('etag', `"${saved.version}"`);
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    })
    .openapi(postQuote, async (c) => {
      const s = c.var.session;
      const { ips, customerId } = c.req.valid('json');
      const ctx = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        if (customerId && !(await customerVisible(tx, customerId))) throw unknownCustomer();
        return pricingContext(tx, customerId ?? s.orgId);
      });
      if (!ctx) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
      const q = quote({ ips, sell: ctx.sell.length ? ctx.sell : [{ upTo: null, unitMinor: 0 }], cost: ctx.cost.length ? ctx.cost : [{ upTo: null, unitMinor: 0 }], portfolioUnits: ctx.portfolioUnits, prepaidDiscountBps: ctx.prepaidDiscountBps });
      const costs = can(s.role, 'pricing:manage');
      return c.json(
        {
          ips: q.ips,
          currency: ctx.currency,
          priceMinor: q.priceMinor,
          priceLines: q.priceLines,
          averageIpPriceMinor: q.averageIpPriceMinor,
          costMinor: costs ? q.costMinor : null,
          marginMinor: costs ? q.marginMinor : null,
          costLines: costs ? q.costLines : null,
          band: q.band,
        },
        200,
      );
    })
    .openapi(listKeys, async (c) => {
      const s = c.var.session;
      const { limit, cursor } = c.req.valid('query');
      const rows = await withScope(c.var.deps.db, dbPrincipal(s), (tx) =>
        tx
          .select()
          .from(projectKeys)
          .where(cursor ? gt(projectKeys.id, cursor) : undefined)
          .orderBy(asc(projectKeys.id))
          .limit(limit + 1),
      );
      const page = rows.slice(0, limit);
      return c.json({ items: page.map(keyJson), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null }, 200);
    })
    .openapi(redeemKey, async (c) => {
      const s = c.var.session;
      const body = c.req.valid('json');
      const result = await idempotent<ProjectKeyJsonT>(c, async (tx) => {
        const [org] = await queryRows<{ currency: string }>(tx, sql`select currency from orgs where id = ${s.orgId}::uuid`);
        if (!org) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
        const [row] = await tx
          .insert(projectKeys)
          .values({ tenantId: s.orgId, code: body.code, ipCount: body.ipCount, runtimeMonths: body.runtimeMonths, currency: org.currency, purchasePriceMinor: body.purchasePriceMinor, redeemedBy: s.userId, redeemedAt: c.var.deps.now?.() ?? new Date() })
          .onConflictDoNothing()
          .returning();
        if (!row) throw new HttpProblem(409, 'conflict', `A project key with code ${body.code} has been redeemed already.`, [{ pointer: '#/body/code', detail: 'has been redeemed already' }]);
        const key = keyJson(row);
        await audit(tx, c, s.orgId, 'project_key.redeem', row.id, null, key);
        return { status: 201, body: key, headers: { location: `/v1/project-keys/${row.id}`, etag: `"${row.version}"` } };
      });
      for (const [name, value] of Object.entries(result.headers ?? {})) c.header(name, value);
      return c.json(result.body, 201);
    })
    .openapi(getKey, async (c) => {
      const s = c.var.session;
      const { id } = c.req.valid('param');
      const row = await withScope(c.var.deps.db, dbPrincipal(s), (tx) => findKey(tx, id));
      if (!row) throw notFound('project key');
      c.header('etag', `"${row.version}"`);
      return c.json(keyJson(row), 200);
    })
    .openapi(putKey, async (c) => {
      const s = c.var.session;
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = versionOf(c.req.valid('header')['if-match'], 'project key');
      const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const before = await findKey(tx, id, true);
        if (!before) throw notFound('project key');
        if (before.version !== expected) {
          throw new HttpProblem(412, 'precondition_failed', `The project key is at version ${before.version}, not ${expected}.`, undefined, { etag: `"${before.version}"` }, { current: keyJson(before) });
        }
        if (body.customerId && !(await customerVisible(tx, body.customerId))) throw unknownCustomer();
        const [row] = await tx
          .update(projectKeys)
          .set({ sellingPriceMinor: body.sellingPriceMinor, ...(body.customerId !== undefined ? { customerId: body.customerId } : {}), version: expected + 1 })
          .where(and(eq(projectKeys.tenantId, before.tenantId), eq(projectKeys.id, id)))
          .returning();
        const key = keyJson(row!);
        await audit(tx, c, before.tenantId, 'project_key.update', id, { sellingPriceMinor: before.sellingPriceMinor, customerId: before.customerId }, { sellingPriceMinor: key.sellingPriceMinor, customerId: key.customerId });
        return key;
      });
      c.header('etag', `"${saved.version}"`);
      return c.json(saved, 200);
    });
}
