import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  bookingMonthEnd, invoiceLines, nextPeriod, periodContaining, periodForLabel, prorate, subscriptionStateAt,
  type InvoiceInput, type Partnership, type Period, type PriceVersion, type SubscriptionEvent,
} from '../../../bff/domain/billing.js';
import { graduatedPrice, unitCostTiers, type Tier } from '../../../bff/domain/pricing.js';
import { localDate, startOfLocalDay } from '../../../bff/domain/zoned-date.js';

/** Zones whose clocks never jump at midnight, so every period starts at a local 00:00 that exists. */
const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC', 'Pacific/Auckland', 'Asia/Kathmandu', 'America/St_Johns'];
const partnerships: Partnership[] = ['mssp', 'reseller'];

/** `at` as local wall time `YYYY-MM-DD HH:mm` in `timeZone`, read with Intl independently of the code under test. */
function local(at: string | number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  for (const p of format.formatToParts(new Date(at))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const instantArb = fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2055, 0, 1) }).map((ms) => new Date(ms));
const zoneArb = fc.constantFrom(...zones);
const partnershipArb = fc.constantFrom(...partnerships);

describe('billing periods', () => {
  const cases: [string, Partnership, string, string, string, string][] = [
    // zone, partnership, an instant, start, end, label
    ['Europe/Berlin', 'reseller', '2026-03-29T12:00:00Z', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z', '2026-03'],
    ['Europe/Berlin', 'reseller', '2026-10-25T12:00:00Z', '2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', '2026-10'],
    ['Europe/Berlin', 'mssp', '2026-03-29T12:00:00Z', '2026-03-25T23:00:00.000Z', '2026-04-25T22:00:00.000Z', '2026-04'],
    ['Europe/Berlin', 'mssp', '2026-10-25T12:00:00Z', '2026-09-25T22:00:00.000Z', '2026-10-25T23:00:00.000Z', '2026-10'],
    // 23:30 UTC on the 25th is already the 26th in Berlin: the next MSSP period.
    ['Europe/Berlin', 'mssp', '2026-03-25T23:30:00Z', '2026-03-25T23:00:00.000Z', '2026-04-25T22:00:00.000Z', '2026-04'],
    ['Europe/Berlin', 'mssp', '2026-03-25T22:59:59Z', '2026-02-25T23:00:00.000Z', '2026-03-25T23:00:00.000Z', '2026-03'],
    ['America/New_York', 'reseller', '2026-03-08T12:00:00Z', '2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z', '2026-03'],
    ['America/New_York', 'mssp', '2026-11-01T12:00:00Z', '2026-10-26T04:00:00.000Z', '2026-11-26T05:00:00.000Z', '2026-11'],
    ['Australia/Sydney', 'reseller', '2026-04-05T12:00:00Z', '2026-03-31T13:00:00.000Z', '2026-04-30T14:00:00.000Z', '2026-04'],
    ['Australia/Sydney', 'mssp', '2026-10-04T12:00:00Z', '2026-09-25T14:00:00.000Z', '2026-10-25T13:00:00.000Z', '2026-10'],
    ['Asia/Kolkata', 'mssp', '2026-02-10T00:00:00Z', '2026-01-25T18:30:00.000Z', '2026-02-25T18:30:00.000Z', '2026-02'],
    ['Asia/Kolkata', 'reseller', '2026-12-31T18:29:59Z', '2026-11-30T18:30:00.000Z', '2026-12-31T18:30:00.000Z', '2026-12'],
    // An MSSP period beginning on 26 December ends in January and carries January's label.
    ['UTC', 'mssp', '2026-12-28T00:00:00Z', '2026-12-26T00:00:00.000Z', '2027-01-26T00:00:00.000Z', '2027-01'],
  ];
  for (const [zone, partnership, at, start, end, label] of cases) {
    test(`${partnership} in ${zone}: ${at} falls in ${label} (${start} → ${end})`, () => {
      assert.deepEqual(periodContaining(new Date(at), partnership, zone), { start, end, label });
      assert.deepEqual(periodForLabel(label, partnership, zone), { start, end, label });
    });
  }

  test('a period contains its instant, starts at local midnight on the 26th (MSSP) or the 1st (reseller), and periodContaining(p.start) = p', () => {
    fc.assert(fc.property(instantArb, zoneArb, partnershipArb, (at, zone, partnership) => {
      const p = periodContaining(at, partnership, zone);
      assert.ok(Date.parse(p.start) <= at.getTime() && at.getTime() < Date.parse(p.end));
      const firstDay = partnership === 'mssp' ? '26' : '01';
      assert.match(local(p.start, zone), new RegExp(`^\\d{4}-\\d{2}-${firstDay} 00:00$`));
      assert.deepEqual(periodContaining(new Date(p.start), partnership, zone), p);
      assert.deepEqual(periodContaining(new Date(Date.parse(p.end) - 1), partnership, zone), p);
      assert.deepEqual(periodForLabel(p.label, partnership, zone), p);
      assert.equal(bookingMonthEnd(at, partnership, zone).toISOString(), p.end);
    }), { numRuns: 300 });
  });

  test('consecutive periods tile time: each starts where the last ended, one month later in label', () => {
    fc.assert(fc.property(instantArb, zoneArb, partnershipArb, (at, zone, partnership) => {
      let p = periodContaining(at, partnership, zone);
      for (let i = 0; i < 24; i++) {
        const next = nextPeriod(p, partnership, zone);
        assert.equal(next.start, p.end);
        assert.deepEqual(periodContaining(new Date(p.end), partnership, zone), next);
        const [y, m] = p.label.split('-').map(Number);
        assert.equal(next.label, new Date(Date.UTC(y!, m!, 1)).toISOString().slice(0, 7));
        const days = (Date.parse(next.end) - Date.parse(next.start)) / 86_400_000;
        assert.ok(days >= 28 - 1 / 24 && days <= 31 + 1 / 24, `${days} days`);
        p = next;
      }
    }), { numRuns: 50 });
  });

  test('a malformed period label is refused', () => {
    for (const label of ['2026-13', '2026-1', '26-01', '2026-00', '']) {
      assert.throws(() => periodForLabel(label, 'mssp', 'UTC'), RangeError, label);
    }
  });

  test('an unknown time zone is refused', () => {
    assert.throws(() => periodContaining(new Date(), 'reseller', 'Mars/Olympus_Mons'), RangeError);
  });
});

describe('local days', () => {
  test('a day whose midnight is skipped starts when the clocks jump; a repeated midnight counts once, the earlier', () => {
    // Chile moves from −04 to −03 at midnight on 6 September 2026: 00:00 does not exist.
    assert.equal(startOfLocalDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago').toISOString(), '2026-09-06T04:00:00.000Z');
    assert.equal(startOfLocalDay({ year: 2018, month: 11, day: 4 }, 'America/Sao_Paulo').toISOString(), '2018-11-04T03:00:00.000Z');
    // Chile falls back at midnight on 5 April 2026: Saturday's last hour repeats, Sunday starts once.
    assert.equal(startOfLocalDay({ year: 2026, month: 4, day: 5 }, 'America/Santiago').toISOString(), '2026-04-05T04:00:00.000Z');
  });

  test('the start of a local day is on that day, and the instant before it is on the day before', () => {
    fc.assert(fc.property(instantArb, fc.constantFrom(...zones, 'America/Santiago', 'America/Havana', 'Asia/Beirut'), (at, zone) => {
      const day = localDate(at, zone);
      const start = startOfLocalDay(day, zone);
      assert.ok(start.getTime() <= at.getTime());
      assert.deepEqual(localDate(start, zone), day);
      assert.notDeepEqual(localDate(new Date(start.getTime() - 1), zone), day);
    }), { numRuns: 300 });
  });
});

describe('prorate', () => {
  const period = periodContaining(new Date('2026-10-10T00:00:00Z'), 'mssp', 'Europe/Berlin');
  const start = Date.parse(period.start);
  const length = Date.parse(period.end) - start;

  test('a full period is the whole amount; time outside the period counts for nothing', () => {
    assert.equal(prorate(12_345, new Date(0), new Date(Date.UTC(2100, 0)), period), 12_345);
    assert.equal(prorate(12_345, new Date(start - 1000), new Date(start), period), 0);
    assert.equal(prorate(12_345, new Date(Date.parse(period.end)), new Date(Date.UTC(2100, 0)), period), 0);
    assert.equal(prorate(12_345, new Date(start + 10), new Date(start + 5), period), 0);
  });

  test('the parts of a period split at any points add up exactly to the full amount, each within one minor unit of its share', () => {
    const amountArb = fc.integer({ min: 0, max: 1e12 });
    const pointsArb = fc.uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: 40 });
    fc.assert(fc.property(amountArb, pointsArb, (amount, points) => {
      const bounds = [0, ...points.sort((a, b) => a - b), length];
      let sum = 0;
      for (let i = 1; i < bounds.length; i++) {
        const part = prorate(amount, new Date(start + bounds[i - 1]!), new Date(start + bounds[i]!), period);
        const exact = (BigInt(amount) * BigInt(bounds[i]! - bounds[i - 1]!));
        const error = BigInt(part) * BigInt(length) - exact;
        assert.ok(error <= BigInt(length) && -error <= BigInt(length), `part ${part} strays from its share`);
        sum += part;
      }
      assert.equal(sum, amount);
    }));
  });
});

