/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import type { ExecutiveReport } from '../../components/core/api-types.js';
import { presetPeriod } from '../../components/report-viewer/period.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';

type Viewer = HTMLElementTagNameMap['msp-report-viewer'];
const CUSTOMER_ID = '00000000-0000-4000-8000-000000000001';
const base = `${API}/v1/customers/${CUSTOMER_ID}/reports/executive`;
const LOGO_ID = '00000000-0000-4000-8000-00000000a001';
const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const $$ = (el: Element, sel: string) => Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>(sel));
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
performance.setResourceTimingBufferSize(10_000);
const chartJsLoaded = () => performance.getEntriesByType('resource').some((e) => e.name.includes('/node_modules/chart.js/'));

const problem = (status: number, type: string, detail: string, errors?: { pointer: string; detail: string }[]) =>
  HttpResponse.json({ type: `https://portico.dev/problems/${type}`, title: type, status, detail, ...(errors ? { errors } : {}) }, { status, headers: { 'content-type': 'application/problem+json' } });

function report(overrides: Partial<ExecutiveReport> = {}, period = { from: '2026-10-27', to: '2026-11-25' }): ExecutiveReport {
  return {
    customer: { id: CUSTOMER_ID, name: 'Acme Health', slug: 'acme-health' },
    msp: { id: '00000000-0000-4000-8000-000000009999', name: 'Northwind Cyber' },
    preparedBy: 'Northwind Cyber',
    period,
    generatedAt: '2026-11-25T10:00:00.000Z',
    posture: { score: 78, trend: 5, series: Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`, score: 70 + (i % 9) })) },
    findingsBySeverity: { critical: 1, high: 3, medium: 5, low: 7, info: 2 },
    topRisks: [
      { id: '00000000-0000-4000-8000-0000000f0001', severity: 'critical', title: 'Remote code execution in VPN gateway', type: 'vulnerability', asset: 'vpn.acme.test', assetKind: 'subdomain', firstSeenAt: '2026-10-01T00:00:00.000Z', ageDays: 55 },
      { id: '00000000-0000-4000-8000-0000000f0002', severity: 'high', title: 'TLS 1.0 enabled', type: 'configuration', asset: '203.0.113.7', assetKind: 'ip_address', firstSeenAt: '2026-11-20T00:00:00.000Z', ageDays: 5 },
    ],
    assetCoverage: [
      { kind: 'domain', total: 3, scanned: 3, notScanned: 0 },
      { kind: 'ip_address', total: 20, scanned: 15, notScanned: 5 },
    ],
    scanActivity: [
      { weekStart: '2026-10-26', scans: 4, completed: 4, failed: 0 },
      { weekStart: '2026-11-02', scans: 6, completed: 5, failed: 1 },
      { weekStart: '2026-11-09', scans: 3, completed: 3, failed: 0 },
    ],
    brand: {
      colorPrimary: '#8a1538',
      colorAccent: '#00594f',
      colorText: '#1b1f24',
      colorMuted: '#525c67',
      colorBorder: '#c9d1da',
      colorSurface: '#f5f7fa',
      colorDanger: '#b3261e',
      colorWarning: '#8a5300',
      colorSuccess: '#1a7139',
      logoId: LOGO_ID,
      logoUrl: `/v1/logos/${LOGO_ID}`,
    },
    ...overrides,
  };
}

const emptyReport = () =>
  report({
    posture: { score: null, trend: null, series: [] },
    findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    topRisks: [],
    assetCoverage: [],
    scanActivity: [],
    brand: { ...report().brand, logoId: null, logoUrl: null },
  });

// A 1×1 PNG so the logo loads without an error.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='), (c) => c.charCodeAt(0));

function handlers(opts: { report?: (url: URL) => ExecutiveReport | Response; permissions?: string[] } = {}) {
  return [
    http.get(`${API}/v1/me`, () =>
      HttpResponse.json({
        user: { id: 'u1', externalId: 'ada', email: 'ada@northwind.test', name: 'Ada' },
        role: 'msp_admin',
        permissions: opts.permissions ?? ['fleet:read', 'customers:read', 'reports:send'],
        org: { id: '00000000-0000-4000-8000-000000009999', slug: 'northwind', name: 'Northwind Cyber', kind: 'msp', country: 'DE' },
      }),
    ),
    http.get(`${API}/v1/logos/:id`, () => new HttpResponse(PNG, { headers: { 'content-type': 'image/png' } })),
    // The scheduled-emails sections (their own spec: report-schedules.spec.ts).
    http.get(`${base.replace('/reports/executive', '')}/report-schedules`, () => HttpResponse.json({ items: [] })),
    http.get(`${base.replace('/reports/executive', '')}/report-sends`, () => HttpResponse.json({ items: [], nextCursor: null })),
    http.get(base, ({ request }) => {
      const url = new URL(request.url);
      const answer = opts.report?.(url) ?? report({}, url.searchParams.get('from') ? { from: url.searchParams.get('from')!, to: url.searchParams.get('to')! } : undefined);
      return answer instanceof Response ? answer : HttpResponse.json(answer);
    }),
  ];
}

async function mount(opts: Parameters<typeof handlers>[0] = {}, attrs = '', overrides: Parameters<typeof worker.use> = [], theme = 'light'): Promise<Viewer> {
  await startWorker();
  worker.use(...handlers(opts));
  worker.use(...overrides);
  const host = document.createElement('div');
  host.style.width = '1100px';
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB" theme="${theme}"><msp-report-viewer customer-id="${CUSTOMER_ID}" ${attrs}></msp-report-viewer></msp-provider>`;
  document.body.append(host);
  host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const el = host.querySelector('msp-report-viewer')!;
  await el.updateComplete;
  return el;
}

const ready = async (...args: Parameters<typeof mount>) => {
  const el = await mount(...args);
  await until(() => $(el, 'h2'), 'the report header');
  return el;
};
const reportRequests = () => requests.filter((r) => new URL(r.url).pathname.endsWith('/reports/executive'));

function key(target: Element, k: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true }));
}

