import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assetValueProblem, countAssets, normalizeAsset } from '../../../bff/domain/assets.js';
import {
  billingMonth,
  licenceLevels,
  licenceMeter,
  thresholdCrossing,
  trialDaysLeft,
  warnThreshold,
  zonedParts,
  type LicenceLevel,
  type LicenceModel,
} from '../../../bff/domain/licences.js';

/**
 * The licence meter: per-asset licences warn at 90 %, per-scan at 80 %, unlimited never; a
 * quota used up is exhausted; a trial counts whole days left, never fewer than none; each
 * crossing of a threshold has one key, and assets count once however they are spelled.
 */

const RUNS = 300;
const metered: LicenceModel[] = ['per_asset', 'per_scan'];
const rank: Record<LicenceLevel, number> = { ok: 0, warning: 1, exhausted: 2, unlimited: -1 };

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/)).map(([l, t]) => [...l, t].join('.'));
const randomCase = (text: string) =>
  fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((up) => [...text].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(''));

/** Ways to write one domain: bare, with a trailing dot or slash, a default port, or as its site's address. */
const domainSpelling = (h: string) =>
  fc
    .record({
      cased: randomCase(h),
      form: fc.constantFrom('bare', 'dot', 'slash', 'port', 'http', 'https', 'https-port', 'https-dot-port-slash'),
    })
    .map(({ cased, form }) => {
      switch (form) {
        case 'bare': return cased;
        case 'dot': return `${cased}.`;
        case 'slash': return `${cased}/`;
        case 'port': return `${cased}:443`;
        case 'http': return `http://${cased}`;
        case 'https': return `HTTPS://${cased}/`;
        case 'https-port': return `https://${cased}:443/`;
        default: return `https://${cased}.:443/`;
      }
    });

describe('licence meter', () => {
  test('warns exactly at the model threshold: 90 % per asset, 80 % per scan', () => {
    assert.equal(warnThreshold('per_asset'), 0.9);
    assert.equal(warnThreshold('per_scan'), 0.8);
    assert.equal(warnThreshold('unlimited'), null);
    fc.assert(
      fc.property(fc.constantFrom(...metered), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 200_000 }), (model, quota, used) => {
        const meter = licenceMeter(model, quota, used);
        const [num, den] = model === 'per_asset' ? [9, 10] : [4, 5];
        // Exact rational comparison, independent of the implementation's arithmetic.
        const expected: LicenceLevel = used >= quota ? 'exhausted' : used * den >= quota * num ? 'warning' : 'ok';
        assert.equal(meter.level, expected);
        assert.equal(meter.remaining, Math.max(0, quota - used));
        assert.equal(meter.use, used / quota);
        assert.equal(meter.warnAt, num / den);
      }),
      { numRuns: RUNS },
    );
  });

  test('the level never falls as use grows', () => {
    fc.assert(
      fc.property(fc.constantFrom(...metered), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }), (model, quota, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        assert.ok(rank[licenceMeter(model, quota, low).level] <= rank[licenceMeter(model, quota, high).level]);
      }),
      { numRuns: RUNS },
    );
  });

  test('unlimited licences never warn and have no crossing, whatever the use', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 1000 })), fc.nat(1_000_000), (quota, used) => {
        const meter = licenceMeter('unlimited', quota, used);
        assert.deepEqual(meter, { model: 'unlimited', quota: null, used, remaining: null, use: null, warnAt: null, level: 'unlimited' });
        assert.equal(thresholdCrossing(meter, new Date()), null);
      }),
      { numRuns: RUNS },
    );
    assert.ok(licenceLevels.includes('unlimited'));
  });

  test('examples at the edges', () => {
    assert.equal(licenceMeter('per_asset', 10, 8).level, 'ok');
    assert.equal(licenceMeter('per_asset', 10, 9).level, 'warning');
    assert.equal(licenceMeter('per_asset', 10, 10).level, 'exhausted');
    assert.equal(licenceMeter('per_asset', 10, 12).level, 'exhausted');
    assert.equal(licenceMeter('per_asset', 10, 12).remaining, 0);
    assert.equal(licenceMeter('per_scan', 5, 3).level, 'ok');
    assert.equal(licenceMeter('per_scan', 5, 4).level, 'warning');
    assert.equal(licenceMeter('per_scan', 12, 9).level, 'ok'); // 75 %
    assert.equal(licenceMeter('per_scan', 12, 10).level, 'warning'); // 83 %
    assert.equal(licenceMeter('per_asset', 30, 27).level, 'warning'); // exactly 90 %
    assert.equal(licenceMeter('per_asset', 30, 26).level, 'ok');
    // A metered subscription without a quota has nothing to use.
    assert.equal(licenceMeter('per_asset', null, 0).level, 'exhausted');
    assert.equal(licenceMeter('per_asset', null, 0).use, null);
  });
});

