import { createRoute, z } from '@hono/zod-openapi';
import { sessionRoute } from '../auth/middleware.js';
import {
  fleetPage,
  fleetSorts,
  fleetSummary,
  type FleetRowData,
  type FleetSort,
} from '../db/queries/fleet.js';
import { customerStatus, paymentMethod, plan, serviceMode } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { auditLog } from '../db/schema.js';
import { dbPrincipal } from '../http/env.js';
import { HttpProblem } from '../http/problem.js';
import { router } from '../http/router.js';
import { fleetExportTable } from '../outputs/fleet-export.js';
import { toCsv, toXlsx } from '../outputs/tabular.js';
import { commonErrors, csvOf, json, Money, Timestamp, Uuid } from './schemas.js';

export const fleetStatuses = [...customerStatus.enumValues, 'connection_lost'] as const;

export const FleetRow = z
  .object({
    id: Uuid,
    slug: z.string(),
    name: z.string(),
    kind: z.enum(['customer', 'enterprise']),
    parent: z.object({ id: Uuid, name: z.string().nullable() }),
    country: z.string(),
    status: z.enum(fleetStatuses),
    serviceMode: z.enum(serviceMode.enumValues),
    paymentMethod: z.enum(paymentMethod.enumValues),
    accessDelegation: z.enum(['disabled', 'read_only', 'full']),
    tags: z.array(z.string()),
    plan: z.enum(plan.enumValues).nullable(),
    licences: z
      .object({
        model: z.enum(['per_asset', 'per_scan', 'unlimited']),
        used: z.number().int(),
        quota: z.number().int().nullable(),
        use: z.number().nullable().describe('used / quota; null when unlimited'),
      })
      .nullable(),
    ips: z.object({ internal: z.number().int(), external: z.number().int() }).nullable(),
    monthlyPrice: Money.nullable(),
    acv: Money.nullable(),
    averageIpPrice: Money.nullable(),
    renewsAt: Timestamp.nullable(),
    trialEndsAt: Timestamp.nullable(),
    posture: z
      .object({
        score: z.number().int(),
        trend: z.number().int().describe('Change in score over the last 30 days'),
        history: z.array(z.number().int()).describe('Daily scores of the last 30 days, oldest first'),
      })
      .nullable(),
    lastScanAt: Timestamp.nullable(),
    openPriorityFindings: z.number().int().nullable(),
  })
  .openapi('FleetRow');
export type FleetRowJson = z.infer<typeof FleetRow>;

const money = (amount: number | null, currency: string | null) =>
  amount == null || !currency ? null : { amountMinor: amount, currency };

export function fleetRowJson(r: FleetRowData): FleetRowJson {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    kind: r.kind,
    parent: { id: r.parentId, name: r.parentName },
    country: r.country,
    status: r.status as FleetRowJson['status'],
    serviceMode: r.serviceMode as FleetRowJson['serviceMode'],
    paymentMethod: r.paymentMethod as FleetRowJson['paymentMethod'],
    accessDelegation: r.accessDelegation as FleetRowJson['accessDelegation'],
    tags: r.tags,
    plan: r.plan as FleetRowJson['plan'],
    licences: r.licenceModel
      ? {
          model: r.licenceModel as 'per_asset' | 'per_scan' | 'unlimited',
          used: r.licencesUsed ?? 0,
          quota: r.licenceQuota,
          use: r.licenceUse,
        }
      : null,
    ips: r.ipsInternal == null ? null : { internal: r.ipsInternal, external: r.ipsExternal ?? 0 },
    monthlyPrice: money(r.monthlyPriceMinor, r.currency),
    acv: money(r.acvMinor, r.currency),
    averageIpPrice: money(r.averageIpPriceMinor, r.currency),
    renewsAt: r.renewsAt?.toISOString() ?? null,
    trialEndsAt: r.trialEndsAt?.toISOString() ?? null,
    posture:
      r.postureScore == null ? null : { score: r.postureScore, trend: r.postureTrend ?? 0, history: r.postureHistory ?? [] },
    lastScanAt: r.lastScanAt?.toISOString() ?? null,
    openPriorityFindings: r.openPriorityFindings,
  };
}

