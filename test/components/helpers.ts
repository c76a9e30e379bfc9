/** Browser-side helpers of the component tests (run by web-test-runner, not node:test). */
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import type { FleetRowJson } from '../../components/core/api-types.js';
import '../../components/index.js';
import type { MspProvider } from '../../components/core/provider.js';

export const API = 'https://bff.test';

// Chromium reports a ResizeObserver callback that changed layout as a window error; the
// virtualizer measures rows that way while pages are appended. It is a notice, not a failure.
window.addEventListener(
  'error',
  (e) => {
    if (String(e.message).includes('ResizeObserver loop')) {
      e.stopImmediatePropagation();
      e.preventDefault();
    }
  },
  true,
);
export const worker = setupWorker();
let started: Promise<unknown> | undefined;
export function startWorker(): Promise<unknown> {
  started ??= worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: (request, print) => (request.url.startsWith(API) ? print.error() : undefined), quiet: true });
  return started;
}

/** Every request the mocked BFF saw, in order. */
export const requests: Request[] = [];
worker.events.on('request:start', ({ request }) => {
  if (request.url.startsWith(API)) requests.push(request.clone());
});

export function fail(message: string): never {
  throw new Error(message);
}
export const assert = {
  ok(value: unknown, message = 'expected a truthy value'): void {
    if (!value) fail(message);
  },
  equal<T>(actual: T, expected: T, message?: string): void {
    if (actual !== expected) fail(`${message ?? 'not equal'}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  },
  deepEqual(actual: unknown, expected: unknown, message?: string): void {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e) fail(`${message ?? 'not deep-equal'}: got ${a}, expected ${e}`);
  },
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value (or throws after `timeout`). */
export async function until<T>(check: () => T | undefined | null | false, what = 'condition', timeout = 4000): Promise<T> {
  const start = performance.now();
  for (;;) {
    try {
      const v = check();
      if (v) return v;
    } catch {
      // keep polling
    }
    if (performance.now() - start > timeout) fail(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

export function fleetRow(i: number, overrides: Partial<FleetRowJson> = {}): FleetRowJson {
  const n = String(i).padStart(4, '0');
  return {
    id: `00000000-0000-4000-8000-00000000${n}`,
    slug: `customer-${n}`,
    name: `Customer ${n}`,
    kind: 'customer',
    parent: { id: '00000000-0000-4000-8000-000000009999', name: 'Northwind MSP' },
    country: 'DE',
    status: 'active',
    serviceMode: 'managed',
    paymentMethod: 'invoice',
    accessDelegation: 'read_only',
    tags: ['healthcare'],
    plan: 'purchased',
    licences: { model: 'per_asset', used: 45, quota: 50, use: 0.9 },
    ips: { internal: 10, external: 5 },
    monthlyPrice: { amountMinor: 49900, currency: 'EUR' },
    acv: { amountMinor: 598800, currency: 'EUR' },
    averageIpPrice: { amountMinor: 350, currency: 'EUR' },
    renewsAt: '2027-01-31T00:00:00.000Z',
    trialEndsAt: null,
    posture: { score: 70 + (i % 20), trend: (i % 7) - 3, history: Array.from({ length: 30 }, (_, d) => 60 + ((d * 7 + i) % 25)) },
    lastScanAt: '2026-11-20T09:00:00.000Z',
    openPriorityFindings: i % 4,
    ...overrides,
  };
}

/** A `Preference` as the BFF answers it (bff/routes/preferences.ts). */
export const preference = (version: number, visible: string[]) => ({
  key: 'fleet-columns',
  value: { visible },
  version,
  updatedAt: version ? '2026-11-25T10:00:00.000Z' : null,
});

export const summary = { customers: 120, active: 100, connectionLost: 2, acv: [{ amountMinor: 12345600, currency: 'EUR' }], renewalsNextThreeMonths: 7 };

/** A mocked BFF: /v1/fleet pages over `total` rows, summary, preferences. */
export function fleetHandlers(options: { total?: number; rows?: FleetRowJson[] } = {}) {
  const all = options.rows ?? Array.from({ length: options.total ?? 5 }, (_, i) => fleetRow(i + 1));
  return [
    http.get(`${API}/v1/fleet/summary`, () => HttpResponse.json(summary)),
    http.get(`${API}/v1/fleet`, ({ request }) => {
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = all.slice(start, start + limit);
      return HttpResponse.json({ items, nextCursor: start + limit < all.length ? String(start + limit) : null });
    }),
    http.get(`${API}/v1/me/preferences/fleet-columns`, () =>
      HttpResponse.json(preference(1, ['name', 'status', 'licences', 'posture', 'lastScan', 'openFindings']), { headers: { etag: '"1"' } }),
    ),
  ];
}

export interface Mounted {
  provider: MspProvider;
  table: HTMLElementTagNameMap['msp-fleet-table'];
  sessions: string[];
  root: ShadowRoot;
}

/** `<msp-provider><msp-fleet-table>` in the document, with a counting session callback. */
export async function mountTable(opts: { width?: string; lang?: string; tableAttrs?: string; expiresInMs?: number } = {}): Promise<Mounted> {
  await startWorker();
  const host = document.createElement('div');
  host.style.width = opts.width ?? '1200px';
  host.innerHTML = `<msp-provider api-base="${API}" lang="${opts.lang ?? 'en-GB'}"><msp-fleet-table ${opts.tableAttrs ?? ''}></msp-fleet-table></msp-provider>`;
  document.body.append(host);
  const provider = host.querySelector('msp-provider')!;
  const sessions: string[] = [];
  provider.fetchSession = async () => {
    const token = `token-${sessions.length + 1}`;
    sessions.push(token);
    return { token, expiresAt: new Date(Date.now() + (opts.expiresInMs ?? 3_600_000)).toISOString() };
  };
  const table = host.querySelector('msp-fleet-table')!;
  await table.updateComplete;
  return { provider, table, sessions, root: table.shadowRoot! };
}

export function cleanup(): void {
  worker.resetHandlers();
  requests.length = 0;
  document.body.replaceChildren();
}

export const fleetRequests = () => requests.filter((r) => new URL(r.url).pathname === '/v1/fleet');
export const lastFleetParams = () => {
  const list = fleetRequests();
  return new URL(list[list.length - 1]?.url ?? 'https://x/').searchParams;
};

let axeLoaded: Promise<void> | undefined;
/** Runs axe-core over an element (including its shadow tree) and fails on any violation. */
export async function expectNoAxeViolations(el: Element): Promise<void> {
  axeLoaded ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/node_modules/axe-core/axe.min.js';
    s.onload = () => resolve();
    s.onerror = () => reject(new Error('axe-core did not load'));
    document.head.append(s);
  });
  await axeLoaded;
  const axe = (window as unknown as { axe: { run(ctx: Element, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
  const result = await axe.run(el, { resultTypes: ['violations'] });
  if (result.violations.length) {
    fail(`axe violations:\n${result.violations.map((v) => `${v.id}: ${v.help} @ ${JSON.stringify(v.nodes.map((n) => n.target))}`).join('\n')}`);
  }
}
