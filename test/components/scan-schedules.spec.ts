/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import type { ScanItem, ScanSchedule, UpcomingRun } from '../../components/scan-schedules/scan-schedules.js';
import '../../components/msp-scan-schedules.js';
import { API, assert, cleanup, expectNoAxeViolations, startWorker, until, worker } from './helpers.js';

type El = HTMLElementTagNameMap['msp-scan-schedules'];
const CUSTOMER = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const base = `${API}/v1/customers/${CUSTOMER}/scan-schedules`;
const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = (el: Element, sel: string) => Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>(sel));
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const problem = (status: number, type: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail, ...extra }, { status, headers: { 'content-type': 'application/problem+json' } });

const profiles = [
  { id: 'external', name: 'External perimeter', description: 'Domains, subdomains and public IP addresses' },
  { id: 'web', name: 'Web application', description: 'Web applications and APIs' },
];

function schedule(overrides: Partial<ScanSchedule> = {}): ScanSchedule {
  return {
    id: '00000000-0000-4000-8000-00000000c001',
    customerId: CUSTOMER,
    name: 'Weekly external scan',
    profile: 'external',
    targets: [],
    frequency: 'weekly',
    weekday: 7,
    dayOfMonth: null,
    startTime: '02:00',
    timeZone: null,
    effectiveTimeZone: 'Europe/Berlin',
    triggers: ['new_asset'],
    enabled: true,
    nextRunAt: '2026-11-29T01:00:00.000Z',
    upcoming: [
      { at: '2026-11-29T01:00:00.000Z', local: '2026-11-29T02:00' },
      { at: '2026-12-06T01:00:00.000Z', local: '2026-12-06T02:00' },
    ],
    version: 2,
    ...overrides,
  };
}

const scans: ScanItem[] = [
  { id: '00000000-0000-4000-8000-00000000d001', profile: 'External perimeter', status: 'completed', trigger: 'schedule', scheduleName: 'Weekly external scan', startedAt: '2026-11-22T01:00:00.000Z', finishedAt: '2026-11-22T01:05:00.000Z', findingsCount: 7, error: null },
  { id: '00000000-0000-4000-8000-00000000d002', profile: 'External perimeter', status: 'failed', trigger: 'new_asset', scheduleName: 'Weekly external scan', startedAt: '2026-11-21T09:00:00.000Z', finishedAt: '2026-11-21T09:00:01.000Z', findingsCount: 0, error: "the schedule's creator is no longer active" },
];

function me(permissions: string[]) {
  return http.get(`${API}/v1/me`, () => HttpResponse.json({ id: 'u1', orgId: 'o1', role: 'msp_admin', permissions, name: 'Sam', email: 'sam@example.com' }));
}

async function mount(attrs: string, handlers: Parameters<typeof worker.use>, permissions = ['customers:read', 'scans:schedule']): Promise<El> {
  await startWorker();
  worker.use(me(permissions), ...handlers);
  const host = document.createElement('div');
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB" theme="light"><msp-scan-schedules ${attrs}></msp-scan-schedules></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  return host.querySelector('msp-scan-schedules')!;
}

