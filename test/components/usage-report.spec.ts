/// <reference types="mocha" />
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import '../../components/usage-report/define.js';
import type { UsageReport } from '../../components/usage-report/usage-api.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';

type Report = HTMLElementTagNameMap['msp-usage-report'];
const NORTHWIND = '00000000-0000-4000-8000-000000009999';
const HARBOR = '00000000-0000-4000-8000-000000008888';
const customer = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = (el: Element, sel: string) => Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>(sel));
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
performance.setResourceTimingBufferSize(10_000);
const chartJsLoaded = () => performance.getEntriesByType('resource').some((e) => e.name.includes('/node_modules/chart.js/'));

const problem = (status: number, type: string, detail: string) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail }, { status, headers: { 'content-type': 'application/problem+json' } });

/** Twelve periods ending with `last`, MSSP (26th–25th) or reseller (calendar months), on a UTC clock. */
function periods(type: 'mssp' | 'reseller', last = '2026-11') {
  const [y, m] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const month = m - 11 + i;
    const start = type === 'mssp' ? new Date(Date.UTC(y, month - 2, 26)) : new Date(Date.UTC(y, month - 1, 1));
    const end = type === 'mssp' ? new Date(Date.UTC(y, month - 1, 26)) : new Date(Date.UTC(y, month, 1));
    const label = new Date(Date.UTC(y, month - 1, 1)).toISOString().slice(0, 7);
    return {
      start: start.toISOString(),
      end: end.toISOString(),
      label,
      amountMinor: 100_000 + i * 1_000,
      costMinor: 60_000,
      marginMinor: 40_000 + i * 1_000,
      acvMinor: 1_200_000 + i * 12_000,
      customersBilled: 2,
      scans: { external: 10 + i, internal: i, web_app: 2, compliance: i === 11 ? 0 : 1 },
    };
  });
}

function report(type: 'mssp' | 'reseller' = 'mssp', overrides: Partial<UsageReport> = {}): UsageReport {
  const ps = periods(type);
  const seller = type === 'mssp' ? { id: NORTHWIND, name: 'Northwind Cyber', timeZone: 'UTC', currency: 'EUR' } : { id: HARBOR, name: 'Harbor IT Partners', timeZone: 'UTC', currency: 'EUR' };
  const zeros = () => ps.map(() => 0);
  return {
    type,
    partnerships: [
      { type: 'mssp', sellers: [{ id: NORTHWIND, name: 'Northwind Cyber' }] },
      { type: 'reseller', sellers: [{ id: HARBOR, name: 'Harbor IT Partners' }] },
    ],
    seller,
    costs: true,
    period: { start: ps[11]!.start, end: ps[11]!.end, label: ps[11]!.label },
    products: [
      { product: 'external', label: 'External' },
      { product: 'internal', label: 'Internal' },
      { product: 'web_app', label: 'Web application' },
      { product: 'compliance', label: 'Compliance' },
    ],
    periods: ps,
    summary: { customers: 3, active: 2, acvMinor: 1_332_000, renewalsNextThreeMonths: 1 },
    customers: [
      { id: customer(1), name: 'Acme Dental', status: 'active', renewsAt: null, amountMinor: ps.map((p) => p.amountMinor - 40_000), costMinor: zeros(), acvMinor: ps.map(() => 720_000), scans: { external: ps.map((p) => p.scans.external - 4), internal: zeros(), web_app: ps.map(() => 2), compliance: zeros() } },
      { id: customer(2), name: 'Blue Ridge Labs', status: 'active', renewsAt: null, amountMinor: ps.map(() => 40_000), costMinor: zeros(), acvMinor: ps.map((p) => p.acvMinor - 720_000), scans: { external: ps.map(() => 4), internal: ps.map((p) => p.scans.internal), web_app: zeros(), compliance: ps.map((p) => p.scans.compliance) } },
      { id: customer(3), name: 'Cobalt Trial', status: 'active', renewsAt: null, amountMinor: zeros(), costMinor: zeros(), acvMinor: zeros(), scans: { external: zeros(), internal: zeros(), web_app: zeros(), compliance: zeros() } },
    ],
    invoice: {
      lines: [
        { customerId: customer(1), customerName: 'Acme Dental', description: 'Acme Dental: 40 IPs (16 internal, 24 external)', from: ps[11]!.start, to: ps[11]!.end, ips: 40, amountMinor: 71_000, costMinor: 40_000 },
        { customerId: customer(2), customerName: 'Blue Ridge Labs', description: 'Blue Ridge Labs: 16 IPs (0 internal, 16 external), prorated', from: ps[11]!.start, to: ps[11]!.end, ips: 16, amountMinor: 40_000, costMinor: 20_000 },
      ],
      totals: { amountMinor: 111_000, costMinor: 60_000, marginMinor: 51_000 },
    },
    ...overrides,
  };
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function handlers(answer: (url: URL) => UsageReport | Response = (url) => report((url.searchParams.get('type') as 'mssp' | 'reseller' | null) ?? 'mssp')) {
  return [
    http.get(`${API}/v1/usage-report`, ({ request }) => {
      const a = answer(new URL(request.url));
      return a instanceof Response ? a : HttpResponse.json(a);
    }),
    http.get(`${API}/v1/usage-report/export`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      return new HttpResponse(new Uint8Array([80, 75, 3, 4]), {
        headers: { 'content-type': XLSX, 'content-disposition': `attachment; filename="${q.get('content')}-${q.get('type')}-${q.get('period')}.xlsx"` },
      });
    }),
  ];
}

