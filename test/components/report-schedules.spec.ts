/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import type { ReportSchedule, ReportSendItem } from '../../components/report-viewer/schedules.js';
import '../../components/report-viewer/schedules.js';
import { API, assert, cleanup, expectNoAxeViolations, startWorker, until, worker } from './helpers.js';

type Schedules = HTMLElementTagNameMap['msp-report-schedules'];
const CUSTOMER_ID = '00000000-0000-4000-8000-000000000001';
const base = `${API}/v1/customers/${CUSTOMER_ID}/report-schedules`;
const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = (el: Element, sel: string) => Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>(sel));
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

const problem = (status: number, type: string, detail: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail, ...extra }, { status, headers: { 'content-type': 'application/problem+json' } });

function schedule(overrides: Partial<ReportSchedule> = {}): ReportSchedule {
  return {
    id: '00000000-0000-4000-8000-00000000c001',
    customerId: CUSTOMER_ID,
    frequency: 'weekly',
    weekday: 1,
    dayOfMonth: null,
    sendTime: '08:00',
    timeZone: 'Europe/Berlin',
    recipients: ['ceo@acme.test', 'cfo@acme.test'],
    enabled: true,
    nextRunAt: '2026-11-30T07:00:00.000Z',
    lastRunAt: null,
    version: 3,
    ...overrides,
  };
}

const sends: ReportSendItem[] = [
  { id: '00000000-0000-4000-8000-00000000d001', scheduleId: '00000000-0000-4000-8000-00000000c001', runAt: '2026-11-23T07:00:00.000Z', period: { from: '2026-11-16', to: '2026-11-22' }, recipients: ['ceo@acme.test'], status: 'sent', error: null, sentAt: '2026-11-23T07:00:05.000Z', createdAt: '2026-11-23T07:00:00.000Z' },
  { id: '00000000-0000-4000-8000-00000000d002', scheduleId: null, runAt: '2026-11-20T10:00:00.000Z', period: { from: '2026-10-21', to: '2026-11-19' }, recipients: ['it@acme.test'], status: 'failed', error: '550 mailbox unavailable', sentAt: null, createdAt: '2026-11-20T10:00:00.000Z' },
];

async function mount(opts: { items?: () => ReportSchedule[]; canEdit?: boolean; overrides?: Parameters<typeof worker.use> } = {}): Promise<{ el: Schedules }> {
  await startWorker();
  worker.use(
    ...(opts.overrides ?? []),
    http.get(base, () => HttpResponse.json({ items: opts.items?.() ?? [schedule()] })),
    http.get(`${API}/v1/customers/${CUSTOMER_ID}/report-sends`, () => HttpResponse.json({ items: sends, nextCursor: null })),
  );
  const host = document.createElement('div');
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB" theme="light"><msp-report-schedules customer-id="${CUSTOMER_ID}" ${opts.canEdit === false ? '' : 'can-edit'}></msp-report-schedules></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const el = host.querySelector('msp-report-schedules')!;
  await until(() => $(el, '[data-schedule], [data-empty="schedules"]'), 'the schedules');
  await until(() => $(el, '[data-table="sends"], [data-empty="sends"]'), 'the sends');
  return { el };
}

