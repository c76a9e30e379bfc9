import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { sessionRoute } from '../auth/middleware.js';
import { queryRows, type Tx } from '../db/client.js';
import { queueScan, recentScans } from '../db/queries/scans.js';
import { auditLog, scanSchedules } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { isTimeZone } from '../domain/report-schedule.js';
import { localTime, manualKey, nextScanRun, scanFrequencies, scanReasons, scanTriggers, START_TIME, upcomingScanRuns, zoneOf } from '../domain/scan-schedule.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { idempotent, IdempotencyKeyHeader } from '../http/idempotency.js';
import { fieldPointer, HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { startScanRuns } from '../jobs/scan-run.js';
import { FleetCustomerIds } from './fleet-tags.js';
import { etag, ScheduleParams, scheduleRouteDefs, versionConflict, versionOf, visibleUsers } from './schedules-shared.js';
import type { ScanProfile } from '../scanner/adapter.js';
import { scannerFor } from '../scanner/index.js';
import { commonErrors, IdParam, json, notFoundError, Problem, problem, Timestamp, Uuid } from './schemas.js';

/**
 * Scan schedules of a customer: a profile of the scanner, the assets to cover (none named: all),
 * daily, weekly on a weekday or monthly on a day 1–28 at a local start time in the schedule's own
 * IANA zone or the customer's, and event triggers (`new_asset`, `vulnerability_db_update`). The
 * jobs in bff/jobs/scan-*.ts queue and run the scans, as the schedule's creator. Creating,
 * changing, deleting and running one now need `scans:schedule`; reading needs `customers:read`.
 * Which customers is RLS's: an account manager's assigned ones, a customer admin's own tenant.
 */

const Target = z.string().trim().min(1, { error: 'must not be empty' }).max(253, { error: 'must be at most 253 characters' });

export const ScanScheduleInput = z
  .object({
    name: z.string().trim().min(1, { error: 'must not be empty' }).max(80, { error: 'must be at most 80 characters' }).openapi({ example: 'Weekly external scan' }),
    profile: z.string().min(1, { error: 'must name a profile' }).max(40).openapi({ description: "A profile id of the scanner (`profiles` in the schedule list)", example: 'external' }),
    targets: z.array(Target).max(100, { error: 'at most 100 targets' }).optional()
      .openapi({ description: 'Asset values to scan; none (the default) scans every asset of the customer', example: [] }),
    frequency: z.enum(scanFrequencies).openapi({ example: 'weekly' }),
    weekday: z.number().int().min(1, { error: 'must be 1 (Monday) to 7 (Sunday)' }).max(7, { error: 'must be 1 (Monday) to 7 (Sunday)' }).nullable().optional()
      .openapi({ description: 'ISO weekday, 1 = Monday … 7 = Sunday; required for weekly schedules', example: 7 }),
    dayOfMonth: z.number().int().min(1, { error: 'must be 1 to 28' }).max(28, { error: 'must be 1 to 28 (every month has it)' }).nullable().optional()
      .openapi({ description: 'Day of the month 1–28; required for monthly schedules', example: null }),
    startTime: z.string().regex(START_TIME, { error: 'must be a local time HH:MM (24-hour)' }).openapi({ example: '02:00' }),
    timeZone: z.string().max(64).refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }).nullable().optional()
      .openapi({ description: "IANA time zone; null or absent follows the customer's zone", example: null }),
    triggers: z.array(z.enum(scanTriggers)).max(2).optional().openapi({ description: 'Events that also start a run', example: ['new_asset'] }),
    enabled: z.boolean().optional().openapi({ description: 'Default true', example: true }),
  })
  .superRefine((v, ctx) => {
    if (v.frequency === 'weekly' && (v.weekday === undefined || v.weekday === null)) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly schedule needs a weekday 1–7' });
    if (v.frequency === 'monthly' && (v.dayOfMonth === undefined || v.dayOfMonth === null)) ctx.addIssue({ code: 'custom', path: ['dayOfMonth'], message: 'a monthly schedule needs a day of the month 1–28' });
    const seen = new Set<string>();
    (v.triggers ?? []).forEach((t, i) => {
      if (seen.has(t)) ctx.addIssue({ code: 'custom', path: ['triggers', i], message: 'is named twice' });
      seen.add(t);
    });
  })
  .openapi('ScanScheduleInput');
