/**
 * The words of `<msp-usage-report>`: period names on the seller's clock, and the text summary of
 * each chart (each chart also has a table of the same numbers). Pure functions over the report.
 */
import { formatDate, formatMoney, formatNumber } from '../core/format.js';
import type { Partnership, UsagePeriod, UsageProduct, UsageReport } from './usage-api.js';

/** How many periods the MSSP chart compares, the chosen one last. */
export const COMPARED_PERIODS = 3;

/** The token each product is drawn in. */
export const productTokens: Record<UsageProduct, string> = {
  external: '--msp-color-primary',
  internal: '--msp-color-accent',
  web_app: '--msp-color-success',
  compliance: '--msp-color-warning',
};

/** A period's days on the seller's clock: "26 Oct – 25 Nov 2026" (`end` is exclusive). */
export function periodRange(p: { start: string; end: string }, timeZone: string, locale: string): string {
  const first = formatDate(p.start, locale, { day: 'numeric', month: 'short', timeZone });
  const last = formatDate(new Date(Date.parse(p.end) - 1).toISOString(), locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  return `${first} – ${last}`;
}

/** A calendar month by its label: "November 2026". */
export function monthName(label: string, locale: string, month: 'long' | 'short' = 'long'): string {
  return formatDate(`${label}-15T12:00:00Z`, locale, { month, year: 'numeric', timeZone: 'UTC' });
}

/** A period as its partnership names it: MSSP by its days, reseller by its month. */
export function periodName(type: Partnership, p: { start: string; end: string; label: string }, timeZone: string, locale: string): string {
  return type === 'mssp' ? periodRange(p, timeZone, locale) : monthName(p.label, locale);
}

/**
 * A period named from its label alone (the period picker lists periods not loaded yet): MSSP the
 * 26th of the month before to the 25th, reseller the month.
 */
export function labelName(type: Partnership, label: string, locale: string): string {
  if (type === 'reseller') return monthName(label, locale);
  const [year, month] = label.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(year, month - 2, 26)).toISOString();
  const end = new Date(Date.UTC(year, month - 1, 26)).toISOString();
  return periodRange({ start, end }, 'UTC', locale);
}

/** `label` moved by `months` (negative: back). */
export function shiftLabel(label: string, months: number): string {
  const [year, month] = label.split('-').map(Number) as [number, number];
  const index = year * 12 + month - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const totalScans = (counts: Record<UsageProduct, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

const money = (r: UsageReport, amountMinor: number, locale: string) => formatMoney({ amountMinor, currency: r.seller?.currency ?? 'EUR' }, locale);

/** The MSSP chart's text: the chosen period's scans per product, against the period before. */
export function productScansSummary(r: UsageReport, periods: UsagePeriod[], locale: string): string {
  const chosen = periods[periods.length - 1];
  if (!chosen) return 'No billing periods to show.';
  const zone = r.seller?.timeZone ?? 'UTC';
  const total = totalScans(chosen.scans);
  const parts = r.products.map((p) => `${p.label} ${formatNumber(chosen.scans[p.product], locale)}`).join(', ');
  const before = periods[periods.length - 2];
  const comparison = before ? `; ${formatNumber(totalScans(before.scans), locale)} in ${periodRange(before, zone, locale)}` : '';
  if (!total) return `No scans ran in ${periodRange(chosen, zone, locale)}${comparison}.`;
  return `${formatNumber(total, locale)} ${total === 1 ? 'scan' : 'scans'} in ${periodRange(chosen, zone, locale)}: ${parts}${comparison}.`;
}

/** The ACV chart's text: where it went over the months, and its highest month. */
export function acvSummary(r: UsageReport, locale: string): string {
  const s = r.periods;
  if (!s.length) return 'No months to show.';
  const first = s[0]!;
  const last = s[s.length - 1]!;
  const high = s.reduce((a, b) => (b.acvMinor > a.acvMinor ? b : a));
  const move = last.acvMinor > first.acvMinor ? 'rose' : last.acvMinor < first.acvMinor ? 'fell' : 'stayed';
  const change = move === 'stayed' ? `stayed at ${money(r, last.acvMinor, locale)}` : `${move} from ${money(r, first.acvMinor, locale)} to ${money(r, last.acvMinor, locale)}`;
  return `ACV ${change} between the end of ${monthName(first.label, locale)} and the end of ${monthName(last.label, locale)}; highest ${money(r, high.acvMinor, locale)} in ${monthName(high.label, locale)}.`;
}

/** The monthly usage chart's text: scans in all, per product, and the busiest month. */
export function monthlyUsageSummary(r: UsageReport, locale: string): string {
  const s = r.periods;
  const total = s.reduce((a, p) => a + totalScans(p.scans), 0);
  if (!total) return `No scans ran in these ${formatNumber(s.length, locale)} months.`;
  const busiest = s.reduce((a, b) => (totalScans(b.scans) > totalScans(a.scans) ? b : a));
  const parts = r.products.map((p) => `${p.label} ${formatNumber(s.reduce((a, x) => a + x.scans[p.product], 0), locale)}`).join(', ');
  return `${formatNumber(total, locale)} scans in ${formatNumber(s.length, locale)} months (${parts}), most in ${monthName(busiest.label, locale)} (${formatNumber(totalScans(busiest.scans), locale)}).`;
}

/** An amount in major units for a chart axis (the exact figure is in the table and tooltip-free summary). */
export function majorUnits(amountMinor: number, currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return amountMinor / 10 ** digits;
}