const sell: Tier[] = [{ upTo: 50, unitMinor: 390 }, { upTo: 250, unitMinor: 310 }, { upTo: null, unitMinor: 245 }];
const cost: Tier[] = [{ upTo: 50, unitMinor: 200 }, { upTo: 250, unitMinor: 160 }, { upTo: null, unitMinor: 125 }];
const zone = 'Europe/Berlin';
/** The MSSP period 26 Feb → 25 Mar 2026 in Berlin, and its neighbours. */
const march = periodForLabel('2026-03', 'mssp', zone);
const april = nextPeriod(march, 'mssp', zone);
const may = nextPeriod(april, 'mssp', zone);
const monthly = (ips: number) => graduatedPrice(sell, ips).totalMinor;

/** The price version in force since long before any period of these tests. */
const always: PriceVersion = { validFrom: '1990-01-01T00:00:00.000Z', sell, cost };

function lines(events: SubscriptionEvent[], period: Period, extra: Partial<InvoiceInput> = {}) {
  return invoiceLines({ customerId: 'c1', customerName: 'Acme', events, period, prices: [always], portfolioUnits: 0, ...extra });
}

/** An instant `days` days into `period`. */
function into(period: Period, days: number): string {
  return new Date(Date.parse(period.start) + days * 86_400_000).toISOString();
}