async function mount(answer?: Parameters<typeof handlers>[0], attrs = ''): Promise<Report> {
  await startWorker();
  worker.use(...handlers(answer));
  const host = document.createElement('div');
  host.style.width = '1100px';
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB" theme="light"><msp-usage-report ${attrs}></msp-usage-report></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const el = host.querySelector('msp-usage-report')!;
  await until(() => $(el, 'h2'), 'the report header');
  return el;
}

const usageRequests = () => requests.filter((r) => new URL(r.url).pathname === '/v1/usage-report');
const exportRequests = () => requests.filter((r) => new URL(r.url).pathname === '/v1/usage-report/export');
const drawn = (el: Report) => until(() => $$(el, 'canvas[data-chart]').length > 0 && $$(el, 'canvas[data-chart]').every((c) => c.getAttribute('height') !== null), 'the charts drawn');

describe('<msp-usage-report>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('MSSP: billing period, cards, scans by product in the last three periods with a text summary and a table; chart.js only once a report is shown', async () => {
    const el = await mount();
    assert.equal(text($(el, 'h2')), 'Northwind Cyber');
    assert.ok(text($(el, '[data-period]')).startsWith('Billing period: 26 Oct – 25 Nov 2026'), text($(el, '[data-period]')));
    assert.equal(text($(el, '[data-card="invoiced"] .big')), '€1,110.00');
    assert.equal(text($(el, '[data-card="scans"] .big')), '34');
    assert.ok(text($(el, '[data-card="margin"]')).includes('€510.00'));
    assert.equal(text($(el, '[data-summary="products"]')), '34 scans in 26 Oct – 25 Nov 2026: External 21, Internal 11, Web application 2, Compliance 0; 33 in 26 Sept – 25 Oct 2026.');
    const head = $$(el, '[data-table="products"] thead th').map(text);
    assert.deepEqual(head, ['Product', '26 Aug – 25 Sept 2026', '26 Sept – 25 Oct 2026', '26 Oct – 25 Nov 2026']);
    assert.equal($$(el, '[data-table="products"] tbody tr').length, 4);
    assert.equal(text($(el, '[data-table="lines"] [data-total]')), '€1,110.00');
    assert.equal(usageRequests().length, 1);
    assert.equal(new URL(usageRequests()[0]!.url).search, '', 'the first request leaves type and period to the BFF');
    await until(chartJsLoaded, 'chart.js loaded');
    await drawn(el);
    assert.equal($(el, 'canvas[data-chart="products"]')!.getAttribute('role'), 'img');
  });

  it("a figure in the table opens that product's customers for its period, and Close returns focus to it", async () => {
    const el = await mount();
    $(el, 'details')!.setAttribute('open', '');
    const cell = $(el, '[data-drill-product="external"][data-drill-period="2026-10"]')!;
    cell.click();
    const drill = await until(() => $(el, '[data-drill]'), 'the drill-down');
    assert.equal(drill.dataset.drill, 'external|2026-10');
    assert.equal(text($(el, '#drill-title')), 'External scans, 26 Sept – 25 Oct 2026');
    await until(() => el.shadowRoot!.activeElement?.id === 'drill-title', 'focus on the drill-down heading');
    const rows = $$(el, '[data-table="drill"] tbody tr');
    assert.deepEqual(rows.map((r) => r.dataset.customer), [customer(1), customer(2)], 'customers with scans, most first; none without');
    assert.deepEqual(
      rows.map((r) => Array.from(r.querySelectorAll('td')).map(text)),
      [['16', '€700.00'], ['4', '€400.00']],
    );
    ($(el, '[data-drill] button') as HTMLButtonElement).click();
    await until(() => !$(el, '[data-drill]'), 'the drill-down closed');
    await until(() => el.shadowRoot!.activeElement === cell, 'focus back on the figure');
  });

  it('clicking a bar of the chart drills into that product and period', async () => {
    const el = await mount();
    await drawn(el);
    const canvas = $(el, 'canvas[data-chart="products"]')!;
    const box = canvas.getBoundingClientRect();
    // The third product's column sits right of the middle: the bar nearest along x is one of its own.
    await sendMouse({ type: 'click', position: [Math.round(box.left + box.width * 0.68), Math.round(box.top + box.height * 0.6)] });
    const drill = await until(() => $(el, '[data-drill]'), 'the drill-down after a click on the chart');
    assert.ok(drill.dataset.drill!.startsWith('web_app|'), drill.dataset.drill);
    await resetMouse();
  });

  it('switches to the reseller partnership: cards, ACV over time, monthly usage, both Excel exports', async () => {
    const changes: { type: string; period: string; seller: string }[] = [];
    const el = await mount();
    el.addEventListener('msp-usage-change', (e) => changes.push(e.detail));
    const reseller = $<HTMLInputElement>(el, 'input[name="partnership"][value="reseller"]')!;
    reseller.click();
    await until(() => text($(el, 'h2')) === 'Harbor IT Partners', 'the reseller report');
    assert.equal(new URL(usageRequests()[1]!.url).searchParams.get('type'), 'reseller');
    assert.deepEqual(changes, [{ type: 'reseller', period: '', seller: '' }]);
    assert.equal(el.getAttribute('type'), 'reseller');
    assert.ok(text($(el, '[data-period]')).startsWith('Month: November 2026'));
    assert.deepEqual($$(el, '[data-card] .label').map(text), ['Total customers', 'Active', 'ACV', 'Renewals in the next three months']);
    assert.deepEqual($$(el, '[data-card] .big').map(text), ['3', '2', '€13,320.00', '1']);
    assert.equal(text($(el, '[data-summary="acv"]')), 'ACV rose from €12,000.00 to €13,320.00 between the end of December 2025 and the end of November 2026; highest €13,320.00 in November 2026.');
    assert.ok(text($(el, '[data-summary="monthly"]')).startsWith('287 scans in 12 months (External 186, Internal 66, Web application 24, Compliance 11)'));
    assert.equal($$(el, '[data-table="monthly"] tbody tr').length, 12);
    await drawn(el);
    assert.deepEqual($$(el, 'canvas[data-chart]').map((c) => c.dataset.chart), ['acv', 'monthly']);

    $(el, '[data-download="acv-history"]')!.click();
    await until(() => text($(el, '.status')) === 'Downloaded acv-history-reseller-2026-11.xlsx.', 'the ACV history downloaded');
    const q = new URL(exportRequests()[0]!.url).searchParams;
    assert.deepEqual([q.get('content'), q.get('format'), q.get('type'), q.get('period'), q.get('seller')], ['acv-history', 'xlsx', 'reseller', '2026-11', HARBOR]);
    $(el, '[data-download="usage"]')!.click();
    await until(() => exportRequests().length === 2 && text($(el, '.status')).startsWith('Downloaded usage-reseller'), 'the monthly usage downloaded');
  });

  it('asks for another period from the picker, which counts back from the period running now', async () => {
    const el = await mount((url) => {
      const r = report();
      const label = url.searchParams.get('period');
      return label ? { ...r, period: { ...r.period!, label } } : r;
    });
    const picker = $<HTMLSelectElement>(el, '#period')!;
    assert.equal(picker.options.length, 24);
    assert.equal(picker.options[0]!.textContent!.trim(), '26 Oct – 25 Nov 2026');
    picker.value = '2026-06';
    picker.dispatchEvent(new Event('change'));
    await until(() => usageRequests().length === 2, 'a second request');
    assert.equal(new URL(usageRequests()[1]!.url).searchParams.get('period'), '2026-06');
    await until(() => $<HTMLSelectElement>(el, '#period')!.value === '2026-06', 'the picker on the chosen period');
    assert.equal($<HTMLSelectElement>(el, '#period')!.options.length, 24, 'still counted from the running period');
  });

  it('downloads the MSSP invoice breakdown as Excel', async () => {
    const el = await mount();
    $(el, '[data-download="usage"]')!.click();
    await until(() => text($(el, '.status')) === 'Downloaded usage-mssp-2026-11.xlsx.', 'downloaded');
    assert.equal(new URL(exportRequests()[0]!.url).searchParams.get('content'), 'usage');
    assert.equal($$(el, '[data-download]').length, 1, 'MSSP offers the one workbook');
  });

  it('says so when the partner has no business of the type asked for, and offers no switch with one type', async () => {
    const el = await mount(() => report('mssp', { seller: null, period: null, periods: [], customers: [], partnerships: [{ type: 'reseller', sellers: [{ id: HARBOR, name: 'Harbor IT Partners' }] }] }), 'type="mssp"');
    assert.equal(text($(el, '[data-state="empty"]')), 'There is no MSSP business in your view to report on.');
    assert.equal($(el, 'input[name="partnership"]'), null);
    assert.equal($(el, '[data-download]'), null);
  });

  it('shows a refusal as an error with a retry, and reports it as msp-error', async () => {
    const errors: string[] = [];
    document.addEventListener('msp-error', (e) => errors.push(e.detail.message), { once: true });
    const host = document.createElement('div');
    await startWorker();
    worker.use(http.get(`${API}/v1/usage-report`, () => problem(403, 'forbidden', 'Your role may not read usage.')));
    host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><msp-usage-report></msp-usage-report></msp-provider>`;
    document.body.append(host);
    host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const el = host.querySelector('msp-usage-report')!;
    const box = await until(() => $(el, '[data-state="error"]'), 'the error state');
    assert.ok(text(box).includes('Your role may not read usage.'));
    assert.ok($(el, '[data-state="error"] button'));
    assert.deepEqual(errors, ['Your role may not read usage.']);
  });

  it('is axe-clean: MSSP with a drill-down open and its tables shown, and reseller', async () => {
    const el = await mount();
    await drawn(el);
    for (const d of $$(el, 'details')) d.setAttribute('open', '');
    $(el, '[data-drill-product="internal"][data-drill-period="2026-11"]')!.click();
    await until(() => $(el, '[data-drill]'), 'the drill-down');
    await expectNoAxeViolations(el);
    $<HTMLInputElement>(el, 'input[name="partnership"][value="reseller"]')!.click();
    await until(() => $(el, '[data-chart="acv"]'), 'the reseller report');
    await drawn(el);
    for (const d of $$(el, 'details')) d.setAttribute('open', '');
    await expectNoAxeViolations(el);
  });
});
