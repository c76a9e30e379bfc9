/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import type { Customer } from '../../components/core/api-types.js';
import { assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';
import { base, customer, CUSTOMER_ID, customerHandlers, ipDistribution, mountIn, problem } from './customer-fixtures.js';

type Detail = HTMLElementTagNameMap['msp-customer-detail'];
const $ = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T & HTMLElement>(sel);
const $$ = (el: Element, sel: string) => Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>(sel));
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const panel = (el: Detail) => $(el, '[role="tabpanel"]:not([hidden])')!;
const tab = (el: Detail, id: string) => $(el, `#tab-${id}`)!;
// The page loads hundreds of modules before this spec runs; make room to see chart.js arrive.
performance.setResourceTimingBufferSize(10_000);
const chartJsLoaded = () => performance.getEntriesByType('resource').some((e) => e.name.includes('/node_modules/chart.js/'));
const mutations = () => requests.filter((r) => r.method !== 'GET');

function key(target: Element, k: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true }));
}

/** Mounts the element over the default mocked endpoints; `overrides` take precedence over them. */
async function ready(opts: Parameters<typeof customerHandlers>[0] = {}, attrs = '', overrides: Parameters<typeof worker.use> = []): Promise<Detail> {
  worker.use(...customerHandlers(opts));
  worker.use(...overrides);
  const el = await mountIn('msp-customer-detail', `customer-id="${CUSTOMER_ID}" ${attrs}`);
  await until(() => $(el, '[part="name"]'), 'the customer header');
  return el;
}

async function openTab(el: Detail, id: string): Promise<HTMLElement> {
  tab(el, id).click();
  await el.updateComplete;
  return panel(el);
}

/** Opens the Actions menu and chooses `action`; returns the dialog when the action has one. */
async function choose(el: Detail, action: string): Promise<HTMLDialogElement | null> {
  await until(() => $(el, '[part="actions-button"]'), 'the Actions button');
  $(el, '[part="actions-button"]')!.click();
  const item = await until(() => $(el, `[role="menuitem"][data-action="${action}"]`), `menu item ${action}`);
  item.click();
  await el.updateComplete;
  return $<HTMLDialogElement>(el, 'dialog');
}

/** Answers changes of the customer with `next` (and its new ETag), recording each. */
function acceptChanges(next: (req: Request, body: unknown) => Customer) {
  const answer = async ({ request }: { request: Request }) => {
    const body = request.headers.get('content-type')?.includes('json') ? ((await request.clone().json()) as unknown) : undefined;
    const c = next(request, body);
    return HttpResponse.json(c, { headers: { etag: `"${c.version}"` } });
  };
  return [http.post(`${base}/:action`, answer), http.patch(base, answer), http.put(`${base}/main-user`, answer)];
}

