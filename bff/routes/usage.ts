import { createRoute, z } from '@hono/zod-openapi';
import { can } from '../auth/roles.js';
import { sessionRoute } from '../auth/middleware.js';
import { auditLog } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { products, productLabels } from '../domain/usage.js';
import { dbPrincipal } from '../http/env.js';
import { router } from '../http/router.js';
import { chooseSeller, readUsage, visibleSellers, type Seller, type UsageData } from '../outputs/usage-data.js';
import { usageWorkbook, usageWorkbookName, type UsageWorkbookContent } from '../outputs/usage-workbook.js';
import { commonErrors, json, notFoundError, Timestamp, Uuid } from './schemas.js';
import { exportFormats } from './fleet.js';

/**
 * The usage report (`<msp-usage-report>`): per billing period of one seller's portfolio, what it
 * invoices (the invoice preview's lines, from the billing engine), the ACV at the period's end and
 * the scans run per product; per customer the same figures; and the portfolio's totals now. A
 * caller whose org sells under one partnership type and has a sub-partner of the other (an MSSP
 * MSP with a reselling sub-partner) switches with `type`.
 */

const partnershipTypes = ['mssp', 'reseller'] as const;
const Int = z.number().int();
const IntOrNull = Int.nullable();
const perProduct = <T extends z.ZodType>(schema: T) => z.object(Object.fromEntries(products.map((p) => [p, schema])) as Record<(typeof products)[number], T>);

const UsagePeriodJson = z.object({
  start: Timestamp,
  end: Timestamp.describe('exclusive'),
  label: z.string().describe('YYYY-MM: the month the period ends in'),
  amountMinor: Int.describe('The sum of the invoice preview lines of the period'),
  costMinor: IntOrNull.describe('Only with pricing:manage'),
  marginMinor: IntOrNull.describe('Only with pricing:manage'),
  acvMinor: Int.describe("Annual contract value at the period's end (now, while it runs)"),
  customersBilled: Int,
  scans: perProduct(Int),
});

const UsageCustomerJson = z
  .object({
    id: Uuid,
    name: z.string(),
    status: z.string(),
    renewsAt: Timestamp.nullable(),
    amountMinor: z.array(Int).describe('Invoiced per period, aligned with `periods`'),
    costMinor: z.array(Int).nullable().describe('Only with pricing:manage'),
    acvMinor: z.array(Int).describe("ACV at each period's end"),
    scans: perProduct(z.array(Int)).describe('Scans per product and period'),
  })
  .openapi('UsageCustomer');
export type UsageCustomerJson = z.infer<typeof UsageCustomerJson>;

const UsageLineJson = z.object({
  customerId: Uuid,
  customerName: z.string(),
  description: z.string(),
  from: Timestamp,
  to: Timestamp,
  ips: Int,
  amountMinor: Int,
  costMinor: IntOrNull,
});

const UsageReportJson = z
  .object({
    type: z.enum(partnershipTypes).describe('mssp: periods from the 26th to the 25th; reseller: calendar months'),
    partnerships: z
      .array(z.object({ type: z.enum(partnershipTypes), sellers: z.array(z.object({ id: Uuid, name: z.string() })) }))
      .describe('The partnership types the caller may report on, each with its sellers (its own org, sub-partners below it)'),
    seller: z.object({ id: Uuid, name: z.string(), timeZone: z.string(), currency: z.string() }).nullable().describe('Null when the caller has no partnership of this type'),
    costs: z.boolean().describe('Whether cost and margin figures are included (pricing:manage)'),
    period: z.object({ start: Timestamp, end: Timestamp, label: z.string() }).nullable().describe('The chosen period: the last of `periods`'),
    products: z.array(z.object({ product: z.enum(products), label: z.string() })),
    periods: z.array(UsagePeriodJson).describe('Oldest first, the chosen period last'),
    summary: z.object({ customers: Int, active: Int, acvMinor: Int, renewalsNextThreeMonths: Int }).describe("The seller's portfolio in scope now"),
    customers: z.array(UsageCustomerJson),
    invoice: z
      .object({ lines: z.array(UsageLineJson), totals: z.object({ amountMinor: Int, costMinor: IntOrNull, marginMinor: IntOrNull }) })
      .describe("The chosen period's invoice preview lines for the customers in scope"),
  })
  .openapi('UsageReport');
export type UsageReportJson = z.infer<typeof UsageReportJson>;

const UsageQuery = z.object({
  type: z.enum(partnershipTypes).optional().openapi({ param: { name: 'type', in: 'query' }, description: "Default: the caller's own org's" }),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a period label YYYY-MM, such as 2026-11' })
    .optional()
    .openapi({ param: { name: 'period', in: 'query' }, example: '2026-11', description: 'The last period of the report; default: the period running now' }),
  seller: Uuid.optional().openapi({ param: { name: 'seller', in: 'query' }, description: 'Which seller of the type (the caller\'s org or a sub-partner); default: the caller\'s org, else the first' }),
});

const workbookContents = ['usage', 'acv-history'] as const satisfies readonly UsageWorkbookContent[];
const ExportQuery = UsageQuery.extend({
  content: z.enum(workbookContents).default('usage').describe(
    'usage — MSSP: customers, invoice breakdown and usage by product of the chosen period; reseller: monthly usage per customer and per month. acv-history: ACV per customer at the end of each period',
  ),
  format: z.enum(['json', 'xlsx']).default('json').describe('json: `{ items: UsageCustomer[] }`; xlsx: the workbook'),
});

