/// <reference types="mocha" />
import './customer-detail-stand-in.js';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import type { CustomerTabsPreference } from '../../components/core/api-types.js';
import { API, assert, cleanup, expectNoAxeViolations, startWorker, until, worker } from './helpers.js';

type Tabs = HTMLElementTagNameMap['msp-customer-tabs'];

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const tab = (n: number, name = `Customer ${n}`) => ({ id: id(n), name });

/**
 * A BFF holding one `customer-tabs` preference with versions, and customers by id (a missing
 * id answers 404). Records every PUT with its If-Match.
 */
function bff(initial: CustomerTabsPreference, opts: { customers?: Record<string, string>; conflictOnce?: boolean } = {}) {
  const saved = { value: initial, version: initial.open.length ? 3 : 0 };
  const puts: { ifMatch: string | null; value: CustomerTabsPreference }[] = [];
  let conflict = opts.conflictOnce ?? false;
  const names = opts.customers ?? Object.fromEntries(initial.open.map((t) => [t.id, t.name]));
  const preference = () => ({ key: 'customer-tabs', value: saved.value, version: saved.version, updatedAt: null });
  return {
    saved,
    puts,
    handlers: [
      http.get(`${API}/v1/me/preferences/customer-tabs`, () => HttpResponse.json(preference(), { headers: { etag: `"${saved.version}"` } })),
      http.put(`${API}/v1/me/preferences/customer-tabs`, async ({ request }) => {
        const { value } = (await request.json()) as { value: CustomerTabsPreference };
        const ifMatch = request.headers.get('if-match');
        puts.push({ ifMatch, value });
        if (conflict || ifMatch !== `"${saved.version}"`) {
          conflict = false;
          saved.version += 1; // someone else saved meanwhile
          return HttpResponse.json(
            { type: 'https://portico.dev/problems/precondition-failed', title: 'Precondition failed', status: 412, detail: 'stale', current: preference() },
            { status: 412, headers: { 'content-type': 'application/problem+json', etag: `"${saved.version}"` } },
          );
        }
        saved.value = value;
        saved.version += 1;
        return HttpResponse.json(preference(), { headers: { etag: `"${saved.version}"` } });
      }),
      http.get(`${API}/v1/customers/:id`, ({ params }) => {
        const name = names[params.id as string];
        return name
          ? HttpResponse.json({ id: params.id, name })
          : HttpResponse.json({ type: 'https://portico.dev/problems/not-found', title: 'Not found', status: 404, detail: 'No such customer.' }, { status: 404 });
      }),
    ],
  };
}

async function mount(): Promise<{ tabs: Tabs; root: ShadowRoot }> {
  await startWorker();
  const host = document.createElement('div');
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><msp-customer-tabs><a slot="start" href="#/customers">All customers</a></msp-customer-tabs></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const tabs = host.querySelector('msp-customer-tabs')!;
  await tabs.updateComplete;
  await tabs.ready;
  await tabs.updateComplete;
  return { tabs, root: tabs.shadowRoot! };
}

const tabNames = (root: ShadowRoot) => Array.from(root.querySelectorAll('[role="tab"]')).map((t) => t.textContent!.trim());
const selected = (root: ShadowRoot) => root.querySelector('[role="tab"][aria-selected="true"]')?.textContent!.trim() ?? null;
const visiblePanel = (root: ShadowRoot) => root.querySelector<HTMLElement>('[role="tabpanel"]:not([hidden])');
const settled = async (t: Tabs, b: ReturnType<typeof bff>, puts: number) => {
  await until(() => b.puts.length >= puts, `${puts} saves`);
  await t.updateComplete;
};