function type(el: Schedules, sel: string, value: string): void {
  const input = $<HTMLInputElement | HTMLTextAreaElement>(el, sel)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

describe('<msp-report-schedules>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('lists schedules in words with the next run in their zone, and the recent sends with their status', async () => {
    const { el } = await mount({ items: () => [schedule(), schedule({ id: '00000000-0000-4000-8000-00000000c002', frequency: 'monthly', weekday: null, dayOfMonth: 1, sendTime: '07:30', timeZone: 'America/New_York', enabled: false, nextRunAt: null })] });
    const rows = $$(el, '[data-schedule]');
    assert.equal(rows.length, 2);
    assert.equal(text(rows[0]!.querySelector('[data-when]')), 'Every Monday at 08:00 (Europe/Berlin)');
    assert.equal(text(rows[0]!.querySelector('[data-recipients]')), 'To ceo@acme.test, cfo@acme.test');
    assert.equal(text(rows[0]!.querySelector('[data-next]')), 'Next: 30 Nov 2026, 08:00', '07:00 UTC is 08:00 in Berlin');
    assert.equal(text(rows[1]!.querySelector('[data-when]')), 'Monthly on day 1 at 07:30 (America/New_York)');
    assert.ok(rows[1]!.querySelector('[data-paused]'));
    assert.equal(text(rows[1]!.querySelector('[data-next]')), 'Not sending while paused');
    const sendRows = $$(el, '[data-table="sends"] tbody tr');
    assert.equal(sendRows.length, 2);
    assert.ok(text(sendRows[0]).includes('16 Nov 2026 – 22 Nov 2026'));
    assert.equal(text(sendRows[0]!.querySelector('[data-status]')), 'Sent');
    assert.equal(text(sendRows[1]!.querySelector('[data-status]')), 'Failed: 550 mailbox unavailable');
    await expectNoAxeViolations(el);
  });

  it('creates a schedule from the dialog with an Idempotency-Key, leaving the zone to the customer by default', async () => {
    let created: ReportSchedule[] = [];
    const posts: { body: unknown; key: string | null }[] = [];
    const { el } = await mount({
      items: () => created,
      overrides: [
        http.post(base, async ({ request }) => {
          const body = (await request.clone().json()) as ReportSchedule;
          posts.push({ body, key: request.headers.get('idempotency-key') });
          created = [schedule({ ...body, id: '00000000-0000-4000-8000-00000000c009', timeZone: body.timeZone ?? 'Europe/Berlin', version: 1 })];
          return HttpResponse.json(created[0], { status: 201 });
        }),
      ],
    });
    assert.ok($(el, '[data-empty="schedules"]'));
    const opener = $(el, '[data-new-schedule]')!;
    opener.click();
    const dialog = await until(() => $<HTMLDialogElement>(el, 'dialog[data-dialog="schedule"]'), 'the dialog');
    assert.ok(dialog.open);
    assert.ok(dialog.contains(el.shadowRoot!.activeElement), 'focus moves into the dialog');
    assert.equal($<HTMLSelectElement>(el, '#schedule-timeZone')!.value, '', "the customer's zone preselected");
    assert.ok($$(el, '#schedule-timeZone option').length > 50, 'every IANA zone to choose from');
    // Monthly: a day-of-month field replaces the weekday.
    $<HTMLInputElement>(el, 'input[name="frequency"][value="monthly"]')!.click();
    await el.updateComplete;
    assert.ok(!$(el, '#schedule-weekday'));
    type(el, '#schedule-dayOfMonth', '3');
    type(el, '#schedule-sendTime', '09:15');
    type(el, '#schedule-recipients', 'ceo@acme.test\ncfo@acme.test');
    await expectNoAxeViolations(el);
    $(el, '[data-submit]')!.click();
    await until(() => !$(el, 'dialog'), 'the dialog closed');
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0]!.body, { frequency: 'monthly', weekday: null, dayOfMonth: 3, sendTime: '09:15', recipients: ['ceo@acme.test', 'cfo@acme.test'], enabled: true });
    assert.ok(/^[0-9a-f-]{36}$/.test(posts[0]!.key ?? ''), 'a UUID Idempotency-Key');
    await until(() => $$(el, '[data-schedule]').length === 1, 'the new schedule listed');
    assert.equal(text($(el, '[data-when]')), 'Monthly on day 3 at 09:15 (Europe/Berlin)');
    await until(() => el.shadowRoot!.activeElement === opener, 'focus back on New schedule');
  });

  it("shows the BFF's field errors at their fields", async () => {
    const { el } = await mount({
      overrides: [http.post(base, () => problem(400, 'invalid-request', 'Invalid.', { errors: [{ pointer: '#/body/recipients/1', detail: 'must be an email address' }, { pointer: '#/body/timeZone', detail: 'must be an IANA time zone such as Europe/Berlin' }] }))],
    });
    $(el, '[data-new-schedule]')!.click();
    await until(() => $(el, 'dialog'), 'the dialog');
    type(el, '#schedule-recipients', 'ceo@acme.test, cfo@acme.test');
    $(el, '[data-submit]')!.click();
    await until(() => $(el, '#schedule-recipients-error'), 'the recipients error');
    assert.equal(text($(el, '#schedule-recipients-error')), 'must be an email address');
    assert.equal($(el, '#schedule-recipients')!.getAttribute('aria-invalid'), 'true');
    assert.ok($(el, '#schedule-recipients')!.getAttribute('aria-describedby')!.includes('schedule-recipients-error'));
    assert.equal(text($(el, '#schedule-timeZone-error')), 'must be an IANA time zone such as Europe/Berlin');
    await until(() => el.shadowRoot!.activeElement === $(el, '[aria-invalid="true"]'), 'focus on the first invalid field');
    // Checked before asking, too.
    type(el, '#schedule-recipients', 'not-an-address');
    $(el, '[data-submit]')!.click();
    await until(() => text($(el, '#schedule-recipients-error')).includes('not-an-address'), 'the local check');
  });

  it('edits with If-Match; a 412 reloads the current version and says so', async () => {
    let version = 3;
    let puts = 0;
    const ifMatch: (string | null)[] = [];
    const { el } = await mount({
      items: () => [schedule({ version, sendTime: version === 4 ? '10:00' : '08:00' })],
      overrides: [
        http.put(`${base}/:id`, async ({ request }) => {
          puts++;
          ifMatch.push(request.headers.get('if-match'));
          if (puts === 1) {
            version = 4; // someone else saved first
            return problem(412, 'precondition-failed', 'Stale.', { current: schedule({ version: 4, sendTime: '10:00' }) });
          }
          const body = (await request.clone().json()) as ReportSchedule;
          version = 5;
          return HttpResponse.json(schedule({ ...body, version: 5 }), { headers: { etag: '"5"' } });
        }),
      ],
    });
    $(el, '[data-edit]')!.click();
    await until(() => $(el, 'dialog'), 'the dialog');
    assert.equal($<HTMLSelectElement>(el, '#schedule-timeZone')!.value, 'Europe/Berlin');
    assert.equal($<HTMLSelectElement>(el, '#schedule-weekday')!.value, '1');
    type(el, '#schedule-sendTime', '09:00');
    $(el, '[data-submit]')!.click();
    await until(() => $(el, 'dialog [role="alert"]'), 'the conflict message');
    assert.ok(text($(el, 'dialog [role="alert"]')).includes('Someone else changed this schedule'));
    assert.equal($<HTMLInputElement>(el, '#schedule-sendTime')!.value, '10:00', 'their version is shown');
    type(el, '#schedule-sendTime', '09:00');
    $(el, '[data-submit]')!.click();
    await until(() => !$(el, 'dialog'), 'saved');
    assert.deepEqual(ifMatch, ['"3"', '"4"'], 'the version read, then the current one');
    assert.equal(text($(el, '[role="status"]')), 'The schedule was saved.');
  });

  it('deletes after confirmation with If-Match', async () => {
    let items = [schedule()];
    const deletes: (string | null)[] = [];
    const { el } = await mount({
      items: () => items,
      overrides: [
        http.delete(`${base}/:id`, ({ request }) => {
          deletes.push(request.headers.get('if-match'));
          items = [];
          return HttpResponse.json(schedule({ version: 4 }));
        }),
      ],
    });
    $(el, '[data-delete]')!.click();
    const dialog = await until(() => $<HTMLDialogElement>(el, 'dialog[data-dialog="delete"]'), 'the confirmation');
    assert.ok(text(dialog).includes('Every Monday at 08:00 (Europe/Berlin)'));
    assert.equal(el.shadowRoot!.activeElement, $(el, '[data-close]'), 'focus on the safe choice');
    await expectNoAxeViolations(el);
    $(el, '[data-confirm-delete]')!.click();
    await until(() => $(el, '[data-empty="schedules"]'), 'the list emptied');
    assert.deepEqual(deletes, ['"3"']);
  });

  it('is read-only without reports:send, and left out after a 403', async () => {
    const { el } = await mount({ canEdit: false });
    assert.equal($$(el, '[data-schedule]').length, 1);
    assert.ok(!$(el, '[data-new-schedule]') && !$(el, '[data-edit]') && !$(el, '[data-delete]'), 'no way to change anything');
    cleanup();
    const refused = await (async () => {
      await startWorker();
      worker.use(
        http.get(base, () => problem(403, 'forbidden', 'No.')),
        http.get(`${API}/v1/customers/${CUSTOMER_ID}/report-sends`, () => problem(403, 'forbidden', 'No.')),
      );
      const host = document.createElement('div');
      host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><msp-report-schedules customer-id="${CUSTOMER_ID}"></msp-report-schedules></msp-provider>`;
      document.body.append(host);
      host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      return host.querySelector('msp-report-schedules')!;
    })();
    await until(() => refused.shadowRoot && !$(refused, 'section') && refused.isConnected && (refused as unknown as { schedules: { phase: string } }).schedules.phase === 'forbidden', 'nothing shown');
  });
});
