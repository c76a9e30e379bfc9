import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { sessionRoute } from '../auth/middleware.js';
import type { Tx } from '../db/client.js';
import {
  activityPage,
  assetsInUse,
  currentSubscription,
  licenceSubject,
  recordNotification,
  scansBetween,
  scansPerProfileAndDay,
  type LicenceSubject,
} from '../db/queries/licences.js';
import { queueNewAssetScans, type ScanRef } from '../db/queries/scans.js';
import { assets, auditLog, customerMetrics } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { assetKinds, assetValueProblem, normalizeAsset } from '../domain/assets.js';
import {
  billingMonth,
  licenceLevels,
  licenceMeter,
  licenceModels,
  thresholdCrossing,
  trialDaysLeft,
  zonedMidnight,
  zonedParts,
  type LicenceMeter,
} from '../domain/licences.js';
import { addDays, daysBetween, DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS, products, zeroFilledUsage } from '../domain/usage.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { IdempotencyKeyHeader, idempotent } from '../http/idempotency.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { profileNames, startScanRuns } from '../jobs/scan-run.js';
import { emailContent } from '../outputs/email/templates.js';
import { requestNotificationFanout } from '../jobs/notifications.js';
import { scannerFor } from '../scanner/index.js';
import { commonErrors, IdParam, json, notFoundError, problem, Timestamp, Uuid } from './schemas.js';

/**
 * A customer's licence meter, the assets that count against it, its scan usage over time and its
 * activity (audit log). Reading or growing the meter also notices a crossed threshold: the first
 * request to see it records one notification and queues one alert to the managing org's admins.
 */

const Licence = z
  .object({
    model: z.enum(licenceModels).nullable().describe('null when the customer has no subscription or its data is hidden (connection lost)'),
    plan: z.enum(['trial', 'purchased']).nullable(),
    quota: z.number().int().nullable().describe('Licences bought (trial: granted); null for unlimited'),
    used: z.number().int().nullable().describe('Distinct normalised assets (per asset) or scans this period (per scan)'),
    remaining: z.number().int().nullable(),
    use: z.number().nullable().describe('used / quota; null for unlimited'),
    warnAt: z.number().nullable().describe('0.9 per asset, 0.8 per scan, null for unlimited'),
    level: z.enum(licenceLevels).nullable(),
    period: z
      .object({ start: Timestamp, end: Timestamp })
      .nullable()
      .describe("Per scan: the current calendar month on the MSP's clock, [start, end)"),
    trial: z.object({ endsAt: Timestamp, daysLeft: z.number().int().min(0) }).nullable(),
    connectionLost: z.boolean().describe("The customer revoked its MSP's access: no figures are shown"),
  })
  .openapi('Licence');
type LicenceJson = z.infer<typeof Licence>;

const Asset = z
  .object({
    id: Uuid,
    kind: z.enum(assetKinds),
    value: z.string(),
    normalizedValue: z.string().describe('What the value counts as; two spellings of one asset share it'),
    firstSeenAt: Timestamp,
  })
  .openapi('Asset');

const AssetDuplicate = z
  .object({ asset: Asset, duplicate: z.literal(true) })
  .openapi('AssetDuplicate', { description: 'The asset existed already under this or another spelling; nothing was added' });

const NewAsset = z
  .object({
    kind: z.enum(assetKinds),
    value: z.string().trim().min(1).max(2048),
  })
  .superRefine((body, ctx) => {
    const problemText = assetValueProblem(body.kind, body.value);
    if (problemText) ctx.addIssue({ code: 'custom', path: ['value'], message: problemText });
  })
  .openapi('NewAsset');

const Day = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

const Usage = z
  .object({
    from: Day,
    to: Day,
    timeZone: z.string().describe('Days are calendar days on this clock (the MSP’s)'),
    connectionLost: z.boolean().describe("The customer revoked its MSP's access: no products are listed"),
    products: z.array(
      z.object({
        product: z.enum(products),
        label: z.string(),
        total: z.number().int(),
        days: z.array(z.object({ day: Day, scans: z.number().int() })).describe('Every day of the range, oldest first'),
      }),
    ),
  })
  .openapi('Usage');