const started: SubscriptionEvent = { at: '2026-01-10T09:00:00Z', kind: 'started', ipsInternal: 200, ipsExternal: 100 };

function decrease(at: string, internal: number, external: number, ref?: string): SubscriptionEvent {
  return { at, kind: 'ips_decrease_scheduled', ipsInternal: internal, ipsExternal: external, effectiveAt: bookingMonthEnd(new Date(at), 'mssp', zone).toISOString(), ...(ref ? { ref } : {}) };
}

describe('invoiceLines', () => {
  test('a constant subscription bills one line of exactly the monthly price and cost', () => {
    const [line, ...rest] = lines([started], march, { portfolioUnits: 6000, prices: [{ ...always, prepaidDiscountBps: 500 }] });
    assert.deepEqual(rest, []);
    assert.deepEqual(line, {
      customerId: 'c1', description: 'Acme: 300 IPs (200 internal, 100 external)', from: march.start, to: march.end, ips: 300,
      amountMinor: monthly(300), costMinor: graduatedPrice(unitCostTiers(cost, { portfolioUnits: 6000, prepaidDiscountBps: 500 }), 300).totalMinor,
    });
  });

  test('a customer added mid-period is billed from its start, the remainder of the period\'s price', () => {
    const at = into(march, 10.5);
    const [line, ...rest] = lines([{ ...started, at }], march);
    assert.deepEqual(rest, []);
    assert.equal(line!.from, at);
    assert.match(line!.description, /prorated$/);
    assert.equal(line!.amountMinor, prorate(monthly(300), new Date(at), new Date(march.end), march));
    assert.equal(line!.amountMinor + prorate(monthly(300), new Date(march.start), new Date(at), march), monthly(300));
    assert.deepEqual(lines([{ ...started, at }], nextPeriod(march, 'mssp', zone)).map((l) => l.amountMinor), [monthly(300)]);
  });

  test('a cancellation is prorated to its date, and nothing is billed after it', () => {
    const at = into(march, 20);
    const [line, ...rest] = lines([started, { at, kind: 'cancelled' }], march);
    assert.deepEqual(rest, []);
    assert.equal(line!.to, at);
    assert.equal(line!.amountMinor, prorate(monthly(300), new Date(march.start), new Date(at), march));
    assert.deepEqual(lines([started, { at, kind: 'cancelled' }], april), []);
  });

  test('an increase applies from its instant: the two stretches add up to their prorated prices', () => {
    const at = into(march, 12);
    const result = lines([started, { at, kind: 'ips_changed', ipsInternal: 400, ipsExternal: 100 }], march);
    assert.deepEqual(result.map((l) => [l.ips, l.from, l.to]), [[300, march.start, at], [500, at, march.end]]);
    assert.equal(result[0]!.amountMinor, prorate(monthly(300), new Date(march.start), new Date(at), march));
    assert.equal(result[1]!.amountMinor, prorate(monthly(500), new Date(at), new Date(march.end), march));
  });

  test('a decrease takes effect when the booking month ends, not when it is asked for', () => {
    const events = [started, decrease(into(march, 3), 50, 0)];
    assert.deepEqual(lines(events, march).map((l) => [l.ips, l.amountMinor]), [[300, monthly(300)]]);
    assert.deepEqual(lines(events, april).map((l) => [l.ips, l.amountMinor]), [[50, monthly(50)]]);
  });

  test('a decrease whose stored effectiveAt lies inside its own period still waits for the period end', () => {
    const early = { ...decrease(into(march, 3), 50, 0), effectiveAt: into(march, 4) };
    assert.deepEqual(lines([started, early], march).map((l) => l.ips), [300]);
    assert.deepEqual(lines([started, early], april).map((l) => l.ips), [50]);
  });

  test('a cancelled pending decrease never takes effect', () => {
    const events = [started, decrease(into(march, 3), 50, 0, 'd1'), { at: into(march, 5), kind: 'ips_decrease_cancelled' as const, ref: 'd1' }];
    for (const p of [march, april, may]) assert.deepEqual(lines(events, p).map((l) => [l.ips, l.amountMinor]), [[300, monthly(300)]]);
  });

  test('cancelling another decrease (a different ref) leaves the pending one in place', () => {
    const events = [started, decrease(into(march, 3), 50, 0, 'd1'), { at: into(march, 5), kind: 'ips_decrease_cancelled' as const, ref: 'd0' }];
    assert.deepEqual(lines(events, april).map((l) => l.ips), [50]);
  });

  test('a cancellation after the decrease took effect changes nothing', () => {
    const events = [started, decrease(into(march, 3), 50, 0), { at: into(april, 1), kind: 'ips_decrease_cancelled' as const }];
    assert.deepEqual(lines(events, april).map((l) => l.ips), [50]);
  });

  test('stretches with the same IPs and split merge into one line', () => {
    const events = [started, { at: into(march, 6), kind: 'ips_changed' as const, ipsInternal: 200, ipsExternal: 100 }];
    assert.deepEqual(lines(events, march).map((l) => [l.ips, l.amountMinor]), [[300, monthly(300)]]);
  });

  test('a later change of the quota replaces the pending decrease', () => {
    const events = [started, decrease(into(march, 3), 50, 0), { at: into(march, 6), kind: 'ips_changed' as const, ipsInternal: 100, ipsExternal: 200 }];
    assert.deepEqual(lines(events, april).map((l) => [l.ips, l.description]), [[300, 'Acme: 300 IPs (100 internal, 200 external)']]);
    // A split change keeping the total starts a line of its own; the two still bill one month's price.
    const inMarch = lines(events, march);
    assert.deepEqual(inMarch.map((l) => l.ips), [300, 300]);
    assert.equal(inMarch[0]!.amountMinor + inMarch[1]!.amountMinor, monthly(300));
  });

  test('a cancelled subscription drops its pending decrease; reactivated, it keeps the IPs it had', () => {
    const events: SubscriptionEvent[] = [started, decrease(into(march, 3), 50, 0), { at: into(march, 8), kind: 'cancelled' }, { at: into(april, 2), kind: 'reactivated' }];
    const result = lines(events, april);
    assert.deepEqual(result.map((l) => [l.ips, l.from]), [[300, into(april, 2)]]);
  });

  test('a scheduled decrease without effectiveAt is refused', () => {
    assert.throws(() => lines([started, { at: into(march, 3), kind: 'ips_decrease_scheduled', ipsInternal: 1 }], march), RangeError);
  });

  test('no rounding drift: twelve periods of a constant subscription bill exactly twelve monthly prices', () => {
    const ipsArb = fc.integer({ min: 1, max: 100_000 });
    fc.assert(fc.property(instantArb, zoneArb, partnershipArb, ipsArb, fc.nat(100_000), (at, tz, partnership, ips, split) => {
      const internal = split % (ips + 1);
      const events: SubscriptionEvent[] = [{ at: at.toISOString(), kind: 'started', ipsInternal: internal, ipsExternal: ips - internal }];
      let p = nextPeriod(periodContaining(at, partnership, tz), partnership, tz);
      let amount = 0;
      let costs = 0;
      for (let i = 0; i < 12; i++) {
        for (const line of lines(events, p)) { amount += line.amountMinor; costs += line.costMinor; }
        p = nextPeriod(p, partnership, tz);
      }
      assert.equal(amount, 12 * monthly(ips));
      assert.equal(costs, 12 * graduatedPrice(cost, ips).totalMinor);
    }), { numRuns: 50 });
  });

  test('the lines of a period with changes at any instants add up to the prorated prices of their stretches, and tile the active time', () => {
    const changesArb = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 27 * 86_400 - 1 }), fc.integer({ min: 1, max: 5000 })), { selector: ([s]) => s, maxLength: 10 });
    fc.assert(fc.property(changesArb, (changes) => {
      const sorted = [...changes].sort((a, b) => a[0] - b[0]);
      const events: SubscriptionEvent[] = [started, ...sorted.map(([s, ips]): SubscriptionEvent => ({
        at: new Date(Date.parse(march.start) + s * 1000).toISOString(), kind: 'ips_changed', ipsInternal: ips, ipsExternal: 0,
      }))];
      const result = lines(events, march);
      assert.equal(result[0]!.from, march.start);
      assert.equal(result[result.length - 1]!.to, march.end);
      result.forEach((l, i) => {
        if (i > 0) assert.equal(l.from, result[i - 1]!.to);
        assert.equal(l.amountMinor, prorate(monthly(l.ips), new Date(l.from), new Date(l.to), march));
      });
    }));
  });

  test('a decrease is never effective before its period ends, and the one asked for last applies from the next period', () => {
    type Action = { kind: 'up' | 'down' | 'cancel'; ips: number; second: number };
    const actionArb: fc.Arbitrary<Action> = fc.record({
      kind: fc.constantFrom('up' as const, 'down' as const, 'cancel' as const),
      ips: fc.integer({ min: 0, max: 1000 }),
      second: fc.integer({ min: 0, max: 27 * 86_400 }),
    });
    fc.assert(fc.property(fc.array(actionArb, { maxLength: 12 }), (actions) => {
      const events: SubscriptionEvent[] = [{ ...started, ipsInternal: 500, ipsExternal: 0 }];
      let current = 500;
      let pending: number | null = null;
      for (const a of [...actions].sort((x, y) => x.second - y.second)) {
        const at = new Date(Date.parse(march.start) + a.second * 1000).toISOString();
        if (a.kind === 'cancel') {
          events.push({ at, kind: 'ips_decrease_cancelled' });
          pending = null;
        } else if (a.kind === 'up') {
          current += a.ips;
          pending = null;
          events.push({ at, kind: 'ips_changed', ipsInternal: current, ipsExternal: 0 });
        } else {
          pending = Math.max(current - a.ips, 0);
          events.push(decrease(at, pending, 0));
        }
      }
      const inMarch = lines(events, march).map((l) => l.ips);
      // Only increases show inside the period (one may land on its very first instant).
      inMarch.forEach((ips, i) => assert.ok(ips > (i === 0 ? 499 : inMarch[i - 1]!), `${inMarch}`));
      assert.equal(subscriptionStateAt(events, new Date(Date.parse(march.end) - 1)).internal, current);
      const expected = pending ?? current;
      assert.deepEqual(lines(events, april).map((l) => l.ips), expected === 0 ? [] : [expected]);
    }));
  });
});

