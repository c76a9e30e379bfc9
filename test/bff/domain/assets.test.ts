import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { countAssets, normalizeAsset, type AssetKind } from '../../../bff/domain/assets.js';

/**
 * An asset is counted once however it is spelled: case, a trailing dot on the host, the
 * scheme's default port and a trailing slash never make a second asset, while different
 * hosts, ports, schemes and paths stay different.
 */

const RUNS = 300;

// Host names: 1–3 labels under an alphabetic TLD (an all-numeric name would be an IPv4
// address to the URL parser), each label a letter then letters, digits or inner hyphens.
const label = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
    fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), { maxLength: 10 }),
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  )
  .map(([first, middle, last]) => first + middle.join('') + last)
  .filter((l) => !l.includes('--'));
const tld = fc.stringMatching(/^[a-z]{2,6}$/);
const host = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([labels, t]) => [...labels, t].join('.'));
const pathSegment = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const urlPath = fc.array(pathSegment, { maxLength: 3 }).map((segments) => segments.map((s) => `/${s}`).join(''));
const scheme = fc.constantFrom('http', 'https');
const defaultPort = { http: 80, https: 443 } as const;

/** The same text with each letter's case picked at random. */
const randomCase = (text: string) =>
  fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((upper) =>
    [...text].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''),
  );

/** Another spelling of a host: any case, optionally a trailing dot and surrounding blanks. */
const hostSpelling = (h: string) =>
  fc
    .record({ cased: randomCase(h), dot: fc.boolean(), pad: fc.constantFrom('', ' ', '\t') })
    .map(({ cased, dot, pad }) => `${pad}${cased}${dot ? '.' : ''}${pad}`);

/** Another spelling of a URL: scheme and host case, trailing dot, explicit default port, trailing slash. */
const urlSpelling = (s: 'http' | 'https', h: string, path: string) =>
  fc
    .record({
      schemeCase: randomCase(s),
      hostCase: randomCase(h),
      dot: fc.boolean(),
      port: fc.boolean(),
      slash: fc.boolean(),
    })
    .map(({ schemeCase, hostCase, dot, port, slash }) =>
      `${schemeCase}://${hostCase}${dot ? '.' : ''}${port ? `:${defaultPort[s]}` : ''}${path}${slash || path === '' ? '/' : ''}`,
    );

const hostKinds: AssetKind[] = ['domain', 'subdomain'];
const urlKinds: AssetKind[] = ['web_app_url', 'api_base_url'];

