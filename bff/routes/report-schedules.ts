import { z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';
import { auditLog, reportSchedules } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { frequencies, isTimeZone, nextRun, SEND_TIME } from '../domain/report-schedule.js';
import { dbPrincipal } from '../http/env.js';
import { idempotent } from '../http/idempotency.js';
import { notFound, type HttpProblem } from '../http/problem.js';
import { router } from '../http/router.js';
import { Recipients } from './report-emails.js';
import { etag, scheduleRouteDefs, versionConflict, versionOf, visibleUsers } from './schedules-shared.js';
import { Problem, Timestamp, Uuid } from './schemas.js';

/**
 * Report schedules of a customer: its executive-report summary emailed weekly (on a weekday) or
 * monthly (on a day 1–28), at a local time in an IANA time zone (default the customer's). The
 * `report-schedules-due` job sends each slot once, reading the report as the schedule's creator
 * (bff/jobs/report-schedules.ts). Creating, changing and deleting need `reports:send`; reading
 * needs `customers:read`.
 */

const ScheduleInput = z
  .object({
    frequency: z.enum(frequencies).openapi({ example: 'weekly' }),
    weekday: z.number().int().min(1, { error: 'must be 1 (Monday) to 7 (Sunday)' }).max(7, { error: 'must be 1 (Monday) to 7 (Sunday)' }).nullable().optional()
      .openapi({ description: 'ISO weekday, 1 = Monday … 7 = Sunday; required for weekly schedules', example: 1 }),
    dayOfMonth: z.number().int().min(1, { error: 'must be 1 to 28' }).max(28, { error: 'must be 1 to 28 (every month has it)' }).nullable().optional()
      .openapi({ description: 'Day of the month 1–28; required for monthly schedules', example: null }),
    sendTime: z.string().regex(SEND_TIME, { error: 'must be a local time HH:MM (24-hour)' }).openapi({ example: '08:00' }),
    timeZone: z.string().max(64).refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }).optional()
      .openapi({ description: "IANA time zone; default the customer's", example: 'Europe/Berlin' }),
    recipients: Recipients.openapi({ example: ['cfo@acme.example'] }),
    enabled: z.boolean().optional().openapi({ description: 'Default true', example: true }),
  })
  .superRefine((v, ctx) => {
    if (v.frequency === 'weekly' && (v.weekday === undefined || v.weekday === null)) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly schedule needs a weekday 1–7' });
    if (v.frequency === 'monthly' && (v.dayOfMonth === undefined || v.dayOfMonth === null)) ctx.addIssue({ code: 'custom', path: ['dayOfMonth'], message: 'a monthly schedule needs a day of the month 1–28' });
  })
  .openapi('ReportScheduleInput');
type Input = z.infer<typeof ScheduleInput>;

