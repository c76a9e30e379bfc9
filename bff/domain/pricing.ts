/**
 * Pricing: graduated IP tiers, the MSP's unit cost and its margin, volume bands, prepaid
 * discounts, project keys and quotes. Pure functions over integer minor units — no I/O, no
 * clock — so the BFF and the `<msp-ip-distribution>` price preview in the browser compute the
 * same figure from the same code.
 *
 * Amounts are monthly: a price table states what one IP costs per month in each range.
 */
import { divHalfEven, mulExact } from './money.js';

/**
 * One range of a graduated price table: IPs up to and including `upTo` (counted from the end of
 * the previous tier) cost `unitMinor` each per month. The last tier is open-ended (`upTo: null`).
 */
export interface Tier { upTo: number | null; unitMinor: number }

/** An MSP's price (or cost) table as configured: one article with its graduated tiers. */
export interface PriceTable { currency: string; articleName: string; articleNumber: string; tiers: Tier[] }

/** The part of a graduated price that falls into one tier: IPs `from`..`to` (1-based, inclusive). */
export interface PriceLine { from: number; to: number; count: number; unitMinor: number; amountMinor: number }

/** A validation error with its path inside the tiers array (e.g. `[2, 'upTo']`). */
export interface TierProblem { path: (string | number)[]; detail: string }

/**
 * Why a tiers array cannot price: `[]` when it can. Tiers must be non-empty, with positive
 * integer `upTo`s that strictly ascend, non-negative integer unit prices, and exactly the last
 * tier open-ended — so every IP count falls into exactly one range.
 */
export function validateTiers(tiers: Tier[]): TierProblem[] {
  if (tiers.length === 0) return [{ path: [], detail: 'at least one tier is needed' }];
  const problems: TierProblem[] = [];
  let previous = 0;
  tiers.forEach((tier, i) => {
    const last = i === tiers.length - 1;
    if (!Number.isSafeInteger(tier.unitMinor) || tier.unitMinor < 0) {
      problems.push({ path: [i, 'unitMinor'], detail: 'the unit price must be a non-negative integer amount in minor units' });
    }
    if (tier.upTo === null) {
      if (!last) problems.push({ path: [i, 'upTo'], detail: 'only the last tier may be open-ended (upTo null)' });
      return;
    }
    if (last) {
      problems.push({ path: [i, 'upTo'], detail: 'the last tier must be open-ended (upTo null)' });
    } else if (!Number.isSafeInteger(tier.upTo) || tier.upTo < 1) {
      problems.push({ path: [i, 'upTo'], detail: 'upTo must be a positive integer' });
    } else if (tier.upTo <= previous) {
      problems.push({ path: [i, 'upTo'], detail: `upTo must be greater than the previous tier's ${previous}` });
    } else {
      previous = tier.upTo;
    }
  });
  return problems;
}

/**
 * The monthly price of `count` IPs: each IP is charged the unit price of the range it falls in
 * (300 IPs over tiers up to 50 / 250 / open = 50 × t1 + 200 × t2 + 50 × t3). One line per tier
 * used. Assumes tiers that `validateTiers` accepts.
 */
export function graduatedPrice(tiers: Tier[], count: number): { totalMinor: number; lines: PriceLine[] } {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`cannot price ${count} IPs`);
  const lines: PriceLine[] = [];
  let totalMinor = 0;
  let priced = 0;
  for (const tier of tiers) {
    if (priced >= count) break;
    const to = tier.upTo === null ? count : Math.min(tier.upTo, count);
    if (to <= priced) continue;
    const amountMinor = mulExact(to - priced, tier.unitMinor);
    lines.push({ from: priced + 1, to, count: to - priced, unitMinor: tier.unitMinor, amountMinor });
    totalMinor += amountMinor;
    priced = to;
  }
  if (priced < count) throw new RangeError('the tiers do not cover every IP: the last tier must be open-ended');
  if (!Number.isSafeInteger(totalMinor)) throw new RangeError('the price is not a safe integer amount');
  return { totalMinor, lines };
}

/** Portfolio sizes (units across every customer of the MSP) at which the unit cost steps down. */
export const volumeBands = [1000, 5000, 25000] as const;

export type VolumeBand = 0 | 1 | 2 | 3;

/** How many volume bands `units` has reached: 0 below 1 000, 1 from 1 000, 2 from 5 000, 3 from 25 000. */
export function volumeBand(units: number): VolumeBand {
  return volumeBands.filter((threshold) => units >= threshold).length as VolumeBand;
}

