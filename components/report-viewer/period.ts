/**
 * Report periods as the BFF reads them (bff/routes/reports.ts): UTC days `YYYY-MM-DD`, both
 * included, at most 366 days. The viewer checks a custom period with the same rules before asking,
 * so the usual mistakes are named at the field without a round trip; the BFF still decides.
 */

/** The longest period one report covers, in days (the BFF's `MAX_DAYS`). */
export const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;

export interface ReportPeriod {
  from: string;
  to: string;
}

export type PeriodPreset = 'last-30' | 'last-90' | 'previous-month';

export const periodPresets: readonly { id: PeriodPreset; label: string }[] = [
  { id: 'last-30', label: 'Last 30 days' },
  { id: 'last-90', label: 'Last 90 days' },
  { id: 'previous-month', label: 'Previous month' },
];

const utcDay = (d: Date) => d.toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The period a preset stands for, on `today` (UTC, like the BFF's default period). */
export function presetPeriod(preset: PeriodPreset, today = new Date()): ReportPeriod {
  const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  if (preset === 'previous-month') {
    return { from: utcDay(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1))), to: utcDay(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 0))) };
  }
  const days = preset === 'last-30' ? 30 : 90;
  return { from: utcDay(new Date(end.getTime() - (days - 1) * DAY_MS)), to: utcDay(end) };
}

/** Which preset a period equals on `today`, if any. */
export function matchingPreset(period: ReportPeriod, today = new Date()): PeriodPreset | undefined {
  return periodPresets.find((p) => {
    const q = presetPeriod(p.id, today);
    return q.from === period.from && q.to === period.to;
  })?.id;
}

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(dayMs(v)) && utcDay(new Date(dayMs(v))) === v;

/** Messages by field (`from`, `to`) for a custom period; empty when the BFF would accept it. */
export function periodErrors(period: ReportPeriod): Partial<Record<keyof ReportPeriod, string>> {
  const errors: Partial<Record<keyof ReportPeriod, string>> = {};
  if (!isDay(period.from)) errors.from = 'Enter the first day of the period.';
  if (!isDay(period.to)) errors.to = 'Enter the last day of the period.';
  if (errors.from || errors.to) return errors;
  if (period.from > period.to) errors.from = 'The period must start on or before its last day.';
  else if ((dayMs(period.to) - dayMs(period.from)) / DAY_MS + 1 > MAX_REPORT_DAYS) errors.from = `A report covers at most ${MAX_REPORT_DAYS} days.`;
  return errors;
}

/** Number of days in a period, both ends included. */
export const periodDays = (period: ReportPeriod) => Math.round((dayMs(period.to) - dayMs(period.from)) / DAY_MS) + 1;
