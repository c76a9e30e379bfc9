import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { invoiceLines, periodForLabel, type Partnership, type PriceVersion, type SubscriptionEvent } from '../../../bff/domain/billing.js';
import { graduatedPrice, type Tier } from '../../../bff/domain/pricing.js';
import { acvInstant, annualContractValueAt, periodsEndingWith, shiftLabel, usageReport } from '../../../bff/domain/usage-report.js';

const sell: Tier[] = [{ upTo: 50, unitMinor: 450 }, { upTo: 250, unitMinor: 380 }, { upTo: null, unitMinor: 300 }];
const cost: Tier[] = [{ upTo: 50, unitMinor: 260 }, { upTo: null, unitMinor: 200 }];
const cheaper: Tier[] = [{ upTo: null, unitMinor: 100 }];
const prices: PriceVersion[] = [
  { validFrom: '2025-01-01T00:00:00Z', sell, cost },
  { validFrom: '2026-06-10T12:00:00Z', sell: cheaper, cost },
];
const zones = ['Europe/Berlin', 'America/New_York', 'UTC', 'Australia/Sydney'];
const labelArb = fc.record({ y: fc.integer({ min: 2000, max: 2050 }), m: fc.integer({ min: 1, max: 12 }) }).map(({ y, m }) => `${y}-${String(m).padStart(2, '0')}`);

/** A subscription's history: started, then some IP changes and maybe a cancellation, in order. */
const eventsArb = fc
  .record({
    start: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 10, 1) }),
    ips: fc.integer({ min: 1, max: 600 }),
    trial: fc.boolean(),
    changes: fc.array(fc.record({ after: fc.integer({ min: 1, max: 90 * 86_400_000 }), ips: fc.integer({ min: 1, max: 600 }), kind: fc.constantFrom('ips_changed', 'cancelled', 'reactivated', 'converted_to_purchased') }), { maxLength: 4 }),
  })
  .map(({ start, ips, trial, changes }) => {
    const events: SubscriptionEvent[] = [{ at: new Date(start).toISOString(), kind: 'started', plan: trial ? 'trial' : 'purchased', ipsInternal: 0, ipsExternal: ips }];
    let at = start;
    for (const c of changes) {
      at += c.after;
      events.push({ at: new Date(at).toISOString(), kind: c.kind as SubscriptionEvent['kind'], ...(c.kind === 'ips_changed' ? { ipsInternal: 0, ipsExternal: c.ips } : {}) });
    }
    return events;
  });

describe('usage report periods', () => {
  test('labels move by months across years', () => {
    assert.equal(shiftLabel('2026-01', -1), '2025-12');
    assert.equal(shiftLabel('2026-11', -11), '2025-12');
    assert.equal(shiftLabel('2026-12', 1), '2027-01');
    assert.equal(shiftLabel('2026-05', 0), '2026-05');
    assert.throws(() => shiftLabel('2026-13', 1), RangeError);
  });

  test('the periods of a report are consecutive, the labelled one last, each the billing engine\'s own', () => {
    fc.assert(
      fc.property(labelArb, fc.constantFrom<Partnership>('mssp', 'reseller'), fc.constantFrom(...zones), fc.integer({ min: 1, max: 24 }), (label, partnership, zone, n) => {
        const ps = periodsEndingWith(label, n, partnership, zone);
        assert.equal(ps.length, n);
        assert.deepEqual(ps[n - 1], periodForLabel(label, partnership, zone));
        for (let i = 1; i < n; i++) {
          assert.equal(ps[i]!.start, ps[i - 1]!.end, 'no gap and no overlap');
          assert.deepEqual(ps[i - 1], periodForLabel(shiftLabel(label, i - n), partnership, zone));
        }
      }),
    );
  });

  test('ACV is read now in the running period and at the last moment of any other', () => {
    const p = periodForLabel('2026-11', 'mssp', 'Europe/Berlin');
    const now = new Date('2026-11-20T10:00:00Z');
    assert.equal(acvInstant(p, now), now);
    assert.equal(acvInstant(periodForLabel('2026-10', 'mssp', 'Europe/Berlin'), now).toISOString(), '2026-10-25T22:59:59.999Z');
  });
});

