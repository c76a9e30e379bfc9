/**
 * The licence meter of a subscription: how much of its quota a customer uses, when that is
 * worth a warning, and which crossing of a threshold has already been told.
 *
 * Per-asset licences warn at 90 % of the quota, per-scan licences at 80 % (scans are counted per
 * calendar month, so a month's allowance runs out faster than an asset count grows); unlimited
 * licences never warn. Thresholds are fractions compared in integers, so "exactly 90 %" never
 * depends on floating-point rounding.
 */

export const licenceModels = ['per_asset', 'per_scan', 'unlimited'] as const;
export type LicenceModel = (typeof licenceModels)[number];

export const licenceLevels = ['ok', 'warning', 'exhausted', 'unlimited'] as const;
export type LicenceLevel = (typeof licenceLevels)[number];

interface Fraction {
  num: number;
  den: number;
}

const warnFractions: Record<LicenceModel, Fraction | null> = {
  per_asset: { num: 9, den: 10 },
  per_scan: { num: 4, den: 5 },
  unlimited: null,
};

/** The share of the quota at which a model warns (0.9, 0.8), or null when it never does. */
export function warnThreshold(model: LicenceModel): number | null {
  const f = warnFractions[model];
  return f ? f.num / f.den : null;
}

export interface LicenceMeter {
  model: LicenceModel;
  /** Licences bought (trial: granted); null for unlimited. */
  quota: number | null;
  used: number;
  remaining: number | null;
  /** used / quota; null for unlimited. */
  use: number | null;
  warnAt: number | null;
  level: LicenceLevel;
}

/**
 * The meter for `used` licences of a subscription. A metered subscription without a quota has
 * nothing to use up: it reads as exhausted rather than as unlimited.
 */
export function licenceMeter(model: LicenceModel, quota: number | null, used: number): LicenceMeter {
  const warn = warnFractions[model];
  if (!warn) return { model, quota: null, used, remaining: null, use: null, warnAt: null, level: 'unlimited' };
  const q = Math.max(0, quota ?? 0);
  const level: LicenceLevel = used >= q ? 'exhausted' : used * warn.den >= q * warn.num ? 'warning' : 'ok';
  return {
    model,
    quota: q,
    used,
    remaining: Math.max(0, q - used),
    use: q === 0 ? null : used / q,
    warnAt: warn.num / warn.den,
    level,
  };
}

const DAY_MS = 86_400_000;

/** Whole days left of a trial, rounded up (a trial ending in an hour has one day left); never negative. */
export function trialDaysLeft(endsAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((endsAt.getTime() - now.getTime()) / DAY_MS));
}

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of an instant in a time zone (throws RangeError for an unknown zone). */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = zonedParts(new Date(instantMs), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant the zone's clock reads midnight at the start of a day (month may overflow, as
 * with Date.UTC). The offset is taken twice: once at a guess, once at the corrected instant,
 * which settles days whose offset changes overnight.
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(first, timeZone));
}

/** The calendar month containing `now` on the MSP's clock: [start, end). */
export function billingMonth(now: Date, timeZone: string): { start: Date; end: Date } {
  const { year, month } = zonedParts(now, timeZone);
  return { start: zonedMidnight(year, month, 1, timeZone), end: zonedMidnight(year, month + 1, 1, timeZone) };
}

/** A threshold a meter has reached, and the key that makes its crossing record once. */
export interface ThresholdCrossing {
  /** The share of the quota reached: the model's warning share, or 1 when exhausted. */
  threshold: number;
  dedupeKey: string;
}

/**
 * The crossing a meter stands at, or null when it is below its warning share (or unlimited).
 * The key (`per_asset:10:0.9`, `per_scan:20:1:2026-10-31T23:00:00.000Z`) names the model, the
 * quota and the threshold — a new quota or a second threshold is a new crossing — and, for
 * per-scan licences, the month's start, since each month's allowance starts afresh.
 */
export function thresholdCrossing(meter: LicenceMeter, periodStart: Date | null): ThresholdCrossing | null {
  if (meter.level !== 'warning' && meter.level !== 'exhausted') return null;
  const threshold = meter.level === 'exhausted' ? 1 : meter.warnAt!;
  const parts = [meter.model, String(meter.quota), String(threshold)];
  if (meter.model === 'per_scan' && periodStart) parts.push(periodStart.toISOString());
  return { threshold, dedupeKey: parts.join(':') };
}