describe('invoiceLines over price versions', () => {
  const tiersArb = fc
    .tuple(fc.integer({ min: 1, max: 400 }), fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 4 }))
    .map(([step, units]): Tier[] => units.map((unitMinor, i) => ({ upTo: i === units.length - 1 ? null : step * (i + 1), unitMinor })));
  const versionArb = (min: number, max: number) =>
    fc.record({ at: fc.integer({ min, max }), sell: tiersArb, cost: tiersArb, prepaidDiscountBps: fc.integer({ min: 0, max: 10_000 }) })
      .map(({ at, ...v }): PriceVersion => ({ validFrom: new Date(at).toISOString(), ...v }));
  const marchStart = Date.parse(march.start);
  const marchEnd = Date.parse(march.end);
  const eventsArb = fc.uniqueArray(fc.tuple(fc.integer({ min: marchStart - 40 * 86_400_000, max: marchEnd - 1 }), fc.integer({ min: 0, max: 3000 })), { selector: ([t]) => t, maxLength: 6 })
    .map((changes) => [...changes].sort((a, b) => a[0] - b[0]).map(([t, ips], i): SubscriptionEvent => ({ at: new Date(t).toISOString(), kind: i === 0 ? 'started' : 'ips_changed', ipsInternal: ips, ipsExternal: 1 })));

  test('prices saved after a period never change its lines', () => {
    fc.assert(fc.property(
      eventsArb,
      fc.array(versionArb(marchStart - 90 * 86_400_000, marchEnd - 1), { minLength: 1, maxLength: 4 }),
      fc.array(versionArb(marchEnd, marchEnd + 400 * 86_400_000), { minLength: 1, maxLength: 4 }),
      fc.nat(30_000),
      (events, before, after, units) => {
        const then = lines(events, march, { prices: before, portfolioUnits: units });
        assert.deepEqual(lines(events, march, { prices: [...before, ...after], portfolioUnits: units }), then);
        assert.deepEqual(lines(events, march, { prices: [...after, ...before], portfolioUnits: units }), then, 'the order of the list does not matter');
      },
    ));
  });

  test('a price change inside a stretch splits its line at the change; the parts are the prorated prices of their versions', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: marchEnd - marchStart - 1 }), tiersArb, tiersArb, fc.integer({ min: 1, max: 3000 }), (offset, newSell, newCost, ips) => {
      const at = new Date(marchStart + offset);
      const change: PriceVersion = { validFrom: at.toISOString(), sell: newSell, cost: newCost, prepaidDiscountBps: 250 };
      const events: SubscriptionEvent[] = [{ ...started, ipsInternal: ips, ipsExternal: 0 }];
      const result = lines(events, march, { prices: [always, change] });
      const oldPrice = graduatedPrice(sell, ips).totalMinor;
      const newPrice = graduatedPrice(newSell, ips).totalMinor;
      const newCostMinor = graduatedPrice(unitCostTiers(newCost, { portfolioUnits: 0, prepaidDiscountBps: 250 }), ips).totalMinor;
      const first = { amountMinor: prorate(oldPrice, new Date(march.start), at, march), costMinor: prorate(graduatedPrice(cost, ips).totalMinor, new Date(march.start), at, march) };
      const second = { amountMinor: prorate(newPrice, at, new Date(march.end), march), costMinor: prorate(newCostMinor, at, new Date(march.end), march) };
      if (oldPrice === newPrice && graduatedPrice(cost, ips).totalMinor === newCostMinor) {
        // Nothing these IPs pay changed: one line, exactly the monthly price, as the parts would sum to.
        assert.deepEqual(result.map((l) => [l.from, l.to, l.amountMinor]), [[march.start, march.end, oldPrice]]);
        assert.equal(first.amountMinor + second.amountMinor, oldPrice);
        return;
      }
      assert.deepEqual(result.map((l) => [l.ips, l.from, l.to]), [[ips, march.start, at.toISOString()], [ips, at.toISOString(), march.end]]);
      assert.deepEqual(result.map((l) => ({ amountMinor: l.amountMinor, costMinor: l.costMinor })), [first, second]);
      assert.ok(result.every((l) => l.description.endsWith(', prorated')));
    }));
  });

  test('a save that keeps the prices splits nothing, and a stretch split by a change still tiles the period', () => {
    const at = into(march, 9);
    const same: PriceVersion = { ...always, validFrom: at };
    assert.deepEqual(lines([started], march, { prices: [always, same] }), lines([started], march));
    const dearer: PriceVersion = { validFrom: at, sell: sell.map((t) => ({ ...t, unitMinor: t.unitMinor + 100 })), cost };
    const split = lines([started, { at: into(march, 4), kind: 'ips_changed', ipsInternal: 300, ipsExternal: 100 }], march, { prices: [always, dearer] });
    assert.deepEqual(split.map((l) => [l.ips, l.from, l.to]), [[300, march.start, into(march, 4)], [400, into(march, 4), at], [400, at, march.end]]);
    // The same IPs at the old price all period would have cost exactly the monthly price: the cost side did not change.
    assert.equal(split.reduce((a, l) => a + l.costMinor, 0), prorate(graduatedPrice(cost, 300).totalMinor, new Date(march.start), new Date(into(march, 4)), march) + prorate(graduatedPrice(cost, 400).totalMinor, new Date(into(march, 4)), new Date(march.end), march));
  });

  test('time before the first price version is not billed; the version in force at an instant is the latest valid from it', () => {
    const first: PriceVersion = { ...always, validFrom: into(march, 10) };
    const [line, ...rest] = lines([started], march, { prices: [first] });
    assert.deepEqual(rest, []);
    assert.deepEqual([line!.from, line!.to, line!.amountMinor], [into(march, 10), march.end, prorate(monthly(300), new Date(into(march, 10)), new Date(march.end), march)]);
    const free: PriceVersion = { validFrom: into(march, 10), sell: [{ upTo: null, unitMinor: 0 }], cost };
    const twice = lines([started], march, { prices: [always, free, { ...always, validFrom: into(march, 10) }] });
    assert.deepEqual(twice.map((l) => l.amountMinor), [monthly(300)], 'of two versions valid from one instant, the later in the list holds');
  });
});

