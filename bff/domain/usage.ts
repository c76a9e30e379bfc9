/**
 * Scan usage per product and day. Days are calendar days on the MSP's clock (the same clock the
 * per-scan billing month uses), written `YYYY-MM-DD`; a range lists every day in it, so a chart
 * never has to guess whether a missing day means "no scans" or "no data".
 */

export const products = ['external', 'internal', 'web_app', 'compliance'] as const;
export type Product = (typeof products)[number];

export const productLabels: Record<Product, string> = {
  external: 'External',
  internal: 'Internal',
  web_app: 'Web application',
  compliance: 'Compliance',
};

/** Which product a scan profile belongs to; profiles outside the catalogue belong to none. */
const profileProducts: Record<string, Product> = {
  'External perimeter': 'external',
  'Full and fast': 'external',
  'Internal network': 'internal',
  'Web application': 'web_app',
  'Compliance (PCI)': 'compliance',
};

export function scanProduct(profile: string): Product | undefined {
  return profileProducts[profile];
}

/** The longest range one request may ask for. */
export const MAX_USAGE_DAYS = 366;
/** The range when none is given: the last 30 days, today included. */
export const DEFAULT_USAGE_DAYS = 30;

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included (0 when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1);
}

export interface ProductUsage {
  product: Product;
  label: string;
  total: number;
  days: { day: string; scans: number }[];
}

/** Every product with every day of [from, to], the counted scans filled in and the rest 0. */
export function zeroFilledUsage(counts: { profile: string; day: string; scans: number }[], from: string, to: string): ProductUsage[] {
  const n = daysBetween(from, to);
  const byProduct = new Map<Product, Map<string, number>>(products.map((p) => [p, new Map()]));
  for (const c of counts) {
    const product = scanProduct(c.profile);
    if (!product) continue;
    const days = byProduct.get(product)!;
    days.set(c.day, (days.get(c.day) ?? 0) + c.scans);
  }
  return products.map((product) => {
    const counted = byProduct.get(product)!;
    const days = Array.from({ length: n }, (_, i) => {
      const day = addDays(from, i);
      return { day, scans: counted.get(day) ?? 0 };
    });
    return { product, label: productLabels[product], total: days.reduce((sum, d) => sum + d.scans, 0), days };
  });
}
