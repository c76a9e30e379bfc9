/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import type { Licence } from '../../components/core/api-types.js';
import { assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';
import { base, CUSTOMER_ID, licence, mountIn, problem } from './customer-fixtures.js';

const meterOf = (el: Element) => el.shadowRoot!.querySelector<HTMLElement>('[role="meter"]');
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

async function showing(l: Licence): Promise<HTMLElementTagNameMap['msp-license-meter']> {
  worker.use(http.get(`${base}/licence`, () => HttpResponse.json(l)));
  const el = await mountIn('msp-license-meter', `customer-id="${CUSTOMER_ID}"`);
  await until(() => el.value, 'the licence');
  await el.updateComplete;
  return el;
}

describe('<msp-license-meter>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('shows per-asset use as a meter with its value text', async () => {
    const el = await showing(licence({ used: 30, remaining: 20, use: 0.6, level: 'ok' }));
    const meter = meterOf(el)!;
    assert.equal(meter.getAttribute('aria-valuemin'), '0');
    assert.equal(meter.getAttribute('aria-valuemax'), '50');
    assert.equal(meter.getAttribute('aria-valuenow'), '30');
    assert.equal(meter.getAttribute('aria-valuetext'), '30 of 50 assets used, 60%');
    assert.equal(meter.getAttribute('data-level'), 'ok');
    assert.ok(text(el).includes('20 assets left'), text(el));
    assert.equal(el.shadowRoot!.querySelector<HTMLElement>('.fill')!.style.inlineSize, '60%');
    assert.equal(el.shadowRoot!.querySelector<HTMLElement>('.threshold')!.style.insetInlineStart, '90%');
    await expectNoAxeViolations(el);
  });

  it('warns at the server-given threshold (90 % per asset)', async () => {
    const el = await showing(licence());
    const meter = meterOf(el)!;
    assert.equal(meter.getAttribute('data-level'), 'warning');
    assert.equal(meter.getAttribute('aria-valuetext'), '46 of 50 assets used, 92%');
    assert.ok(text(el).includes('warning at 90%'), text(el));
    await expectNoAxeViolations(el);
  });

  it('warns per scan at 80 % and names the month', async () => {
    const el = await showing(
      licence({ model: 'per_scan', quota: 100, used: 82, remaining: 18, use: 0.82, warnAt: 0.8, level: 'warning', period: { start: '2026-10-31T23:00:00.000Z', end: '2026-11-30T23:00:00.000Z' } }),
    );
    const meter = meterOf(el)!;
    assert.equal(meter.getAttribute('aria-valuetext'), '82 of 100 scans used this month, 82%');
    assert.equal(el.shadowRoot!.querySelector<HTMLElement>('.threshold')!.style.insetInlineStart, '80%');
    assert.ok(text(el).includes('Per scan (this month)'), text(el));
    assert.ok(text(el).includes('November 2026'), `the billing month on the MSP's clock: ${text(el)}`);
    await expectNoAxeViolations(el);
  });

  it('shows an exhausted quota, capping the meter value at the quota', async () => {
    const el = await showing(licence({ used: 53, remaining: 0, use: 1.06, level: 'exhausted' }));
    const meter = meterOf(el)!;
    assert.equal(meter.getAttribute('data-level'), 'exhausted');
    assert.equal(meter.getAttribute('aria-valuenow'), '50');
    assert.equal(el.shadowRoot!.querySelector<HTMLElement>('.fill')!.style.inlineSize, '100%');
    assert.ok(text(el).includes('Quota reached — 3 assets over'), text(el));
    await expectNoAxeViolations(el);
  });

  it('has no meter and no warning for unlimited', async () => {
    const el = await showing(licence({ model: 'unlimited', quota: null, used: 312, remaining: null, use: null, warnAt: null, level: 'unlimited' }));
    assert.equal(meterOf(el), null);
    assert.ok(text(el).includes('Unlimited — 312 assets'), text(el));
    assert.equal(el.shadowRoot!.querySelector('.threshold'), null);
    await expectNoAxeViolations(el);
  });

  it('shows the days left of a trial', async () => {
    const el = await showing(licence({ plan: 'trial', quota: 5, used: 2, remaining: 3, use: 0.4, level: 'ok', trial: { endsAt: '2026-12-07T00:00:00.000Z', daysLeft: 12 } }));
    assert.equal(el.shadowRoot!.querySelector('[part="trial"]')!.textContent!.replace(/\s+/g, ' ').trim(), 'Trial: 12 days left · ends 7 Dec 2026');
    el.licence = licence({ plan: 'trial', trial: { endsAt: '2026-11-26T00:00:00.000Z', daysLeft: 1 } });
    await el.updateComplete;
    assert.ok(text(el).includes('Trial: 1 day left'), text(el));
    await expectNoAxeViolations(el);
  });

  it('renders a given licence without fetching, and refresh() fetches it', async () => {
    let calls = 0;
    worker.use(http.get(`${base}/licence`, () => (calls++, HttpResponse.json(licence({ used: 10, use: 0.2, remaining: 40, level: 'ok' })))));
    const host = document.createElement('div');
    host.innerHTML = `<msp-provider api-base="https://bff.test"><msp-license-meter customer-id="${CUSTOMER_ID}"></msp-license-meter></msp-provider>`;
    const el = host.querySelector('msp-license-meter')!;
    el.licence = licence();
    document.body.append(host);
    host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await el.updateComplete;
    assert.equal(meterOf(el)!.getAttribute('aria-valuenow'), '46');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(calls, 0, 'no request while a licence is given');
    await el.refresh();
    await el.updateComplete;
    assert.equal(calls, 1);
    assert.equal(meterOf(el)!.getAttribute('aria-valuenow'), '10');
    assert.ok(requests.some((r) => r.url === `${base}/licence`));
  });

  it('shows loading, then an error with a retry, and emits msp-error', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    worker.use(
      http.get(`${base}/licence`, async () => {
        calls++;
        if (calls === 1) {
          await gate;
          return problem(404, 'not-found', 'No such customer.');
        }
        return HttpResponse.json(licence());
      }),
    );
    const errors: unknown[] = [];
    document.addEventListener('msp-error', (e) => errors.push(e.detail), { once: true });
    const el = await mountIn('msp-license-meter', `customer-id="${CUSTOMER_ID}"`);
    await until(() => el.shadowRoot!.querySelector('[data-state="loading"]'), 'loading');
    await expectNoAxeViolations(el);
    release();
    const error = await until(() => el.shadowRoot!.querySelector('[data-state="error"]'), 'the error');
    assert.ok(error.textContent!.includes('No such customer.'));
    assert.equal((errors[0] as { status: number }).status, 404);
    await expectNoAxeViolations(el);
    error.querySelector('button')!.click();
    await until(() => meterOf(el), 'the meter after retry');
  });

  it('says so when the customer has no subscription or revoked access', async () => {
    const el = await showing(licence({ model: null, plan: null, quota: null, used: null, remaining: null, use: null, warnAt: null, level: null }));
    assert.equal(text(el), 'This customer has no subscription.');
    el.licence = licence({ connectionLost: true });
    await el.updateComplete;
    assert.ok(text(el).includes('revoked your access'), text(el));
    await expectNoAxeViolations(el);
  });

  it('shows an empty state without a customer', async () => {
    const el = await mountIn('msp-license-meter');
    assert.ok(el.shadowRoot!.querySelector('[data-state="empty"]'));
    await expectNoAxeViolations(el);
  });
});