describe('subscriptionStateAt', () => {
  test('shows a pending decrease until its effectiveAt, then the decreased IPs', () => {
    const d = decrease(into(march, 3), 50, 10, 'd1');
    const before = subscriptionStateAt([started, d], new Date(Date.parse(march.end) - 1));
    assert.deepEqual(before, { active: true, plan: 'purchased', internal: 200, external: 100, pending: { internal: 50, external: 10, effectiveAt: march.end, ref: 'd1' } });
    assert.deepEqual(subscriptionStateAt([started, d], new Date(march.end)), { active: true, plan: 'purchased', internal: 50, external: 10, pending: null });
  });

  test('counts events at the instant itself, and knows nothing before the first', () => {
    assert.equal(subscriptionStateAt([started], new Date(started.at)).active, true);
    assert.deepEqual(subscriptionStateAt([started], new Date(Date.parse(started.at) - 1)), { active: false, plan: 'purchased', internal: 0, external: 0, pending: null });
  });

  test('a trial is a trial until its conversion, then purchased with the IPs it had', () => {
    const events: SubscriptionEvent[] = [{ ...started, plan: 'trial' }, { at: into(march, 9), kind: 'converted_to_purchased', plan: 'purchased' }];
    assert.equal(subscriptionStateAt(events, new Date(Date.parse(into(march, 9)) - 1)).plan, 'trial');
    assert.deepEqual(subscriptionStateAt(events, new Date(into(march, 9))), { active: true, plan: 'purchased', internal: 200, external: 100, pending: null });
  });
});

