/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import { define, formatDate, formatMoney, formatNumber } from '../../components/index.js';
import type { MspErrorDetail } from '../../components/core/errors.js';
import { API, assert, cleanup, fleetHandlers, mountTable, requests, sleep, startWorker, until, worker } from './helpers.js';

const problem = (status: number, type: string, detail = type) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail }, { status, headers: { 'content-type': 'application/problem+json' } });

const fleetRequestsWith = (auth: string) => requests.some((r) => new URL(r.url).pathname === '/v1/fleet' && r.headers.get('authorization') === auth);

function collectErrors(): MspErrorDetail[] {
  const errors: MspErrorDetail[] = [];
  document.addEventListener('msp-error', (e) => errors.push(e.detail));
  return errors;
}

describe('<msp-provider>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('fetches a session eagerly and sends its token as a bearer token', async () => {
    worker.use(...fleetHandlers());
    const { sessions } = await mountTable();
    await until(() => requests.some((r) => r.url.startsWith(`${API}/v1/fleet?`)), 'the first fleet request');
    assert.equal(sessions.length, 1);
    assert.equal(requests[0]!.headers.get('authorization'), 'Bearer token-1');
  });

  it('fetches once when fetchSession is set before the provider is connected', async () => {
    worker.use(...fleetHandlers());
    let calls = 0;
    const provider = document.createElement('msp-provider');
    provider.apiBase = API;
    provider.fetchSession = async () => {
      calls++;
      return { token: 'early', expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    };
    provider.innerHTML = '<msp-fleet-table></msp-fleet-table>';
    document.body.append(provider);
    await until(() => provider.querySelector('msp-fleet-table')!.rows.length > 0, 'rows');
    assert.equal(calls, 1);
    assert.ok(fleetRequestsWith('Bearer early'), 'the table used the token');
  });

  it('refreshes the session about a minute before it expires', async () => {
    worker.use(...fleetHandlers());
    // Expires in 61.2 s → refresh due in ~1.2 s.
    const { sessions, provider } = await mountTable({ expiresInMs: 61_200 });
    let refreshed = 0;
    provider.addEventListener('msp-session', () => refreshed++);
    await until(() => sessions.length >= 2, 'a second session', 4000);
    assert.ok(refreshed >= 1, 'msp-session announces the refresh');
  });

  it('renews the session once on a 401 and retries the request', async () => {
    worker.use(...fleetHandlers());
    worker.use(
      http.get(`${API}/v1/fleet`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer token-1' ? problem(401, 'authentication-error') : HttpResponse.json({ items: [], nextCursor: null }),
      ),
    );
    const errors = collectErrors();
    const { sessions, root } = await mountTable();
    await until(() => root.querySelector('[data-state="empty"]'), 'the empty state after the retry');
    assert.equal(sessions.length, 2);
    const fleet = requests.filter((r) => new URL(r.url).pathname === '/v1/fleet');
    assert.deepEqual(fleet.map((r) => r.headers.get('authorization')), ['Bearer token-1', 'Bearer token-2']);
    assert.equal(errors.length, 0);
  });

  it('reports session_expired when the renewed session is refused too', async () => {
    worker.use(http.get(`${API}/v1/fleet`, () => problem(401, "session-expired", "The session expired.")), ...fleetHandlers());
    const errors = collectErrors();
    const { sessions } = await mountTable();
    const error = await until(() => errors.find((e) => e.status === 401), 'an msp-error');
    assert.equal(error.type, 'session_expired');
    assert.equal(sessions.length, 2, 'exactly one renewal');
  });

  const cases: [string, () => Response, MspErrorDetail['type']][] = [
    ['401 authentication', () => problem(401, 'authentication-error'), 'authentication_error'],
    ['429', () => problem(429, 'rate-limit-error'), 'rate_limit_error'],
    ['400', () => problem(400, 'invalid-request'), 'invalid_request_error'],
    ['500', () => problem(500, 'internal-error'), 'api_error'],
    ['a network failure', () => HttpResponse.error(), 'network_error'],
  ];
  for (const [name, respond, type] of cases) {
    it(`turns ${name} into an msp-error of type ${type}`, async () => {
      worker.use(http.get(`${API}/v1/fleet`, respond), ...fleetHandlers());
      const errors = collectErrors();
      const { root } = await mountTable();
      const error = await until(() => errors[0], 'an msp-error');
      assert.equal(error.type, type);
      assert.ok(error.message.length > 0, 'has a message');
      await until(() => root.querySelector(`[data-state="error"][data-error-type="${type}"]`), 'the error state');
    });
  }

  it('emits authentication_error when fetchSession fails', async () => {
    await startWorker();
    const errors = collectErrors();
    const provider = document.createElement('msp-provider');
    provider.apiBase = API;
    document.body.append(provider);
    provider.fetchSession = () => Promise.reject(new Error('portal said no'));
    const error = await until(() => errors[0], 'an msp-error');
    assert.equal(error.type, 'authentication_error');
    assert.ok(error.message.includes('portal said no'));
  });

  it('applies a preset and a partial theme record as --msp-* tokens', async () => {
    const provider = document.createElement('msp-provider');
    provider.setAttribute('theme', 'dark');
    document.body.append(provider);
    await provider.updateComplete;
    assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#16191d');
    provider.theme = { mode: 'high-contrast', colorPrimary: '#ffcc00', borderRadius: 0 };
    await provider.updateComplete;
    assert.equal(provider.style.getPropertyValue('--msp-color-primary'), '#ffcc00');
    assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#000000');
    assert.equal(provider.style.getPropertyValue('--msp-radius'), '0px');
    assert.equal(provider.resolvedTheme.mode, 'high-contrast');
    assert.equal(getComputedStyle(provider).backgroundColor, 'rgb(0, 0, 0)');
  });

  describe('theme="tenant"', () => {
    const ORG = '00000000-0000-4000-8000-000000009999';
    const CUSTOMER_ORG = '00000000-0000-4000-8000-000000000001';
    const me = (orgId: string) => ({
      user: { id: 'u1', externalId: 'ada', email: 'ada@northwind.test', name: 'Ada' },
      role: 'msp_admin',
      permissions: ['fleet:read'],
      org: { id: orgId, slug: 'northwind', name: 'Northwind Cyber', kind: 'msp', country: 'DE' },
    });
    const themeAnswer = (primary: string, mode = 'light', logoId: string | null = null) => ({
      orgId: ORG,
      resolved: { mode },
      tokens: { '--msp-color-primary': primary, '--msp-color-background': mode === 'dark' ? '#101418' : '#ffffff' },
      logo: logoId ? { id: logoId, url: `/v1/logos/${logoId}`, rasterUrl: `/v1/logos/${logoId}/raster.png`, source: 'fleet' } : null,
    });
    const themeRequests = () => requests.filter((r) => new URL(r.url).pathname.startsWith('/v1/themes/'));

    async function tenantProvider(attrs = '', token = (n: number) => `token-${n}`) {
      await startWorker();
      document.body.innerHTML = `<msp-provider api-base="${API}" theme="tenant" ${attrs}></msp-provider>`;
      const provider = document.querySelector('msp-provider')!;
      let n = 0;
      provider.fetchSession = async () => ({ token: token(++n), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      return provider;
    }

    it('reads the session org from /v1/me, then applies its theme tokens, mode and logo', async () => {
      let primary = '#8a1538';
      worker.use(
        http.get(`${API}/v1/me`, () => HttpResponse.json(me(ORG))),
        http.get(`${API}/v1/themes/:orgId`, () => HttpResponse.json(themeAnswer(primary, 'dark', 'logo-1'))),
      );
      const changes: { mode: string; logo: string | null }[] = [];
      document.addEventListener('msp-theme-change', (e) => changes.push(e.detail));
      const provider = await tenantProvider();
      assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#ffffff', 'light until the theme arrives');
      await until(() => provider.style.getPropertyValue('--msp-color-primary') === '#8a1538', 'the tenant primary');
      assert.equal(new URL(themeRequests()[0]!.url).pathname, `/v1/themes/${ORG}`);
      assert.equal(themeRequests()[0]!.headers.get('authorization'), 'Bearer token-1');
      assert.equal(provider.resolvedTheme.mode, 'dark');
      assert.equal(provider.dataset.mode, 'dark');
      assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#101418');
      assert.ok(provider.style.getPropertyValue('--msp-color-band-customer') !== '', 'tokens the answer leaves out come from the preset');
      assert.equal(provider.resolvedTheme.logo, `${API}/v1/logos/logo-1`);
      assert.equal(changes[changes.length - 1]!.logo, `${API}/v1/logos/logo-1`);

      primary = '#00594f';
      await provider.refreshTheme();
      assert.equal(provider.style.getPropertyValue('--msp-color-primary'), '#00594f', 'refreshTheme reads it again');
      assert.equal(themeRequests().length, 2);
    });

    it('loads the org named by tenant-org-id without asking /v1/me', async () => {
      worker.use(http.get(`${API}/v1/themes/:orgId`, () => HttpResponse.json(themeAnswer('#123456'))));
      const provider = await tenantProvider(`tenant-org-id="${CUSTOMER_ORG}"`);
      await until(() => provider.style.getPropertyValue('--msp-color-primary') === '#123456', 'the customer theme');
      assert.equal(new URL(themeRequests()[0]!.url).pathname, `/v1/themes/${CUSTOMER_ORG}`);
      assert.ok(!requests.some((r) => new URL(r.url).pathname === '/v1/me'));
    });

    it('loads the theme again when the session belongs to another user', async () => {
      const jwt = (sub: string) => `e30.${btoa(JSON.stringify({ sub, org: ORG })).replace(/=+$/, '')}.sig`;
      worker.use(
        http.get(`${API}/v1/me`, () => HttpResponse.json(me(ORG))),
        http.get(`${API}/v1/themes/:orgId`, () => HttpResponse.json(themeAnswer('#8a1538'))),
      );
      const provider = await tenantProvider('', () => jwt('user-a'));
      await until(() => themeRequests().length === 1, 'the first theme read');
      await provider.refreshSession();
      await sleep(50);
      assert.equal(themeRequests().length, 1, 'a refreshed session of the same user reads nothing');
      provider.fetchSession = async () => ({ token: jwt('user-b'), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      await until(() => themeRequests().length === 2, 'a theme read for the new user');
    });

    it('keeps the light preset and reports msp-error when the theme cannot be read', async () => {
      worker.use(
        http.get(`${API}/v1/me`, () => HttpResponse.json(me(ORG))),
        http.get(`${API}/v1/themes/:orgId`, () => problem(500, 'internal-error', 'Theme store is away.')),
      );
      const errors = collectErrors();
      const provider = await tenantProvider();
      const error = await until(() => errors[0], 'an msp-error');
      assert.equal(error.type, 'api_error');
      assert.ok(error.message.includes('Theme store is away.'));
      assert.equal(provider.resolvedTheme.name, 'light');
      assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#ffffff');
    });

    it('goes back to a preset when theme changes from tenant', async () => {
      worker.use(
        http.get(`${API}/v1/me`, () => HttpResponse.json(me(ORG))),
        http.get(`${API}/v1/themes/:orgId`, () => HttpResponse.json(themeAnswer('#8a1538'))),
      );
      const provider = await tenantProvider();
      await until(() => provider.style.getPropertyValue('--msp-color-primary') === '#8a1538', 'the tenant primary');
      provider.theme = 'dark';
      await provider.updateComplete;
      assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#16191d');
      assert.equal(provider.resolvedTheme.name, 'dark');
    });
  });

  it('hands the API client to widgets that upgraded before their provider', async () => {
    worker.use(...fleetHandlers());
    const { MspProvider } = await import('../../components/core/provider.js');
    document.body.innerHTML = `<msp-late-provider api-base="${API}"><msp-fleet-table></msp-fleet-table></msp-late-provider>`;
    const table = document.querySelector('msp-fleet-table')!;
    await table.updateComplete;
    customElements.define('msp-late-provider', class extends MspProvider {});
    const provider = document.querySelector('msp-late-provider') as InstanceType<typeof MspProvider>;
    provider.fetchSession = async () => ({ token: 'late', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await until(() => table.rows.length > 0, 'rows through the late provider');
  });

  it('warns instead of throwing when a tag is defined twice', () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      define('msp-provider', class extends HTMLElement {});
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 1);
  });

  it('formats money from minor units, numbers and dates following lang', async () => {
    assert.equal(formatMoney({ amountMinor: 123456, currency: 'EUR' }, 'de-DE'), '1.234,56\u00a0€');
    assert.equal(formatMoney({ amountMinor: 1500, currency: 'JPY' }, 'en-US'), '¥1,500');
    assert.equal(formatNumber(1234.5, 'fr-FR'), '1\u202f234,5');
    assert.equal(formatDate('2026-03-01T12:00:00Z', 'en-GB'), '1 Mar 2026');
    assert.equal(formatMoney(null, 'en'), '—');
    await sleep(0);
  });
});