describe('<msp-report-viewer>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('renders every section of the report, loading chart.js only once a report is shown', async () => {
    const el = await mount();
    await until(() => $(el, 'h2'), 'the header');
    assert.equal(text($(el, 'h2')), 'Acme Health');
    assert.equal(text($(el, '[data-period]')), '27 Oct 2026 – 25 Nov 2026');
    assert.equal(text($(el, '[data-score]')), '78 / 100');
    assert.ok(text($(el, '[data-trend]')).includes('+5 since 27 Oct 2026'));
    assert.equal(text($(el, '[data-total-findings]')), '18 open');
    assert.equal(text($(el, '[data-severity="high"] strong')), '3');
    assert.equal($$(el, '[data-table="risks"] tbody tr').length, 2);
    assert.ok(text($(el, '[data-risk]')).includes('Remote code execution in VPN gateway'));
    assert.ok(text($(el, '[data-risk]')).includes('55 days'));
    assert.equal(text($(el, '[data-summary="coverage"]')), '18 of 23 assets scanned in this period (78%).');
    assert.equal($$(el, '[data-table="scans"] tbody tr').length, 3);
    assert.ok(text($(el, '[data-summary="scans"]')).startsWith('13 scans in 3 weeks'));
    assert.ok(text($(el, '[data-summary="posture"]')).startsWith('Posture score'));
    assert.equal($$(el, '[data-table="posture"] tbody tr').length, 30, 'the posture table alternative has one row per day');
    assert.equal($(el, 'canvas[data-chart="posture"]')!.getAttribute('role'), 'img');
    assert.ok($(el, 'canvas[data-chart="findings"]')!.getAttribute('aria-label')!.startsWith('18 open findings: 1 critical, 3 high'));
    await until(() => chartJsLoaded(), 'chart.js loaded');
    await until(() => $$(el, 'canvas[data-chart]').every((c) => c.getAttribute('height') !== null), 'the charts drawn');
    assert.equal($$(el, 'canvas[data-chart]').length, 3);
    // The scheduled emails arrive as their own chunk, editable with reports:send.
    const schedules = await until(() => $(el, 'msp-report-schedules'), 'the schedules element');
    await until(() => customElements.get('msp-report-schedules') && schedules.shadowRoot?.querySelector('[data-new-schedule]'), 'the scheduled emails section');
  });

  it('applies the report brand as --msp-* tokens on its own host, over the page theme', async () => {
    const el = await ready({}, '', [], 'dark');
    const provider = el.closest('msp-provider')!;
    assert.equal(provider.style.getPropertyValue('--msp-color-background'), '#16191d', 'the page is dark');
    assert.equal(el.style.getPropertyValue('--msp-color-primary'), '#8a1538');
    assert.equal(el.style.getPropertyValue('--msp-color-accent'), '#00594f');
    assert.equal(el.style.getPropertyValue('--msp-color-background'), '#ffffff', 'the report is a light sheet');
    assert.equal(getComputedStyle($(el, '[data-action="pdf"]')!).backgroundColor, 'rgb(138, 21, 56)');
  });

  it('shows the logo from the api-base with the customer name as its text alternative', async () => {
    const el = await ready();
    const img = $<HTMLImageElement>(el, 'img[part="logo"]')!;
    assert.equal(img.getAttribute('src'), `${API}/v1/logos/${LOGO_ID}`);
    assert.equal(img.alt, 'Acme Health');
  });

  it('names the MSP in the footer, and only the customer when no seller is known', async () => {
    const el = await ready();
    assert.equal(text($(el, '[data-attribution]')), 'Prepared by Northwind Cyber for Acme Health');
    cleanup();
    const other = await ready({ report: () => report({ preparedBy: null }) });
    assert.equal(text($(other, '[data-attribution]')), 'Prepared for Acme Health');
  });

  it('refetches with from/to when a preset or a custom period is chosen', async () => {
    const periods: { customerId: string; from: string; to: string }[] = [];
    const el = await ready();
    el.addEventListener('msp-report-period-change', (e) => periods.push(e.detail));
    assert.equal(new URL(reportRequests()[0]!.url).searchParams.get('from'), null, 'the first request leaves the period to the BFF');
    $(el, '[data-preset="last-90"]')!.click();
    const last90 = presetPeriod('last-90');
    await until(() => reportRequests().length === 2, 'a second report request');
    const q = new URL(reportRequests()[1]!.url).searchParams;
    assert.deepEqual([q.get('from'), q.get('to')], [last90.from, last90.to]);
    await until(() => $(el, '[data-preset="last-90"]')!.getAttribute('aria-pressed') === 'true', 'the preset pressed');
    assert.equal(el.getAttribute('from'), last90.from);

    $<HTMLInputElement>(el, '#period-from')!.value = '2026-01-01';
    $<HTMLInputElement>(el, '#period-to')!.value = '2026-03-31';
    $(el, '[data-apply-period]')!.click();
    await until(() => reportRequests().length === 3, 'a third report request');
    const q3 = new URL(reportRequests()[2]!.url).searchParams;
    assert.deepEqual([q3.get('from'), q3.get('to')], ['2026-01-01', '2026-03-31']);
    assert.deepEqual(periods.map((p) => p.from), [last90.from, '2026-01-01']);
  });

  it('refuses a period longer than 366 days or ending before it starts, at the field, without asking', async () => {
    const el = await ready();
    $<HTMLInputElement>(el, '#period-from')!.value = '2025-01-01';
    $<HTMLInputElement>(el, '#period-to')!.value = '2026-03-31';
    $(el, '[data-apply-period]')!.click();
    await el.updateComplete;
    const from = $<HTMLInputElement>(el, '#period-from')!;
    assert.equal(from.getAttribute('aria-invalid'), 'true');
    assert.equal(text($(el, `#${from.getAttribute('aria-describedby')!}`)), 'A report covers at most 366 days.');
    $<HTMLInputElement>(el, '#period-from')!.value = '2026-04-01';
    $(el, '[data-apply-period]')!.click();
    await el.updateComplete;
    assert.equal(text($(el, '#period-from-error')), 'The period must start on or before its last day.');
    assert.equal(reportRequests().length, 1, 'nothing was asked');
  });

  it("shows the BFF's 400 pointer at its field and keeps the report on screen", async () => {
    const el = await ready({
      report: (url) =>
        url.searchParams.get('from') === '2026-02-01'
          ? problem(400, 'invalid-request', 'The period ends before it starts.', [{ pointer: '#/query/from', detail: 'must not be after `to`' }])
          : report(),
    });
    const errors: unknown[] = [];
    el.addEventListener('msp-error', (e) => errors.push(e.detail));
    el.from = '2026-02-01';
    el.to = '2026-02-10';
    await until(() => $(el, '#period-from-error'), 'the field error');
    assert.equal(text($(el, '#period-from-error')), 'must not be after `to`');
    assert.equal($(el, '#period-from')!.getAttribute('aria-invalid'), 'true');
    assert.equal(text($(el, 'h2')), 'Acme Health', 'the last report stays');
    assert.equal(errors.length, 1);
  });

  it('downloads the PDF through the API client with the bearer token and the file name the BFF gives', async () => {
    const filename = 'executive-report-acme-health-2026-10-27-2026-11-25.pdf';
    const el = await ready({}, '', [
      http.get(`${base}.pdf`, () => new HttpResponse('%PDF-1.7 test', { headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${filename}"` } })),
    ]);
    const downloads: { name: string; href: string }[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, href: this.href });
    };
    try {
      $(el, '[data-action="pdf"]')!.click();
      await until(() => downloads.length === 1, 'a download');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    const pdf = requests.find((r) => new URL(r.url).pathname.endsWith('.pdf'))!;
    assert.equal(pdf.headers.get('authorization'), 'Bearer token-1');
    const q = new URL(pdf.url).searchParams;
    assert.deepEqual([q.get('from'), q.get('to')], ['2026-10-27', '2026-11-25'], 'the period on screen');
    assert.equal(downloads[0]!.name, filename);
    assert.ok(downloads[0]!.href.startsWith('blob:'));
    await until(() => text($(el, '[role="status"].status')).includes(`Downloaded ${filename}`), 'the outcome announced');
  });

  it('says so when the PDF cannot be made', async () => {
    const el = await ready({}, '', [http.get(`${base}.pdf`, () => problem(500, 'internal-error', 'Rendering failed.'))]);
    $(el, '[data-action="pdf"]')!.click();
    await until(() => $(el, '.status[data-kind="error"]')?.textContent?.includes('Rendering failed.'), 'the error');
    assert.equal(text($(el, '[data-action="pdf"]')), 'Download PDF');
  });

  it('previews the email: HTML from a signed URL in a sandboxed frame and the text part in a tab, focus returning to the button', async () => {
    const links: { body: unknown; authorization: string | null }[] = [];
    const el = await ready({}, '', [
      http.get(`${base}/email`, () => HttpResponse.json({ subject: 'Acme Health: security report', html: '<p id="x">Hello <b>Acme</b></p>', text: 'Hello Acme\nPosture 78' })),
      http.post(`${base}/email/preview-link`, async ({ request }) => {
        links.push({ body: await request.json(), authorization: request.headers.get('authorization') });
        return HttpResponse.json({ url: '/v1/email-previews/aaa.bbb.ccc', expiresAt: new Date(Date.now() + 300_000).toISOString() });
      }),
    ]);
    const opener = $(el, '[data-action="preview"]')!;
    opener.focus();
    opener.click();
    const dialog = await until(() => $<HTMLDialogElement>(el, 'dialog[data-dialog="preview"]'), 'the dialog');
    await until(() => $(el, '[data-subject]'), 'the preview');
    assert.ok(dialog.open, 'a modal dialog');
    assert.equal(text($(el, '[data-subject]')), 'Acme Health: security report');
    const frame = $<HTMLIFrameElement>(el, 'iframe')!;
    assert.equal(frame.getAttribute('sandbox'), '', 'no permissions at all');
    // Not srcdoc: that would inherit the host page's CSP, which forbids the email's inline styles.
    assert.ok(!frame.hasAttribute('srcdoc'));
    assert.equal(frame.getAttribute('src'), `${API}/v1/email-previews/aaa.bbb.ccc`, 'the signed URL under the api-base');
    assert.deepEqual(links, [{ body: { from: '2026-10-27', to: '2026-11-25' }, authorization: 'Bearer token-1' }], 'minted for the period on screen');
    assert.ok(frame.title.length > 0);
    assert.ok(dialog.contains(el.shadowRoot!.activeElement), 'focus moves into the dialog');
    const htmlTab = $(el, '#preview-tab-html')!;
    htmlTab.focus();
    key(htmlTab, 'ArrowRight');
    await el.updateComplete;
    assert.equal($(el, '#preview-tab-text')!.getAttribute('aria-selected'), 'true');
    assert.equal(el.shadowRoot!.activeElement, $(el, '#preview-tab-text'));
    assert.ok(!$(el, '#preview-panel-text')!.hidden);
    assert.equal($(el, '[data-text]')!.textContent, 'Hello Acme\nPosture 78');
    await expectNoAxeViolations(el);
    dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
    await el.updateComplete;
    await until(() => !$(el, 'dialog'), 'the dialog closed');
    await until(() => el.shadowRoot!.activeElement === opener, 'focus back on the Preview button');
  });

  it('sends the email with the recipients and an Idempotency-Key, refusing invalid addresses before asking', async () => {
    const posts: { body: unknown; key: string | null }[] = [];
    let fail = true;
    const el = await ready({}, '', [
      http.post(`${base}/email`, async ({ request }) => {
        const body = (await request.json()) as { recipients: string[]; from: string; to: string };
        posts.push({ body, key: request.headers.get('idempotency-key') });
        if (fail) {
          fail = false;
          return problem(503, 'unavailable', 'Try again later.');
        }
        return HttpResponse.json({ id: 'send-1', emailId: 'mail-1', recipients: body.recipients, period: { from: body.from, to: body.to } }, { status: 202 });
      }),
    ]);
    const sent: unknown[] = [];
    el.addEventListener('msp-report-email-sent', (e) => sent.push(e.detail));
    const opener = $(el, '[data-action="send"]')!;
    opener.click();
    await until(() => $(el, 'dialog[data-dialog="send"]'), 'the send dialog');
    const input = $<HTMLTextAreaElement>(el, '#send-recipients')!;
    assert.equal(el.shadowRoot!.activeElement, input, 'focus on the recipients');
    input.value = 'ceo@acme.test, not-an-address';
    input.dispatchEvent(new Event('input'));
    $(el, '[data-submit]')!.click();
    await until(() => $(el, '#send-recipients-error'), 'the field error');
    assert.ok(text($(el, '#send-recipients-error')).includes('not-an-address'));
    assert.equal(input.getAttribute('aria-invalid'), 'true');
    assert.equal(posts.length, 0, 'nothing sent');

    input.value = 'ceo@acme.test\ncfo@acme.test';
    input.dispatchEvent(new Event('input'));
    $(el, '[data-submit]')!.click();
    await until(() => $(el, '[role="alert"]'), 'the failure');
    assert.equal(text($(el, '[data-submit]')), 'Try again');
    $(el, '[data-submit]')!.click();
    await until(() => $(el, '[data-sent]'), 'the success message');
    assert.equal(posts.length, 2);
    assert.deepEqual(posts[0]!.body, { recipients: ['ceo@acme.test', 'cfo@acme.test'], from: '2026-10-27', to: '2026-11-25' });
    assert.ok(/^[0-9a-f-]{36}$/.test(posts[0]!.key ?? ''), 'a UUID key');
    assert.equal(posts[1]!.key, posts[0]!.key, 'the retry of the same request reuses its key');
    assert.ok(text($(el, '[data-sent]')).includes('ceo@acme.test, cfo@acme.test'));
    assert.equal(sent.length, 1);
    $(el, '[data-close]')!.click();
    await until(() => el.shadowRoot!.activeElement === opener, 'focus back on the Send button');

    // A new send is a new request with a new key.
    opener.click();
    await until(() => $(el, '#send-recipients'), 'the dialog again');
    const again = $<HTMLTextAreaElement>(el, '#send-recipients')!;
    again.value = 'ceo@acme.test';
    again.dispatchEvent(new Event('input'));
    $(el, '[data-submit]')!.click();
    await until(() => posts.length === 3, 'a third POST');
    assert.ok(posts[2]!.key !== posts[0]!.key, 'a new key for a new send');
  });

  it('hides Send without the permission, and explains and hides it after a 403', async () => {
    const without = await ready({ permissions: ['fleet:read', 'customers:read'] });
    await until(() => requests.some((r) => new URL(r.url).pathname === '/v1/me'), '/v1/me');
    await without.updateComplete;
    assert.ok(!$(without, '[data-action="send"]'), 'no Send button');
    cleanup();

    const el = await ready({}, '', [http.post(`${base}/email`, () => problem(403, 'forbidden', 'Not allowed.'))]);
    await until(() => $(el, '[data-action="send"]'), 'the Send button');
    $(el, '[data-action="send"]')!.click();
    const input = await until(() => $<HTMLTextAreaElement>(el, '#send-recipients'), 'the dialog');
    input.value = 'ceo@acme.test';
    input.dispatchEvent(new Event('input'));
    $(el, '[data-submit]')!.click();
    await until(() => $(el, '[role="alert"]'), 'the explanation');
    assert.ok(text($(el, '[role="alert"]')).includes('may not email reports'));
    assert.ok(!$(el, '[data-submit]'), 'no Send in the dialog any more');
    $(el, '[data-close]')!.click();
    await until(() => !$(el, 'dialog'), 'closed');
    assert.ok(!$(el, '[data-action="send"]'), 'the Send button is gone');
    await until(() => el.shadowRoot!.activeElement === $(el, '[data-action="preview"]'), 'focus on the Preview button instead');
  });

  it('shows empty sections for a customer without findings, scans or assets', async () => {
    const el = await ready({ report: () => emptyReport() });
    assert.equal(text($(el, '[data-empty="findings"]')), 'No findings were open at the end of the period.');
    assert.equal(text($(el, '[data-empty="risks"]')), 'No open findings at the end of this period.');
    assert.equal(text($(el, '[data-empty="scans"]')), 'No scans ran in this period.');
    assert.equal(text($(el, '[data-empty="coverage"]')), 'No assets are registered yet.');
    assert.ok(!$(el, 'img[part="logo"]'), 'no logo without one');
    assert.equal($$(el, 'canvas').length, 0);
    await expectNoAxeViolations(el);
  });

  it('shows an error with a retry when the report cannot be loaded', async () => {
    let calls = 0;
    const el = await mount({ report: () => (++calls === 1 ? problem(500, 'internal-error', 'The database is away.') : report()) });
    await until(() => $(el, '[data-state="error"]'), 'the error state');
    assert.ok(text($(el, '[data-state="error"]')).includes('The database is away.'));
    $(el, '[data-state="error"] button')!.click();
    await until(() => $(el, 'h2'), 'the report after the retry');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe violations in a ${theme} page`, async () => {
      const el = await ready({}, '', [], theme);
      await until(() => $$(el, 'canvas[data-chart]').every((c) => c.getAttribute('height') !== null), 'the charts drawn');
      await expectNoAxeViolations(el);
    });
  }
});