describe('trial days left', () => {
  const DAY = 86_400_000;
  test('whole days, rounded up, and never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400 * DAY, max: 400 * DAY }), fc.integer({ min: 0, max: 4_000_000_000_000 }), (delta, now) => {
        const left = trialDaysLeft(new Date(now + delta), new Date(now));
        assert.ok(left >= 0);
        assert.ok(Number.isInteger(left));
        if (delta <= 0) assert.equal(left, 0);
        else assert.ok((left - 1) * DAY < delta && delta <= left * DAY);
      }),
      { numRuns: RUNS },
    );
  });

  test('examples', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    assert.equal(trialDaysLeft(new Date('2026-11-25T13:00:00Z'), now), 1);
    assert.equal(trialDaysLeft(new Date('2026-11-26T12:00:00Z'), now), 1);
    assert.equal(trialDaysLeft(new Date('2026-11-26T12:00:01Z'), now), 2);
    assert.equal(trialDaysLeft(now, now), 0);
    assert.equal(trialDaysLeft(new Date('2026-11-20T00:00:00Z'), now), 0);
  });
});

describe('billing month on the MSP clock', () => {
  const zones = ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Auckland', 'Pacific/Chatham', 'America/St_Johns'];

  test('starts at local midnight on the 1st, ends at the next one, and contains now', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }), (zone, t) => {
        const now = new Date(t);
        const { start, end } = billingMonth(now, zone);
        assert.ok(start.getTime() <= t && t < end.getTime(), `${now.toISOString()} in ${zone}: ${start.toISOString()}–${end.toISOString()}`);
        const local = zonedParts(now, zone);
        for (const [edge, month] of [[start, local.month], [end, (local.month % 12) + 1]] as const) {
          const p = zonedParts(edge, zone);
          assert.deepEqual([p.month, p.day, p.hour, p.minute, p.second], [month, 1, 0, 0, 0], `${zone} ${edge.toISOString()}`);
          // One second earlier is still the previous day.
          assert.notEqual(zonedParts(new Date(edge.getTime() - 1000), zone).day, 1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('examples: the month turns at the MSP’s midnight, not UTC’s', () => {
    const late = new Date('2026-11-30T23:30:00Z'); // already 1 December in Berlin
    assert.equal(billingMonth(late, 'Europe/Berlin').start.toISOString(), '2026-11-30T23:00:00.000Z');
    assert.equal(billingMonth(late, 'Europe/Berlin').end.toISOString(), '2026-12-31T23:00:00.000Z');
    assert.equal(billingMonth(late, 'UTC').start.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(billingMonth(late, 'America/New_York').start.toISOString(), '2026-11-01T04:00:00.000Z');
    // March in Berlin starts in winter time and ends in summer time.
    assert.deepEqual(
      Object.values(billingMonth(new Date('2026-03-15T12:00:00Z'), 'Europe/Berlin')).map((d) => d.toISOString()),
      ['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
    );
  });
});

describe('threshold crossings', () => {
  const may = new Date('2026-05-01T00:00:00Z');
  const june = new Date('2026-06-01T00:00:00Z');

  test('one key per model, quota, threshold and (per scan) month', () => {
    fc.assert(
      fc.property(fc.constantFrom(...metered), fc.integer({ min: 1, max: 1000 }), fc.nat(2000), fc.nat(2000), (model, quota, a, b) => {
        const ca = thresholdCrossing(licenceMeter(model, quota, a), may);
        const cb = thresholdCrossing(licenceMeter(model, quota, b), may);
        const la = licenceMeter(model, quota, a).level;
        const lb = licenceMeter(model, quota, b).level;
        assert.equal(ca === null, la === 'ok');
        // Same level, same key: observing a crossing again never makes a second one.
        if (ca && cb) assert.equal(ca.dedupeKey === cb.dedupeKey, la === lb);
      }),
      { numRuns: RUNS },
    );
    const warning = licenceMeter('per_asset', 10, 9);
    assert.deepEqual(thresholdCrossing(warning, null), { threshold: 0.9, dedupeKey: 'per_asset:10:0.9' });
    assert.equal(thresholdCrossing(warning, may)?.dedupeKey, thresholdCrossing(warning, june)?.dedupeKey, 'per-asset crossings do not repeat monthly');
    assert.notEqual(thresholdCrossing(warning, null)?.dedupeKey, thresholdCrossing(licenceMeter('per_asset', 20, 18), null)?.dedupeKey, 'a new quota is a new crossing');
    const scans = licenceMeter('per_scan', 10, 8);
    assert.equal(thresholdCrossing(scans, may)?.threshold, 0.8);
    assert.notEqual(thresholdCrossing(scans, may)?.dedupeKey, thresholdCrossing(scans, june)?.dedupeKey, 'each month of scans starts afresh');
    assert.deepEqual(thresholdCrossing(licenceMeter('per_scan', 10, 10), may), { threshold: 1, dedupeKey: 'per_scan:10:1:2026-05-01T00:00:00.000Z' });
    assert.equal(thresholdCrossing(licenceMeter('per_scan', 10, 7), may), null);
  });
});

describe('asset counting for the per-asset meter', () => {
  test('a domain counts once however it is spelled, as a host or as its site address', () => {
    fc.assert(
      fc.property(host.chain((h) => fc.tuple(fc.constant(h), fc.array(domainSpelling(h), { minLength: 1, maxLength: 8 }))), ([h, spellings]) => {
        for (const s of spellings) {
          assert.equal(normalizeAsset('domain', s), h, s);
          assert.equal(assetValueProblem('domain', s), undefined, s);
        }
        assert.equal(countAssets([h, ...spellings].map((value) => ({ kind: 'domain' as const, value }))), 1);
      }),
      { numRuns: RUNS },
    );
  });

  test('duplicates by spelling never count twice: the count is the number of distinct assets', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(host, { minLength: 1, maxLength: 6 }).chain((hosts) =>
          fc.tuple(fc.constant(hosts), fc.tuple(...hosts.map((h) => fc.array(domainSpelling(h), { minLength: 1, maxLength: 4 })))),
        ),
        ([hosts, spellings]) => {
          const all = spellings.flat().map((value) => ({ kind: 'domain' as const, value }));
          assert.equal(countAssets(all), hosts.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the brief’s examples count once; other values are not domains', () => {
    assert.equal(countAssets(['example.com', 'Example.COM.', 'https://example.com:443/', 'example.com/'].map((value) => ({ kind: 'domain' as const, value }))), 1);
    for (const bad of ['not a domain', 'https://example.com/login', 'https://example.com:8443/', 'ftp://example.com/', 'localhost', '-x.example', '']) {
      assert.ok(assetValueProblem('domain', bad), bad);
    }
    assert.equal(assetValueProblem('ip_address', '192.0.2.10'), undefined);
    assert.equal(assetValueProblem('ip_address', '[2001:DB8::1]'), undefined);
    assert.ok(assetValueProblem('ip_address', '192.0.2.300'));
    assert.ok(assetValueProblem('ip_address', 'example.com'));
    assert.equal(assetValueProblem('web_app_url', 'https://portal.example.com/app/'), undefined);
    assert.ok(assetValueProblem('api_base_url', 'api.example.com/v1'));
    assert.ok(assetValueProblem('web_app_url', 'javascript:alert(1)'));
  });
});
