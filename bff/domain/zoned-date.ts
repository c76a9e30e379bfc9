/**
 * Calendar dates in an IANA time zone, with nothing but `Intl` (no date library): which local
 * day an instant falls on, and the instant a local day begins. Billing periods are built from
 * these two, so they start at the MSP's local midnight whatever daylight saving does.
 */

/**
 * A local calendar date; `month` is 1–12. Out-of-range months and days roll over as in Date.UTC
 * (month 13 is January of the next year). Years before 100 are not supported.
 */
export interface LocalDate { year: number; month: number; day: number }

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // Throws a RangeError for an unknown zone, which is what a caller should see.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The local wall-clock time at `ms`, expressed as if it were UTC milliseconds (whole seconds). */
export function wallClock(ms: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatFor(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (positive east of Greenwich). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClock(whole, timeZone) - whole;
}

/** The local calendar date of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const wall = new Date(wallClock(at.getTime(), timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The instant local day `date` begins in `timeZone`: its midnight, the earlier one if midnight
 * happens twice, or the moment the clocks jump if midnight is skipped (zones that change at
 * 00:00, such as America/Santiago). Offsets lie within ±14 h, so local midnight is within 14 h
 * of the same wall time in UTC; the offsets at both ends of that window are the only candidates.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  const hour = 3_600_000;
  const before = offsetAt(wall - 15 * hour, timeZone);
  const after = offsetAt(wall + 15 * hour, timeZone);
  const valid = [wall - before, wall - after].filter((t) => wallClock(t, timeZone) === wall);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // Midnight does not exist: with the old offset it names the instant the clocks moved forward.
  return new Date(wall - before);
}
