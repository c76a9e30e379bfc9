/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import type { NotificationSettings, UserNotificationSettings } from '../../components/notification-settings/define.js';
import '../../components/core/provider.define.js';
import '../../components/notification-settings/define.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';

type Element = HTMLElementTagNameMap['msp-notification-settings'];
const ME = '00000000-0000-4000-8000-0000000000a1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const ORG = '00000000-0000-4000-8000-0000000000c3';
const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const text = (node: globalThis.Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

const problem = (status: number, type: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail, ...extra }, { status, headers: { 'content-type': 'application/problem+json' } });

const categories = [
  { id: 'licences', label: 'Licences', description: 'A customer passes its licence warning level.' },
  { id: 'scans', label: 'Scans', description: 'A scan has finished or failed.' },
  { id: 'findings', label: 'Findings', description: 'A scan found new vulnerabilities.' },
] as NotificationSettings['categories'];

function settings(overrides: Partial<NotificationSettings> = {}): NotificationSettings {
  return {
    userId: ME,
    frequency: 'immediate',
    mutedCategories: [],
    version: 2,
    updatedAt: '2026-11-20T09:00:00.000Z',
    receivesNotifications: true,
    timeZone: 'Europe/Berlin',
    digestTime: '08:00',
    nextDigestAt: null,
    categories,
    ...overrides,
  };
}

const me = (role: string) => ({
  user: { id: ME, externalId: 'me', email: 'me@northwind.test', name: 'Sam Admin' },
  role,
  permissions: [],
  org: { id: ORG, slug: 'northwind', name: 'Northwind', kind: 'msp', country: 'DE' },
  session: { expiresAt: new Date(Date.now() + 3_600_000).toISOString(), origins: [] },
});

const users: UserNotificationSettings[] = [
  { id: ME, name: 'Sam Admin', email: 'me@northwind.test', role: 'msp_admin', tenantId: ORG, orgName: 'Northwind', frequency: 'immediate', mutedCategories: [], version: 2, updatedAt: null },
  { id: OTHER, name: 'Alex Analyst', email: 'alex@northwind.test', role: 'msp_analyst', tenantId: ORG, orgName: 'Northwind', frequency: 'weekly', mutedCategories: ['scans'], version: 1, updatedAt: null },
];

async function mount(opts: { role?: string; own?: () => NotificationSettings; overrides?: Parameters<typeof worker.use> } = {}): Promise<{ el: Element }> {
  await startWorker();
  worker.use(
    ...(opts.overrides ?? []),
    http.get(`${API}/v1/me`, () => HttpResponse.json(me(opts.role ?? 'msp_admin'))),
    http.get(`${API}/v1/notification-preferences`, () => HttpResponse.json({ items: users, nextCursor: null })),
    http.get(`${API}/v1/me/notification-preferences`, () => {
      const s = opts.own?.() ?? settings();
      return HttpResponse.json(s, { headers: { etag: `"${s.version}"` } });
    }),
    http.get(`${API}/v1/users/${OTHER}/notification-preferences`, () =>
      HttpResponse.json(settings({ userId: OTHER, frequency: 'weekly', mutedCategories: ['scans'], version: 1, nextDigestAt: '2026-11-30T07:00:00.000Z' }), { headers: { etag: '"1"' } }),
    ),
  );
  const host = document.createElement('div');
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB" theme="light"><msp-notification-settings></msp-notification-settings></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const el = host.querySelector('msp-notification-settings')!;
  await until(() => $(el, 'form, [part="state"][data-state="empty"], [part="state"][data-state="error"]'), 'the settings');
  return { el };
}

const radio = (el: Element, value: string) => $<HTMLInputElement>(el, `#frequency-${value}`)!;
const box = (el: Element, id: string) => $<HTMLInputElement>(el, `#category-${id}`)!;
const save = (el: Element) => $<HTMLButtonElement>(el, 'button[type="submit"]')!;

