import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sessionRoute } from '../auth/middleware.js';
import { withScope } from '../db/scope.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { executiveReportPdf } from '../outputs/pdf/executive-report.js';
import { assetKinds, defaultPeriod, executiveReport, reportLogoRaster, severities, type ExecutiveReport as Report, type ReportPeriod } from '../outputs/report-data.js';
import { commonErrors, IdParam, json, notFoundError, Timestamp, Uuid } from './schemas.js';

/** The longest period one report covers, in days. */
const MAX_DAYS = 366;
const DAY = 86_400_000;

const Day = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });
const PeriodQuery = z.object({
  from: Day.optional().openapi({ description: 'First day of the period (UTC); default 29 days before `to`', example: '2026-10-27' }),
  to: Day.optional().openapi({ description: 'Last day of the period (UTC), included; default today', example: '2026-11-25' }),
});

const Severity = z.enum(severities);
export const ExecutiveReport = z
  .object({
    customer: z.object({ id: Uuid, name: z.string(), slug: z.string() }),
    msp: z.object({ id: Uuid, name: z.string() }).nullable().describe("The customer's MSP; null when the caller cannot see it"),
    preparedBy: z
      .string()
      .nullable()
      .describe("The seller the report is attributed to (the nearest MSP or sub-partner above the customer), for the customer's own users too; null when none"),
    period: z.object({ from: z.string(), to: z.string() }),
    generatedAt: Timestamp,
    posture: z.object({
      score: z.number().int().nullable(),
      trend: z.number().int().nullable().describe('Score minus the score at the start of the period'),
      series: z.array(z.object({ day: z.string(), score: z.number().int() })),
    }),
    findingsBySeverity: z.record(Severity, z.number().int()).describe('Findings open at the end of the period'),
    topRisks: z.array(
      z.object({
        id: Uuid,
        severity: Severity,
        title: z.string(),
        type: z.string(),
        asset: z.string(),
        assetKind: z.enum(assetKinds),
        firstSeenAt: Timestamp,
        ageDays: z.number().int(),
      }),
    ),
    assetCoverage: z.array(z.object({ kind: z.enum(assetKinds), total: z.number().int(), scanned: z.number().int(), notScanned: z.number().int() })),
    scanActivity: z.array(z.object({ weekStart: z.string(), scans: z.number().int(), completed: z.number().int(), failed: z.number().int() })),
    brand: z.object({
      colorPrimary: z.string(),
      colorAccent: z.string(),
      colorText: z.string(),
      colorMuted: z.string(),
      colorBorder: z.string(),
      colorSurface: z.string(),
      colorDanger: z.string(),
      colorWarning: z.string(),
      colorSuccess: z.string(),
      logoId: Uuid.nullable().describe("The customer's logo, else its seller's fleet logo; null when neither has one"),
      logoUrl: z.string().nullable().describe('The logo\'s public path, `/v1/logos/<logoId>`; null when none'),
    }),
  })
  .openapi('ExecutiveReport');

const base = '/v1/customers/{id}/reports/executive';
const periodNote = 'The period is `?from=YYYY-MM-DD&to=YYYY-MM-DD` (UTC days, both included; default the last 30 days, at most 366).';

const getJson = createRoute({
  method: 'get',
  path: base,
  tags: ['reports'],
  summary: "A customer's executive report as data: posture, findings, coverage, scans",
  description: periodNote,
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam, query: PeriodQuery },
  responses: { 200: json(ExecutiveReport, 'The report'), ...commonErrors, ...notFoundError },
});

const getPdf = createRoute({
  method: 'get',
  path: `${base}.pdf`,
  tags: ['reports'],
  summary: "A customer's executive report as an A4 PDF in the customer's colours",
  description: periodNote,
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam, query: PeriodQuery },
  responses: {
    200: {
      description: 'The PDF, with `Content-Disposition: attachment; filename="executive-report-<slug>-<from>-<to>.pdf"`',
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

function periodOf(c: Context<AppEnv>, q: { from?: string | undefined; to?: string | undefined }): ReportPeriod {
  const now = c.var.deps.now?.() ?? new Date();
  const to = q.to ?? defaultPeriod(now).to;
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
  if (from > to) throw new HttpProblem(400, 'invalid_request', 'The period ends before it starts.', [{ pointer: '#/query/from', detail: 'must not be after `to`' }]);
  if ((Date.parse(to) - Date.parse(from)) / DAY + 1 > MAX_DAYS) {
    throw new HttpProblem(400, 'invalid_request', `A report covers at most ${MAX_DAYS} days.`, [{ pointer: '#/query/from', detail: `must be at most ${MAX_DAYS - 1} days before \`to\`` }]);
  }
  return { from, to };
}

async function load(c: Context<AppEnv>, id: string, period: ReportPeriod, withLogo = false): Promise<{ report: Report; logo: Buffer | null }> {
  const now = c.var.deps.now?.() ?? new Date();
  const loaded = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
    const report = await executiveReport(tx, id, period, now);
    return report && { report, logo: withLogo ? await reportLogoRaster(tx, report.brand) : null };
  });
  if (!loaded) throw notFound('customer');
  return loaded;
}

export function reportsRoutes() {
  return router()
    .openapi(getJson, async (c) => {
      const { id } = c.req.valid('param');
      const { report } = await load(c, id, periodOf(c, c.req.valid('query')));
      c.header('cache-control', 'no-store');
      return c.json(report, 200);
    })
    .openapi(getPdf, async (c) => {
      const { id } = c.req.valid('param');
      const { report, logo } = await load(c, id, periodOf(c, c.req.valid('query')), true);
      const stream = Readable.toWeb(executiveReportPdf(report, { logo })) as ReadableStream<Uint8Array>;
      const filename = `executive-report-${report.customer.slug}-${report.period.from}-${report.period.to}.pdf`;
      return c.body(stream, 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'cache-control': 'no-store',
      });
    });
}