/** A cursor names the sort it was made for, so it cannot be replayed on another one. */
interface FleetCursor {
  sort: FleetSort;
  order: 'asc' | 'desc';
  key: string;
  id: string;
}
const encodeCursor = (c: FleetCursor) => Buffer.from(JSON.stringify([c.sort, c.order, c.key, c.id])).toString('base64url');

const Cursor = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    try {
      const [sort, order, key, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
      if (
        fleetSorts.includes(sort as FleetSort) &&
        (order === 'asc' || order === 'desc') &&
        typeof key === 'string' &&
        typeof id === 'string' &&
        Uuid.safeParse(id).success
      ) {
        return { sort: sort as FleetSort, order, key, id } satisfies FleetCursor;
      }
    } catch {
      // fall through
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this list' });
    return z.NEVER;
  })
  .openapi({ type: 'string', description: 'The `nextCursor` of the previous page' });

/** Invalid text representation, out of range, or a bad date/time: the SQL data exceptions a cast raises. */
const castErrorCodes = new Set(['22P02', '22003', '22007', '22008']);
function cursorCastFailed(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' && castErrorCodes.has(code);
}

const FleetQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Cursor.optional(),
  sort: z.enum(fleetSorts).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  status: csvOf(fleetStatuses).optional(),
  plan: csvOf(plan.enumValues).optional(),
  serviceMode: csvOf(serviceMode.enumValues).optional(),
  paymentMethod: csvOf(paymentMethod.enumValues).optional(),
  tag: z
    .string()
    .max(500)
    .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
    .optional()
    .openapi({ type: 'string', description: 'Comma-separated tags; a customer matches if it has any of them, in any case' }),
  q: z.string().max(200).optional().describe('Text search in customer names'),
  lastScanBefore: z.iso.datetime({ offset: true }).optional(),
  lastScanAfter: z.iso.datetime({ offset: true }).optional(),
});

const FleetPage = z
  .object({ items: z.array(FleetRow), nextCursor: z.string().nullable() })
  .openapi('FleetPage');

