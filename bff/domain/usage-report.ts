/**
 * The usage report of one seller's portfolio over consecutive billing periods: what each period
 * bills, the annual contract value at its end, and the scans run per product. Pure functions
 * over the same inputs the invoice preview reads (subscription events, price versions, the
 * portfolio's units at each period's start), so every amount here is the billing engine's own:
 * the invoiced figures are `invoiceLines`, summed; nothing is re-derived by another formula.
 *
 * Periods follow the seller's partnership (bff/domain/billing.ts): MSSP the 26th to the 25th,
 * reseller the calendar month, both on the seller's clock.
 */
import { invoiceLines, periodForLabel, subscriptionStateAt, type InvoiceLine, type Partnership, type Period, type PriceVersion, type SubscriptionEvent } from './billing.js';
import { mulExact } from './money.js';
import { graduatedPrice } from './pricing.js';
import { products, scanProduct, type Product } from './usage.js';

/** How many periods a report covers, the chosen one last. */
export const REPORT_PERIODS = 12;

/** The label of the period `months` months after (or before, when negative) `label`. */
export function shiftLabel(label: string, months: number): string {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!match) throw new RangeError(`${label} is not a period label (YYYY-MM)`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The `count` periods ending with the one labelled `last`, oldest first; each starts where the one before ends. */
export function periodsEndingWith(last: string, count: number, partnership: Partnership, timeZone: string): Period[] {
  return Array.from({ length: count }, (_, i) => periodForLabel(shiftLabel(last, i - count + 1), partnership, timeZone));
}

/**
 * The annual contract value of one subscription at instant `at`: twelve times the monthly price
 * of its IPs under the price version in force then — the figure the fleet shows as ACV (its
 * monthly price is the engine's quote of the current IPs). A trial, a cancelled subscription and
 * time before the seller's first price version are worth 0.
 */
export function annualContractValueAt(events: SubscriptionEvent[], prices: PriceVersion[], at: Date): number {
  const state = subscriptionStateAt(events, at);
  if (!state.active || state.plan !== 'purchased') return 0;
  const version = prices
    .map((v, i) => ({ v, i, from: Date.parse(v.validFrom) }))
    .filter((x) => x.from <= at.getTime())
    .sort((a, b) => a.from - b.from || a.i - b.i)
    .pop()?.v;
  if (!version) return 0;
  return mulExact(graduatedPrice(version.sell, state.internal + state.external).totalMinor, 12);
}

/** The instant a period's ACV is read at: now while the period runs, else its last moment. */
export function acvInstant(period: Period, now: Date): Date {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  return now.getTime() >= start && now.getTime() < end ? now : new Date(end - 1);
}

export interface UsageCustomerInput {
  id: string;
  name: string;
  events: SubscriptionEvent[];
  /**
   * Whether its current subscription is purchased. The invoice preview bills only those (a
   * trial still running has no purchased time) and a trial's ACV is 0, so the report does so too,
   * whatever older events say.
   */
  purchased: boolean;
}

/** Scans of one customer with one profile in the period at `period` (an index into the report's periods). */
export interface ScanCount {
  customerId: string;
  profile: string;
  period: number;
  scans: number;
}

export interface UsageReportInput {
  customers: UsageCustomerInput[];
  prices: PriceVersion[];
  /** Oldest first; each with the portfolio's units at its start (they pick the cost's volume band). */
  periods: { period: Period; portfolioUnits: number }[];
  scans: ScanCount[];
  now: Date;
}

export type ProductCounts = Record<Product, number>;

export interface UsagePeriod extends Period {
  amountMinor: number;
  costMinor: number;
  /** ACV of the portfolio at the period's end (now, while it runs). */
  acvMinor: number;
  /** Customers with at least one invoice line in the period. */
  customersBilled: number;
  scans: ProductCounts;
}

export interface UsageCustomer {
  id: string;
  name: string;
  /** Per period, aligned with the report's periods. */
  amountMinor: number[];
  costMinor: number[];
  acvMinor: number[];
  scans: Record<Product, number[]>;
}

export type UsageInvoiceLine = InvoiceLine & { customerName: string };

export interface UsageReport {
  periods: UsagePeriod[];
  customers: UsageCustomer[];
  /** The invoice lines of the last (chosen) period: the invoice preview's, line for line. */
  lines: UsageInvoiceLine[];
}

const zeroCounts = (): ProductCounts => Object.fromEntries(products.map((p) => [p, 0])) as ProductCounts;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The report: each customer's invoice lines per period (the engine's), their sums, ACV and scans. */
export function usageReport(input: UsageReportInput): UsageReport {
  const n = input.periods.length;
  const customers: UsageCustomer[] = [];
  const billed = Array.from({ length: n }, () => 0);
  let lastLines: UsageInvoiceLine[] = [];
  const byId = new Map<string, UsageCustomer>();
  for (const c of input.customers) {
    const row: UsageCustomer = {
      id: c.id,
      name: c.name,
      amountMinor: [],
      costMinor: [],
      acvMinor: [],
      scans: Object.fromEntries(products.map((p) => [p, Array.from({ length: n }, () => 0)])) as Record<Product, number[]>,
    };
    input.periods.forEach(({ period, portfolioUnits }, i) => {
      const lines = !c.purchased ? [] : invoiceLines({ customerId: c.id, customerName: c.name, events: c.events, period, prices: input.prices, portfolioUnits });
      row.amountMinor.push(sum(lines.map((l) => l.amountMinor)));
      row.costMinor.push(sum(lines.map((l) => l.costMinor)));
      row.acvMinor.push(c.purchased ? annualContractValueAt(c.events, input.prices, acvInstant(period, input.now)) : 0);
      if (lines.length) billed[i]!++;
      if (i === n - 1) lastLines = lastLines.concat(lines.map((l) => ({ ...l, customerName: c.name })));
    });
    customers.push(row);
    byId.set(c.id, row);
  }
  const periodScans = Array.from({ length: n }, zeroCounts);
  for (const s of input.scans) {
    const product = scanProduct(s.profile);
    const row = byId.get(s.customerId);
    if (!product || !row || s.period < 0 || s.period >= n) continue;
    row.scans[product][s.period]! += s.scans;
    periodScans[s.period]![product] += s.scans;
  }
  const periods = input.periods.map(({ period }, i) => ({
    ...period,
    amountMinor: sum(customers.map((c) => c.amountMinor[i]!)),
    costMinor: sum(customers.map((c) => c.costMinor[i]!)),
    acvMinor: sum(customers.map((c) => c.acvMinor[i]!)),
    customersBilled: billed[i]!,
    scans: periodScans[i]!,
  }));
  return { periods, customers, lines: lastLines };
}