const UsageQuery = z.object({
  from: Day.optional().openapi({ description: `First day; default ${DEFAULT_USAGE_DAYS - 1} days before \`to\``, example: '2026-10-27' }),
  to: Day.optional().openapi({ description: "Last day, included; default today on the MSP's clock", example: '2026-11-25' }),
});

const ActivityCursor = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    try {
      const [at, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
      if (typeof at === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && /^\d{1,18}$/.test(id)) {
        return { at, id };
      }
    } catch {
      // fall through
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this list' });
    return z.NEVER;
  })
  .openapi({ type: 'string', description: 'The `nextCursor` of the previous page' });

const ActivityQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: ActivityCursor.optional(),
});

const ActivityEntry = z
  .object({
    id: z.string().describe('Ascending with time within a tenant'),
    at: Timestamp,
    actor: z.object({
      id: Uuid.nullable().describe('null for a deleted user or one outside your scope'),
      name: z.string().nullable(),
      role: z.string(),
    }),
    action: z.string(),
    before: z.unknown().describe('The changed fields before the action (null when created)'),
    after: z.unknown().describe('The changed fields after the action'),
  })
  .openapi('ActivityEntry');

const Activity = z
  .object({ items: z.array(ActivityEntry), nextCursor: z.string().nullable() })
  .openapi('Activity');

const getLicence = createRoute({
  method: 'get',
  path: '/v1/customers/{id}/licence',
  tags: ['licences'],
  summary: "A customer's licence meter: used vs quota, warning level, billing period and trial days",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam },
  responses: { 200: json(Licence, 'The meter'), ...commonErrors, ...notFoundError },
});

const postAsset = createRoute({
  method: 'post',
  path: '/v1/customers/{id}/assets',
  tags: ['licences'],
  summary: 'Register an asset; a second spelling of an existing one answers it instead',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('assets:write'),
  request: {
    params: IdParam,
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: NewAsset } } },
  },
  responses: {
    200: json(AssetDuplicate, 'The asset existed already (under any spelling)'),
    201: json(Asset, 'Registered; `Location` names it'),
    ...commonErrors,
    ...notFoundError,
    409: problem('The customer is being deleted'),
    422: problem('`Idempotency-Key` was used before for another request'),
  },
});

const getUsage = createRoute({
  method: 'get',
  path: '/v1/customers/{id}/usage',
  tags: ['licences'],
  summary: 'Scans per product and day over a range (default the last 30 days, at most 366)',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam, query: UsageQuery },
  responses: { 200: json(Usage, 'Every product with every day of the range'), ...commonErrors, ...notFoundError },
});

const getActivity = createRoute({
  method: 'get',
  path: '/v1/customers/{id}/activity',
  tags: ['licences'],
  summary: "The customer's audit log, newest first",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('audit:read'),
  request: { params: IdParam, query: ActivityQuery },
  responses: { 200: json(Activity, 'A page of entries'), ...commonErrors, ...notFoundError },
});

const iso = (d: Date) => d.toISOString();
const now = (c: Context<AppEnv>) => c.var.deps.now?.() ?? new Date();

interface MeterReading {
  json: LicenceJson;
  meter: LicenceMeter | null;
  period: { start: Date; end: Date } | null;
  /** Whether a crossing should be told: a live subscription of a tenant not being deleted. */
  alertable: boolean;
}

/** The meter of a customer the caller may see, as of `at`. */
async function readLicence(tx: Tx, id: string, subject: LicenceSubject, at: Date): Promise<MeterReading> {
  const sub = subject.dataVisible ? await currentSubscription(tx, id) : undefined;
  if (!sub) {
    const json: LicenceJson = {
      model: null, plan: null, quota: null, used: null, remaining: null, use: null, warnAt: null, level: null,
      period: null, trial: null, connectionLost: !subject.dataVisible,
    };
    return { json, meter: null, period: null, alertable: false };
  }
  const period = sub.model === 'per_scan' ? billingMonth(at, subject.timeZone) : null;
  // Unlimited licences still show what they cover: the customer's assets.
  const used = period ? await scansBetween(tx, id, period.start, period.end) : await assetsInUse(tx, id);
  const meter = licenceMeter(sub.model, sub.quota, used);
  const json: LicenceJson = {
    ...meter,
    plan: sub.plan,
    period: period ? { start: iso(period.start), end: iso(period.end) } : null,
    trial: sub.plan === 'trial' && sub.trialEndsAt ? { endsAt: iso(sub.trialEndsAt), daysLeft: trialDaysLeft(sub.trialEndsAt, at) } : null,
    connectionLost: false,
  };
  return { json, meter, period, alertable: sub.cancelledAt === null && subject.status !== 'deleting' && (meter.quota ?? 0) >= 1 };
}

