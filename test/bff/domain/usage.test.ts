import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, daysBetween, products, scanProduct, zeroFilledUsage } from '../../../bff/domain/usage.js';

/** Usage lists every product and every day of the range; counted scans land on their product and day. */

const day = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((t) => new Date(t).toISOString().slice(0, 10));
const profile = fc.constantFrom('Full and fast', 'External perimeter', 'Web application', 'Internal network', 'Compliance (PCI)', 'Something else');

describe('usage per product and day', () => {
  test('every day of the range, in order, for every product; totals are the sum of known profiles', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.record({ profile, offset: fc.integer({ min: 0, max: 60 }), scans: fc.integer({ min: 1, max: 9 }) }), { maxLength: 40 }),
        (from, span, raw) => {
          const to = addDays(from, span);
          const counts = raw.filter((r) => r.offset <= span).map((r) => ({ profile: r.profile, day: addDays(from, r.offset), scans: r.scans }));
          const usage = zeroFilledUsage(counts, from, to);
          assert.deepEqual(usage.map((u) => u.product), [...products]);
          for (const u of usage) {
            assert.equal(u.days.length, span + 1);
            assert.equal(u.days[0]!.day, from);
            assert.equal(u.days.at(-1)!.day, to);
            assert.equal(u.total, u.days.reduce((s, d) => s + d.scans, 0));
            const expected = counts.filter((c) => scanProduct(c.profile) === u.product).reduce((s, c) => s + c.scans, 0);
            assert.equal(u.total, expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('profiles map to products', () => {
    assert.equal(scanProduct('Full and fast'), 'external');
    assert.equal(scanProduct('External perimeter'), 'external');
    assert.equal(scanProduct('Internal network'), 'internal');
    assert.equal(scanProduct('Web application'), 'web_app');
    assert.equal(scanProduct('Compliance (PCI)'), 'compliance');
    assert.equal(scanProduct('Unknown'), undefined);
  });

  test('day arithmetic crosses months, years and leap days', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(daysBetween('2026-01-01', '2026-12-31'), 365);
    assert.equal(daysBetween('2026-01-02', '2026-01-01'), 0);
  });
});
