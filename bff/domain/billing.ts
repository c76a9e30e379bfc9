/**
 * Billing: periods, proration and invoice lines. Pure functions — the clock and the database are
 * the caller's — so any past period can be recomputed exactly from the subscription's
 * append-only events.
 *
 * Periods are computed in the MSP's IANA time zone and begin at local midnight:
 * - MSSP partnerships: the 26th of the previous month through the 25th (end = the 26th, 00:00);
 * - reseller partnerships: the calendar month.
 * A period is labelled `YYYY-MM` by the month it ends in (for a reseller, simply its month).
 */
import { divHalfEven } from './money.js';
import { localDate, startOfLocalDay } from './zoned-date.js';

export type Partnership = 'mssp' | 'reseller';

/** A billing period: ISO instants, `end` exclusive, `label` `YYYY-MM`. */
export interface Period { start: string; end: string; label: string }

/** The local day of the month an MSSP period begins on. */
const msspFirstDay = 26;

function periodOfMonth(year: number, month: number, partnership: Partnership, timeZone: string): Period {
  const startDay = partnership === 'mssp' ? msspFirstDay : 1;
  const startMonth = partnership === 'mssp' ? month - 1 : month;
  const label = new Date(Date.UTC(year, month - 1, 1)).toISOString().slice(0, 7);
  return {
    start: startOfLocalDay({ year, month: startMonth, day: startDay }, timeZone).toISOString(),
    end: startOfLocalDay({ year, month: startMonth + 1, day: startDay }, timeZone).toISOString(),
    label,
  };
}

/** The billing period `at` falls in. */
export function periodContaining(at: Date, partnership: Partnership, timeZone: string): Period {
  const { year, month, day } = localDate(at, timeZone);
  const endsNextMonth = partnership === 'mssp' && day >= msspFirstDay;
  return periodOfMonth(year, endsNextMonth ? month + 1 : month, partnership, timeZone);
}

/** The period labelled `YYYY-MM` (for MSSP: the one ending on that month's 25th). */
export function periodForLabel(label: string, partnership: Partnership, timeZone: string): Period {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!match) throw new RangeError(`${label} is not a period label (YYYY-MM)`);
  return periodOfMonth(Number(match[1]), Number(match[2]), partnership, timeZone);
}

/** The period right after `p`: it starts where `p` ends. */
export function nextPeriod(p: Period, partnership: Partnership, timeZone: string): Period {
  return periodContaining(new Date(p.end), partnership, timeZone);
}

/** When a decrease requested at `at` takes effect: the end of the booking month (period) it falls in. */
export function bookingMonthEnd(at: Date, partnership: Partnership, timeZone: string): Date {
  return new Date(periodContaining(at, partnership, timeZone).end);
}

/**
 * The share of `amountMinor` (a full-period amount) for the time `activeStart`–`activeEnd`
 * spends inside `period`, by elapsed milliseconds.
 *
 * Rounding telescopes so the parts of a split period always add up to the whole: the amount
 * accrued from the period start up to instant t is `round(amount × elapsed(t) / length)`
 * (half-even), and a stretch gets the difference between that figure at its end and at its
 * start. Any set of stretches that tile the period therefore sums to exactly `amountMinor`, and
 * each stretch is within one minor unit of its exact share — a largest-remainder split that
 * does not need to know the other stretches.
 */
export function prorate(amountMinor: number, activeStart: Date, activeEnd: Date, period: Period): number {
  const start = Date.parse(period.start);
  const length = Date.parse(period.end) - start;
  const clamp = (t: number) => Math.min(Math.max(t - start, 0), length);
  const from = clamp(activeStart.getTime());
  const to = clamp(activeEnd.getTime());
  if (to <= from) return 0;
  const accrued = (elapsed: number) => divHalfEven(BigInt(amountMinor) * BigInt(elapsed), length);
  return accrued(to) - accrued(from);
}