/**
 * Notices a crossed threshold: records the notification (category `licences`, once per crossing,
 * whatever the number of requests). True when this request recorded it: after commit the caller
 * asks the notification fan-out to tell everyone who may see the customer, as each one's
 * settings ask (docs/notifications.md).
 */
async function noticeCrossing(c: Context<AppEnv>, tx: Tx, id: string, subject: LicenceSubject, reading: MeterReading): Promise<boolean> {
  const { meter, period } = reading;
  if (!meter || !reading.alertable || meter.model === 'unlimited') return false;
  const crossing = thresholdCrossing(meter, period?.start ?? null);
  if (!crossing) return false;
  // The alert's subject line is the notification's title (no sender name appears in it).
  const content = emailContent('licence-threshold', {
    mspName: subject.name,
    timeZone: subject.timeZone,
    customerName: subject.name,
    model: meter.model,
    used: meter.used,
    quota: meter.quota!,
    level: meter.level as 'warning' | 'exhausted',
    warnAt: meter.warnAt!,
    period: period ? { start: iso(period.start), end: iso(period.end) } : null,
    customerUrl: `${c.var.deps.config.portalUrl}/#/customers/${id}`,
  });
  return recordNotification(tx, {
    tenantId: id,
    kind: 'licence-threshold',
    category: 'licences',
    dedupeKey: crossing.dedupeKey,
    title: content.subject,
    data: { model: meter.model, quota: meter.quota, used: meter.used, threshold: crossing.threshold, level: meter.level, period: content.data.period ?? null },
  });
}

/** The customer as its directory entry shows it to the caller (revoked ones too), or a 404. */
async function managedSubject(tx: Tx, id: string): Promise<LicenceSubject> {
  const subject = await licenceSubject(tx, id);
  if (!subject) throw notFound('customer');
  return subject;
}

/** The usage range asked for, with the defaults filled in, or a 400 naming the parameter at fault. */
function usageRange(query: { from?: string | undefined; to?: string | undefined }, today: string): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(DEFAULT_USAGE_DAYS - 1));
  const fault = (param: 'from' | 'to', detail: string) =>
    new HttpProblem(400, 'invalid_request', `The request is not valid: query/${param} ${detail}.`, [{ pointer: `#/query/${param}`, detail }]);
  if (from > to) throw query.from ? fault('from', `must not be after to (${to})`) : fault('to', `must not be before from (${from})`);
  if (daysBetween(from, to) > MAX_USAGE_DAYS) {
    throw query.to ? fault('to', `must be at most ${MAX_USAGE_DAYS} days after from (${from}) counting both`) : fault('from', `must be at most ${MAX_USAGE_DAYS} days before to (${to}) counting both`);
  }
  return { from, to };
}

