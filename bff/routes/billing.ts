import { createRoute, z } from '@hono/zod-openapi';
import { sessionRoute } from '../auth/middleware.js';
import { eventsOf, portfolioCustomers, portfolioUnitsAt, priceVersions, pricingContext } from '../db/queries/pricing.js';
import { withScope } from '../db/scope.js';
import { invoiceLines, periodContaining, periodForLabel } from '../domain/billing.js';
import { volumeBand } from '../domain/pricing.js';
import { dbPrincipal } from '../http/env.js';
import { HttpProblem } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, json, Timestamp, Uuid } from './schemas.js';

/**
 * The invoice preview of one billing period: every customer the caller's org sells to, one line
 * per stretch of constant IPs, computed by the billing engine from the subscriptions' append-only
 * events, priced with the price versions in force during the period and the volume band of the
 * portfolio at its start — so a past period comes out the same every time it is asked for, whatever
 * was saved since. Trial time is not billed: a trial converted in the period bills from the
 * conversion (its `converted_to_purchased` event) on.
 */

const InvoiceLineJson = z.object({
  customerId: Uuid,
  customerName: z.string(),
  description: z.string(),
  from: Timestamp,
  to: Timestamp,
  ips: z.number().int(),
  amountMinor: z.number().int(),
  costMinor: z.number().int(),
});

const InvoicePreview = z
  .object({
    period: z.object({ start: Timestamp, end: Timestamp, label: z.string() }).describe('`end` is exclusive'),
    partnership: z.enum(['mssp', 'reseller']).describe('mssp: the 26th to the 25th; reseller: calendar months'),
    timeZone: z.string().describe("The seller's IANA time zone: periods begin at its local midnight; show times on this clock").openapi({ example: 'Europe/Berlin' }),
    currency: z.string(),
    lines: z.array(InvoiceLineJson),
    totals: z.object({ amountMinor: z.number().int(), costMinor: z.number().int(), marginMinor: z.number().int() }),
    portfolioUnits: z.number().int().describe("IPs of the seller's purchased subscriptions active at the period's start: they pick the volume band"),
    band: z.number().int(),
  })
  .openapi('InvoicePreview');

const PeriodQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a period label YYYY-MM, such as 2026-11' })
    .optional()
    .openapi({ param: { name: 'period', in: 'query' }, example: '2026-11', description: 'Default: the period running now' }),
});

const preview = createRoute({
  method: 'get',
  path: '/v1/billing/invoice-preview',
  tags: ['billing'],
  summary: "The invoice lines of a billing period for the caller's org's customers",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('billing:read'),
  request: { query: PeriodQuery },
  responses: { 200: json(InvoicePreview, 'The preview'), ...commonErrors },
});

export function billingRoutes() {
  return router().openapi(preview, async (c) => {
    const s = c.var.session;
    const { period: label } = c.req.valid('query');
    const now = c.var.deps.now?.() ?? new Date();
    const body = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
      const ctx = await pricingContext(tx, s.orgId);
      if (!ctx) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
      const period = label ? periodForLabel(label, ctx.partnership, ctx.timeZone) : periodContaining(now, ctx.partnership, ctx.timeZone);
      // A trial still running has no purchased time; a converted one's events say from when.
      const customers = (await portfolioCustomers(tx, ctx.sellerId)).filter((cu) => cu.plan === 'purchased');
      const events = await eventsOf(tx, customers.map((cu) => cu.id));
      const prices = await priceVersions(tx, ctx.sellerId);
      // One band for the whole period: the one the portfolio had when it began.
      const portfolioUnits = await portfolioUnitsAt(tx, ctx.sellerId, new Date(period.start));
      const lines = customers.flatMap((cu) =>
        invoiceLines({ customerId: cu.id, customerName: cu.name, events: events.get(cu.id) ?? [], period, prices, portfolioUnits }).map((line) => ({ ...line, customerName: cu.name })),
      );
      const amountMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
      const costMinor = lines.reduce((a, l) => a + l.costMinor, 0);
      return {
        period,
        partnership: ctx.partnership,
        timeZone: ctx.timeZone,
        currency: ctx.currency,
        lines,
        totals: { amountMinor, costMinor, marginMinor: amountMinor - costMinor },
        portfolioUnits,
        band: volumeBand(portfolioUnits),
      };
    });
    c.header('cache-control', 'no-store');
    return c.json(body, 200);
  });
}