function type(el: El, sel: string, value: string): void {
  const input = $<HTMLInputElement | HTMLTextAreaElement>(el, sel)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

describe('<msp-scan-schedules>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('one customer: schedules in words, upcoming runs in local time, recent runs with status and reason', async () => {
    const el = await mount(`customer-id="${CUSTOMER}"`, [
      http.get(base, () => HttpResponse.json({ items: [schedule(), schedule({ id: '00000000-0000-4000-8000-00000000c002', name: 'Monthly web', profile: 'web', frequency: 'monthly', weekday: null, dayOfMonth: 1, startTime: '23:30', timeZone: 'America/New_York', effectiveTimeZone: 'America/New_York', triggers: [], targets: ['https://shop.acme.test/'], upcoming: [{ at: '2026-12-02T04:30:00.000Z', local: '2026-12-01T23:30' }] })], profiles, customerTimeZone: 'Europe/Berlin' })),
      http.get(`${API}/v1/customers/${CUSTOMER}/scans`, () => HttpResponse.json({ items: scans })),
    ]);
    await until(() => $$(el, '[data-schedule]').length === 2, 'the schedules');
    await until(() => $(el, '[data-table="scans"]'), 'the scans');
    const [weekly, monthly] = $$(el, '[data-schedule]');
    assert.equal(text(weekly!.querySelector('[data-when]')), 'Every Sunday at 02:00 (customer’s zone, Europe/Berlin)');
    assert.equal(text(weekly!.querySelector('[data-what]')), 'External perimeter · all assets');
    assert.equal(text(weekly!.querySelector('[data-triggers]')), 'Also runs when: a new asset is found');
    assert.equal(text(weekly!.querySelector('[data-next]')), 'Next: 29 Nov 2026, 02:00 (Europe/Berlin)');
    assert.equal(text(monthly!.querySelector('[data-when]')), 'Monthly on day 1 at 23:30 (America/New_York)');
    assert.equal(text(monthly!.querySelector('[data-what]')), 'Web application · https://shop.acme.test/');
    const upcoming = $$(el, '[data-table="upcoming"] tbody tr').map((r) => text(r));
    assert.deepEqual(upcoming, [
      '29 Nov 2026, 02:00 Europe/Berlin Weekly external scan External perimeter',
      '1 Dec 2026, 23:30 America/New_York Monthly web Web application',
      '6 Dec 2026, 02:00 Europe/Berlin Weekly external scan External perimeter',
    ]);
    const runs = $$(el, '[data-table="scans"] tbody tr');
    assert.equal(text(runs[0]!.querySelector('[data-status]')), 'Completed');
    assert.ok(text(runs[0]).includes('Schedule') && text(runs[0]).endsWith('7'));
    assert.equal(text(runs[1]!.querySelector('[data-status]')), "Failed: the schedule's creator is no longer active");
    assert.ok(text(runs[1]).includes('New asset'));
    await until(() => $(el, '[data-new-schedule]'), 'the editing controls');
    await expectNoAxeViolations(el);
  });

  it('creates a daily schedule in a named zone with triggers and targets; a field error from the BFF lands on its field', async () => {
    const posts: { body: Record<string, unknown>; key: string | null }[] = [];
    let items: ScanSchedule[] = [];
    const el = await mount(`customer-id="${CUSTOMER}"`, [
      http.get(base, () => HttpResponse.json({ items, profiles, customerTimeZone: 'Europe/Berlin' })),
      http.get(`${API}/v1/customers/${CUSTOMER}/scans`, () => HttpResponse.json({ items: [] })),
      http.post(base, async ({ request }) => {
        const body = (await request.clone().json()) as Record<string, unknown>;
        posts.push({ body, key: request.headers.get('idempotency-key') });
        if (posts.length === 1) return problem(400, 'invalid-request', 'The request is not valid: check body/targets/0.', { errors: [{ pointer: '#/body/targets/0', detail: 'must be at most 253 characters' }] });
        items = [schedule({ ...(body as Partial<ScanSchedule>), id: '00000000-0000-4000-8000-00000000c009', version: 1 })];
        return HttpResponse.json(items[0], { status: 201 });
      }),
    ]);
    const opener = await until(() => $(el, '[data-new-schedule]'), 'the new-schedule button');
    assert.ok($(el, '[data-section="schedules"] [data-empty]'));
    opener.click();
    const dialog = await until(() => $<HTMLDialogElement>(el, 'dialog[data-dialog="schedule"]'), 'the dialog');
    assert.ok(dialog.open);
    assert.equal($<HTMLSelectElement>(el, '#scan-timeZone')!.value, '', "the customer's zone preselected");
    assert.deepEqual($$(el, '#scan-profile option').map((o) => text(o)), ['External perimeter', 'Web application']);
    $<HTMLInputElement>(el, 'input[name="frequency"][value="daily"]')!.click();
    await el.updateComplete;
    assert.ok(!$(el, '#scan-weekday') && !$(el, '#scan-dayOfMonth'), 'a daily schedule needs no day');
    type(el, '#scan-name', 'Nightly web');
    const profile = $<HTMLSelectElement>(el, '#scan-profile')!;
    profile.value = 'web';
    profile.dispatchEvent(new Event('change'));
    type(el, '#scan-targets', 'https://shop.acme.test/\nhttps://portal.acme.test/');
    type(el, '#scan-startTime', '03:45');
    const zone = $<HTMLSelectElement>(el, '#scan-timeZone')!;
    zone.value = 'America/New_York';
    zone.dispatchEvent(new Event('change'));
    $<HTMLInputElement>(el, 'input[name="triggers"][value="vulnerability_db_update"]')!.click();
    await el.updateComplete;
    await expectNoAxeViolations(el);
    $(el, '[data-submit]')!.click();
    await until(() => $(el, '#scan-targets[aria-invalid="true"]'), 'the targets field marked');
    assert.equal(text($(el, '#scan-targets-error')), 'must be at most 253 characters');
    $(el, '[data-submit]')!.click();
    await until(() => !$(el, 'dialog'), 'the dialog closed');
    assert.equal(posts.length, 2);
    assert.deepEqual(posts[1]!.body, {
      name: 'Nightly web', profile: 'web', targets: ['https://shop.acme.test/', 'https://portal.acme.test/'], frequency: 'daily', weekday: null, dayOfMonth: null,
      startTime: '03:45', timeZone: 'America/New_York', triggers: ['vulnerability_db_update'], enabled: true,
    });
    assert.equal(posts[0]!.key, posts[1]!.key, 'one Idempotency-Key for the dialog');
    await until(() => $$(el, '[data-schedule]').length === 1, 'the new schedule listed');
    assert.equal(text($(el, '[role="status"]')), 'The schedule was created.');
  });

  it('edits with If-Match, deletes after confirming, and runs one now', async () => {
    const calls: { method: string; ifMatch: string | null; key: string | null; body?: unknown }[] = [];
    let items = [schedule()];
    const el = await mount(`customer-id="${CUSTOMER}"`, [
      http.get(base, () => HttpResponse.json({ items, profiles, customerTimeZone: 'Europe/Berlin' })),
      http.get(`${API}/v1/customers/${CUSTOMER}/scans`, () => HttpResponse.json({ items: scans })),
      http.put(`${base}/:sid`, async ({ request }) => {
        const body = await request.clone().json();
        calls.push({ method: 'PUT', ifMatch: request.headers.get('if-match'), key: null, body });
        items = [schedule({ ...(body as Partial<ScanSchedule>), version: 3 })];
        return HttpResponse.json(items[0]);
      }),
      http.delete(`${base}/:sid`, ({ request }) => {
        calls.push({ method: 'DELETE', ifMatch: request.headers.get('if-match'), key: null });
        items = [];
        return HttpResponse.json(schedule({ version: 4 }));
      }),
      http.post(`${base}/:sid/runs`, ({ request }) => {
        calls.push({ method: 'RUN', ifMatch: null, key: request.headers.get('idempotency-key') });
        return HttpResponse.json({ ...scans[0], status: 'queued', trigger: 'manual' }, { status: 202 });
      }),
    ]);
    const edit = await until(() => $(el, '[data-edit]'), 'the edit button');
    edit.click();
    await until(() => $(el, 'dialog[data-dialog="schedule"]'), 'the dialog');
    assert.equal($<HTMLInputElement>(el, '#scan-name')!.value, 'Weekly external scan');
    assert.equal($<HTMLSelectElement>(el, '#scan-weekday')!.value, '7');
    $<HTMLInputElement>(el, 'input[name="frequency"][value="monthly"]')!.click();
    await el.updateComplete;
    type(el, '#scan-dayOfMonth', '15');
    $(el, '[data-submit]')!.click();
    await until(() => !$(el, 'dialog'), 'saved');
    assert.equal(calls[0]!.ifMatch, '"2"');
    assert.equal((calls[0]!.body as { dayOfMonth: number }).dayOfMonth, 15);
    await until(() => text($(el, '[data-when]')).startsWith('Monthly on day 15'), 'the saved schedule');

    $(el, '[data-run]')!.click();
    await until(() => calls.some((c) => c.method === 'RUN'), 'run now');
    assert.ok(/^[0-9a-f-]{36}$/.test(calls.find((c) => c.method === 'RUN')!.key ?? ''));
    await until(() => text($(el, '[role="status"]')).includes('queued to run now'), 'the run announced');

    $(el, '[data-delete]')!.click();
    await until(() => $(el, 'dialog[data-dialog="delete"]'), 'the confirmation');
    await expectNoAxeViolations(el);
    $(el, '[data-confirm-delete]')!.click();
    await until(() => !$(el, 'dialog'), 'deleted');
    assert.equal(calls.find((c) => c.method === 'DELETE')!.ifMatch, '"3"');
    await until(() => $(el, '[data-section="schedules"] [data-empty]'), 'the empty list');
  });

  it('read-only without scans:schedule', async () => {
    const el = await mount(
      `customer-id="${CUSTOMER}"`,
      [
        http.get(base, () => HttpResponse.json({ items: [schedule()], profiles, customerTimeZone: 'Europe/Berlin' })),
        http.get(`${API}/v1/customers/${CUSTOMER}/scans`, () => HttpResponse.json({ items: [] })),
      ],
      ['customers:read'],
    );
    await until(() => $(el, '[data-schedule]'), 'the schedule');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal($(el, '[data-new-schedule]'), null, 'no new-schedule button');
    assert.equal($(el, '[data-edit]'), null, 'no edit button');
    assert.equal($(el, '[data-run]'), null, 'no run-now button');
  });

  it('a fleet selection: upcoming runs of the selected customers and one schedule created for all of them', async () => {
    const upcoming: UpcomingRun[] = [
      { at: '2026-11-27T01:00:00.000Z', local: '2026-11-27T02:00', timeZone: 'Europe/Berlin', scheduleId: 's1', scheduleName: 'Nightly', profile: 'external', customerId: CUSTOMER, customerName: 'Acme' },
      { at: '2026-11-27T08:00:00.000Z', local: '2026-11-27T19:00', timeZone: 'Australia/Sydney', scheduleId: 's2', scheduleName: 'Nightly', profile: 'web', customerId: OTHER, customerName: 'Globex' },
    ];
    const seen: URL[] = [];
    const bulk: unknown[] = [];
    const el = await mount(`customer-ids="${CUSTOMER},${OTHER}"`, [
      http.get(`${API}/v1/scan-schedules/upcoming`, ({ request }) => {
        seen.push(new URL(request.url));
        return HttpResponse.json({ items: upcoming, profiles });
      }),
      http.post(`${API}/v1/fleet/scan-schedules`, async ({ request }) => {
        bulk.push(await request.clone().json());
        return HttpResponse.json({ created: 1, notFound: 1, items: [] });
      }),
    ]);
    await until(() => $(el, '[data-table="upcoming"]'), 'the upcoming runs');
    assert.equal(seen[0]!.searchParams.get('customerIds'), `${CUSTOMER},${OTHER}`);
    assert.deepEqual($$(el, '[data-table="upcoming"] tbody tr').map((r) => text(r)), [
      '27 Nov 2026, 02:00 Europe/Berlin Acme Nightly External perimeter',
      '27 Nov 2026, 19:00 Australia/Sydney Globex Nightly Web application',
    ]);
    assert.ok(!$(el, '[data-section="schedules"]'));
    const opener = await until(() => $(el, '[data-new-schedule]'), 'the bulk button');
    assert.equal(text(opener), 'Schedule for 2 customers…');
    await expectNoAxeViolations(el);
    opener.click();
    await until(() => $(el, 'dialog'), 'the dialog');
    $(el, '[data-submit]')!.click();
    await until(() => !$(el, 'dialog'), 'created');
    assert.deepEqual((bulk[0] as { customerIds: string[] }).customerIds, [CUSTOMER, OTHER]);
    assert.equal((bulk[0] as { schedule: { frequency: string; weekday: number } }).schedule.weekday, 7);
    assert.equal(text($(el, '[role="status"]')), 'Scheduled for 1 customer; 1 not available to you.');
  });
});
