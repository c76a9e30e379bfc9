import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { divHalfEven, mulExact } from '../../../bff/domain/money.js';
import {
  averageIpPrice, bandDiscountBps, graduatedPrice, margin, projectKeySummary, quote, unitCostTiers,
  validateTiers, volumeBand, volumeBands, type Tier,
} from '../../../bff/domain/pricing.js';

/** The seed's shape: IPs 1–50, 51–250 and 251 onwards each have their own unit price. */
const sell: Tier[] = [{ upTo: 50, unitMinor: 390 }, { upTo: 250, unitMinor: 310 }, { upTo: null, unitMinor: 245 }];
const cost: Tier[] = [{ upTo: 50, unitMinor: 200 }, { upTo: 250, unitMinor: 160 }, { upTo: null, unitMinor: 125 }];

/** Valid graduated tiers: ascending positive bounds, the last open-ended. */
const tiersArb: fc.Arbitrary<Tier[]> = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { maxLength: 6 }),
    fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 7, maxLength: 7 }),
  )
  .map(([bounds, units]) => [
    ...bounds.sort((a, b) => a - b).map((upTo, i) => ({ upTo, unitMinor: units[i]! })),
    { upTo: null, unitMinor: units[6]! },
  ]);

const countArb = fc.integer({ min: 0, max: 200_000 });

describe('graduatedPrice', () => {
  test('300 IPs cost 50 × price(1–50) + 200 × price(51–250) + 50 × price(251–300)', () => {
    const { totalMinor, lines } = graduatedPrice(sell, 300);
    assert.equal(totalMinor, 50 * 390 + 200 * 310 + 50 * 245);
    assert.deepEqual(lines, [
      { from: 1, to: 50, count: 50, unitMinor: 390, amountMinor: 50 * 390 },
      { from: 51, to: 250, count: 200, unitMinor: 310, amountMinor: 200 * 310 },
      { from: 251, to: 300, count: 50, unitMinor: 245, amountMinor: 50 * 245 },
    ]);
  });

  test('a count on a tier boundary uses that tier and no further; none costs nothing', () => {
    assert.deepEqual(graduatedPrice(sell, 0), { totalMinor: 0, lines: [] });
    assert.equal(graduatedPrice(sell, 50).lines.length, 1);
    assert.equal(graduatedPrice(sell, 51).totalMinor, 50 * 390 + 310);
    assert.equal(graduatedPrice(sell, 250).lines.length, 2);
    assert.equal(graduatedPrice(sell, 251).totalMinor, 50 * 390 + 200 * 310 + 245);
  });

  test('refuses negative or fractional counts and amounts beyond 2^53', () => {
    assert.throws(() => graduatedPrice(sell, -1), RangeError);
    assert.throws(() => graduatedPrice(sell, 2.5), RangeError);
    assert.throws(() => graduatedPrice([{ upTo: null, unitMinor: 2 ** 40 }], 2 ** 20), RangeError);
  });

  test('the lines cover 1..count without gaps and add up to the total', () => {
    fc.assert(fc.property(tiersArb, countArb, (tiers, count) => {
      const { totalMinor, lines } = graduatedPrice(tiers, count);
      let next = 1;
      for (const line of lines) {
        assert.equal(line.from, next);
        assert.equal(line.count, line.to - line.from + 1);
        assert.equal(line.amountMinor, line.count * line.unitMinor);
        next = line.to + 1;
      }
      assert.equal(next, count + 1);
      assert.equal(totalMinor, lines.reduce((sum, l) => sum + l.amountMinor, 0));
    }));
  });

  test('the price never decreases as the count grows, and each extra IP costs its own tier\'s unit price', () => {
    fc.assert(fc.property(tiersArb, countArb, fc.integer({ min: 0, max: 10_000 }), (tiers, count, more) => {
      const smaller = graduatedPrice(tiers, count).totalMinor;
      assert.ok(graduatedPrice(tiers, count + more).totalMinor >= smaller);
      const unit = tiers.find((t) => t.upTo === null || t.upTo >= count + 1)!.unitMinor;
      assert.equal(graduatedPrice(tiers, count + 1).totalMinor - smaller, unit);
    }));
  });
});