describe('annual contract value', () => {
  const started: SubscriptionEvent[] = [{ at: '2026-01-15T00:00:00Z', kind: 'started', plan: 'purchased', ipsInternal: 20, ipsExternal: 40 }];

  test('twelve times the monthly price of the IPs under the price version in force', () => {
    assert.equal(annualContractValueAt(started, prices, new Date('2026-03-01T00:00:00Z')), 12 * graduatedPrice(sell, 60).totalMinor);
    assert.equal(annualContractValueAt(started, prices, new Date('2026-07-01T00:00:00Z')), 12 * 60 * 100, 'the later, cheaper version');
  });

  test('nothing before the start, for a trial, after a cancellation, or before the first price version', () => {
    assert.equal(annualContractValueAt(started, prices, new Date('2026-01-01T00:00:00Z')), 0);
    assert.equal(annualContractValueAt([{ ...started[0]!, plan: 'trial' }], prices, new Date('2026-03-01T00:00:00Z')), 0);
    const cancelled: SubscriptionEvent[] = [...started, { at: '2026-02-01T00:00:00Z', kind: 'cancelled' }];
    assert.equal(annualContractValueAt(cancelled, prices, new Date('2026-03-01T00:00:00Z')), 0);
    assert.equal(annualContractValueAt(started, [{ ...prices[1]! }], new Date('2026-03-01T00:00:00Z')), 0);
  });

  test('follows IP changes and a decrease once it is due', () => {
    const events: SubscriptionEvent[] = [
      ...started,
      { at: '2026-02-10T00:00:00Z', kind: 'ips_changed', ipsInternal: 20, ipsExternal: 80 },
      { at: '2026-03-10T00:00:00Z', kind: 'ips_decrease_scheduled', ipsInternal: 0, ipsExternal: 80, effectiveAt: '2026-03-26T00:00:00Z' },
    ];
    assert.equal(annualContractValueAt(events, prices, new Date('2026-03-20T00:00:00Z')), 12 * graduatedPrice(sell, 100).totalMinor);
    assert.equal(annualContractValueAt(events, prices, new Date('2026-04-01T00:00:00Z')), 12 * graduatedPrice(sell, 80).totalMinor);
  });
});

describe('usage report', () => {
  test('each period invoices exactly the sum of the billing engine\'s lines, per customer and in all', () => {
    fc.assert(
      fc.property(fc.array(eventsArb, { minLength: 1, maxLength: 4 }), fc.constantFrom<Partnership>('mssp', 'reseller'), fc.integer({ min: 0, max: 5000 }), (histories, partnership, units) => {
        const periods = periodsEndingWith('2026-11', 12, partnership, 'Europe/Berlin').map((period) => ({ period, portfolioUnits: units }));
        const customers = histories.map((events, i) => ({ id: `c${i}`, name: `Customer ${i}`, events, purchased: true }));
        const r = usageReport({ customers, prices, periods, scans: [], now: new Date('2026-11-20T10:00:00Z') });
        periods.forEach(({ period }, i) => {
          let amount = 0;
          let costSum = 0;
          for (const c of customers) {
            const lines = invoiceLines({ customerId: c.id, customerName: c.name, events: c.events, period, prices, portfolioUnits: units });
            const own = lines.reduce((a, l) => a + l.amountMinor, 0);
            assert.equal(r.customers.find((x) => x.id === c.id)!.amountMinor[i], own);
            amount += own;
            costSum += lines.reduce((a, l) => a + l.costMinor, 0);
            if (i === periods.length - 1) assert.deepEqual(r.lines.filter((l) => l.customerId === c.id).map(({ customerName: _n, ...l }) => l), lines);
          }
          assert.equal(r.periods[i]!.amountMinor, amount);
          assert.equal(r.periods[i]!.costMinor, costSum);
        });
      }),
      { numRuns: 60 },
    );
  });

  test('a customer whose subscription is a trial now is neither invoiced nor worth ACV, whatever its events say', () => {
    const periods = periodsEndingWith('2026-11', 3, 'reseller', 'UTC').map((period) => ({ period, portfolioUnits: 0 }));
    const events: SubscriptionEvent[] = [{ at: '2026-01-01T00:00:00Z', kind: 'started', plan: 'purchased', ipsInternal: 0, ipsExternal: 10 }];
    const r = usageReport({ customers: [{ id: 'c', name: 'C', events, purchased: false }], prices, periods, scans: [], now: new Date('2026-11-20T00:00:00Z') });
    assert.deepEqual(r.customers[0]!.amountMinor, [0, 0, 0]);
    assert.deepEqual(r.customers[0]!.acvMinor, [0, 0, 0]);
    assert.deepEqual(r.lines, []);
  });

  test('scans count per product and period; profiles outside the catalogue and unknown customers are left out', () => {
    const periods = periodsEndingWith('2026-11', 2, 'reseller', 'UTC').map((period) => ({ period, portfolioUnits: 0 }));
    const r = usageReport({
      customers: [{ id: 'a', name: 'A', events: [], purchased: true }, { id: 'b', name: 'B', events: [], purchased: true }],
      prices,
      periods,
      scans: [
        { customerId: 'a', profile: 'External perimeter', period: 0, scans: 3 },
        { customerId: 'a', profile: 'Full and fast', period: 0, scans: 2 },
        { customerId: 'b', profile: 'Internal network', period: 1, scans: 4 },
        { customerId: 'b', profile: 'Something custom', period: 1, scans: 9 },
        { customerId: 'x', profile: 'Internal network', period: 1, scans: 7 },
      ],
      now: new Date('2026-11-20T00:00:00Z'),
    });
    assert.deepEqual(r.periods.map((p) => p.scans), [
      { external: 5, internal: 0, web_app: 0, compliance: 0 },
      { external: 0, internal: 4, web_app: 0, compliance: 0 },
    ]);
    assert.deepEqual(r.customers[0]!.scans.external, [5, 0]);
    assert.deepEqual(r.customers[1]!.scans.internal, [0, 4]);
  });
});