export function licencesRoutes() {
  return router()
    .openapi(getLicence, async (c) => {
      const { id } = c.req.valid('param');
      let noticed = false;
      const licence = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const subject = await managedSubject(tx, id);
        const reading = await readLicence(tx, id, subject, now(c));
        noticed = await noticeCrossing(c, tx, id, subject, reading);
        return reading.json;
      });
      if (noticed) await requestNotificationFanout(c.var.deps.jobs);
      c.header('cache-control', 'no-store');
      return c.json(licence, 200);
    })
    .openapi(postAsset, async (c) => {
      const { id } = c.req.valid('param');
      const { kind, value } = c.req.valid('json');
      const s = c.var.session;
      let noticed = false;
      const scansQueued: ScanRef[] = [];
      const nameOf = await profileNames(scannerFor(c.var.deps.config, c.var.deps.db));
      const result = await idempotent<z.infer<typeof Asset> | z.infer<typeof AssetDuplicate>>(c, async (tx) => {
        const subject = await managedSubject(tx, id);
        if (!subject.dataVisible) throw notFound('customer');
        if (subject.status === 'deleting') throw new HttpProblem(409, 'conflict', 'The customer is being deleted; it takes no new assets.');
        const normalizedValue = normalizeAsset(kind, value);
        const [created] = await tx
          .insert(assets)
          .values({ tenantId: id, kind, value, normalizedValue })
          .onConflictDoNothing({ target: [assets.tenantId, assets.kind, assets.normalizedValue] })
          .returning();
        const row =
          created ??
          (await tx.select().from(assets).where(and(eq(assets.tenantId, id), eq(assets.kind, kind), eq(assets.normalizedValue, normalizedValue))))[0];
        if (!row) throw new Error('asset vanished after a conflicting insert');
        const asset = { id: row.id, kind: row.kind, value: row.value, normalizedValue: row.normalizedValue, firstSeenAt: iso(row.firstSeenAt) };
        if (created) {
          // The fleet sorts and shows licence use from customer_metrics: keep its count in step.
          await tx
            .update(customerMetrics)
            .set({ assetsCount: sql`${customerMetrics.assetsCount} + 1` })
            .where(eq(customerMetrics.tenantId, id));
          await tx.insert(auditLog).values({
            tenantId: id,
            actorId: s.userId,
            actorRole: s.role,
            action: 'asset.create',
            targetId: row.id,
            before: null,
            after: { kind, value, normalizedValue },
            requestId: c.var.requestId,
          });
          // Schedules of the customer that scan new assets run once for this one.
          scansQueued.push(...(await queueNewAssetScans(tx, id, [row.id], now(c), nameOf)));
        }
        noticed = await noticeCrossing(c, tx, id, subject, await readLicence(tx, id, subject, now(c)));
        return created
          ? { status: 201 as const, body: asset, headers: { location: `/v1/customers/${id}/assets/${row.id}` } }
          : { status: 200 as const, body: { asset, duplicate: true as const } };
      });
      if (!result.replayed && noticed) await requestNotificationFanout(c.var.deps.jobs);
      if (!result.replayed) await startScanRuns(c.var.deps.jobs, scansQueued);
      for (const [name, v] of Object.entries(result.headers ?? {})) c.header(name, v);
      return result.status === 201
        ? c.json(result.body as z.infer<typeof Asset>, 201)
        : c.json(result.body as z.infer<typeof AssetDuplicate>, 200);
    })
    .openapi(getUsage, async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const usage = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const subject = await managedSubject(tx, id);
        const local = zonedParts(now(c), subject.timeZone);
        const today = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
        const { from, to } = usageRange(query, today);
        if (!subject.dataVisible) return { from, to, timeZone: subject.timeZone, connectionLost: true, products: [] };
        const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
        const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
        const counts = await scansPerProfileAndDay(tx, id, zonedMidnight(fy, fm, fd, subject.timeZone), zonedMidnight(ty, tm, td + 1, subject.timeZone), subject.timeZone);
        return { from, to, timeZone: subject.timeZone, connectionLost: false, products: zeroFilledUsage(counts, from, to) };
      });
      c.header('cache-control', 'no-store');
      return c.json(usage, 200);
    })
    .openapi(getActivity, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const rows = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        await managedSubject(tx, id);
        return activityPage(tx, id, limit + 1, cursor);
      });
      const more = rows.length > limit;
      if (more) rows.length = limit;
      const last = rows[rows.length - 1];
      c.header('cache-control', 'no-store');
      return c.json(
        {
          items: rows.map((r) => ({
            id: r.id,
            at: iso(r.at),
            actor: { id: r.actorId, name: r.actorName, role: r.role },
            action: r.action,
            before: r.before ?? null,
            after: r.after ?? null,
          })),
          nextCursor: more && last ? Buffer.from(JSON.stringify([last.atKey, last.id])).toString('base64url') : null,
        },
        200,
      );
    });
}