describe('validateTiers', () => {
  test('accepts ascending tiers ending open-ended, and a single open tier', () => {
    assert.deepEqual(validateTiers(sell), []);
    assert.deepEqual(validateTiers([{ upTo: null, unitMinor: 0 }]), []);
    fc.assert(fc.property(tiersArb, (tiers) => assert.deepEqual(validateTiers(tiers), [])));
  });

  test('an empty table is refused at its root', () => {
    assert.deepEqual(validateTiers([]).map((p) => p.path), [[]]);
  });

  test('an unsorted or duplicate bound is reported at the later tier', () => {
    const paths = (tiers: Tier[]) => validateTiers(tiers).map((p) => p.path);
    assert.deepEqual(paths([{ upTo: 250, unitMinor: 1 }, { upTo: 50, unitMinor: 1 }, { upTo: null, unitMinor: 1 }]), [[1, 'upTo']]);
    assert.deepEqual(paths([{ upTo: 50, unitMinor: 1 }, { upTo: 50, unitMinor: 1 }, { upTo: null, unitMinor: 1 }]), [[1, 'upTo']]);
    // After an out-of-order tier the next is compared with the largest bound so far.
    assert.deepEqual(
      paths([{ upTo: 100, unitMinor: 1 }, { upTo: 50, unitMinor: 1 }, { upTo: 80, unitMinor: 1 }, { upTo: 200, unitMinor: 1 }, { upTo: null, unitMinor: 1 }]),
      [[1, 'upTo'], [2, 'upTo']],
    );
  });

  test('negative, zero and fractional bounds and unit prices are reported per field', () => {
    const problems = validateTiers([
      { upTo: -5, unitMinor: 1 }, { upTo: 0, unitMinor: 1 }, { upTo: 7.5, unitMinor: -1 }, { upTo: 10, unitMinor: 2.5 }, { upTo: null, unitMinor: 1 },
    ]);
    assert.deepEqual(problems.map((p) => p.path), [[0, 'upTo'], [1, 'upTo'], [2, 'unitMinor'], [2, 'upTo'], [3, 'unitMinor']]);
    for (const p of problems) assert.ok(p.detail.length > 0);
  });

  test('only the last tier is open-ended, and it must be', () => {
    const middle = validateTiers([{ upTo: 50, unitMinor: 1 }, { upTo: null, unitMinor: 1 }, { upTo: null, unitMinor: 1 }]);
    assert.deepEqual(middle.map((p) => p.path), [[1, 'upTo']]);
    assert.match(middle[0]!.detail, /only the last/);
    const closed = validateTiers([{ upTo: 50, unitMinor: 1 }, { upTo: 250, unitMinor: 1 }]);
    assert.deepEqual(closed.map((p) => p.path), [[1, 'upTo']]);
    assert.match(closed[0]!.detail, /must be open-ended/);
  });

  test('any valid table with one field broken is refused at exactly that field', () => {
    fc.assert(fc.property(tiersArb, fc.nat(), fc.constantFrom(-1, 0.5, Number.NaN), (tiers, pick, bad) => {
      const i = pick % tiers.length;
      const broken = tiers.map((t, j) => (j === i ? { ...t, unitMinor: bad } : t));
      assert.deepEqual(validateTiers(broken).map((p) => p.path), [[i, 'unitMinor']]);
    }));
  });
});