describe('asset normalisation: spellings of one asset', () => {
  test('domains and subdomains: case, trailing dot and blanks never make a second asset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...hostKinds),
        host.chain((h) => fc.tuple(fc.constant(h), fc.array(hostSpelling(h), { minLength: 1, maxLength: 6 }))),
        (kind, [h, spellings]) => {
          for (const s of spellings) assert.equal(normalizeAsset(kind, s), h, `${JSON.stringify(s)} should normalise to ${h}`);
          assert.equal(countAssets([h, ...spellings].map((value) => ({ kind, value }))), 1);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('URLs: case, trailing dot, the default port and a trailing slash never make a second asset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...urlKinds),
        fc.tuple(scheme, host, urlPath).chain(([s, h, p]) =>
          fc.tuple(fc.constant([s, h, p] as const), fc.array(urlSpelling(s, h, p), { minLength: 2, maxLength: 6 })),
        ),
        (kind, [[s, h, p], spellings]) => {
          const canonical = `${s}://${h}${p}`;
          for (const spelling of spellings) {
            assert.equal(normalizeAsset(kind, spelling), canonical, `${spelling} should normalise to ${canonical}`);
          }
          assert.equal(countAssets(spellings.map((value) => ({ kind, value }))), 1);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('normalising is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constantFrom(...hostKinds), host.chain(hostSpelling)),
          fc.tuple(fc.constantFrom(...urlKinds), fc.tuple(scheme, host, urlPath).chain(([s, h, p]) => urlSpelling(s, h, p))),
        ),
        ([kind, value]) => {
          const once = normalizeAsset(kind, value);
          assert.equal(normalizeAsset(kind, once), once);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('IPv4 addresses: leading zeros and blanks never make a second asset', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        fc.array(octet, { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        (octets, padded) => {
          const canonical = octets.join('.');
          const spelled = ` ${octets.map((o, i) => (padded[i] ? String(o).padStart(3, '0') : String(o))).join('.')} `;
          assert.equal(normalizeAsset('ip_address', spelled), canonical);
          assert.equal(countAssets([{ kind: 'ip_address', value: canonical }, { kind: 'ip_address', value: spelled }]), 1);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('IPv6 addresses: case, zero compression and brackets never make a second asset', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.boolean(), (address, bracket) => {
        const canonical = normalizeAsset('ip_address', address);
        const upper = address.toUpperCase();
        const spelled = bracket ? `[${upper}]` : upper;
        assert.equal(normalizeAsset('ip_address', spelled), canonical);
        assert.equal(normalizeAsset('ip_address', canonical), canonical);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('asset normalisation: different assets stay different', () => {
  test('distinct hosts count separately, however each is spelled', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...hostKinds),
        fc.uniqueArray(host, { minLength: 2, maxLength: 5 }).chain((hosts) =>
          fc.tuple(fc.constant(hosts), fc.tuple(...hosts.map((h) => fc.array(hostSpelling(h), { minLength: 1, maxLength: 3 })))),
        ),
        (kind, [hosts, spellings]) => {
          const values = spellings.flat();
          assert.equal(countAssets(values.map((value) => ({ kind, value }))), hosts.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('URLs on distinct hosts, schemes or paths count separately', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...urlKinds),
        fc.uniqueArray(fc.tuple(scheme, host, urlPath), {
          minLength: 2,
          maxLength: 5,
          selector: ([s, h, p]) => `${s}://${h}${p}`,
        }),
        fc.nat(),
        (kind, urls, seed) => {
          const spellings = urls.map(([s, h, p], i) => {
            // A deterministic variant per URL so the property stays shrinkable.
            const v = (seed >> i) & 7;
            return `${v & 1 ? s.toUpperCase() : s}://${v & 2 ? h.toUpperCase() : h}${v & 4 ? `:${defaultPort[s]}` : ''}${p}/`;
          });
          assert.equal(countAssets(spellings.map((value) => ({ kind, value }))), urls.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a non-default port is a different asset', () => {
    fc.assert(
      fc.property(
        scheme,
        host,
        fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 80 && p !== 443),
        (s, h, port) => {
          const plain = normalizeAsset('web_app_url', `${s}://${h}/`);
          const withPort = normalizeAsset('web_app_url', `${s}://${h}:${port}/`);
          assert.notEqual(withPort, plain);
          assert.equal(withPort, `${s}://${h}:${port}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('distinct IPv4 addresses count separately', () => {
    const address = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((o) => o.join('.'));
    fc.assert(
      fc.property(fc.uniqueArray(address, { minLength: 1, maxLength: 8 }), (addresses) => {
        assert.equal(countAssets(addresses.map((value) => ({ kind: 'ip_address', value }))), addresses.length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('asset normalisation: examples', () => {
  const cases: [AssetKind, string, string][] = [
    ['domain', 'Example.COM', 'example.com'],
    ['domain', 'example.com.', 'example.com'],
    ['domain', '  EXAMPLE.com.  ', 'example.com'],
    ['subdomain', 'Mail.Example.com.', 'mail.example.com'],
    ['ip_address', '192.168.001.010', '192.168.1.10'],
    ['ip_address', ' 10.0.0.1 ', '10.0.0.1'],
    ['ip_address', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['ip_address', '[2001:db8::1]', '2001:db8::1'],
    ['web_app_url', 'HTTPS://Portal.Example.com:443/', 'https://portal.example.com'],
    ['web_app_url', 'http://portal.example.com:80', 'http://portal.example.com'],
    ['web_app_url', 'https://portal.example.com./app/', 'https://portal.example.com/app'],
    ['web_app_url', 'https://portal.example.com/app/#login', 'https://portal.example.com/app'],
    ['web_app_url', 'https://portal.example.com/App', 'https://portal.example.com/App'],
    ['web_app_url', 'https://portal.example.com/?tab=1', 'https://portal.example.com?tab=1'],
    ['web_app_url', 'http://portal.example.com:443/', 'http://portal.example.com:443'],
    ['web_app_url', 'https://portal.example.com:80/', 'https://portal.example.com:80'],
    ['web_app_url', 'https://portal.example.com:8443/', 'https://portal.example.com:8443'],
    ['api_base_url', 'https://API.example.com/v1/', 'https://api.example.com/v1'],
    ['api_base_url', 'https://api.example.com.:443/v1', 'https://api.example.com/v1'],
  ];
  for (const [kind, value, expected] of cases) {
    test(`${kind} ${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(normalizeAsset(kind, value), expected);
    });
  }

  test('counts a realistic inventory once per asset', () => {
    const inventory: { kind: AssetKind; value: string }[] = [
      { kind: 'domain', value: 'acme.example' },
      { kind: 'domain', value: 'ACME.example.' },
      { kind: 'subdomain', value: 'mail.acme.example' },
      { kind: 'subdomain', value: 'Mail.Acme.Example' },
      { kind: 'subdomain', value: 'vpn.acme.example' },
      { kind: 'ip_address', value: '203.0.113.7' },
      { kind: 'ip_address', value: '203.000.113.007' },
      { kind: 'ip_address', value: '203.0.113.8' },
      { kind: 'web_app_url', value: 'https://portal.acme.example/' },
      { kind: 'web_app_url', value: 'https://PORTAL.acme.example:443' },
      { kind: 'web_app_url', value: 'http://portal.acme.example/' },
      { kind: 'web_app_url', value: 'https://portal.acme.example:8443/' },
      { kind: 'api_base_url', value: 'https://api.acme.example/v1' },
      { kind: 'api_base_url', value: 'https://api.acme.example/v1/' },
      { kind: 'api_base_url', value: 'https://api.acme.example/v2' },
    ];
    // acme.example, mail, vpn, .7, .8, https portal, http portal, :8443 portal, v1, v2
    assert.equal(countAssets(inventory), 10);
  });

  test('an empty inventory counts zero', () => {
    assert.equal(countAssets([]), 0);
  });
});
