/** Intl formatting shared by every widget; `locale` is the element's `locale` (nearest `lang`). */

export interface MoneyValue {
  amountMinor: number;
  currency: string;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

function safeLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** Integer minor units of an ISO 4217 currency → localised amount (e.g. 123456 EUR → "€1,234.56"). */
export function formatMoney(value: MoneyValue | null | undefined, locale: string, options: { compact?: boolean } = {}): string {
  if (!value) return '—';
  const loc = safeLocale(locale);
  const fmt = cached(`money|${loc}|${value.currency}|${options.compact ? 1 : 0}`, () =>
    new Intl.NumberFormat(loc, { style: 'currency', currency: value.currency, ...(options.compact ? { notation: 'compact' } : {}) }),
  );
  // The currency's own minor-unit exponent (JPY 0, EUR 2, BHD 3), never a float from the server.
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: value.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(value.amountMinor / 10 ** digits);
}

export function formatNumber(value: number | null | undefined, locale: string, options: Intl.NumberFormatOptions = {}): string {
  if (value == null) return '—';
  const loc = safeLocale(locale);
  return cached(`num|${loc}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(loc, options)).format(value);
}

export function formatPercent(ratio: number | null | undefined, locale: string): string {
  return formatNumber(ratio, locale, { style: 'percent', maximumFractionDigits: 0 });
}

/** ISO 8601 timestamp → localised date (medium by default). */
export function formatDate(iso: string | null | undefined, locale: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const loc = safeLocale(locale);
  return cached(`date|${loc}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(loc, options)).format(d);
}

/** "3 days ago" style, relative to `now`. */
export function formatRelative(iso: string | null | undefined, locale: string, now: Date = new Date()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '—';
  const seconds = (t - now.getTime()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31536000],
    ['month', 2592000],
    ['week', 604800],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const rtf = cached(`rel|${safeLocale(locale)}`, () => new Intl.RelativeTimeFormat(safeLocale(locale), { numeric: 'auto' }));
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  return rtf.format(0, 'minute');
}