/** Discount on the unit cost per band, in basis points (1/100 %): 0 %, 5 %, 10 %, 15 %. */
const bandDiscounts = [0, 500, 1000, 1500] as const;

/** The unit-cost discount (basis points) a volume band earns. */
export function bandDiscountBps(band: VolumeBand): number {
  return bandDiscounts[band];
}

/**
 * The MSP's effective cost tiers: each unit cost lowered by its volume band's discount and then
 * by the prepaid discount, both applied to the original unit price and rounded half-even once.
 * More portfolio units or a larger prepaid discount therefore never raise a unit cost.
 */
export function unitCostTiers(cost: Tier[], opts: { portfolioUnits: number; prepaidDiscountBps?: number }): Tier[] {
  const prepaid = opts.prepaidDiscountBps ?? 0;
  if (!Number.isInteger(prepaid) || prepaid < 0 || prepaid > 10_000) {
    throw new RangeError(`a prepaid discount of ${prepaid} bps is not between 0 and 10000`);
  }
  const keep = BigInt(10_000 - bandDiscountBps(volumeBand(opts.portfolioUnits))) * BigInt(10_000 - prepaid);
  return cost.map((tier) => ({ upTo: tier.upTo, unitMinor: divHalfEven(BigInt(tier.unitMinor) * keep, 100_000_000n) }));
}

/** Margin = what the end user pays − what the MSP pays; negative when selling below cost. */
export function margin(priceMinor: number, costMinor: number): number {
  return priceMinor - costMinor;
}

/** The average monthly price of one IP (half-even), or null when there are no IPs to average over. */
export function averageIpPrice(totalMinor: number, ips: number): number | null {
  return ips === 0 ? null : divHalfEven(totalMinor, ips);
}

/** A prepaid project key as redeemed, with the selling price the MSP set (null until it does). */
export interface ProjectKey { ipCount: number; runtimeMonths: number; purchasePriceMinor: number; sellingPriceMinor: number | null }

export interface ProjectKeySummary {
  costPerIpMonthMinor: number;
  pricePerIpMonthMinor: number | null;
  marginMinor: number | null;
  /** Margin as a share of the selling price (basis points); null without a positive selling price. */
  marginBps: number | null;
}

/**
 * What a project key means per IP and month, and what the MSP earns on it. The key is paid once
 * for `ipCount` IPs over `runtimeMonths`, so per-IP-month figures divide by both (half-even).
 */
export function projectKeySummary(k: ProjectKey): ProjectKeySummary {
  const ipMonths = mulExact(k.ipCount, k.runtimeMonths);
  if (ipMonths <= 0) throw new RangeError('a project key needs at least one IP and one month');
  const costPerIpMonthMinor = divHalfEven(k.purchasePriceMinor, ipMonths);
  if (k.sellingPriceMinor === null) {
    return { costPerIpMonthMinor, pricePerIpMonthMinor: null, marginMinor: null, marginBps: null };
  }
  const marginMinor = margin(k.sellingPriceMinor, k.purchasePriceMinor);
  return {
    costPerIpMonthMinor,
    pricePerIpMonthMinor: divHalfEven(k.sellingPriceMinor, ipMonths),
    marginMinor,
    marginBps: k.sellingPriceMinor > 0 ? divHalfEven(BigInt(marginMinor) * 10_000n, k.sellingPriceMinor) : null,
  };
}

export interface QuoteInput {
  ips: number;
  sell: Tier[];
  cost: Tier[];
  /** Units across the MSP's whole portfolio (this customer included): they pick the volume band. */
  portfolioUnits: number;
  prepaidDiscountBps?: number;
}

export interface Quote {
  ips: number;
  priceMinor: number;
  costMinor: number;
  marginMinor: number;
  priceLines: PriceLine[];
  costLines: PriceLine[];
  averageIpPriceMinor: number | null;
  band: VolumeBand;
}

/** The monthly price, cost and margin of `ips` IPs for one customer. */
export function quote(input: QuoteInput): Quote {
  const price = graduatedPrice(input.sell, input.ips);
  const cost = graduatedPrice(unitCostTiers(input.cost, input), input.ips);
  return {
    ips: input.ips,
    priceMinor: price.totalMinor,
    costMinor: cost.totalMinor,
    marginMinor: margin(price.totalMinor, cost.totalMinor),
    priceLines: price.lines,
    costLines: cost.lines,
    averageIpPriceMinor: averageIpPrice(price.totalMinor, input.ips),
    band: volumeBand(input.portfolioUnits),
  };
}
