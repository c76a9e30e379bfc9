/// <reference types="mocha" />
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import { graduatedPrice, averageIpPrice, type Tier } from '../../bff/domain/pricing.js';
import type { IpDistribution } from '../../components/core/api-types.js';
import { formatMoney } from '../../components/core/format.js';
import '../../components/msp-ip-distribution.js';
import type { MspIpDistribution } from '../../components/ip-distribution/ip-distribution.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';
import { base, CUSTOMER_ID, mountIn, problem } from './customer-fixtures.js';

const url = `${base}/ip-distribution`;
const sell: Tier[] = [
  { upTo: 50, unitMinor: 500 },
  { upTo: 250, unitMinor: 400 },
  { upTo: null, unitMinor: 300 },
];

/** A GET body as the BFF answers it, priced with the same engine. */
function distribution(overrides: Partial<IpDistribution> = {}): IpDistribution {
  const internal = overrides.internal ?? 120;
  const external = overrides.external ?? 180;
  const total = internal + external;
  const monthlyMinor = graduatedPrice(sell, total).totalMinor;
  return {
    customerId: CUSTOMER_ID,
    internal,
    external,
    total,
    pending: null,
    currency: 'EUR',
    sell,
    price: { monthlyMinor, averageIpPriceMinor: averageIpPrice(monthlyMinor, total) },
    bookingMonthEnd: '2026-12-25T23:00:00.000Z',
    version: 3,
    canEdit: true,
    ...overrides,
  };
}

const answer = (d: IpDistribution, init: { status?: number } = {}) => HttpResponse.json(d, { ...init, headers: { etag: `"${d.version}"` } });
const eur = (amountMinor: number) => formatMoney({ amountMinor, currency: 'EUR' }, 'en-GB');
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const $ = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T & HTMLElement>(sel)!;
const thumb = (el: Element) => $(el, '[role="slider"]');
const input = (el: Element, id: 'total' | 'internal' | 'external') => $<HTMLInputElement>(el, `#${id}`) as HTMLInputElement;
const button = (el: Element, label: string) =>
  Array.from(el.shadowRoot!.querySelectorAll('button')).find((b) => b.textContent!.trim() === label) ?? null;
/** A form's entries in order (FormData is not iterable in the DOM typings this project compiles with). */
function entries(form: HTMLFormElement): [string, FormDataEntryValue][] {
  const out: [string, FormDataEntryValue][] = [];
  new FormData(form).forEach((value, key) => out.push([key, value]));
  return out;
}
const num = (n: number) => new Intl.NumberFormat('en-GB').format(n);
const counts = (el: Element) => ({ total: input(el, 'total').value, internal: input(el, 'internal').value, external: input(el, 'external').value });

async function shown(d: IpDistribution = distribution()): Promise<MspIpDistribution> {
  worker.use(http.get(url, () => answer(d)));
  const el = await mountIn('msp-ip-distribution', `customer-id="${CUSTOMER_ID}"`);
  await until(() => el.distribution, 'the distribution');
  await el.updateComplete;
  return el;
}