describe('<msp-notification-settings>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('shows how often and which categories, each control labelled and described, and is axe-clean', async () => {
    const { el } = await mount();
    assert.ok(radio(el, 'immediate').checked);
    assert.equal(text($(el, 'label[for="frequency-daily"]')), 'Daily digest');
    assert.equal(text($(el, '#frequency-weekly-hint')), 'One email every Monday at 08:00 (Europe/Berlin).');
    assert.equal(radio(el, 'weekly').getAttribute('aria-describedby'), 'frequency-weekly-hint');
    for (const c of categories) {
      assert.ok(box(el, c.id).checked, `${c.id} is on`);
      assert.equal(text($(el, `label[for="category-${c.id}"]`)), c.label);
      assert.equal(text($(el, `#category-${c.id}-hint`)), c.description);
    }
    assert.ok(save(el).disabled, 'nothing to save yet');
    await expectNoAxeViolations(el);
  });

  it('saves a change with If-Match and shows it saved', async () => {
    let body: unknown;
    let ifMatch: string | null = null;
    const { el } = await mount({
      overrides: [
        http.put(`${API}/v1/me/notification-preferences`, async ({ request }) => {
          body = await request.json();
          ifMatch = request.headers.get('if-match');
          return HttpResponse.json(settings({ frequency: 'daily', mutedCategories: ['findings'], version: 3, nextDigestAt: '2026-11-27T07:00:00.000Z' }), { headers: { etag: '"3"' } });
        }),
      ],
    });
    radio(el, 'daily').click();
    box(el, 'findings').click();
    await el.updateComplete;
    assert.ok(!save(el).disabled);
    save(el).click();
    await until(() => text($(el, '[part="message"]')) === 'Saved.', 'saved');
    assert.deepEqual(body, { frequency: 'daily', mutedCategories: ['findings'] });
    assert.equal(ifMatch, '"2"');
    assert.equal($(el, '[part="message"]')!.getAttribute('role'), 'status');
    assert.equal(text($(el, '.next')), 'Next digest: Friday 27 November at 08:00 CET', '07:00 UTC is 08:00 in Berlin');
    assert.ok(save(el).disabled, 'saved: nothing left to save');
    await expectNoAxeViolations(el);
  });

  it('a 412 keeps the user’s choices, shows what is saved now, and the next save sends the new version', async () => {
    const ifMatches: (string | null)[] = [];
    const { el } = await mount({
      overrides: [
        http.put(`${API}/v1/me/notification-preferences`, ({ request }) => {
          ifMatches.push(request.headers.get('if-match'));
          if (ifMatches.length === 1) {
            return problem(412, 'precondition-failed', 'The settings are at version 5, not 2.', { current: settings({ frequency: 'weekly', mutedCategories: ['licences'], version: 5 }) });
          }
          return HttpResponse.json(settings({ frequency: 'daily', version: 6 }), { headers: { etag: '"6"' } });
        }),
      ],
    });
    radio(el, 'daily').click();
    await el.updateComplete;
    save(el).click();
    const message = await until(() => (text($(el, '[part="message"]')).includes('changed these settings') ? $(el, '[part="message"]') : null), 'the conflict');
    assert.equal(message!.getAttribute('role'), 'alert');
    assert.ok(text(message).includes('a weekly digest, without Licences'), text(message));
    assert.ok(radio(el, 'daily').checked, 'the user’s choice stays');
    save(el).click();
    await until(() => text($(el, '[part="message"]')) === 'Saved.', 'saved again');
    assert.deepEqual(ifMatches, ['"2"', '"5"']);
  });

  it('names a refused category at its checkbox', async () => {
    const { el } = await mount({
      overrides: [
        http.put(`${API}/v1/me/notification-preferences`, () =>
          problem(400, 'invalid-request', 'The request is not valid.', { errors: [{ pointer: '#/body/mutedCategories/0', detail: 'no longer offered' }] }),
        ),
      ],
    });
    const errors: { type: string; status?: number }[] = [];
    el.addEventListener('msp-error', (e) => errors.push((e as CustomEvent<{ type: string; status?: number }>).detail));
    box(el, 'scans').click();
    await el.updateComplete;
    save(el).click();
    await until(() => $(el, '#category-scans-error'), 'the field error');
    assert.deepEqual(errors.map((e) => e.status), [400], 'a refused save is reported to the host page too');
    assert.equal(text($(el, '#category-scans-error')), 'no longer offered');
    assert.equal(box(el, 'scans').getAttribute('aria-invalid'), 'true');
    assert.ok(box(el, 'scans').getAttribute('aria-describedby')!.includes('category-scans-error'));
    await expectNoAxeViolations(el);
  });

  it('admins pick another user and save that user’s settings', async () => {
    let put: string | undefined;
    const { el } = await mount({
      overrides: [
        http.put(`${API}/v1/users/${OTHER}/notification-preferences`, async ({ request }) => {
          put = JSON.stringify(await request.json());
          return HttpResponse.json(settings({ userId: OTHER, frequency: 'weekly', mutedCategories: [], version: 2 }), { headers: { etag: '"2"' } });
        }),
      ],
    });
    const picker = $<HTMLSelectElement>(el, '#user')!;
    assert.equal(text($(el, 'label[for="user"]')), 'Settings of');
    assert.deepEqual(Array.from(picker.options).map((o) => o.textContent!.trim()), ['Me', 'Alex Analyst (Analyst)']);
    assert.equal(picker.querySelector('optgroup')!.label, 'Northwind');
    picker.value = OTHER;
    picker.dispatchEvent(new Event('change'));
    await until(() => radio(el, 'weekly')?.checked, 'the other user’s settings');
    assert.equal(el.getAttribute('user-id'), OTHER);
    assert.ok(!box(el, 'scans').checked);
    assert.equal($(el, 'form')!.getAttribute('aria-label'), 'Notification settings of Alex Analyst');
    box(el, 'scans').click();
    await el.updateComplete;
    save(el).click();
    await until(() => put, 'the save');
    assert.equal(put, JSON.stringify({ frequency: 'weekly', mutedCategories: [] }));
    await expectNoAxeViolations(el);
  });

  it('non-admins get no picker; roles without notifications are told so, without asking for settings', async () => {
    const { el } = await mount({ role: 'msp_analyst' });
    assert.equal($(el, '#user'), null);
    assert.ok(!requests.some((r) => new URL(r.url).pathname === '/v1/notification-preferences'));
    cleanup();
    const viewer = await mount({ role: 'customer_viewer' });
    assert.equal(text($(viewer.el, '[part="state"]')), 'Your role does not receive notifications.');
    assert.ok(!requests.some((r) => new URL(r.url).pathname === '/v1/me/notification-preferences'));
  });
});