describe('trials and their conversion', () => {
  const trial: SubscriptionEvent = { ...started, plan: 'trial' };
  const convert = (at: string): SubscriptionEvent => ({ at, kind: 'converted_to_purchased', plan: 'purchased' });

  test('a trial stretch is never billed, whatever its IPs and changes', () => {
    const ipsArb = fc.integer({ min: 1, max: 5000 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 80 * 86_400 }), ipsArb), { maxLength: 8 }), (changes) => {
      const events: SubscriptionEvent[] = [trial, ...changes.map(([s, ips]): SubscriptionEvent => ({
        at: new Date(Date.parse(march.start) + s * 1000).toISOString(), kind: 'ips_changed', ipsInternal: ips, ipsExternal: 0,
      }))];
      for (const p of [march, april, may]) assert.deepEqual(lines(events, p), []);
    }));
  });

  test('a conversion mid-period bills from the conversion instant, prorated; the next period is a full month', () => {
    const at = into(march, 11.25);
    const result = lines([trial, convert(at)], march);
    assert.deepEqual(result.map((l) => [l.ips, l.from, l.to]), [[300, at, march.end]]);
    assert.match(result[0]!.description, /prorated$/);
    assert.equal(result[0]!.amountMinor, prorate(monthly(300), new Date(at), new Date(march.end), march));
    assert.deepEqual(lines([trial, convert(at)], april).map((l) => l.amountMinor), [monthly(300)]);
    // Before the conversion the period had nothing to bill.
    assert.deepEqual(lines([trial, convert(april.start)], march), []);
  });

  test('parts still sum: the trial share and the purchased share of a period are the whole monthly price', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 28 * 86_400 }), fc.integer({ min: 1, max: 100_000 }), (second, ips) => {
      const at = new Date(Date.parse(march.start) + second * 1000).toISOString();
      const events: SubscriptionEvent[] = [{ ...trial, ipsInternal: ips, ipsExternal: 0 }, convert(at)];
      const billed = lines(events, march).reduce((a, l) => a + l.amountMinor, 0);
      const trialShare = prorate(monthly(ips), new Date(march.start), new Date(at), march);
      assert.equal(billed + trialShare, monthly(ips));
      // An increase after the conversion splits the purchased time; the parts tile it.
      const later = new Date(Math.min(Date.parse(at) + 3_600_000, Date.parse(march.end) - 1)).toISOString();
      const split = lines([...events, { at: later, kind: 'ips_changed', ipsInternal: ips + 1, ipsExternal: 0 }], march);
      if (split.length > 0) {
        assert.equal(split[0]!.from, at < march.end ? at : march.end);
        split.forEach((l, i) => { if (i > 0) assert.equal(l.from, split[i - 1]!.to); });
        assert.equal(split[split.length - 1]!.to, march.end);
      }
    }));
  });

  test('a started event without a plan is purchased; a cancelled trial reactivated is still a trial', () => {
    assert.deepEqual(lines([started], march).map((l) => l.amountMinor), [monthly(300)]);
    const events: SubscriptionEvent[] = [trial, { at: into(march, 2), kind: 'cancelled' }, { at: into(march, 4), kind: 'reactivated' }];
    assert.deepEqual(lines(events, march), []);
    assert.equal(lines([...events, convert(into(march, 6))], march)[0]!.from, into(march, 6));
  });
});