describe('<msp-customer-tabs>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('restores the saved tabs and shows the active customer in its panel', async () => {
    const b = bff({ open: [tab(1, 'Acme'), tab(2, 'Globex')], active: id(2) });
    worker.use(...b.handlers);
    const { tabs, root } = await mount();
    assert.deepEqual(tabNames(root), ['Acme', 'Globex']);
    assert.equal(selected(root), 'Globex');
    assert.equal(tabs.active, id(2));
    const panel = visiblePanel(root)!;
    assert.equal(panel.querySelector('msp-customer-detail')!.getAttribute('customer-id'), id(2));
    assert.equal(panel.getAttribute('aria-labelledby'), `tab-${id(2)}`);
    assert.equal(root.querySelectorAll('msp-customer-detail').length, 1, 'a tab never shown has no detail yet');
    assert.equal(b.puts.length, 0, 'nothing changed, nothing saved');
    await expectNoAxeViolations(tabs);
  });

  it('drops a restored customer that is gone (404) quietly, renames one that changed, and saves that with If-Match', async () => {
    const b = bff({ open: [tab(1, 'Acme'), tab(2, 'Globex'), tab(3, 'Initech')], active: id(2) }, { customers: { [id(1)]: 'Acme Ltd', [id(3)]: 'Initech' } });
    worker.use(...b.handlers);
    const errors: unknown[] = [];
    document.addEventListener('msp-error', (e) => errors.push(e.detail));
    const { tabs, root } = await mount();
    await settled(tabs, b, 1);
    assert.deepEqual(tabNames(root), ['Acme Ltd', 'Initech']);
    assert.equal(b.puts[0]!.ifMatch, '"3"', 'the ETag the read returned');
    assert.deepEqual(b.puts[0]!.value, { open: [tab(1, 'Acme Ltd'), tab(3, 'Initech')], active: id(1) });
    assert.deepEqual(errors, [], 'no error for a customer that is gone');
  });

  it('open() adds and activates a tab, reading its name when not given; a customer it cannot see opens nothing', async () => {
    const b = bff({ open: [], active: null }, { customers: { [id(7)]: 'Umbrella' } });
    worker.use(...b.handlers);
    const { tabs, root } = await mount();
    assert.equal(root.querySelector('[role="tablist"]'), null, 'no tab list without tabs');
    assert.equal(await tabs.open(id(5), 'Hooli'), true);
    assert.equal(await tabs.open(id(7)), true);
    await settled(tabs, b, 1);
    assert.deepEqual(tabNames(root), ['Hooli', 'Umbrella']);
    assert.equal(selected(root), 'Umbrella');
    assert.equal(await tabs.open(id(9)), false, 'a 404 opens nothing');
    assert.deepEqual(tabNames(root), ['Hooli', 'Umbrella']);
    await until(() => b.saved.value.open.length === 2 && b.saved.value.active === id(7), 'the last state saved');
    // Each save sent the ETag the previous one returned.
    assert.deepEqual(
      b.puts.map((p) => p.ifMatch),
      b.puts.map((_, i) => `"${i}"`),
    );
    await tabs.open(id(5));
    await tabs.updateComplete;
    assert.equal(selected(root), 'Hooli', 'opening an open customer switches to it');
    assert.equal(tabNames(root).length, 2);
    await until(() => b.saved.value.active === id(5), 'the switch saved');
  });

  it('open() without a name rejects when the BFF fails for another reason than visibility, opening nothing', async () => {
    const b = bff({ open: [], active: null });
    worker.use(
      http.get(`${API}/v1/customers/:id`, () =>
        HttpResponse.json({ type: 'https://portico.dev/problems/internal-error', title: 'Internal error', status: 500, detail: 'Boom.' }, { status: 500 }),
      ),
      ...b.handlers,
    );
    const { tabs, root } = await mount();
    let failure: { status?: number } | undefined;
    await tabs.open(id(4)).catch((e: { status?: number }) => (failure = e));
    assert.equal(failure?.status, 500);
    assert.deepEqual(tabNames(root), []);
    assert.equal(b.puts.length, 0);
  });

  it('keeps at most 12 tabs: the oldest makes room', async () => {
    const b = bff({ open: Array.from({ length: 12 }, (_, i) => tab(i + 1)), active: id(1) });
    worker.use(...b.handlers);
    const { tabs, root } = await mount();
    await tabs.open(id(13), 'Customer 13');
    await tabs.updateComplete;
    assert.equal(tabNames(root).length, 12);
    assert.equal(tabNames(root)[0], 'Customer 2');
    assert.equal(selected(root), 'Customer 13');
    await until(() => b.saved.value.active === id(13), 'saved');
  });

  it('the close button closes a tab; the next one becomes active; the user action is announced', async () => {
    const b = bff({ open: [tab(1, 'Acme'), tab(2, 'Globex'), tab(3, 'Initech')], active: id(2) });
    worker.use(...b.handlers);
    const { tabs, root } = await mount();
    const changes: { open: { id: string }[]; active: string | null }[] = [];
    tabs.addEventListener('msp-customer-tabs-change', (e) => changes.push(e.detail));
    root.querySelector<HTMLButtonElement>('button[aria-label="Close Globex"]')!.click();
    await tabs.updateComplete;
    assert.deepEqual(tabNames(root), ['Acme', 'Initech']);
    assert.equal(selected(root), 'Initech');
    await until(() => root.activeElement === root.querySelector('[role="tab"][aria-selected="true"]'), 'focus on the new active tab');
    assert.deepEqual(changes.at(-1), { open: [tab(1, 'Acme'), tab(3, 'Initech')], active: id(3) });
    await until(() => b.saved.value.open.length === 2, 'saved');
    await tabs.close(id(3));
    await tabs.close(id(1));
    await tabs.updateComplete;
    assert.deepEqual(tabNames(root), []);
    assert.equal(tabs.active, null);
    assert.equal(changes.length, 1, 'calls from the host page emit nothing');
    await until(() => b.saved.value.open.length === 0, 'saved empty');
  });

  it('keyboard: one tab stop, arrows and Home/End switch customers, Delete closes one', async () => {
    const b = bff({ open: [tab(1, 'Acme'), tab(2, 'Globex'), tab(3, 'Initech')], active: id(1) });
    worker.use(...b.handlers);
    const { tabs, root } = await mount();
    const focusable = Array.from(root.querySelectorAll<HTMLElement>('[role="tab"], button')).filter((el) => el.tabIndex === 0);
    assert.equal(focusable.length, 1, 'one tab stop for the strip');
    root.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await tabs.updateComplete;
    assert.equal(selected(root), 'Globex');
    assert.equal(root.activeElement!.textContent!.trim(), 'Globex');
    await sendKeys({ press: 'End' });
    await tabs.updateComplete;
    assert.equal(selected(root), 'Initech');
    await sendKeys({ press: 'ArrowRight' });
    await tabs.updateComplete;
    assert.equal(selected(root), 'Acme', 'wraps around');
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'Home' });
    await tabs.updateComplete;
    assert.equal(selected(root), 'Acme');
    assert.equal(root.querySelectorAll('msp-customer-detail').length, 3, 'each customer shown keeps its detail');
    await sendKeys({ press: 'Delete' });
    await tabs.updateComplete;
    assert.deepEqual(tabNames(root), ['Globex', 'Initech']);
    await until(() => root.activeElement?.textContent?.trim() === 'Globex', 'focus on the next tab');
    await expectNoAxeViolations(tabs);
    await until(() => b.saved.value.open.length === 2 && b.saved.value.active === id(2), 'the last state saved');
  });

  it('a save refused as stale (412) is sent again with the version it names', async () => {
    const b = bff({ open: [tab(1, 'Acme')], active: id(1) }, { conflictOnce: true });
    worker.use(...b.handlers);
    const { tabs } = await mount();
    await tabs.open(id(1), 'Acme');
    await tabs.activate(null);
    await until(() => b.puts.length === 2 && b.saved.value.active === null, 'the save after the conflict');
    assert.deepEqual(
      b.puts.map((p) => p.ifMatch),
      ['"3"', '"4"'],
    );
    assert.equal(b.saved.version, 5);
  });
});
