/** Mocked BFF answers for the customer detail and licence meter specs. */
import { http, HttpResponse } from 'msw';
import type { ActivityEntry, Customer, CustomerUsage, CustomerUser, IpDistribution, Licence } from '../../components/core/api-types.js';
import { API, fleetRow, startWorker } from './helpers.js';

export const CUSTOMER_ID = '00000000-0000-4000-8000-000000000001';
export const base = `${API}/v1/customers/${CUSTOMER_ID}`;

export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    ...fleetRow(1, { name: 'Acme Health', plan: 'trial', serviceMode: 'self_service', trialEndsAt: '2026-12-07T00:00:00.000Z' }),
    contact: { name: 'Ada Admin', email: 'ada@acme.test' },
    address: { line1: 'Hauptstr. 1', line2: null, postalCode: '10115', city: 'Berlin', state: null, country: 'DE' },
    vatId: 'DE123456789',
    mainUser: { id: 'u1', name: 'Ada Admin', email: 'ada@acme.test' },
    openFindings: { critical: 1, high: 2, medium: 3, low: 4, info: 5 },
    assets: { domain: 3, subdomain: 10, ip_address: 20, web_app_url: 2, api_base_url: 1 },
    version: 7,
    ...overrides,
  } as Customer;
}

export function licence(overrides: Partial<Licence> = {}): Licence {
  return {
    model: 'per_asset',
    plan: 'purchased',
    quota: 50,
    used: 46,
    remaining: 4,
    use: 0.92,
    warnAt: 0.9,
    level: 'warning',
    period: null,
    trial: null,
    connectionLost: false,
    ...overrides,
  };
}

/** The IP distribution the Licences tab embeds (300 IPs over tiers up to 50 / 250 / open). */
export function ipDistribution(overrides: Partial<IpDistribution> = {}): IpDistribution {
  return {
    customerId: CUSTOMER_ID,
    internal: 120,
    external: 180,
    total: 300,
    pending: null,
    currency: 'EUR',
    sell: [
      { upTo: 50, unitMinor: 500 },
      { upTo: 250, unitMinor: 400 },
      { upTo: null, unitMinor: 300 },
    ],
    price: { monthlyMinor: 120000, averageIpPriceMinor: 400 },
    bookingMonthEnd: '2026-12-25T23:00:00.000Z',
    version: 1,
    canEdit: true,
    ...overrides,
  };
}

export const users: CustomerUser[] = [
  { id: 'u1', name: 'Ada Admin', email: 'ada@acme.test', status: 'active', roles: ['customer_admin'], isMainUser: true, invite: { expiresAt: '2026-11-01T00:00:00.000Z', acceptedAt: '2026-10-30T10:00:00.000Z', sentCount: 1, lastSentAt: '2026-10-29T10:00:00.000Z', expired: false } },
  { id: 'u2', name: 'Bob Builder', email: 'bob@acme.test', status: 'invited', roles: ['customer_viewer'], isMainUser: false, invite: { expiresAt: '2026-11-28T10:00:00.000Z', acceptedAt: null, sentCount: 1, lastSentAt: '2026-11-25T10:00:00.000Z', expired: false } },
  { id: 'u3', name: 'Cy Late', email: 'cy@acme.test', status: 'invited', roles: ['customer_viewer'], isMainUser: false, invite: { expiresAt: '2026-11-20T10:00:00.000Z', acceptedAt: null, sentCount: 2, lastSentAt: '2026-11-17T10:00:00.000Z', expired: true } },
  { id: 'u4', name: 'Dee Active', email: 'dee@acme.test', status: 'active', roles: ['customer_admin'], isMainUser: false, invite: null },
  { id: 'u5', name: 'Eve Gone', email: 'eve@acme.test', status: 'deactivated', roles: [], isMainUser: false, invite: null },
];

export function usage(from: string, to: string): CustomerUsage {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) days.push(d.toISOString().slice(0, 10));
  const product = (product: CustomerUsage['products'][number]['product'], label: string, k: number) => {
    const list = days.map((day, i) => ({ day, scans: (i * k) % 4 }));
    return { product, label, total: list.reduce((a, d) => a + d.scans, 0), days: list };
  };
  return { from, to, timeZone: 'Europe/Berlin', connectionLost: false, products: [product('external', 'External perimeter', 1), product('internal', 'Internal network', 3), product('web_app', 'Web application', 2), product('compliance', 'Compliance (PCI)', 5)] };
}

export function activityEntry(i: number): ActivityEntry {
  return {
    id: `a${i}`,
    at: new Date(Date.UTC(2026, 10, 25, 12, 0) - i * 3_600_000).toISOString(),
    actor: { id: 'staff-1', name: 'Sam Staff', role: 'msp_admin' },
    action: i % 2 ? 'customer.lock' : 'customer.edit',
    before: { status: 'active' },
    after: { status: i % 2 ? 'locked' : 'active' },
  };
}

export const me = (permissions: string[]) => ({
  user: { id: 'staff-1', externalId: 'x', email: 'sam@msp.test', name: 'Sam Staff' },
  role: permissions.includes('customers:manage') ? 'msp_admin' : 'msp_viewer',
  permissions,
  org: { id: '00000000-0000-4000-8000-000000009999', slug: 'northwind', name: 'Northwind MSP', kind: 'msp' },
  session: { expiresAt: new Date(Date.now() + 3_600_000).toISOString(), origins: [] },
});

export const problem = (status: number, type: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail, ...extra }, { status, headers: { 'content-type': 'application/problem+json' } });

/** The customer endpoints every detail test needs; tests add or override with `worker.use`. */
export function customerHandlers(opts: { customer?: Customer; permissions?: string[]; activityTotal?: number } = {}) {
  const c = opts.customer ?? customer();
  const total = opts.activityTotal ?? 25;
  return [
    http.get(`${API}/v1/me`, () => HttpResponse.json(me(opts.permissions ?? ['customers:read', 'customers:manage', 'users:read', 'audit:read']))),
    http.get(base, () => HttpResponse.json(c, { headers: { etag: `"${c.version}"` } })),
    http.get(`${base}/licence`, () => HttpResponse.json(licence())),
    http.get(`${base}/ip-distribution`, () => HttpResponse.json(ipDistribution(), { headers: { etag: '"1"' } })),
    http.get(`${base}/users`, () => HttpResponse.json({ items: users, contact: { name: 'Ada Admin', email: 'ada@acme.test' } })),
    http.get(`${base}/usage`, ({ request }) => {
      const url = new URL(request.url);
      return HttpResponse.json(usage(url.searchParams.get('from') ?? '2026-10-27', url.searchParams.get('to') ?? '2026-11-25'));
    }),
    http.get(`${base}/activity`, ({ request }) => {
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => activityEntry(start + i));
      return HttpResponse.json({ items, nextCursor: start + limit < total ? String(start + limit) : null });
    }),
  ];
}

/** `<msp-provider>` with one element inside, and a session callback. */
export async function mountIn<K extends keyof HTMLElementTagNameMap>(tag: K, attrs = '', width = '1000px'): Promise<HTMLElementTagNameMap[K]> {
  await startWorker();
  const host = document.createElement('div');
  host.style.width = width;
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><${tag} ${attrs}></${tag}></msp-provider>`;
  document.body.append(host);
  const provider = host.querySelector('msp-provider')!;
  provider.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const el = host.querySelector(tag)!;
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return el;
}