const ReportSchedule = z
  .object({
    id: Uuid,
    customerId: Uuid,
    frequency: z.enum(frequencies),
    weekday: z.number().int().nullable(),
    dayOfMonth: z.number().int().nullable(),
    sendTime: z.string(),
    timeZone: z.string(),
    recipients: z.array(z.string()),
    enabled: z.boolean(),
    nextRunAt: Timestamp.nullable().describe('The next slot; null while disabled'),
    lastRunAt: Timestamp.nullable(),
    createdBy: Uuid.nullable().describe("The user whose access the scheduled emails use; null when the caller cannot see that user (an MSP's staff, for the customer's own users)"),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('ReportSchedule');
type ScheduleJson = z.infer<typeof ReportSchedule>;

const ScheduleList = z.object({ items: z.array(ReportSchedule) }).openapi('ReportScheduleList');
const ScheduleConflict = Problem.extend({ current: ReportSchedule }).openapi('ReportScheduleConflict');

const collection = '/v1/customers/{id}/report-schedules';
const { listRoute, getRoute, createRouteDef, putRoute, deleteRoute } = scheduleRouteDefs({
  collection,
  tags: ['reports'],
  read: 'customers:read',
  write: 'reports:send',
  schedule: ReportSchedule,
  input: ScheduleInput,
  list: ScheduleList,
  conflict: ScheduleConflict,
  summaries: {
    list: "A customer's report schedules",
    get: 'One report schedule; `ETag` carries its version',
    create: "Schedule the customer's executive-report email",
    put: 'Replace a report schedule (If-Match required)',
    delete: 'Delete a report schedule (If-Match required); its sends stay on record',
  },
});

type Row = typeof reportSchedules.$inferSelect;

async function jsonOf(tx: Tx, rows: Row[]): Promise<ScheduleJson[]> {
  const users = await visibleUsers(tx, rows.map((r) => r.createdBy));
  return rows.map((r) => ({ ...scheduleJson(r), createdBy: users.has(r.createdBy) ? r.createdBy : null }));
}

function scheduleJson(r: Row): ScheduleJson {
  return {
    id: r.id,
    customerId: r.tenantId,
    frequency: r.frequency,
    weekday: r.weekday,
    dayOfMonth: r.dayOfMonth,
    sendTime: r.sendTime,
    timeZone: r.timeZone,
    recipients: r.recipients,
    enabled: r.enabled,
    nextRunAt: r.nextRunAt?.toISOString() ?? null,
    lastRunAt: r.lastRunAt?.toISOString() ?? null,
    createdBy: r.createdBy,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The customer's time zone when it is visible and a customer; null (a 404) otherwise. */
async function visibleCustomer(tx: Tx, id: string): Promise<{ timeZone: string } | null> {
  const [row] = await queryRows<{ time_zone: string | null }>(
    tx,
    sql`select o.time_zone from orgs o join customer_profiles cp on cp.tenant_id = o.id
         where o.id = ${id}::uuid and o.id = any(portico.visible_tenants())`,
  );
  return row ? { timeZone: row.time_zone && isTimeZone(row.time_zone) ? row.time_zone : 'UTC' } : null;
}

/** The columns an input sets, with its next slot after `now`. */
function columnsOf(input: Input, timeZone: string, now: Date) {
  const rule = {
    frequency: input.frequency,
    weekday: input.frequency === 'weekly' ? (input.weekday ?? null) : null,
    dayOfMonth: input.frequency === 'monthly' ? (input.dayOfMonth ?? null) : null,
    sendTime: input.sendTime,
    timeZone,
  };
  const enabled = input.enabled ?? true;
  return { ...rule, recipients: input.recipients, enabled, nextRunAt: enabled ? nextRun(rule, now) : null };
}

async function readSchedule(tx: Tx, customerId: string, scheduleId: string, lock = false): Promise<Row | null> {
  const query = tx.select().from(reportSchedules).where(and(eq(reportSchedules.tenantId, customerId), eq(reportSchedules.id, scheduleId)));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

function conflict(current: Row, expected: number): HttpProblem {
  // The creator is not named here: the caller may not be allowed to see that user.
  return versionConflict(current.version, expected, { ...scheduleJson(current), createdBy: null });
}

const auditValues = (r: Row) => ({ frequency: r.frequency, weekday: r.weekday, dayOfMonth: r.dayOfMonth, sendTime: r.sendTime, timeZone: r.timeZone, recipients: r.recipients, enabled: r.enabled, version: r.version });

export function reportScheduleRoutes() {
  return router()
    .openapi(listRoute, async (c) => {
      const { id } = c.req.valid('param');
      const rows = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        if (!(await visibleCustomer(tx, id))) throw notFound('customer');
        return jsonOf(tx, await tx.select().from(reportSchedules).where(eq(reportSchedules.tenantId, id)).orderBy(asc(reportSchedules.createdAt), asc(reportSchedules.id)));
      });
      c.header('cache-control', 'no-store');
      return c.json({ items: rows }, 200);
    })
    .openapi(getRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const row = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        if (!(await visibleCustomer(tx, id))) throw notFound('report schedule');
        const found = await readSchedule(tx, id, scheduleId);
        if (!found) throw notFound('report schedule');
        return (await jsonOf(tx, [found]))[0]!;
      });
      c.header('etag', etag(row.version));
      c.header('cache-control', 'no-store');
      return c.json(row, 200);
    })
    .openapi(createRouteDef, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const s = c.var.session;
      const now = c.var.deps.now?.() ?? new Date();
      const result = await idempotent(c, async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('customer');
        const [row] = await tx
          .insert(reportSchedules)
          .values({ tenantId: id, ...columnsOf(input, input.timeZone ?? customer.timeZone, now), createdBy: s.userId, createdAt: now, updatedAt: now })
          .returning();
        if (!row) throw new Error('schedule was not recorded');
        await tx.insert(auditLog).values({ tenantId: id, actorId: s.userId, actorRole: s.role, action: 'report_schedule.create', targetId: row.id, after: auditValues(row), requestId: c.var.requestId });
        return { status: 201, body: (await jsonOf(tx, [row]))[0]!, headers: { location: `${collection.replace('{id}', id)}/${row.id}`, etag: etag(row.version) } };
      });
      for (const [k, v] of Object.entries(result.headers ?? {})) c.header(k, v);
      return c.json(result.body, 201);
    })
    .openapi(putRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const input = c.req.valid('json');
      const ifMatch = c.req.valid('header')['if-match'];
      const s = c.var.session;
      const now = c.var.deps.now?.() ?? new Date();
      const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const customer = await visibleCustomer(tx, id);
        if (!customer) throw notFound('report schedule');
        const before = await readSchedule(tx, id, scheduleId, true);
        if (!before) throw notFound('report schedule');
        const expected = versionOf(ifMatch);
        if (before.version !== expected) throw conflict(before, expected);
        // The schedule keeps its zone unless the change names one.
        const [row] = await tx
          .update(reportSchedules)
          .set({ ...columnsOf(input, input.timeZone ?? before.timeZone, now), version: before.version + 1, updatedAt: now })
          .where(and(eq(reportSchedules.tenantId, id), eq(reportSchedules.id, scheduleId), eq(reportSchedules.version, expected)))
          .returning();
        if (!row) throw conflict(before, expected);
        await tx.insert(auditLog).values({ tenantId: id, actorId: s.userId, actorRole: s.role, action: 'report_schedule.update', targetId: row.id, before: auditValues(before), after: auditValues(row), requestId: c.var.requestId });
        return (await jsonOf(tx, [row]))[0]!;
      });
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id, scheduleId } = c.req.valid('param');
      const ifMatch = c.req.valid('header')['if-match'];
      const s = c.var.session;
      const deleted = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        if (!(await visibleCustomer(tx, id))) throw notFound('report schedule');
        const before = await readSchedule(tx, id, scheduleId, true);
        if (!before) throw notFound('report schedule');
        const expected = versionOf(ifMatch);
        if (before.version !== expected) throw conflict(before, expected);
        await tx.delete(reportSchedules).where(and(eq(reportSchedules.tenantId, id), eq(reportSchedules.id, scheduleId)));
        await tx.insert(auditLog).values({ tenantId: id, actorId: s.userId, actorRole: s.role, action: 'report_schedule.delete', targetId: scheduleId, before: auditValues(before), requestId: c.var.requestId });
        // The deletion counts as a version, so a client holding the old ETag cannot act on it again.
        return { ...(await jsonOf(tx, [before]))[0]!, version: before.version + 1 };
      });
      c.header('etag', etag(deleted.version));
      c.header('cache-control', 'no-store');
      return c.json(deleted, 200);
    });
}
