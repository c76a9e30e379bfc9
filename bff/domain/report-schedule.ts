import { localDate, offsetAt, wallClock, type LocalDate } from './zoned-date.js';

/**
 * The rule engine of every schedule in Portico — executive-report emails and scans: when a
 * slot comes, and (for reports) which period it covers. Schedules are
 * written in the customer's local terms — "Mondays at 08:00 in Europe/Berlin", "the 1st at
 * 07:30 in Australia/Sydney" — so every slot is computed from local dates and turned into an
 * instant only at the end, with `Intl` (see zoned-date.ts), whatever daylight saving does:
 *
 * - a local time the clocks skip (spring forward) moves to the first instant after the gap, the
 *   moment the clocks jump (02:30 on a night that jumps from 02:00 to 03:00 runs at 03:00);
 * - a local time that happens twice (fall back) runs at its first occurrence, once.
 */

/** What the engine runs: every day, on a weekday each week, or on a day each month. */
export const ruleFrequencies = ['daily', 'weekly', 'monthly'] as const;
export type RuleFrequency = (typeof ruleFrequencies)[number];

/** Report emails go out weekly or monthly (a daily summary would repeat itself). */
export const frequencies = ['weekly', 'monthly'] as const;
export type Frequency = (typeof frequencies)[number];

export interface ScheduleRule {
  frequency: RuleFrequency;
  /** ISO weekday, 1 = Monday … 7 = Sunday; weekly schedules only. */
  weekday?: number | null;
  /** 1 … 28 (every month has it); monthly schedules only. */
  dayOfMonth?: number | null;
  /** Local time of day, `HH:MM` (24-hour). */
  sendTime: string;
  /** IANA time zone the schedule is written in. */
  timeZone: string;
}

export const SEND_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Whether `Intl` knows the zone (and it is a zone, not an offset like "+02:00"). */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function minutesOf(sendTime: string): number {
  const m = SEND_TIME.exec(sendTime);
  if (!m) throw new RangeError(`send time must be HH:MM, got ${JSON.stringify(sendTime)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The local date `days` after `date` (negative: before). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
}

export const isoDay = (d: LocalDate) =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * The instant of local time `minutes` past midnight on `date` in `timeZone`: the first
 * occurrence when the time happens twice, the moment the clocks jump when it is skipped.
 * Offsets lie within ±14 h, so the offsets 15 h either side of the wall time are the only
 * candidates.
 */
export function zonedInstant(date: LocalDate, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  const before = offsetAt(wall - 15 * HOUR, timeZone);
  const after = offsetAt(wall + 15 * HOUR, timeZone);
  const valid = [wall - before, wall - after].filter((t) => wallClock(t, timeZone) === wall);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // Skipped: the clocks jumped from the old offset to the new one somewhere in (wall - after,
  // wall - before]. Local time there runs from before the wall time to after it, so the jump
  // is the first instant whose local time is past the wall time; transitions fall on whole
  // seconds, so a binary search over seconds finds it.
  let lo = Math.floor((wall - after) / 1000);
  let hi = Math.ceil((wall - before) / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid * 1000, timeZone) > wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi * 1000);
}

/** The local dates a schedule runs on, from `from` on (at most `limit` of them). */
function* runDays(rule: ScheduleRule, from: LocalDate): Generator<LocalDate> {
  if (rule.frequency === 'daily') {
    for (let d = from; ; d = addDays(d, 1)) yield d;
  }
  if (rule.frequency === 'weekly') {
    const weekday = rule.weekday ?? 1;
    let d = addDays(from, (weekday - isoWeekday(from) + 7) % 7);
    for (;;) {
      yield d;
      d = addDays(d, 7);
    }
  }
  const day = rule.dayOfMonth ?? 1;
  let year = from.year;
  let month = from.month;
  if (from.day > day) month += 1;
  for (;;) {
    if (month > 12) {
      year += 1;
      month = 1;
    }
    yield { year, month, day };
    month += 1;
  }
}

/** Checks a rule's fields; the routes validate them field by field before this is reached. */
function assertRule(rule: ScheduleRule): void {
  if (rule.frequency === 'weekly' && !(Number.isInteger(rule.weekday) && rule.weekday! >= 1 && rule.weekday! <= 7)) {
    throw new RangeError('a weekly schedule needs a weekday 1…7');
  }
  if (rule.frequency === 'monthly' && !(Number.isInteger(rule.dayOfMonth) && rule.dayOfMonth! >= 1 && rule.dayOfMonth! <= 28)) {
    throw new RangeError('a monthly schedule needs a day of the month 1…28');
  }
  if (!isTimeZone(rule.timeZone)) throw new RangeError(`unknown time zone ${JSON.stringify(rule.timeZone)}`);
}

/** The first slot of the schedule strictly after `after`. */
export function nextRun(rule: ScheduleRule, after: Date): Date {
  assertRule(rule);
  const minutes = minutesOf(rule.sendTime);
  // A day early: around a transition at midnight the slot's local date can precede `after`'s.
  const start = addDays(localDate(after, rule.timeZone), -1);
  for (const day of runDays(rule, start)) {
    const at = zonedInstant(day, minutes, rule.timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error('unreachable');
}

/**
 * The next `count` slots strictly after `after`, in order: each the first slot after the one
 * before (so a slot shared by two local dates — never the case for these rules — is not repeated).
 */
export function upcomingRuns(rule: ScheduleRule, after: Date, count: number): Date[] {
  const out: Date[] = [];
  for (let at = after; out.length < count; ) {
    at = nextRun(rule, at);
    out.push(at);
  }
  return out;
}

/**
 * The period a slot's report covers, as local dates (YYYY-MM-DD, both included): a weekly
 * run reports the seven local days before its run day, a monthly run the previous calendar
 * month (a daily rule, which reports do not offer, the day before).
 */
export function reportPeriod(rule: Pick<ScheduleRule, 'frequency' | 'timeZone'>, runAt: Date): { from: string; to: string } {
  const day = localDate(runAt, rule.timeZone);
  if (rule.frequency === 'daily') return { from: isoDay(addDays(day, -1)), to: isoDay(addDays(day, -1)) };
  if (rule.frequency === 'weekly') return { from: isoDay(addDays(day, -7)), to: isoDay(addDays(day, -1)) };
  const first = { year: day.month === 1 ? day.year - 1 : day.year, month: day.month === 1 ? 12 : day.month - 1, day: 1 };
  return { from: isoDay(first), to: isoDay(addDays({ year: day.year, month: day.month, day: 1 }, -1)) };
}

/** Whole days between two local dates (b − a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);
}