describe('volume bands and unit cost', () => {
  test('bands start at 1 000, 5 000 and 25 000 units', () => {
    assert.deepEqual([...volumeBands], [1000, 5000, 25000]);
    assert.deepEqual([0, 999, 1000, 4999, 5000, 24_999, 25_000, 1e9].map(volumeBand), [0, 0, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(([0, 1, 2, 3] as const).map(bandDiscountBps), [0, 500, 1000, 1500]);
  });

  test('the band and the prepaid discount lower each unit cost, rounded half-even once', () => {
    // 125 × 0.9 × 0.95 = 106.875 → 107; 200 × 0.9 × 0.95 = 171; 160 × 0.855 = 136.8 → 137.
    assert.deepEqual(unitCostTiers(cost, { portfolioUnits: 6000, prepaidDiscountBps: 500 }).map((t) => t.unitMinor), [171, 137, 107]);
    assert.deepEqual(unitCostTiers(cost, { portfolioUnits: 10 }), cost);
    assert.throws(() => unitCostTiers(cost, { portfolioUnits: 0, prepaidDiscountBps: 10_001 }), RangeError);
  });

  test('more portfolio units or a larger prepaid discount never raise a unit cost', () => {
    const discountArb = fc.integer({ min: 0, max: 10_000 });
    fc.assert(fc.property(tiersArb, fc.nat(40_000), fc.nat(40_000), discountArb, discountArb, (tiers, a, b, p, q) => {
      const [fewer, more] = a <= b ? [a, b] : [b, a];
      const [low, high] = p <= q ? [p, q] : [q, p];
      const base = unitCostTiers(tiers, { portfolioUnits: fewer, prepaidDiscountBps: low });
      const cheaper = [
        unitCostTiers(tiers, { portfolioUnits: more, prepaidDiscountBps: low }),
        unitCostTiers(tiers, { portfolioUnits: fewer, prepaidDiscountBps: high }),
      ];
      for (const c of cheaper) c.forEach((t, i) => {
        assert.equal(t.upTo, base[i]!.upTo);
        assert.ok(t.unitMinor <= base[i]!.unitMinor);
      });
    }));
  });
});

describe('quote and margin', () => {
  test('a quote prices, costs and averages the IPs for the portfolio\'s band', () => {
    const q = quote({ ips: 300, sell, cost, portfolioUnits: 1200 });
    assert.equal(q.priceMinor, graduatedPrice(sell, 300).totalMinor);
    assert.equal(q.costMinor, graduatedPrice(unitCostTiers(cost, { portfolioUnits: 1200 }), 300).totalMinor);
    assert.equal(q.band, 1);
    assert.equal(q.costLines[0]!.unitMinor, 190);
    assert.equal(q.averageIpPriceMinor, divHalfEven(q.priceMinor, 300));
    assert.equal(quote({ ips: 0, sell, cost, portfolioUnits: 0 }).averageIpPriceMinor, null);
  });

  test('margin = price − cost for every customer, and the portfolio margin is their sum', () => {
    const customers = fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 20 });
    fc.assert(fc.property(tiersArb, tiersArb, customers, fc.integer({ min: 0, max: 10_000 }), (s, c, ips, prepaid) => {
      const portfolioUnits = ips.reduce((a, b) => a + b, 0);
      const quotes = ips.map((n) => quote({ ips: n, sell: s, cost: c, portfolioUnits, prepaidDiscountBps: prepaid }));
      for (const q of quotes) assert.equal(q.marginMinor, q.priceMinor - q.costMinor);
      const total = (pick: (q: (typeof quotes)[number]) => number) => quotes.reduce((sum, q) => sum + pick(q), 0);
      assert.equal(margin(total((q) => q.priceMinor), total((q) => q.costMinor)), total((q) => q.marginMinor));
    }));
  });

  test('the average IP price rounds half-even and is null without IPs', () => {
    assert.equal(averageIpPrice(5, 2), 2);
    assert.equal(averageIpPrice(7, 2), 4);
    assert.equal(averageIpPrice(1001, 3), 334);
    assert.equal(averageIpPrice(0, 0), null);
  });
});

describe('projectKeySummary', () => {
  test('per-IP-month cost and price, margin and margin share of a key', () => {
    const key = { ipCount: 100, runtimeMonths: 12, purchasePriceMinor: 240_000, sellingPriceMinor: 300_000 };
    assert.deepEqual(projectKeySummary(key), { costPerIpMonthMinor: 200, pricePerIpMonthMinor: 250, marginMinor: 60_000, marginBps: 2000 });
  });

  test('without a selling price only the cost is known; a key without IPs or months is refused', () => {
    assert.deepEqual(projectKeySummary({ ipCount: 3, runtimeMonths: 1, purchasePriceMinor: 1000, sellingPriceMinor: null }), {
      costPerIpMonthMinor: 333, pricePerIpMonthMinor: null, marginMinor: null, marginBps: null,
    });
    assert.equal(projectKeySummary({ ipCount: 1, runtimeMonths: 1, purchasePriceMinor: 10, sellingPriceMinor: 0 }).marginBps, null);
    assert.throws(() => projectKeySummary({ ipCount: 0, runtimeMonths: 12, purchasePriceMinor: 1, sellingPriceMinor: null }), RangeError);
  });

  test('selling below the purchase price shows a negative margin', () => {
    const s = projectKeySummary({ ipCount: 10, runtimeMonths: 6, purchasePriceMinor: 6000, sellingPriceMinor: 4800 });
    assert.equal(s.marginMinor, -1200);
    assert.equal(s.marginBps, -2500);
  });
});

describe('money', () => {
  test('divHalfEven rounds ties to even in both directions and handles 2^53+ numerators', () => {
    assert.deepEqual([[5, 2], [7, 2], [-5, 2], [-7, 2], [5, -2], [1, 3], [2, 3]].map(([n, d]) => divHalfEven(n!, d!)), [2, 4, -2, -4, -2, 0, 1]);
    assert.equal(divHalfEven(2n ** 60n, 2n ** 20n), 2 ** 40);
    assert.throws(() => divHalfEven(1, 0), RangeError);
  });

  test('mulExact refuses products beyond 2^53', () => {
    assert.equal(mulExact(2 ** 26, 2 ** 26), 2 ** 52);
    assert.throws(() => mulExact(2 ** 27, 2 ** 26), RangeError);
  });
});