const report = createRoute({
  method: 'get',
  path: '/v1/usage-report',
  tags: ['usage'],
  summary: 'Usage and invoiced figures of a portfolio over its last twelve billing periods',
  description:
    'Every amount is the billing engine\'s: the invoiced figure of a period is the sum of its invoice preview lines ' +
    '(`GET /v1/billing/invoice-preview`) for the customers in scope, and ACV is twelve times the monthly price of the ' +
    "subscription's IPs under the price version in force (the fleet's ACV, now).",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('usage:read'),
  request: { query: UsageQuery },
  responses: { 200: json(UsageReportJson, 'The report'), ...commonErrors, ...notFoundError },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/v1/usage-report/export',
  tags: ['usage'],
  summary: 'The usage report as an Excel workbook (or its customers as JSON)',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('usage:read'),
  request: { query: ExportQuery },
  responses: {
    200: {
      description: 'With `Content-Disposition: attachment; filename="usage-<type>-<period>.xlsx"` (or `acv-history-…`)',
      content: {
        [exportFormats.json.mediaType]: { schema: z.object({ items: z.array(UsageCustomerJson) }).openapi('UsageExport') },
        [exportFormats.xlsx.mediaType]: { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...commonErrors,
    ...notFoundError,
  },
});

function reportJson(type: (typeof partnershipTypes)[number], sellers: Seller[], data: UsageData | null, costs: boolean): UsageReportJson {
  const partnerships = partnershipTypes
    .map((t) => ({ type: t, sellers: sellers.filter((s) => s.partnership === t).map((s) => ({ id: s.id, name: s.name })) }))
    .filter((p) => p.sellers.length > 0);
  const productList = products.map((product) => ({ product, label: productLabels[product] }));
  if (!data) {
    return {
      type,
      partnerships,
      seller: null,
      costs,
      period: null,
      products: productList,
      periods: [],
      summary: { customers: 0, active: 0, acvMinor: 0, renewalsNextThreeMonths: 0 },
      customers: [],
      invoice: { lines: [], totals: { amountMinor: 0, costMinor: costs ? 0 : null, marginMinor: costs ? 0 : null } },
    };
  }
  const { ctx, report: r, customers } = data;
  const status = new Map(customers.map((c) => [c.id, c]));
  const amountMinor = r.lines.reduce((a, l) => a + l.amountMinor, 0);
  const costMinor = r.lines.reduce((a, l) => a + l.costMinor, 0);
  return {
    type,
    partnerships,
    seller: { id: ctx.sellerId, name: sellers.find((s) => s.id === ctx.sellerId)?.name ?? '', timeZone: ctx.timeZone, currency: ctx.currency },
    costs,
    period: { start: data.period.start, end: data.period.end, label: data.period.label },
    products: productList,
    periods: r.periods.map((p) => ({
      start: p.start,
      end: p.end,
      label: p.label,
      amountMinor: p.amountMinor,
      costMinor: costs ? p.costMinor : null,
      marginMinor: costs ? p.amountMinor - p.costMinor : null,
      acvMinor: p.acvMinor,
      customersBilled: p.customersBilled,
      scans: p.scans,
    })),
    summary: data.summary,
    customers: r.customers.map((c) => ({
      id: c.id,
      name: c.name,
      status: status.get(c.id)?.status ?? 'active',
      renewsAt: status.get(c.id)?.renewsAt?.toISOString() ?? null,
      amountMinor: c.amountMinor,
      costMinor: costs ? c.costMinor : null,
      acvMinor: c.acvMinor,
      scans: c.scans,
    })),
    invoice: {
      lines: r.lines.map((l) => ({ customerId: l.customerId, customerName: l.customerName, description: l.description, from: l.from, to: l.to, ips: l.ips, amountMinor: l.amountMinor, costMinor: costs ? l.costMinor : null })),
      totals: { amountMinor, costMinor: costs ? costMinor : null, marginMinor: costs ? amountMinor - costMinor : null },
    },
  };
}

export function usageRoutes() {
  return router()
    .openapi(report, async (c) => {
      const s = c.var.session;
      const q = c.req.valid('query');
      const now = c.var.deps.now?.() ?? new Date();
      const body = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const sellers = await visibleSellers(tx);
        const seller = chooseSeller(sellers, s.orgId, q.type, q.seller);
        const type = seller?.partnership ?? q.type ?? 'mssp';
        return reportJson(type, sellers, seller ? await readUsage(tx, seller, q.period, now) : null, can(s.role, 'pricing:manage'));
      });
      c.header('cache-control', 'no-store');
      return c.json(body, 200);
    })
    .openapi(exportRoute, async (c) => {
      const { session: s, deps, requestId } = c.var;
      const { content, format, ...q } = c.req.valid('query');
      const now = deps.now?.() ?? new Date();
      const body = await withScope(deps.db, dbPrincipal(s), async (tx) => {
        const sellers = await visibleSellers(tx);
        const seller = chooseSeller(sellers, s.orgId, q.type, q.seller);
        const type = seller?.partnership ?? q.type ?? 'mssp';
        const json = reportJson(type, sellers, seller ? await readUsage(tx, seller, q.period, now) : null, can(s.role, 'pricing:manage'));
        await tx.insert(auditLog).values({
          tenantId: s.orgId,
          actorId: s.userId,
          actorRole: s.role,
          action: 'usage.export',
          after: { format, content, type, seller: json.seller?.id ?? null, period: json.period?.label ?? null, customers: json.customers.length },
          requestId,
        });
        return json;
      });
      const headers = { 'cache-control': 'no-store' };
      if (format === 'json') return c.json({ items: body.customers }, 200, headers);
      const file = await usageWorkbook(body, content, now);
      return c.body(file, 200, {
        ...headers,
        'content-type': exportFormats.xlsx.mediaType,
        'content-disposition': `attachment; filename="${usageWorkbookName(body, content, now)}"`,
      });
    });
}