async function type(el: MspIpDistribution, id: 'total' | 'internal' | 'external', value: string): Promise<void> {
  const field = input(el, id);
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

const puts = () => requests.filter((r) => r.method === 'PUT' && r.url === url);

describe('<msp-ip-distribution>', () => {
  before(startWorker);
  afterEach(async () => {
    await resetMouse();
    cleanup();
  });

  it('is a slider with its value text, and every key moves it', async () => {
    const el = await shown();
    const s = thumb(el);
    assert.equal(s.getAttribute('aria-valuemin'), '0');
    assert.equal(s.getAttribute('aria-valuemax'), '300');
    assert.equal(s.getAttribute('aria-valuenow'), '120');
    assert.equal(s.getAttribute('aria-valuetext'), '120 internal, 180 external');
    assert.equal(s.tabIndex, 0);
    await expectNoAxeViolations(el);
    s.focus();
    const steps: [string, number][] = [
      ['ArrowRight', 121],
      ['ArrowUp', 122],
      ['ArrowLeft', 121],
      ['ArrowDown', 120],
      ['PageUp', 150],
      ['PageDown', 120],
      ['Home', 0],
      ['ArrowDown', 0],
      ['End', 300],
      ['ArrowUp', 300],
    ];
    for (const [key, expected] of steps) {
      await sendKeys({ press: key });
      await el.updateComplete;
      assert.equal(s.getAttribute('aria-valuenow'), String(expected), key);
      assert.deepEqual(counts(el), { total: '300', internal: String(expected), external: String(300 - expected) }, `inputs after ${key}`);
    }
    assert.equal(s.getAttribute('aria-valuetext'), '300 internal, 0 external');
    assert.ok(getComputedStyle(s).outlineStyle !== 'none', 'a visible focus ring on the focused thumb');
  });

  it('mirrors Left and Right for right-to-left text', async () => {
    const el = await shown();
    el.closest('msp-provider')!.setAttribute('dir', 'rtl');
    await el.updateComplete;
    thumb(el).focus();
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    assert.equal(thumb(el).getAttribute('aria-valuenow'), '121', 'Left moves towards the end in rtl');
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    assert.equal(thumb(el).getAttribute('aria-valuenow'), '119');
  });

  it('keeps the total, internal and external inputs and the slider in step', async () => {
    const el = await shown();
    const changes: unknown[] = [];
    el.addEventListener('msp-ip-distribution-change', (e) => changes.push(e.detail));
    await type(el, 'total', '400');
    assert.deepEqual(counts(el), { total: '400', internal: '160', external: '240' }, 'a new total keeps the 40 % internal share');
    assert.equal(thumb(el).getAttribute('aria-valuemax'), '400');
    await type(el, 'internal', '200');
    assert.deepEqual(counts(el), { total: '440', internal: '200', external: '240' });
    await type(el, 'external', '0');
    assert.deepEqual(counts(el), { total: '200', internal: '200', external: '0' });
    assert.equal(thumb(el).getAttribute('aria-valuetext'), '200 internal, 0 external');
    assert.equal(changes.length, 3);
    assert.deepEqual(changes[2], { internal: 200, external: 0, total: 200, monthlyMinor: graduatedPrice(sell, 200).totalMinor, currency: 'EUR', valid: true });

    await type(el, 'internal', '-4');
    assert.equal(input(el, 'internal').getAttribute('aria-invalid'), 'true');
    assert.ok(text(el).includes('cannot be negative'), text(el));
    assert.equal(el.checkValidity(), false);
    assert.equal(button(el, 'Apply')!.disabled, true);
    await expectNoAxeViolations(el);
    await type(el, 'internal', '20');
    assert.equal(el.checkValidity(), true);
    assert.deepEqual(counts(el), { total: '20', internal: '20', external: '0' });
  });

  it('previews the monthly price with graduatedPrice and the sell tiers, per tier, average and change', async () => {
    const el = await shown();
    const now = graduatedPrice(sell, 300).totalMinor;
    assert.equal($(el, '[data-testid="monthly"]').textContent, eur(now));
    assert.ok(text(el).includes('No change'), text(el));
    for (const total of [0, 1, 50, 51, 250, 251, 333, 1000]) {
      await type(el, 'total', String(total));
      const expected = graduatedPrice(sell, total);
      assert.equal($(el, '[data-testid="monthly"]').textContent, eur(expected.totalMinor), `monthly price of ${total}`);
      assert.equal($(el, '[data-testid="average"]').textContent, total ? eur(averageIpPrice(expected.totalMinor, total)!) : '—', `average of ${total}`);
      const rows = Array.from(el.shadowRoot!.querySelectorAll('[part="breakdown"] tbody tr')).map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
      assert.deepEqual(
        rows,
        expected.lines.map((l) => `${l.from === l.to ? num(l.from) : `${num(l.from)}–${num(l.to)}`} ${num(l.count)} ${eur(l.unitMinor)} ${eur(l.amountMinor)}`),
        `tiers of ${total}`,
      );
      const diff = expected.totalMinor - now;
      assert.ok(text(el).includes(diff === 0 ? 'No change' : `${diff > 0 ? '+' : ''}${eur(diff)} vs now`), `change of ${total}: ${text(el)}`);
    }
    await type(el, 'total', '333');
    assert.equal($(el, '.change').dataset.sign, 'up');
    await expectNoAxeViolations(el);
  });

  it('applies an increase at once with If-Match and says so', async () => {
    const el = await shown();
    worker.use(http.put(url, async ({ request }) => answer(distribution({ ...((await request.json()) as object), version: 4 }))));
    const saved: unknown[] = [];
    el.addEventListener('msp-ip-distribution-saved', (e) => saved.push(e.detail));
    await type(el, 'external', '200');
    assert.ok(!text(el).includes('take effect on'), 'an increase has no effective date');
    button(el, 'Apply')!.click();
    await until(() => saved.length, 'the saved event');
    await el.updateComplete;
    const put = puts()[0]!;
    assert.equal(put.headers.get('if-match'), '"3"');
    assert.deepEqual(await put.json(), { internal: 120, external: 200 });
    assert.equal((saved[0] as { kind: string }).kind, 'applied');
    assert.ok(text(el).includes('Applied: 320 IPs (120 internal, 200 external).'), text(el));
    assert.equal(button(el, 'Apply')!.disabled, true, 'nothing left to apply');
    assert.ok(text(el).includes('No change'), 'the new price is now the current one');
    await expectNoAxeViolations(el);
  });

  it('shows when a decrease takes effect, keeps it pending after saving, and cancels it', async () => {
    const el = await shown();
    const pending = distribution({ pending: { internal: 100, external: 100, effectiveAt: '2026-12-25T23:00:00.000Z' }, version: 4 });
    worker.use(
      http.put(url, () => answer(pending)),
      http.delete(`${url}/pending`, () => answer(distribution({ version: 5 }))),
    );
    const saved: { kind: string }[] = [];
    el.addEventListener('msp-ip-distribution-saved', (e) => saved.push(e.detail));
    await type(el, 'internal', '100');
    await type(el, 'external', '100');
    const note = $(el, '[data-kind="decrease"]');
    assert.ok(note.textContent!.includes('Fewer IPs take effect on 25 Dec 2026'), note.textContent!);
    assert.ok(note.textContent!.includes('300 IPs stay billed'), note.textContent!);
    await expectNoAxeViolations(el);
    button(el, 'Apply')!.click();
    await until(() => saved.length, 'the saved event');
    await el.updateComplete;
    assert.equal(saved[0]!.kind, 'scheduled');
    const box = $(el, '[part="pending"]');
    assert.ok(box.textContent!.replace(/\s+/g, ' ').includes('Pending change: 200 IPs (100 internal, 100 external) from 25 Dec 2026'), box.textContent!);
    assert.deepEqual(counts(el), { total: '200', internal: '100', external: '100' }, 'the inputs show the pending split');
    assert.equal(button(el, 'Apply')!.disabled, true);
    await expectNoAxeViolations(el);

    button(el, 'Cancel pending change')!.click();
    await until(() => saved.length === 2, 'the cancel');
    await el.updateComplete;
    const del = requests.find((r) => r.method === 'DELETE')!;
    assert.equal(del.url, `${url}/pending`);
    assert.equal(del.headers.get('if-match'), '"4"');
    assert.equal(saved[1]!.kind, 'cancelled');
    assert.equal(el.shadowRoot!.querySelector('[part="pending"]'), null);
    assert.deepEqual(counts(el), { total: '300', internal: '120', external: '180' });
    assert.ok(text(el).includes('Pending change cancelled'), text(el));
  });

  it('on 412 shows their values beside yours; Use theirs takes them', async () => {
    const el = await shown();
    const theirs = distribution({ internal: 150, external: 200, version: 4 });
    worker.use(http.put(url, () => problem(412, 'precondition-failed', 'The IP distribution changed.', { current: theirs })));
    const errors: { status?: number }[] = [];
    el.addEventListener('msp-error', (e) => errors.push(e.detail));
    await type(el, 'internal', '130');
    button(el, 'Apply')!.click();
    const conflict = await until(() => el.shadowRoot!.querySelector('[part="conflict"]'), 'the conflict');
    assert.equal(errors[0]!.status, 412);
    const rows = Array.from(conflict.querySelectorAll('tbody tr')).map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    assert.deepEqual(rows, ['Internal 150 130', 'External 200 180', 'Total 350 310']);
    await expectNoAxeViolations(el);
    button(el, 'Use theirs')!.click();
    await el.updateComplete;
    assert.equal(el.shadowRoot!.querySelector('[part="conflict"]'), null);
    assert.deepEqual(counts(el), { total: '350', internal: '150', external: '200' });
    assert.equal(button(el, 'Apply')!.disabled, true);
  });

  it('on 412 Re-apply mine sends my values with the new ETag', async () => {
    const el = await shown();
    let n = 0;
    worker.use(
      http.put(url, async ({ request }) => {
        n++;
        if (n === 1) return problem(412, 'precondition-failed', 'The IP distribution changed.', { current: distribution({ internal: 10, external: 10, version: 4 }) });
        return answer(distribution({ ...((await request.json()) as object), version: 5 }));
      }),
    );
    await type(el, 'total', '600');
    button(el, 'Apply')!.click();
    await until(() => button(el, 'Re-apply mine'), 'the conflict');
    await type(el, 'internal', '250');
    const yours = Array.from(el.shadowRoot!.querySelectorAll('[part="conflict"] tbody tr')).map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    assert.deepEqual(yours, ['Internal 10 250', 'External 10 360', 'Total 20 610'], 'yours follow the inputs');
    button(el, 'Re-apply mine')!.click();
    await until(() => text(el).includes('Applied'), 'the second save');
    const [first, second] = puts();
    assert.equal(first!.headers.get('if-match'), '"3"');
    assert.equal(second!.headers.get('if-match'), '"4"');
    assert.deepEqual(await second!.json(), { internal: 250, external: 360 });
    assert.deepEqual(counts(el), { total: '610', internal: '250', external: '360' });
    assert.equal(el.shadowRoot!.querySelector('[part="conflict"]'), null);
  });

  it('shows the server detail when a change is refused, and keeps the draft', async () => {
    const el = await shown();
    worker.use(http.put(url, () => problem(409, 'invalid-transition', 'The subscription is cancelled; its IPs cannot change.')));
    const errors: { type: string; status?: number }[] = [];
    el.addEventListener('msp-error', (e) => errors.push(e.detail));
    await type(el, 'total', '310');
    button(el, 'Apply')!.click();
    await until(() => errors.length, 'the error');
    await el.updateComplete;
    assert.deepEqual(errors[0], { type: 'api_error', message: 'The subscription is cancelled; its IPs cannot change.', status: 409 });
    assert.ok($(el, '[part="notice"]').textContent!.includes('The subscription is cancelled'), text(el));
    assert.equal($(el, '[part="notice"]').dataset.kind, 'error');
    assert.deepEqual(counts(el), { total: '310', internal: '124', external: '186' });
    assert.equal(button(el, 'Apply')!.disabled, false, 'it can be tried again');
    await expectNoAxeViolations(el);
  });

  it('is read-only when the user may not change the IPs', async () => {
    const el = await shown(distribution({ canEdit: false, pending: { internal: 50, external: 50, effectiveAt: '2026-12-25T23:00:00.000Z' } }));
    assert.equal(el.shadowRoot!.querySelector('input'), null);
    assert.equal(el.shadowRoot!.querySelector('[role="slider"]'), null);
    assert.equal(button(el, 'Apply'), null);
    assert.equal(button(el, 'Cancel pending change'), null);
    const figures = Array.from(el.shadowRoot!.querySelectorAll('dd')).map((d) => d.textContent);
    assert.deepEqual(figures, ['300', '120', '180']);
    assert.ok(text(el).includes('Pending change: 100 IPs'), text(el));
    assert.ok(text(el).includes('can see these IPs but not change them'), text(el));
    await expectNoAxeViolations(el);
  });

  it('submits with a host form, resets with it and is disabled by a disabled fieldset', async () => {
    await startWorker();
    worker.use(http.get(url, () => answer(distribution())));
    const host = document.createElement('div');
    host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><form><fieldset><legend>IPs</legend>
      <msp-ip-distribution name="ips" customer-id="${CUSTOMER_ID}"></msp-ip-distribution></fieldset><button>Send</button></form></msp-provider>`;
    document.body.append(host);
    host.querySelector('msp-provider')!.fetchSession = async () => ({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const form = host.querySelector('form')!;
    const el = host.querySelector('msp-ip-distribution')!;
    await until(() => el.distribution, 'the distribution');
    await el.updateComplete;
    assert.equal(el.standalone, false, 'inside a form the host saves');
    assert.equal(button(el, 'Apply'), null);
    assert.equal(el.form, form);
    assert.deepEqual(entries(form), [['ips.internal', '120'], ['ips.external', '180']]);

    thumb(el).focus();
    await sendKeys({ press: 'PageUp' });
    await el.updateComplete;
    let submitted: [string, FormDataEntryValue][] = [];
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submitted = entries(form);
    });
    form.requestSubmit();
    assert.deepEqual(submitted, [['ips.internal', '150'], ['ips.external', '150']]);

    await type(el, 'total', '1.5');
    assert.equal(form.checkValidity(), false, 'an invalid count blocks the form');
    assert.ok(el.validationMessage.includes('whole number'), el.validationMessage);
    form.reset();
    await el.updateComplete;
    assert.equal(form.checkValidity(), true);
    assert.deepEqual(counts(el), { total: '300', internal: '120', external: '180' });
    assert.deepEqual(entries(form), [['ips.internal', '120'], ['ips.external', '180']]);
    await expectNoAxeViolations(el);

    form.querySelector('fieldset')!.disabled = true;
    await el.updateComplete;
    assert.equal(input(el, 'total').disabled, true);
    assert.equal(thumb(el).getAttribute('aria-disabled'), 'true');
    assert.equal(thumb(el).tabIndex, -1);
    thumb(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await el.updateComplete;
    assert.equal(thumb(el).getAttribute('aria-valuenow'), '120', 'keys do nothing while disabled');
    assert.deepEqual(entries(form), [], 'a disabled control is not submitted');
    await expectNoAxeViolations(el);
    form.querySelector('fieldset')!.disabled = false;
    await el.updateComplete;
    assert.equal(input(el, 'total').disabled, false);
  });

  it('drags with the mouse and with a finger', async () => {
    const el = await shown();
    const track = $(el, '.track');
    const rect = track.getBoundingClientRect();
    const y = Math.round(rect.top + rect.height / 2);
    const at = (ratio: number) => Math.round(rect.left + rect.width * ratio);
    await sendMouse({ type: 'move', position: [at(0.4), y] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [at(0.75), y] });
    await el.updateComplete;
    const moved = Number(thumb(el).getAttribute('aria-valuenow'));
    assert.ok(Math.abs(moved - 225) <= 2, `the thumb follows the mouse: ${moved}`);
    await sendMouse({ type: 'move', position: [Math.round(rect.right + 50), y] });
    await sendMouse({ type: 'up' });
    await el.updateComplete;
    assert.equal(thumb(el).getAttribute('aria-valuenow'), '300', 'past the end is all internal');
    assert.equal(el.shadowRoot!.activeElement, thumb(el), 'dragging focuses the slider');

    const rail = $(el, '.rail');
    assert.equal(getComputedStyle(rail).touchAction, 'none');
    const touch = (typeName: string, ratio: number) =>
      rail.dispatchEvent(new PointerEvent(typeName, { pointerId: 7, pointerType: 'touch', isPrimary: true, clientX: at(ratio), clientY: y, bubbles: true, composed: true, cancelable: true }));
    touch('pointerdown', 0.1);
    touch('pointermove', 0.2);
    await el.updateComplete;
    assert.equal(thumb(el).getAttribute('aria-valuenow'), '60');
    touch('pointerup', 0.2);
    touch('pointermove', 0.9);
    await el.updateComplete;
    assert.equal(thumb(el).getAttribute('aria-valuenow'), '60', 'moves after the finger lifts do nothing');
    assert.deepEqual(counts(el), { total: '300', internal: '60', external: '240' });
  });

  it('shows loading, then an error with a retry', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    worker.use(
      http.get(url, async () => {
        calls++;
        if (calls === 1) {
          await gate;
          return problem(404, 'not-found', 'No such customer.');
        }
        return answer(distribution());
      }),
    );
    const el = await mountIn('msp-ip-distribution', `customer-id="${CUSTOMER_ID}"`);
    await until(() => el.shadowRoot!.querySelector('[data-state="loading"]'), 'loading');
    await expectNoAxeViolations(el);
    release();
    const error = await until(() => el.shadowRoot!.querySelector('[data-state="error"]'), 'the error');
    assert.ok(error.textContent!.includes('No such customer.'));
    await expectNoAxeViolations(el);
    error.querySelector('button')!.click();
    await until(() => el.shadowRoot!.querySelector('[role="slider"]'), 'the slider after retry');
  });
});