type Input = z.infer<typeof ScanScheduleInput>;

const Run = z.object({ at: Timestamp, local: z.string().describe('The slot on the wall clock of `timeZone`, `YYYY-MM-DDTHH:MM`') }).openapi('ScanRunSlot');

const ScanSchedule = z
  .object({
    id: Uuid,
    customerId: Uuid,
    name: z.string(),
    profile: z.string(),
    targets: z.array(z.string()),
    frequency: z.enum(scanFrequencies),
    weekday: z.number().int().nullable(),
    dayOfMonth: z.number().int().nullable(),
    startTime: z.string(),
    timeZone: z.string().nullable().describe("The schedule's own zone; null follows the customer's"),
    effectiveTimeZone: z.string().describe('The zone slots are computed in'),
    triggers: z.array(z.enum(scanTriggers)),
    enabled: z.boolean(),
    nextRunAt: Timestamp.nullable().describe('The next slot; null while disabled'),
    lastRunAt: Timestamp.nullable(),
    upcoming: z.array(Run).describe('The next slots (three), empty while disabled'),
    createdBy: Uuid.nullable().describe("The user whose access the scans use; null when the caller cannot see that user"),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('ScanSchedule');
type ScheduleJson = z.infer<typeof ScanSchedule>;

const Profile = z.object({ id: z.string(), name: z.string(), description: z.string() }).openapi('ScanProfile');

const ScheduleList = z
  .object({ items: z.array(ScanSchedule), profiles: z.array(Profile), customerTimeZone: z.string() })
  .openapi('ScanScheduleList');
const ScheduleConflict = Problem.extend({ current: ScanSchedule }).openapi('ScanScheduleConflict');

const Scan = z
  .object({
    id: Uuid,
    profile: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    trigger: z.enum(scanReasons).nullable(),
    scheduleId: Uuid.nullable(),
    scheduleName: z.string().nullable(),
    targets: z.array(z.string()),
    startedAt: Timestamp.describe('When it was queued, then when it started'),
    finishedAt: Timestamp.nullable(),
    findingsCount: z.number().int(),
    error: z.string().nullable(),
  })
  .openapi('Scan');
const ScanList = z.object({ items: z.array(Scan) }).openapi('ScanList');


const BulkInput = z
  .object({
    customerIds: FleetCustomerIds,
    schedule: ScanScheduleInput,
  })
  .openapi('ScanScheduleBulkInput');
const BulkResult = z
  .object({
    created: z.number().int(),
    notFound: z.number().int().describe('Ids that name no customer the caller can see'),
    items: z.array(z.object({ customerId: Uuid, scheduleId: Uuid, nextRunAt: Timestamp.nullable() })).describe('One per schedule created, in the order the ids were sent'),
  })
  .openapi('ScanScheduleBulkResult');

const UpcomingQuery = z.object({
  perSchedule: z.coerce.number().int().min(1, { error: 'must be 1 to 10' }).max(10, { error: 'must be 1 to 10' }).optional()
    .openapi({ param: { name: 'perSchedule', in: 'query' }, description: 'Slots per schedule (default 3)', example: 3 }),
  limit: z.coerce.number().int().min(1, { error: 'must be 1 to 500' }).max(500, { error: 'must be 1 to 500' }).optional()
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Slots in all (default 100), earliest first', example: 100 }),
  customerIds: z
    .string()
    .regex(/^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,499}$/, { error: 'must be up to 500 customer ids separated by commas' })
    .optional()
    .openapi({ param: { name: 'customerIds', in: 'query' }, description: 'Only these customers (comma-separated ids); default every customer in scope' }),
});
const Upcoming = z
  .object({
    items: z.array(
      Run.extend({
        timeZone: z.string(),
        scheduleId: Uuid,
        scheduleName: z.string(),
        profile: z.string(),
        customerId: Uuid,
        customerName: z.string(),
      }),
    ),
    profiles: z.array(Profile),
  })
  .openapi('ScanUpcomingRuns');

const ScansQuery = z.object({
  limit: z.coerce.number().int().min(1, { error: 'must be 1 to 100' }).max(100, { error: 'must be 1 to 100' }).optional()
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Default 20', example: 20 }),
});

const collection = '/v1/customers/{id}/scan-schedules';
const tags = ['scans'];
const security = [{ embedSession: [] }];
const { item, listRoute, getRoute, createRouteDef, putRoute, deleteRoute } = scheduleRouteDefs({
  collection,
  tags,
  read: 'customers:read',
  write: 'scans:schedule',
  schedule: ScanSchedule,
  input: ScanScheduleInput,
  list: ScheduleList,
  conflict: ScheduleConflict,
  summaries: {
    list: "A customer's scan schedules, each with its next slots, and the scanner's profiles",
    get: 'One scan schedule; `ETag` carries its version',
    create: 'Schedule scans of the customer',
    put: 'Replace a scan schedule (If-Match required)',
    delete: 'Delete a scan schedule (If-Match required); its scans stay on record',
  },
});
const runRoute = createRoute({
  method: 'post', path: `${item}/runs`, tags, security, middleware: sessionRoute('scans:schedule'),
  summary: 'Run a schedule now (Idempotency-Key: one run per key), with its profile and targets, as its creator',
  request: { params: ScheduleParams, headers: IdempotencyKeyHeader },
  responses: { 202: json(Scan, 'Queued; `Location` names the customer\'s scans'), ...commonErrors, ...notFoundError, 409: problem('The run was asked for already'), 422: problem('`idempotency-key-reused`') },
});
const scansRoute = createRoute({
  method: 'get', path: '/v1/customers/{id}/scans', tags, security, middleware: sessionRoute('customers:read'),
  summary: "A customer's latest scans, newest first, with why each ran and how it ended",
  request: { params: IdParam, query: ScansQuery },
  responses: { 200: json(ScanList, 'Newest first'), ...commonErrors, ...notFoundError },
});
const bulkRoute = createRoute({
  method: 'post', path: '/v1/fleet/scan-schedules', tags, security, middleware: sessionRoute('scans:schedule'),
  summary: 'Create the same scan schedule for many customers at once (up to 500)',
  description: "Customers the caller cannot see count as `notFound`, like unknown ids. Each schedule follows its customer's zone unless `timeZone` names one; each creation is audited.",
  request: { body: { required: true, content: { 'application/json': { schema: BulkInput } } } },
  responses: { 200: json(BulkResult, 'What was created'), ...commonErrors },
});
const upcomingRoute = createRoute({
  method: 'get', path: '/v1/scan-schedules/upcoming', tags, security, middleware: sessionRoute('customers:read'),
  summary: 'The next scan slots across the caller’s customers, earliest first, in UTC and local time',
  request: { query: UpcomingQuery },
  responses: { 200: json(Upcoming, 'Earliest first'), ...commonErrors },
});

type Row = typeof scanSchedules.$inferSelect;
const nowOf = (c: Context<AppEnv>) => c.var.deps.now?.() ?? new Date();
const UPCOMING = 3;

async function profilesOf(c: Context<AppEnv>): Promise<readonly ScanProfile[]> {
  return scannerFor(c.var.deps.config, c.var.deps.db).profiles();
}
const profileJson = (p: ScanProfile) => ({ id: p.id, name: p.name, description: p.description });

function checkProfile(profiles: readonly ScanProfile[], profile: string, at: (string | number)[] = []): void {
  if (profiles.some((p) => p.id === profile)) return;
  const detail = `must be one of ${profiles.map((p) => p.id).join(', ')}`;
  const pointer = fieldPointer('json', [...at, 'profile']);
  throw new HttpProblem(400, 'invalid_request', `The request is not valid: check ${pointer.slice(2)}.`, [{ pointer, detail }]);
}

function scheduleJson(r: Row, customerZone: string | null, now: Date, createdBy: string | null): ScheduleJson {
  const zone = zoneOf(r, customerZone);
  return {
    id: r.id,
    customerId: r.tenantId,
    name: r.name,
    profile: r.profile,
    targets: r.targets,
    frequency: r.frequency,
    weekday: r.weekday,
    dayOfMonth: r.dayOfMonth,
    startTime: r.startTime,
    timeZone: r.timeZone,
    effectiveTimeZone: zone,
    triggers: r.triggers.filter((t): t is (typeof scanTriggers)[number] => (scanTriggers as readonly string[]).includes(t)),
    enabled: r.enabled,
    nextRunAt: r.nextRunAt?.toISOString() ?? null,
    lastRunAt: r.lastRunAt?.toISOString() ?? null,
    upcoming: r.enabled ? upcomingScanRuns(r, customerZone, now, UPCOMING).map((at) => ({ at: at.toISOString(), local: localTime(at, zone) })) : [],
    createdBy,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}


async function jsonOf(tx: Tx, rows: Row[], customerZone: string | null, now: Date): Promise<ScheduleJson[]> {
  const users = await visibleUsers(tx, rows.map((r) => r.createdBy));
  return rows.map((r) => scheduleJson(r, customerZone, now, users.has(r.createdBy) ? r.createdBy : null));
}

/** Visible customers among `ids` with their name and zone (data hidden once a customer revoked its MSP). */
async function visibleCustomers(tx: Tx, ids: string[] | null): Promise<{ id: string; name: string; timeZone: string | null }[]> {
  return queryRows<{ id: string; name: string; timeZone: string | null }>(
    tx,
    sql`select o.id, o.name, o.time_zone as "timeZone" from orgs o join customer_profiles cp on cp.tenant_id = o.id
         where o.id = any(portico.visible_tenants())
           ${ids ? sql`and o.id = any(${sql.param(ids)}::uuid[])` : sql``}
         order by o.name, o.id`,
  );
}

async function visibleCustomer(tx: Tx, id: string) {
  return (await visibleCustomers(tx, [id]))[0] ?? null;
}

/** The columns an input sets, with its next slot after `now`. */
function columnsOf(input: Input, customerZone: string | null, now: Date) {
  const fields = {
    frequency: input.frequency,
    weekday: input.frequency === 'weekly' ? (input.weekday ?? null) : null,
    dayOfMonth: input.frequency === 'monthly' ? (input.dayOfMonth ?? null) : null,
    startTime: input.startTime,
    timeZone: input.timeZone ?? null,
  };
  const enabled = input.enabled ?? true;
  return {
    ...fields,
    name: input.name,
    profile: input.profile,
    targets: [...new Set(input.targets ?? [])],
    triggers: [...new Set(input.triggers ?? [])],
    enabled,
    nextRunAt: enabled ? nextScanRun(fields, customerZone, now) : null,
  };
}

async function readSchedule(tx: Tx, customerId: string, scheduleId: string, lock = false): Promise<Row | null> {
  const query = tx.select().from(scanSchedules).where(and(eq(scanSchedules.tenantId, customerId), eq(scanSchedules.id, scheduleId)));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}


function conflict(current: Row, customerZone: string | null, now: Date, expected: number): HttpProblem {
  return versionConflict(current.version, expected, scheduleJson(current, customerZone, now, null));
}

const auditValues = (r: Row) => ({ name: r.name, profile: r.profile, targets: r.targets, frequency: r.frequency, weekday: r.weekday, dayOfMonth: r.dayOfMonth, startTime: r.startTime, timeZone: r.timeZone, triggers: r.triggers, enabled: r.enabled, version: r.version });

/** Records a new schedule of `customer` for the caller, audited as `scan_schedule.create`. */
async function insertSchedule(c: Context<AppEnv>, tx: Tx, customer: { id: string; timeZone: string | null }, input: Input, now: Date, audit: Record<string, unknown> = {}): Promise<Row> {
  const s = c.var.session;
  const [row] = await tx.insert(scanSchedules).values({ tenantId: customer.id, ...columnsOf(input, customer.timeZone, now), createdBy: s.userId, createdAt: now, updatedAt: now }).returning();
  if (!row) throw new Error('schedule was not recorded');
  await tx.insert(auditLog).values({ tenantId: customer.id, actorId: s.userId, actorRole: s.role, action: 'scan_schedule.create', targetId: row.id, after: { ...auditValues(row), ...audit }, requestId: c.var.requestId });
  return row;
}

type ScanJson = z.infer<typeof Scan>;
function scanJson(s: Awaited<ReturnType<typeof recentScans>>[number]): ScanJson {
  return {
    ...s,
    trigger: (scanReasons as readonly string[]).includes(s.trigger ?? '') ? (s.trigger as ScanJson['trigger']) : null,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
  };
}

export function scanScheduleRoutes() {
  return router()
    .openapi(listRoute, async (c) => {
      const { id } = c.req.valid('param');
      const now = nowOf(c);
      const profiles = await profilesOf(c);
      const body = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('customer');
        const rows = await tx.select().from(scanSchedules).where(eq(scanSchedules.tenantId, id)).orderBy(asc(scanSchedules.createdAt), asc(scanSchedules.id));
        return { items: await jsonOf(tx, rows, customer.timeZone, now), profiles: profiles.map(profileJson), customerTimeZone: zoneOf({ timeZone: null }, customer.timeZone) };
      });
      c.header('cache-control', 'no-store');
      return c.json(body, 200);
    })
    .openapi(getRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const now = nowOf(c);
      const row = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('scan schedule');
        const found = await readSchedule(tx, id, scheduleId);
        if (!found) throw notFound('scan schedule');
        return (await jsonOf(tx, [found], customer.timeZone, now))[0]!;
      });
      c.header('etag', etag(row.version));
      c.header('cache-control', 'no-store');
      return c.json(row, 200);
    })
    .openapi(createRouteDef, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const now = nowOf(c);
      checkProfile(await profilesOf(c), input.profile);
      const result = await idempotent(c, async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('customer');
        const row = await insertSchedule(c, tx, customer, input, now);
        return { status: 201, body: (await jsonOf(tx, [row], customer.timeZone, now))[0]!, headers: { location: `${collection.replace('{id}', id)}/${row.id}`, etag: etag(row.version) } };
      });
      for (const [k, v] of Object.entries(result.headers ?? {})) c.header(k, v);
      return c.json(result.body, 201);
    })
    .openapi(putRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const input = c.req.valid('json');
      const ifMatch = c.req.valid('header')['if-match'];
      const s = c.var.session;
      const now = nowOf(c);
      const profiles = await profilesOf(c);
      const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('scan schedule');
        const before = await readSchedule(tx, id, scheduleId, true);
        if (!before) throw notFound('scan schedule');
        const expected = versionOf(ifMatch);
        if (before.version !== expected) throw conflict(before, customer.timeZone, now, expected);
        checkProfile(profiles, input.profile);
        const [row] = await tx
          .update(scanSchedules)
          .set({ ...columnsOf(input, customer.timeZone, now), version: before.version + 1, updatedAt: now })
          .where(and(eq(scanSchedules.tenantId, id), eq(scanSchedules.id, scheduleId), eq(scanSchedules.version, expected)))
          .returning();
        if (!row) throw conflict(before, customer.timeZone, now, expected);
        await tx.insert(auditLog).values({ tenantId: id, actorId: s.userId, actorRole: s.role, action: 'scan_schedule.update', targetId: row.id, before: auditValues(before), after: auditValues(row), requestId: c.var.requestId });
        return (await jsonOf(tx, [row], customer.timeZone, now))[0]!;
      });
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const ifMatch = c.req.valid('header')['if-match'];
      const s = c.var.session;
      const now = nowOf(c);
      const deleted = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('scan schedule');
        const before = await readSchedule(tx, id, scheduleId, true);
        if (!before) throw notFound('scan schedule');
        const expected = versionOf(ifMatch);
        if (before.version !== expected) throw conflict(before, customer.timeZone, now, expected);
        await tx.delete(scanSchedules).where(and(eq(scanSchedules.tenantId, id), eq(scanSchedules.id, scheduleId)));
        await tx.insert(auditLog).values({ tenantId: id, actorId: s.userId, actorRole: s.role, action: 'scan_schedule.delete', targetId: scheduleId, before: auditValues(before), requestId: c.var.requestId });
        // The deletion counts as a version, so a client holding the old ETag cannot act on it again.
        return { ...(await jsonOf(tx, [before], customer.timeZone, now))[0]!, version: before.version + 1, upcoming: [] };
      });
      c.header('etag', etag(deleted.version));
      c.header('cache-control', 'no-store');
      return c.json(deleted, 200);
    })
    .openapi(runRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const s = c.var.session;
      const now = nowOf(c);
      const profiles = await profilesOf(c);
      const key = c.req.header('idempotency-key');
      const result = await idempotent<ScanJson>(c, async (tx) => {
        if (!(await visibleCustomer(tx, id))) throw notFound('scan schedule');
        const schedule = await readSchedule(tx, id, scheduleId);
        if (!schedule) throw notFound('scan schedule');
        const runKey = manualKey(key ?? crypto.randomUUID());
        const name = profiles.find((p) => p.id === schedule.profile)?.name ?? schedule.profile;
        const ref = await queueScan(tx, { schedule, profileName: name, trigger: 'manual', runKey, now });
        if (!ref) throw new HttpProblem(409, 'conflict', 'This run was asked for already.');
        await tx.insert(auditLog).values({ tenantId: id, actorId: s.userId, actorRole: s.role, action: 'scan.run_now', targetId: ref.id, after: { scheduleId, runKey }, requestId: c.var.requestId });
        const [row] = (await recentScans(tx, id, 5)).filter((r) => r.id === ref.id);
        return { status: 202, body: scanJson(row!), headers: { location: `/v1/customers/${id}/scans` } };
      });
      if (!result.replayed) await startScanRuns(c.var.deps.jobs, [{ tenantId: id, id: result.body.id }]);
      for (const [k, v] of Object.entries(result.headers ?? {})) c.header(k, v);
      return c.json(result.body, 202);
    })
    .openapi(scansRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      const items = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        if (!(await visibleCustomer(tx, id))) throw notFound('customer');
        return (await recentScans(tx, id, limit ?? 20)).map(scanJson);
      });
      c.header('cache-control', 'no-store');
      return c.json({ items }, 200);
    })
    .openapi(bulkRoute, async (c) => {
      const { customerIds, schedule: input } = c.req.valid('json');
      const s = c.var.session;
      const now = nowOf(c);
      checkProfile(await profilesOf(c), input.profile, ['schedule']);
      const ids = customerIds.map((i) => i.toLowerCase());
      const result = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const customers = new Map((await visibleCustomers(tx, ids)).map((cu) => [cu.id, cu]));
        const items: z.infer<typeof BulkResult>['items'] = [];
        for (const id of ids) {
          const customer = customers.get(id);
          if (!customer) continue;
          const row = await insertSchedule(c, tx, customer, input, now, { bulk: true });
          items.push({ customerId: id, scheduleId: row.id, nextRunAt: row.nextRunAt?.toISOString() ?? null });
        }
        return { created: items.length, notFound: ids.length - items.length, items };
      });
      return c.json(result, 200);
    })
    .openapi(upcomingRoute, async (c) => {
      const q = c.req.valid('query');
      const now = nowOf(c);
      const profiles = await profilesOf(c);
      const perSchedule = q.perSchedule ?? 3;
      const limit = q.limit ?? 100;
      const only = q.customerIds ? [...new Set(q.customerIds.toLowerCase().split(','))] : null;
      const items = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const customers = new Map((await visibleCustomers(tx, only)).map((cu) => [cu.id, cu]));
        if (!customers.size) return [];
        const rows = await tx
          .select()
          .from(scanSchedules)
          .where(and(eq(scanSchedules.enabled, true), inArray(scanSchedules.tenantId, [...customers.keys()])));
        return rows
          .flatMap((r) => {
            const customer = customers.get(r.tenantId)!;
            const zone = zoneOf(r, customer.timeZone);
            return upcomingScanRuns(r, customer.timeZone, now, perSchedule).map((at) => ({
              at: at.toISOString(),
              local: localTime(at, zone),
              timeZone: zone,
              scheduleId: r.id,
              scheduleName: r.name,
              profile: r.profile,
              customerId: r.tenantId,
              customerName: customer.name,
            }));
          })
          .sort((a, b) => a.at.localeCompare(b.at) || a.customerName.localeCompare(b.customerName) || a.scheduleId.localeCompare(b.scheduleId))
          .slice(0, limit);
      });
      c.header('cache-control', 'no-store');
      return c.json({ items, profiles: profiles.map(profileJson) }, 200);
    });
}
