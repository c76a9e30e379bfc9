/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import '../../components/msp-finding-search.js';
import type { FindingSearchGroup, FindingSearchPage } from '../../components/finding-search/define.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, sleep, startWorker, until, worker } from './helpers.js';

type Search = HTMLElementTagNameMap['msp-finding-search'];

const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const $$ = <T extends Element = HTMLElement>(el: Element, selector: string) => Array.from(el.shadowRoot!.querySelectorAll<T>(selector));
const searches = () => requests.filter((r) => new URL(r.url).pathname === '/v1/search/findings').map((r) => new URL(r.url).searchParams);

function group(i: number, overrides: Partial<FindingSearchGroup> = {}): FindingSearchGroup {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  return {
    id,
    name: `Customer ${i}`,
    matches: 7,
    severity: { critical: 1, high: 4, medium: 2, low: 0, info: 0 },
    findings: [
      {
        id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        title: 'Legacy SMTP AUTH enabled on mail gateway',
        type: 'smtp-legacy-auth',
        severity: 'critical',
        status: 'open',
        asset: { id: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`, value: `mail.customer-${i}.example` },
        firstSeenAt: '2026-10-01T08:00:00.000Z',
        lastSeenAt: '2026-11-20T08:00:00.000Z',
      },
    ],
    ...overrides,
  };
}

const page = (items: FindingSearchGroup[], nextCursor: string | null = null, customers = items.length): FindingSearchPage => ({
  items,
  nextCursor,
  total: { customers, findings: items.reduce((n, g) => n + g.matches, 0) },
  types: [
    { type: 'smtp-legacy-auth', count: 12 },
    { type: 'dmarc-missing', count: 3 },
  ],
});

async function mount(attrs = ''): Promise<Search> {
  await startWorker();
  const host = document.createElement('div');
  host.style.width = '1000px';
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><msp-finding-search debounce="50" ${attrs}></msp-finding-search></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const el = host.querySelector('msp-finding-search')!;
  await el.updateComplete;
  return el;
}

const type = async (el: Search, value: string) => {
  const input = $<HTMLInputElement>(el, 'input[type="search"]')!;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
};

describe('<msp-finding-search>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('waits for text or a filter, then searches once the typing stops, and groups the results by customer', async () => {
    worker.use(http.get(`${API}/v1/search/findings`, () => HttpResponse.json(page([group(1), group(2, { matches: 2, severity: { critical: 0, high: 2, medium: 0, low: 0, info: 0 } })]))));
    const el = await mount();
    await sleep(100);
    assert.equal(searches().length, 0, 'nothing to search for yet');
    assert.ok(text(el).includes('Type what to look for'), text(el));
    await expectNoAxeViolations(el);

    await type(el, 's');
    await type(el, 'sm');
    await type(el, 'smtp');
    await until(() => $$(el, '.group').length === 2, 'two customer groups');
    assert.equal(searches().length, 1, 'one request after the debounce, not one per keystroke');
    assert.equal(searches()[0]!.get('q'), 'smtp');
    assert.equal(searches()[0]!.get('status'), 'open');
    assert.equal($(el, '[part="summary"]')!.textContent!.trim(), '9 findings at 2 customers');
    const first = $(el, '.group')!;
    // Counts per severity in words, not colour alone.
    assert.deepEqual(Array.from(first.querySelectorAll('.severities li')).map((li) => li.textContent!.trim()), ['1 critical', '4 high', '2 medium']);
    assert.ok(first.textContent!.includes('7 findings'));
    await expectNoAxeViolations(el);
  });

  it('opens a group with the keyboard to show its worst findings, and announces the customer chosen', async () => {
    worker.use(http.get(`${API}/v1/search/findings`, () => HttpResponse.json(page([group(1)]))));
    const el = await mount('query="smtp"');
    await until(() => $(el, '.group'), 'a group');
    const toggle = $<HTMLButtonElement>(el, '.toggle')!;
    assert.equal(toggle.getAttribute('aria-expanded'), 'false');
    assert.equal($(el, 'table'), null);
    toggle.focus();
    toggle.click(); // Enter and Space on a <button> are clicks
    await el.updateComplete;
    assert.equal(toggle.getAttribute('aria-expanded'), 'true');
    const panel = el.shadowRoot!.getElementById(toggle.getAttribute('aria-controls')!)!;
    assert.ok(panel, 'aria-controls names the panel');
    const cells = Array.from(panel.querySelectorAll('tbody tr:first-child > *')).map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    assert.deepEqual(cells, ['Critical', 'Legacy SMTP AUTH enabled on mail gateway smtp-legacy-auth', 'mail.customer-1.example', 'Open', '1 Oct 2026', '20 Nov 2026']);
    assert.ok(panel.textContent!.includes('Showing the worst 1 of 7 matches'), panel.textContent!);
    await expectNoAxeViolations(el);

    let chosen: { customerId: string; name: string } | undefined;
    el.addEventListener('msp-finding-customer', (e) => (chosen = e.detail));
    $<HTMLButtonElement>(el, '.open')!.click();
    assert.deepEqual(chosen, { customerId: group(1).id, name: 'Customer 1' });
  });

  it('sends the filters: severities, a type from the answer, status and age', async () => {
    worker.use(http.get(`${API}/v1/search/findings`, () => HttpResponse.json(page([group(1)]))));
    const el = await mount('query="smtp"');
    await until(() => $(el, '.group'), 'a group');
    const checks = $$<HTMLInputElement>(el, 'fieldset input[type="checkbox"]');
    assert.deepEqual(checks.map((c) => c.parentElement!.textContent!.trim()), ['Critical', 'High', 'Medium', 'Low', 'Info']);
    checks[1]!.click();
    checks[0]!.click();
    await until(() => searches().at(-1)?.get('severity') === 'critical,high', 'severity filter');

    const [typeSelect, statusSelect, ageSelect] = $$<HTMLSelectElement>(el, 'select');
    assert.deepEqual(Array.from(typeSelect!.options).map((o) => o.textContent), ['All types', 'smtp-legacy-auth (12)', 'dmarc-missing (3)']);
    typeSelect!.value = 'dmarc-missing';
    typeSelect!.dispatchEvent(new Event('change'));
    await until(() => searches().at(-1)?.get('type') === 'dmarc-missing', 'type filter');
    statusSelect!.value = 'any';
    statusSelect!.dispatchEvent(new Event('change'));
    await until(() => searches().at(-1)?.get('status') === 'open,resolved,accepted_risk', 'status filter');
    ageSelect!.value = '30';
    ageSelect!.dispatchEvent(new Event('change'));
    await until(() => searches().at(-1)?.get('olderThanDays') === '30', 'age filter');
    const last = searches().at(-1)!;
    assert.deepEqual([last.get('q'), last.get('severity'), last.get('type')], ['smtp', 'critical,high', 'dmarc-missing']);
    await expectNoAxeViolations(el);
  });

  it('loads more customers with the cursor, keeping those shown', async () => {
    worker.use(
      http.get(`${API}/v1/search/findings`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        return HttpResponse.json(cursor === 'next-1' ? page([group(3)], null, 3) : page([group(1), group(2)], 'next-1', 3));
      }),
    );
    const el = await mount('query="smtp"');
    await until(() => $$(el, '.group').length === 2, 'the first page');
    const more = $<HTMLButtonElement>(el, '[part="more"]')!;
    assert.ok(more.textContent!.includes('2 of 3 shown'), more.textContent!);
    more.click();
    await until(() => $$(el, '.group').length === 3, 'the second page');
    assert.equal(searches().at(-1)!.get('cursor'), 'next-1');
    assert.equal($(el, '[part="more"]'), null, 'no more pages');
    assert.deepEqual($$(el, '.name').map((n) => n.textContent), ['Customer 1', 'Customer 2', 'Customer 3']);
  });

  it('says when nothing matches, and shows an error with a retry that works', async () => {
    let fail = true;
    worker.use(
      http.get(`${API}/v1/search/findings`, ({ request }) => {
        if (new URL(request.url).searchParams.get('q') === 'nothing') return HttpResponse.json(page([]));
        if (fail) return HttpResponse.json({ type: 'https://portico.dev/problems/internal-error', title: 'Internal error', status: 500, detail: 'Something went wrong.' }, { status: 500, headers: { 'content-type': 'application/problem+json' } });
        return HttpResponse.json(page([group(1)]));
      }),
    );
    const el = await mount('query="nothing"');
    await until(() => $(el, '[data-state="empty"]'), 'the empty state');
    assert.ok(text(el).includes('No open findings match “nothing”.'), text(el));
    await expectNoAxeViolations(el);

    let errors = 0;
    el.addEventListener('msp-error', () => errors++);
    el.query = 'smtp';
    await until(() => $(el, '[data-state="error"]'), 'the error state');
    assert.equal(errors, 1);
    await expectNoAxeViolations(el);
    fail = false;
    $<HTMLButtonElement>(el, '[data-state="error"] button')!.click();
    await until(() => $(el, '.group'), 'results after the retry');
  });
});