describe('<msp-customer-detail>', () => {
  before(startWorker);
  afterEach(cleanup);

  // First, before any test opens a chart: chart.js must not load until a chart is shown.
  it('loads chart.js only when the Usage tab is first opened, and draws a chart per product', async () => {
    const el = await ready();
    await el.updateComplete;
    assert.ok(!chartJsLoaded(), 'chart.js is not loaded with the element');
    await openTab(el, 'overview');
    assert.ok(!chartJsLoaded(), 'nor on the Overview tab');
    const p = await openTab(el, 'usage');
    await until(() => p.querySelectorAll('canvas[data-chart]').length === 4, 'four usage charts');
    await until(() => chartJsLoaded(), 'chart.js loaded');
    await until(() => $$(el, 'canvas[data-chart]').every((c) => c.getAttribute('height') !== null), 'the charts drawn');
    const usage = requests.filter((r) => new URL(r.url).pathname.endsWith('/usage'));
    assert.equal(usage.length, 1);
    const q = new URL(usage[0]!.url).searchParams;
    const days = (Date.parse(q.get('to')!) - Date.parse(q.get('from')!)) / 86_400_000 + 1;
    assert.equal(days, 30, 'the default range is the last 30 days');
    assert.equal($(el, '[data-preset="30"]')!.getAttribute('aria-pressed'), 'true');
    assert.ok($(el, 'canvas[data-chart="usage-external"]')!.getAttribute('aria-label')!.startsWith('External perimeter:'));
    assert.equal($$(el, '[part="usage-table"] tbody tr').length, 30, 'the table alternative has one row per day');
    await expectNoAxeViolations(el);
  });

  it('changes the usage range with the presets and the date inputs', async () => {
    const el = await ready({}, 'tab="usage"');
    await until(() => $$(el, 'canvas[data-chart]').length === 4, 'charts');
    $(el, '[data-preset="90"]')!.click();
    await until(() => $$(el, '[part="usage-table"] tbody tr').length === 90, '90 rows');
    assert.equal($(el, '[data-preset="90"]')!.getAttribute('aria-pressed'), 'true');
    const from = $<HTMLInputElement>(el, 'input[name="from"]')!;
    from.value = '2026-11-01';
    from.dispatchEvent(new Event('change'));
    await until(() => requests.some((r) => new URL(r.url).searchParams.get('from') === '2026-11-01'), 'a request from 1 Nov');
    assert.equal($(el, '[data-preset="30"]')!.getAttribute('aria-pressed'), 'false');
  });

  it('shows the header, the Overview tab and passes axe', async () => {
    const el = await ready();
    assert.equal(text($(el, '[part="name"]')), 'Acme Health');
    assert.equal(text($(el, '[part="status"]')), 'Active');
    const fields = Object.fromEntries($$(el, '.field').map((f) => [text(f.querySelector('dt')), text(f.querySelector('dd'))]));
    assert.equal(fields['Plan'], 'Trial');
    assert.equal(fields['Monthly price (MRR)'], '€499.00');
    assert.equal(fields['Annual contract value (ACV)'], '€5,988.00');
    assert.equal(fields['Payment method'], 'Invoice');
    assert.equal(fields['Average IP price'], '€3.50');
    assert.equal(fields['Service mode'], 'Self-service');
    assert.equal(fields['Access delegation'], 'Read only');
    assert.equal(fields['VAT ID'], 'DE123456789');
    assert.equal(fields['Address'], 'Hauptstr. 110115 BerlinDE');
    assert.equal(fields['Renewal date'], '31 Jan 2027');
    await expectNoAxeViolations(el);
  });

  it('is an accessible tablist: arrows, Home and End move and select, with one tab stop', async () => {
    const el = await ready();
    const changes: unknown[] = [];
    el.addEventListener('msp-tab-change', (e) => changes.push(e.detail));
    const tablist = $(el, '[role="tablist"]')!;
    assert.deepEqual(
      $$(el, '[role="tab"]').map((t) => t.getAttribute('tabindex')),
      ['0', '-1', '-1', '-1', '-1', '-1'],
    );
    tab(el, 'overview').focus();
    key(tablist, 'ArrowRight');
    await until(() => el.tab === 'security', 'security selected');
    await el.updateComplete;
    assert.equal(tab(el, 'security').getAttribute('aria-selected'), 'true');
    assert.equal(tab(el, 'overview').getAttribute('aria-selected'), 'false');
    assert.equal(el.shadowRoot!.activeElement, tab(el, 'security'));
    assert.equal(el.getAttribute('tab'), 'security', 'the tab attribute reflects');
    assert.equal(panel(el).id, 'panel-security');
    assert.equal(panel(el).getAttribute('aria-labelledby'), 'tab-security');
    key(tablist, 'End');
    await until(() => el.tab === 'activity', 'End');
    key(tablist, 'ArrowRight');
    await until(() => el.tab === 'overview', 'wraps to the first');
    key(tablist, 'ArrowLeft');
    await until(() => el.tab === 'activity', 'wraps to the last');
    key(tablist, 'Home');
    await until(() => el.tab === 'overview', 'Home');
    assert.deepEqual(
      changes.map((c) => (c as { tab: string }).tab),
      ['security', 'activity', 'overview', 'activity', 'overview'],
    );
    el.tab = 'users';
    await el.updateComplete;
    assert.equal(panel(el).id, 'panel-users', 'the tab property selects a tab');
  });

  it('shows posture, findings by severity and the trend chart on the Security tab', async () => {
    const el = await ready({}, 'tab="security"');
    await until(() => $(el, 'canvas[data-chart="posture"]')?.getAttribute('height'), 'the posture chart');
    const severities = $$(el, '[part="severities"] li').map(text);
    assert.deepEqual(severities, ['Critical 1', 'High 2', 'Medium 3', 'Low 4', 'Info 5']);
    assert.equal($$(el, '[part="chart"] tbody tr').length, 30, 'the score table has 30 days');
    await expectNoAxeViolations(el);
  });

  it('shows the licence meter with the loaded licence and the IP distribution widget', async () => {
    const el = await ready({}, 'tab="licences"');
    const meter = await until(() => $(el, 'msp-license-meter'), 'the meter');
    await (meter as HTMLElementTagNameMap['msp-license-meter']).updateComplete;
    assert.equal(meter.shadowRoot!.querySelector('[role="meter"]')!.getAttribute('aria-valuetext'), '46 of 50 assets used, 92%');
    assert.equal(requests.filter((r) => r.url.endsWith('/licence')).length, 1, 'the meter does not fetch again');
    assert.ok($(el, 'slot[name="ip-distribution"]'), 'a slot that can replace the IP distribution widget');
    const ips = $(el, 'slot[name="ip-distribution"] > msp-ip-distribution');
    assert.equal(ips?.getAttribute('customer-id'), CUSTOMER_ID, 'the IP distribution widget of this customer');
    await until(() => ips!.shadowRoot!.querySelector('[role="slider"]'), 'the IP distribution');
    await expectNoAxeViolations(el);
  });

  it('reads the customer again after the IP distribution is saved, so the Overview shows the new price', async () => {
    const repriced = customer({ monthlyPrice: { amountMinor: 150000, currency: 'EUR' }, version: 8 });
    let reads = 0;
    const el = await ready({}, 'tab="licences"', [
      http.get(base, () => (reads++, HttpResponse.json(reads > 1 ? repriced : customer(), { headers: { etag: `"${reads > 1 ? 8 : 7}"` } }))),
      http.put(`${base}/ip-distribution`, () => HttpResponse.json(ipDistribution({ internal: 160, external: 240, total: 400, version: 2 }), { headers: { etag: '"2"' } })),
    ]);
    const ips = await until(() => $(el, 'msp-ip-distribution'), 'the IP distribution') as HTMLElementTagNameMap['msp-ip-distribution'];
    await until(() => ips.distribution, 'its distribution');
    ips.value = { internal: 160, external: 240 };
    await ips.updateComplete;
    Array.from(ips.shadowRoot!.querySelectorAll('button')).find((b) => b.textContent!.trim() === 'Apply')!.click();
    await until(() => reads === 2, 'the customer read again');
    assert.ok($(el, 'msp-ip-distribution') === ips, 'the Licences tab keeps its widget');
    await openTab(el, 'overview');
    await until(() => text(panel(el)).includes('€1,500.00'), 'the new monthly price');
  });

  it('lists users with their invites and re-sends a pending or expired invite', async () => {
    let sent = 0;
    worker.use(
      http.post(`${base}/users/:userId/invite`, ({ params }) =>
        params.userId === 'u3' ? problem(409, 'conflict', 'The invite was accepted already.') : (sent++, HttpResponse.json({ userId: params.userId, email: 'bob@acme.test', expiresAt: '2026-11-28T20:00:00.000Z', sentCount: 2 }, { status: 202 })),
      ),
    );
    const el = await ready({}, 'tab="users"');
    await until(() => $$(el, 'tbody tr[data-user]').length === 5, 'five users');
    assert.ok(text($(el, 'tr[data-user="u1"]')).includes('Main user'));
    assert.ok(text($(el, 'tr[data-user="u2"]')).includes('Pending, expires'));
    assert.ok(text($(el, 'tr[data-user="u3"]')).includes('Expired'));
    assert.deepEqual($$(el, '[data-resend]').map((b) => b.dataset.resend), ['u2', 'u3'], 'only unaccepted invites can be re-sent');
    assert.ok(text(panel(el)).includes('ada@acme.test'), 'the contact');
    await expectNoAxeViolations(el);
    $(el, '[data-resend="u2"]')!.click();
    await until(() => text($(el, 'tr[data-user="u2"] .outcome')).startsWith('New invite sent to bob@acme.test'), 'the result');
    assert.equal(sent, 1);
    const post = requests.find((r) => r.method === 'POST')!;
    assert.equal(new URL(post.url).pathname, `/v1/customers/${CUSTOMER_ID}/users/u2/invite`);
    $(el, '[data-resend="u3"]')!.click();
    await until(() => text($(el, 'tr[data-user="u3"] .outcome')) === 'The invite was accepted already.', 'the conflict');
    await expectNoAxeViolations(el);
  });

  it('pages the activity newest first with Load more', async () => {
    const el = await ready({ activityTotal: 25 }, 'tab="activity"');
    await until(() => $$(el, '[part="activity"] li').length === 20, 'the first page');
    assert.equal($$(el, '[part="activity"] li')[0]!.dataset.entry, 'a0');
    assert.ok(text($$(el, '[part="activity"] li')[1]).includes('status: active → locked'));
    assert.ok(text($$(el, '[part="activity"] li')[1]).includes('Customer locked'), 'the action in words');
    assert.ok(text($$(el, '[part="activity"] li')[0]).includes('Details edited'));
    await expectNoAxeViolations(el);
    $(el, '[data-more]')!.click();
    await until(() => $$(el, '[part="activity"] li').length === 25, 'the second page');
    const pages = requests.filter((r) => r.url.includes('/activity'));
    assert.equal(new URL(pages[1]!.url).searchParams.get('cursor'), '20');
    assert.equal($(el, '[data-more]'), null, 'no more pages');
    assert.equal(el.shadowRoot!.activeElement?.getAttribute('data-entry'), 'a20', 'focus moves to the first new entry');
  });

  it('sends each lifecycle action with If-Match and announces the change', async () => {
    let version = 7;
    const sent: { method: string; path: string; ifMatch: string | null; body: unknown }[] = [];
    worker.use(
      ...acceptChanges((req, body) => {
        sent.push({ method: req.method, path: new URL(req.url).pathname.replace(`/v1/customers/${CUSTOMER_ID}`, ''), ifMatch: req.headers.get('if-match'), body });
        version++;
        return customer({ version, status: req.url.endsWith('/lock') ? 'locked' : 'active', serviceMode: req.url.endsWith('/convert-to-managed') ? 'managed' : 'self_service' });
      }),
    );
    const el = await ready();
    const changed: string[] = [];
    el.addEventListener('msp-customer-changed', (e) => changed.push(e.detail.action));

    // Lock asks first.
    const dialog = await choose(el, 'lock');
    assert.ok(dialog?.open, 'a confirmation dialog');
    await expectNoAxeViolations(el);
    $(el, 'dialog [data-submit]')!.click();
    await until(() => text($(el, '[part="status"]')) === 'Locked', 'locked');
    assert.ok(text($(el, '[part="notice"]')).startsWith('Customer locked'));
    // Unlock runs at once.
    await choose(el, 'unlock');
    await until(() => text($(el, '[part="status"]')) === 'Active', 'unlocked');
    await choose(el, 'convert-to-managed');
    $(el, 'dialog [data-submit]')!.click();
    await until(() => changed.length === 3, 'converted');
    await choose(el, 'convert-to-purchased');
    const quota = $<HTMLInputElement>(el, 'dialog input[name="licenceQuota"]')!;
    quota.value = '25';
    $(el, 'dialog [data-submit]')!.click();
    await until(() => changed.length === 4, 'purchased');
    await choose(el, 'delegation');
    $<HTMLInputElement>(el, 'dialog input[value="full"]')!.click();
    $(el, 'dialog [data-submit]')!.click();
    await until(() => changed.length === 5, 'delegation');
    await choose(el, 'cancel');
    $(el, 'dialog [data-submit]')!.click();
    await until(() => changed.length === 6, 'cancelled');

    assert.deepEqual(
      sent.map((s) => [s.method, s.path, s.ifMatch]),
      [
        ['POST', '/lock', '"7"'],
        ['POST', '/unlock', '"8"'],
        ['POST', '/convert-to-managed', '"9"'],
        ['POST', '/convert-to-purchased', '"10"'],
        ['PATCH', '', '"11"'],
        ['POST', '/cancel', '"12"'],
      ],
    );
    assert.deepEqual(sent[3]!.body, { licenceQuota: 25 });
    assert.deepEqual(sent[4]!.body, { accessDelegation: 'full' });
    assert.deepEqual(changed, ['lock', 'unlock', 'convert-to-managed', 'convert-to-purchased', 'delegation', 'cancel']);
    assert.equal(el.shadowRoot!.activeElement, $(el, '[part="actions-button"]'), 'focus returns to the Actions button');
  });

  it('offers the actions the lifecycle rules allow for the status', async () => {
    const offered = async (c: Customer) => {
      cleanup();
      const el = await ready({ customer: c });
      (await until(() => $(el, '[part="actions-button"]'), 'the Actions button')).click();
      await until(() => $(el, '[role="menuitem"]'), 'the menu');
      return $$(el, '[role="menuitem"]').map((m) => m.dataset.action);
    };
    assert.deepEqual(await offered(customer({ status: 'invited', plan: 'purchased', serviceMode: 'managed' })), ['cancel', 'main-user', 'address', 'delegation', 'delete']);
    assert.deepEqual(await offered(customer({ status: 'locked' })), ['unlock', 'convert-to-managed', 'convert-to-purchased', 'main-user', 'address', 'delegation', 'delete']);
    assert.deepEqual(await offered(customer({ status: 'cancelled' })), ['reactivate', 'convert-to-managed', 'main-user', 'address', 'delegation', 'delete']);
    assert.deepEqual(await offered(customer({ status: 'connection_lost' })), ['lock', 'unlock', 'delete']);
  });

  it('offers only active users as the main user and sends the choice', async () => {
    const sent: unknown[] = [];
    worker.use(...acceptChanges((req, body) => (sent.push([req.method, new URL(req.url).pathname, req.headers.get('if-match'), body]), customer({ version: 8, mainUser: { id: 'u4', name: 'Dee Active', email: 'dee@acme.test', status: 'active' } }))));
    const el = await ready();
    await choose(el, 'main-user');
    const select = await until(() => $<HTMLSelectElement>(el, 'dialog select[name="userId"]'), 'the user list');
    assert.deepEqual(Array.from(select.options).map((o) => o.value), ['u1', 'u4']);
    await expectNoAxeViolations(el);
    select.value = 'u4';
    $(el, 'dialog [data-submit]')!.click();
    await until(() => sent.length === 1, 'the request');
    assert.deepEqual(sent[0], ['PUT', `/v1/customers/${CUSTOMER_ID}/main-user`, '"7"', { userId: 'u4' }]);
  });

  it('edits the address and VAT ID, showing the server field errors next to their fields', async () => {
    let calls = 0;
    const bodies: unknown[] = [];
    worker.use(
      http.patch(base, async ({ request }) => {
        bodies.push(await request.json());
        if (++calls === 1)
          return problem(400, 'invalid-request', 'The request is invalid.', { errors: [{ pointer: '#/body/vatId', detail: 'Not a valid German VAT ID.' }, { pointer: '#/body/address/city', detail: 'City is required.' }] });
        return HttpResponse.json(customer({ version: 8, vatId: 'DE999999999' }), { headers: { etag: '"8"' } });
      }),
    );
    const el = await ready();
    await choose(el, 'address');
    const vat = $<HTMLInputElement>(el, 'dialog input[name="vatId"]')!;
    assert.equal(vat.value, 'DE123456789');
    vat.value = 'DE1';
    $<HTMLInputElement>(el, 'dialog input[name="address/city"]')!.value = '';
    $(el, 'dialog [data-submit]')!.click();
    await until(() => $(el, '#f-vatId-error'), 'the VAT error');
    assert.equal(text($(el, '#f-vatId-error')), 'Not a valid German VAT ID.');
    assert.equal(vat.getAttribute('aria-invalid'), 'true');
    assert.equal(vat.getAttribute('aria-describedby'), 'f-vatId-hint f-vatId-error');
    assert.equal(text($(el, '#f-address-city-error')), 'City is required.');
    assert.deepEqual(bodies[0], { address: { line1: 'Hauptstr. 1', line2: null, postalCode: '10115', city: '' }, vatId: 'DE1' });
    await expectNoAxeViolations(el);
    vat.value = 'DE999999999';
    $<HTMLInputElement>(el, 'dialog input[name="address/city"]')!.value = 'Berlin';
    $(el, 'dialog [data-submit]')!.click();
    await until(() => !$(el, 'dialog'), 'the dialog closes');
    assert.ok(text($(el, '[part="notice"]')).startsWith('Address and VAT ID saved'));
  });

  it('on 412 shows the current customer and says what changed', async () => {
    worker.use(
      http.post(`${base}/lock`, () => problem(412, 'precondition-failed', 'The customer was changed.', { current: customer({ version: 9, status: 'cancelled', name: 'Acme Health GmbH' }) })),
    );
    const errors: unknown[] = [];
    const el = await ready();
    el.addEventListener('msp-error', (e) => errors.push(e.detail));
    await choose(el, 'lock');
    $(el, 'dialog [data-submit]')!.click();
    await until(() => text($(el, '[part="notice"]')).startsWith('Someone else changed'), 'the conflict notice');
    const notice = text($(el, '[part="notice"]'));
    assert.ok(notice.includes('Status: Active → Cancelled'), notice);
    assert.ok(notice.includes('Name: Acme Health → Acme Health GmbH'), notice);
    assert.equal(text($(el, '[part="name"]')), 'Acme Health GmbH');
    assert.equal((errors[0] as { status: number }).status, 412);
    // The next change uses the new version.
    worker.use(...acceptChanges(() => customer({ version: 10, status: 'active' })));
    await choose(el, 'reactivate');
    await until(() => mutations().length === 2, 'the second request');
    assert.equal(mutations()[1]!.headers.get('if-match'), '"9"');
  });

  it('reloads the customer on a 412 without the current one in the body', async () => {
    let gets = 0;
    const el = await ready({}, '', [
      http.get(base, () => (gets++, HttpResponse.json(customer({ version: 7 + gets, status: gets > 1 ? 'locked' : 'active' }), { headers: { etag: `"${7 + gets}"` } }))),
      http.post(`${base}/cancel`, () => problem(412, 'precondition-failed', 'Stale.')),
    ]);
    await choose(el, 'cancel');
    $(el, 'dialog [data-submit]')!.click();
    await until(() => text($(el, '[part="status"]')) === 'Locked', 'the reloaded customer');
    assert.ok(text($(el, '[part="notice"]')).includes('Status: Active → Locked'));
  });

  it('on 409 shows the server detail', async () => {
    worker.use(http.post(`${base}/unlock`, () => problem(409, 'invalid-transition', 'The customer is active, not locked.')));
    const el = await ready({ customer: customer({ status: 'locked' }) });
    await choose(el, 'unlock');
    await until(() => text($(el, '[part="notice"]')) === 'The customer is active, not locked.', 'the 409 detail');
    assert.equal($(el, '[part="notice"]')!.dataset.kind, 'error');
    await expectNoAxeViolations(el);
  });

  it('deletes only after DELETE is typed, then shows Deleting…', async () => {
    const sent: unknown[] = [];
    worker.use(
      http.post(`${base}/deletion`, async ({ request }) => {
        sent.push([request.headers.get('if-match'), await request.json()]);
        return HttpResponse.json(customer({ version: 8, status: 'deleting' }), { status: 202, headers: { etag: '"8"' } });
      }),
    );
    const el = await ready();
    await choose(el, 'delete');
    const submit = $<HTMLButtonElement>(el, 'dialog [data-submit]')!;
    const input = $<HTMLInputElement>(el, 'dialog input[name="confirm"]')!;
    assert.ok(submit.disabled, 'disabled while empty');
    await expectNoAxeViolations(el);
    for (const typed of ['delete', 'DELET', 'DELETE ']) {
      input.value = typed;
      input.dispatchEvent(new Event('input'));
      await el.updateComplete;
      assert.ok(submit.disabled, `disabled for "${typed}"`);
    }
    input.value = 'DELETE';
    input.dispatchEvent(new Event('input'));
    await el.updateComplete;
    assert.ok(!submit.disabled, 'enabled for DELETE');
    submit.click();
    await until(() => text($(el, '[part="status"]')) === 'Deleting…', 'the deleting status');
    assert.deepEqual(sent, [['"7"', { confirm: 'DELETE' }]]);
    assert.equal($(el, '[part="actions-button"]'), null, 'no actions while deleting');
    await expectNoAxeViolations(el);
  });

  it('hides the actions and invite buttons without customers:manage', async () => {
    const el = await ready({ permissions: ['customers:read', 'users:read'] }, 'tab="users"');
    await until(() => $$(el, 'tbody tr[data-user]').length === 5, 'users');
    assert.equal($(el, '[part="actions-button"]'), null);
    assert.equal($$(el, '[data-resend]').length, 0);
  });

  it('shows a revoked customer with a notice and no data tabs', async () => {
    const el = await ready({ customer: customer({ status: 'connection_lost', posture: null, openFindings: null, assets: null, licences: null }) });
    assert.equal(text($(el, '[part="status"]')), 'Connection lost');
    assert.ok(text($(el, '[data-kind="revoked"]')).includes('revoked your access'));
    assert.equal($(el, '[role="tablist"]'), null);
    assert.equal($$(el, '[role="tabpanel"]').length, 0);
    await expectNoAxeViolations(el);
  });

  it('shows an error with a retry when the customer cannot be loaded', async () => {
    let calls = 0;
    worker.use(http.get(base, () => (++calls === 1 ? problem(404, 'not-found', 'Customer not found.') : HttpResponse.json(customer()))), ...customerHandlers());
    const el = await mountIn('msp-customer-detail', `customer-id="${CUSTOMER_ID}"`);
    const error = await until(() => $(el, '[data-state="error"]'), 'the error');
    assert.ok(text(error).includes('Customer not found.'));
    await expectNoAxeViolations(el);
    error.querySelector('button')!.click();
    await until(() => $(el, '[part="name"]'), 'the customer after retry');
  });
});