export const exportFormats = {
  json: { mediaType: 'application/json', extension: 'json' },
  csv: { mediaType: 'text/csv; charset=utf-8', extension: 'csv' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
} as const;
type ExportFormat = keyof typeof exportFormats;

/** The list's filters and sort, without paging: an export is the whole filtered set. */
const FleetExportQuery = FleetQuery.omit({ limit: true, cursor: true }).extend({
  format: z
    .enum(Object.keys(exportFormats) as [ExportFormat, ...ExportFormat[]])
    .default('json')
    .describe('json: `{ items: FleetRow[] }`; csv: RFC 4180, UTF-8 with BOM; xlsx: one sheet with a header row'),
});

const FleetExport = z.object({ items: z.array(FleetRow) }).openapi('FleetExport');

const list = createRoute({
  method: 'get',
  path: '/v1/fleet',
  tags: ['fleet'],
  summary: 'Customers in scope, with commercial and security figures',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('fleet:read'),
  request: { query: FleetQuery },
  responses: { 200: json(FleetPage, 'One page of the fleet'), ...commonErrors },
});

const FleetSummary = z
  .object({
    customers: z.number().int(),
    active: z.number().int(),
    connectionLost: z.number().int(),
    acv: z.array(Money).describe('Annual contract value of active subscriptions, per currency'),
    renewalsNextThreeMonths: z.number().int(),
  })
  .openapi('FleetSummary');

const summary = createRoute({
  method: 'get',
  path: '/v1/fleet/summary',
  tags: ['fleet'],
  summary: 'Portfolio totals: customers, active, ACV, renewals in the next three months',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('fleet:read'),
  responses: { 200: json(FleetSummary, 'Totals over every customer in scope'), ...commonErrors },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/v1/fleet/export',
  tags: ['fleet'],
  summary: 'The whole filtered fleet as a JSON, CSV or XLSX download',
  description:
    'Takes the filters and sort of `GET /v1/fleet` and answers every matching customer at once, as an ' +
    'attachment. Text cells of CSV and XLSX that a spreadsheet would read as a formula (starting with ' +
    '`= + - @`, tab or carriage return) are prefixed with `\'`. A set larger than the export limit ' +
    '(50 000 customers by default) is refused with 400: narrow it with filters.',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('fleet:read'),
  request: { query: FleetExportQuery },
  responses: {
    200: {
      description: 'The export, with `Content-Disposition: attachment; filename="fleet-<date>.<format>"`',
      content: {
        [exportFormats.json.mediaType]: { schema: FleetExport },
        [exportFormats.csv.mediaType]: { schema: z.string().openapi({ description: 'UTF-8 CSV with a BOM and a header line' }) },
        [exportFormats.xlsx.mediaType]: { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...commonErrors,
  },
});

function checkScanRange(q: { lastScanBefore?: string | undefined; lastScanAfter?: string | undefined }) {
  if (q.lastScanBefore && q.lastScanAfter && q.lastScanAfter > q.lastScanBefore) {
    throw new HttpProblem(400, 'invalid_request', 'lastScanAfter must not be later than lastScanBefore.', [
      { pointer: '#/query/lastScanAfter', detail: 'must not be later than lastScanBefore' },
    ]);
  }
}

const scanDates = (q: { lastScanBefore?: string | undefined; lastScanAfter?: string | undefined }) => ({
  lastScanBefore: q.lastScanBefore ? new Date(q.lastScanBefore) : undefined,
  lastScanAfter: q.lastScanAfter ? new Date(q.lastScanAfter) : undefined,
});

export function fleetRoutes() {
  return router()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      checkScanRange(q);
      if (q.cursor && (q.cursor.sort !== q.sort || q.cursor.order !== q.order)) {
        throw new HttpProblem(400, 'invalid_request', 'The cursor belongs to another sort or order; start from the first page.', [
          { pointer: '#/query/cursor', detail: `made for sort=${q.cursor.sort}&order=${q.cursor.order}` },
        ]);
      }
      const page = await withScope(c.var.deps.db, dbPrincipal(c.var.session), (tx) =>
        fleetPage(tx, { ...q, ...scanDates(q) }),
      ).catch((error: unknown) => {
        // The cursor's key is cast to the sort's type in SQL; one from another sort (or made up)
        // does not cast. That is the client's mistake, not ours.
        if (q.cursor && cursorCastFailed(error)) {
          throw new HttpProblem(400, 'invalid_request', 'The cursor does not belong to this sort; start from the first page.', [
            { pointer: '#/query/cursor', detail: 'not a cursor returned by this list with this sort' },
          ]);
        }
        throw error;
      });
      return c.json(
        {
          items: page.rows.map(fleetRowJson),
          nextCursor: page.next ? encodeCursor({ sort: q.sort, order: q.order, ...page.next }) : null,
        },
        200,
      );
    })
    .openapi(summary, async (c) => {
      const now = c.var.deps.now?.() ?? new Date();
      const totals = await withScope(c.var.deps.db, dbPrincipal(c.var.session), (tx) => fleetSummary(tx, now));
      return c.json(totals, 200);
    })
    .openapi(exportRoute, async (c) => {
      const { format, ...q } = c.req.valid('query');
      checkScanRange(q);
      const { deps, session, requestId } = c.var;
      const max = deps.config.exportMaxRows;
      // One page as large as the limit: the same statement as the list, and `next` says whether
      // anything was left over.
      const page = await withScope(deps.db, dbPrincipal(session), async (tx) => {
        const result = await fleetPage(tx, { ...q, ...scanDates(q), limit: max });
        if (!result.next) {
          await tx.insert(auditLog).values({
            tenantId: session.orgId,
            actorId: session.userId,
            actorRole: session.role,
            action: 'fleet.export',
            after: { format, rows: result.rows.length, filters: q },
            requestId,
          });
        }
        return result;
      });
      if (page.next) {
        throw new HttpProblem(400, 'invalid_request', `More than ${max} customers match; narrow the export with filters.`, [
          { pointer: '#/query', detail: `matches more than ${max} customers, the most one export may hold` },
        ]);
      }
      const items = page.rows.map(fleetRowJson);
      const now = deps.now?.() ?? new Date();
      const { mediaType, extension } = exportFormats[format];
      const body =
        format === 'json' ? JSON.stringify({ items })
        : format === 'csv' ? toCsv(fleetExportTable(items))
        : await toXlsx(fleetExportTable(items), { sheetName: 'Fleet', created: now });
      return c.body(body, 200, {
        'content-type': mediaType,
        'content-disposition': `attachment; filename="fleet-${now.toISOString().slice(0, 10)}.${extension}"`,
        'cache-control': 'no-store',
      });
    });
}
