/**
 * The arithmetic of an internal/external IP split, kept apart from the element so it is plain
 * integer logic. A split is two non-negative integers; the total is their sum.
 */

/** The BFF accepts 0–1 000 000 IPs per side; the total is held to the same bound. */
export const MAX_IPS = 1_000_000;

export interface Split {
  internal: number;
  external: number;
}

export const totalOf = (s: Split): number => s.internal + s.external;

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/**
 * A new total keeps the internal share: internal = round(total × internal ÷ old total), the rest
 * external. From an empty split the IPs are divided evenly (the odd one internal).
 */
export function withTotal(s: Split, total: number): Split {
  const old = totalOf(s);
  const internal = old === 0 ? Math.ceil(total / 2) : Math.round((total * s.internal) / old);
  return { internal, external: total - internal };
}

/** Moves the slider: `internal` becomes the value (held to 0…total), external the rest of the same total. */
export function withInternal(s: Split, internal: number): Split {
  const total = totalOf(s);
  const i = clamp(Math.round(internal), 0, total);
  return { internal: i, external: total - i };
}

/** The slider step of PageUp/PageDown: 10 % of the total, at least one IP. */
export const pageStep = (total: number): number => Math.max(1, Math.round(total / 10));

/**
 * The slider value a key asks for, or null for keys the slider does not take. Arrows move by
 * one (Left/Right swap in right-to-left text), PageUp/PageDown by 10 % of the total, Home/End
 * to all external / all internal.
 */
export function keyedValue(key: string, s: Split, rtl = false): number | null {
  const total = totalOf(s);
  const step = { ArrowUp: 1, ArrowDown: -1, ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1, PageUp: pageStep(total), PageDown: -pageStep(total) }[key];
  if (step !== undefined) return clamp(s.internal + step, 0, total);
  if (key === 'Home') return 0;
  if (key === 'End') return total;
  return null;
}

/** Why a number typed into an input cannot be used (`max` already formatted for the reader), or null when it can. */
export function countProblem(raw: string, label: string, max: number, formattedMax: string): string | null {
  if (raw.trim() === '') return `Enter the number of ${label}.`;
  const n = Number(raw);
  if (!Number.isInteger(n)) return `The number of ${label} is a whole number.`;
  if (n < 0) return `The number of ${label} cannot be negative.`;
  if (n > max) return `At most ${formattedMax} ${label}.`;
  return null;
}
