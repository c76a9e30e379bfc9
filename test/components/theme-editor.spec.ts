/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import { contrastRatio } from '../../themes/contrast.js';
import { contrastReport, resolveTenantTheme, type ThemeValues } from '../../bff/domain/theme.js';
import '../../components/msp-theme-editor.js';
import type { MspThemeEditor } from '../../components/theme-editor/theme-editor.js';
import type { ThemeAnswer, ThemeLogo } from '../../components/theme-editor/theme-api.js';
import { draftOf, MAX_LOGO_BYTES } from '../../components/theme-editor/draft.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, startWorker, until, worker } from './helpers.js';
import { CUSTOMER_ID, licence, me, mountIn, problem } from './customer-fixtures.js';

const CUSTOMER = CUSTOMER_ID;
const FLEET = '00000000-0000-4000-8000-000000009999';
const fleetValues: ThemeValues = { colorAccent: '#5a2d82', fontFamily: 'Georgia, serif' };

/** A Theme answer as the BFF builds it (bff/routes/themes.ts), with the same resolution and contrast code. */
function themeOf(orgId: string, own: ThemeValues | null, opts: { version?: number; logo?: ThemeLogo | null } = {}): ThemeAnswer {
  const isFleet = orgId === FLEET;
  const r = resolveTenantTheme(own, isFleet ? null : fleetValues, isFleet);
  const contrast = contrastReport(r.tokens);
  return {
    orgId,
    own: draftOf(own) as ThemeAnswer['own'],
    fleetOrgId: isFleet ? null : FLEET,
    resolved: r.values,
    sources: r.sources,
    tokens: r.tokens,
    contrast,
    accessible: contrast.every((p) => p.pass),
    version: opts.version ?? 3,
    updatedAt: '2026-11-20T10:00:00.000Z',
    logo: opts.logo ?? null,
  };
}

const customerOwn: ThemeValues = { colorPrimary: '#114477' };
const answer = (t: ThemeAnswer, status = 200) => HttpResponse.json(t, { status, headers: { etag: `"${t.version}"` } });
const themeUrl = (org: string) => `${API}/v1/themes/${org}`;

function handlers(opts: { permissions?: string[]; customer?: ThemeAnswer; fleet?: ThemeAnswer } = {}) {
  return [
    http.get(`${API}/v1/me`, () => HttpResponse.json(me(opts.permissions ?? ['customers:read', 'themes:manage']))),
    http.get(themeUrl(CUSTOMER), () => answer(opts.customer ?? themeOf(CUSTOMER, customerOwn))),
    http.get(themeUrl(FLEET), () => answer(opts.fleet ?? themeOf(FLEET, fleetValues, { version: 8 }))),
    http.get(`${API}/v1/customers/${CUSTOMER}/licence`, () => HttpResponse.json(licence())),
    http.get(`${API}/v1/logos/:id`, () => new HttpResponse('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"/>', { headers: { 'content-type': 'image/svg+xml' } })),
  ];
}

async function shown(attrs = `org-id="${CUSTOMER}" org-name="Acme Health"`, opts: Parameters<typeof handlers>[0] = {}): Promise<MspThemeEditor> {
  worker.use(...handlers(opts));
  const el = await mountIn('msp-theme-editor', attrs, '1200px');
  await until(() => el.theme && el.shadowRoot!.querySelector('form'), 'the editor');
  await el.updateComplete;
  return el;
}

const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const text = (node: Element | null) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const source = (el: Element, field: string) => text($(el, `#${field}-source`));
const button = (el: Element, label: string) => Array.from(el.shadowRoot!.querySelectorAll('button')).find((b) => text(b) === label) ?? null;
const previewToken = (el: Element, name: string) => $(el, '[part="preview"]').style.getPropertyValue(name);
const pairRow = (el: Element, text: string, background: string) => $(el, `tr[data-pair="${text} ${background}"]`);
const puts = (path: string) => requests.filter((r) => r.method === 'PUT' && new URL(r.url).pathname === path);

async function typeInto(el: MspThemeEditor, selector: string, value: string, commit = true): Promise<void> {
  const input = $<HTMLInputElement>(el, selector);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  if (commit) input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  await el.updateComplete;
}

/** axe over the element without its preview region (after expectNoAxeViolations has loaded axe). */
async function axeOutsidePreview(el: Element): Promise<void> {
  const axe = (window as unknown as { axe: { run(ctx: object, opts: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
  const result = await axe.run({ include: [el], exclude: [[['msp-theme-editor', '.preview']]] }, { resultTypes: ['violations'] });
  assert.deepEqual(result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`), [], 'axe outside the preview');
}

async function save(el: MspThemeEditor): Promise<void> {
  $<HTMLButtonElement>(el, '#save').click();
  await el.updateComplete;
}

function chooseFile(el: MspThemeEditor, file: File): void {
  const input = $<HTMLInputElement>(el, '#logo-file');
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

describe('<msp-theme-editor>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('loads the theme and says where each value comes from, with a reset for the values set here', async () => {
    const el = await shown();
    assert.equal(source(el, 'colorPrimary'), 'Set for this customer');
    assert.equal(source(el, 'colorAccent'), 'Inherited from the fleet theme');
    assert.equal(source(el, 'fontFamily'), 'Inherited from the fleet theme');
    assert.equal(source(el, 'colorBackground'), 'Preset (light)');
    assert.equal($<HTMLInputElement>(el, '#colorPrimary-hex').value, '#114477');
    assert.equal($<HTMLInputElement>(el, '#colorAccent-hex').value, '#5a2d82');
    assert.ok($(el, '[data-reset="colorPrimary"]'), 'a reset for the value set for this customer');
    assert.equal(el.shadowRoot!.querySelector('[data-reset="colorAccent"]'), null, 'no reset for an inherited value');
    assert.ok(requests.some((r) => new URL(r.url).pathname === `/v1/themes/${FLEET}`), 'the fleet theme is read for the inherited values');
    await expectNoAxeViolations(el);

    // Reset to inherited: the fleet theme has no primary, so the preset's comes back.
    $<HTMLButtonElement>(el, '[data-reset="colorPrimary"]').click();
    await el.updateComplete;
    assert.equal(source(el, 'colorPrimary'), 'Preset (light)');
    assert.equal($<HTMLInputElement>(el, '#colorPrimary-hex').value, '#0b5cad');
    assert.equal(previewToken(el, '--msp-color-primary'), '#0b5cad');
  });

  it('updates the preview tokens and the contrast table as a colour is typed', async () => {
    const el = await shown();
    assert.equal(previewToken(el, '--msp-color-primary'), '#114477');
    assert.equal(previewToken(el, '--msp-font-family'), 'Georgia, serif', 'the inherited font is in the preview');
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b', false);
    assert.equal(previewToken(el, '--msp-color-primary'), '#0a3d6b', 'applied while typing');
    assert.equal(source(el, 'colorPrimary'), 'Set for this customer');
    const row = pairRow(el, '--msp-color-primary', '--msp-color-background');
    const expected = Math.floor(contrastRatio('#0a3d6b', '#ffffff') * 100) / 100;
    assert.equal(text(row.querySelector('td.num')), `${expected.toFixed(2)}:1`);
    assert.ok(text(row).includes('Pass'));
    // The meter in the preview is the real widget, asking the BFF through the provider.
    const meter = await until(() => el.shadowRoot!.querySelector('msp-license-meter')?.shadowRoot?.querySelector('[role="meter"]'), 'the preview meter');
    assert.ok(meter);
    assert.ok(requests.some((r) => new URL(r.url).pathname === `/v1/customers/${CUSTOMER}/licence`));
  });

  it('keeps Save off while a pair fails, names the pairs and links the reason', async () => {
    const el = await shown();
    await expectNoAxeViolations(el);
    await typeInto(el, '#colorPrimary-hex', '#ffff00');
    const saveButton = $<HTMLButtonElement>(el, '#save');
    assert.equal(saveButton.getAttribute('aria-disabled'), 'true');
    assert.equal(saveButton.getAttribute('aria-describedby'), 'save-reason');
    const reason = text($(el, '#save-reason'));
    assert.ok(reason.includes('Primary on background'), reason);
    assert.ok(reason.includes('Primary on surface'), reason);
    const row = pairRow(el, '--msp-color-primary', '--msp-color-background');
    assert.equal(row.dataset.pass, 'false');
    assert.ok(text(row).includes('Fail'), 'the verdict is written, not only coloured');
    await save(el);
    assert.equal(puts(`/v1/themes/${CUSTOMER}`).length, 0, 'nothing is sent');
    button(el, 'Show the contrast table')!.click();
    assert.equal(el.shadowRoot!.activeElement?.id, 'contrast');
    // The preview shows the draft as it is, unreadable pairs included (that is what it is for);
    // everything else stays clean.
    await axeOutsidePreview(el);
  });

  it('keeps the colour picker and the hex text in step, and explains a hex that is not one', async () => {
    const el = await shown();
    const picker = $<HTMLInputElement>(el, '#colorAccent-picker');
    picker.value = '#336699';
    picker.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    assert.equal($<HTMLInputElement>(el, '#colorAccent-hex').value, '#336699');
    await typeInto(el, '#colorAccent-hex', '0b5', true);
    assert.equal($<HTMLInputElement>(el, '#colorAccent-hex').value, '#0b5', 'the # is added');
    assert.equal(picker.value, '#00bb55', 'the picker takes the short form expanded');
    await typeInto(el, '#colorAccent-hex', '#12');
    const hex = $<HTMLInputElement>(el, '#colorAccent-hex');
    assert.equal(hex.getAttribute('aria-invalid'), 'true');
    assert.ok(hex.getAttribute('aria-describedby')!.includes('colorAccent-error'));
    assert.ok(text($(el, '#colorAccent-error')).includes('#rgb or #rrggbb'));
    assert.equal($(el, '#save').getAttribute('aria-disabled'), 'true');
    assert.ok(text($(el, '#save-reason')).includes('accent colour'));
    await expectNoAxeViolations(el);
  });

  it('refuses font stacks that could break out of the CSS value', async () => {
    const el = await shown();
    const select = $<HTMLSelectElement>(el, '#fontFamily-select');
    select.value = 'custom';
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    await el.updateComplete;
    for (const bad of ['x;}body{color:red', 'url(https://evil.test/f.woff)', '"Inter"; color: red', 'inherit']) {
      await typeInto(el, '#fontFamily-custom', bad);
      assert.equal($(el, '#fontFamily-custom').getAttribute('aria-invalid'), 'true', bad);
      assert.equal(previewToken(el, '--msp-font-family'), 'Georgia, serif', `${bad} never reaches the preview`);
      assert.equal($(el, '#save').getAttribute('aria-disabled'), 'true');
    }
    await typeInto(el, '#fontFamily-custom', '"Open Sans", Arial, sans-serif');
    assert.equal($(el, '#fontFamily-custom').getAttribute('aria-invalid'), 'false');
    assert.equal(previewToken(el, '--msp-font-family'), 'Open Sans, Arial, sans-serif');
    // A safe stack from the list.
    select.value = select.options[1]!.value;
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    await el.updateComplete;
    assert.ok(previewToken(el, '--msp-font-family').startsWith('Seravek'));
  });

  it('saves the whole row with If-Match and tells the host page', async () => {
    const el = await shown();
    let body: unknown;
    worker.use(
      http.put(themeUrl(CUSTOMER), async ({ request }) => {
        body = await request.json();
        return answer(themeOf(CUSTOMER, body as ThemeValues, { version: 4 }));
      }),
    );
    const saved: unknown[] = [];
    document.addEventListener('msp-theme-saved', (e) => saved.push(e.detail), { once: true });
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    const range = $<HTMLInputElement>(el, '#borderRadius-range');
    range.value = '12';
    range.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    assert.equal($<HTMLInputElement>(el, '#borderRadius-number').value, '12');
    assert.equal(previewToken(el, '--msp-radius'), '12px');
    await save(el);
    await until(() => saved.length, 'msp-theme-saved');
    const [put] = puts(`/v1/themes/${CUSTOMER}`);
    assert.equal(put!.headers.get('if-match'), '"3"');
    assert.equal(put!.headers.get('content-type'), 'application/json');
    assert.deepEqual(body, {
      colorPrimary: '#0a3d6b',
      colorAccent: null,
      colorBackground: null,
      colorText: null,
      colorDanger: null,
      colorWarning: null,
      colorSuccess: null,
      fontFamily: null,
      borderRadius: '12px',
      spacingUnit: null,
      mode: null,
    });
    const detail = saved[0] as { orgId: string; target: string; theme: ThemeAnswer };
    assert.equal(detail.orgId, CUSTOMER);
    assert.equal(detail.target, 'customer');
    assert.equal(detail.theme.version, 4);
    assert.ok(text($(el, '[role="status"].live')).includes('Theme saved'));
    assert.equal($(el, '#save').getAttribute('aria-disabled'), 'true', 'nothing left to save');
    await expectNoAxeViolations(el);
  });

  it('on 412 shows what differs; Load theirs takes their theme', async () => {
    const el = await shown();
    const theirs = themeOf(CUSTOMER, { colorPrimary: '#222222', borderRadius: '2px' }, { version: 5 });
    worker.use(http.put(themeUrl(CUSTOMER), () => problem(412, 'precondition-failed', 'The theme is at version 5, not 3.', { current: theirs })));
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    await save(el);
    const conflict = await until(() => el.shadowRoot!.querySelector('[part="conflict"]'), 'the conflict');
    assert.ok(text(conflict).includes('version 5'));
    const rows = Array.from(conflict.querySelectorAll('tbody tr')).map(text);
    assert.deepEqual(rows, ['Primary colour #222222 #0a3d6b', 'Corner radius 2px inherited']);
    await expectNoAxeViolations(el);
    button(el, 'Load theirs')!.click();
    await el.updateComplete;
    assert.equal(el.shadowRoot!.querySelector('[part="conflict"]'), null);
    assert.equal($<HTMLInputElement>(el, '#colorPrimary-hex').value, '#222222');
    assert.equal($<HTMLInputElement>(el, '#borderRadius-number').value, '2');
    assert.equal(puts(`/v1/themes/${CUSTOMER}`).length, 1);
  });

  it('on 412 Keep mine and overwrite sends my values against their version', async () => {
    const el = await shown();
    let n = 0;
    const bodies: unknown[] = [];
    worker.use(
      http.put(themeUrl(CUSTOMER), async ({ request }) => {
        bodies.push(await request.json());
        n++;
        if (n === 1) return problem(412, 'precondition-failed', 'Changed meanwhile.', { current: themeOf(CUSTOMER, { colorPrimary: '#222222' }, { version: 5 }) });
        return answer(themeOf(CUSTOMER, bodies[1] as ThemeValues, { version: 6 }));
      }),
    );
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    await save(el);
    await until(() => button(el, 'Keep mine and overwrite'), 'the conflict');
    button(el, 'Keep mine and overwrite')!.click();
    await until(() => n === 2 && el.theme?.version === 6, 'the second save');
    const [, second] = puts(`/v1/themes/${CUSTOMER}`);
    assert.equal(second!.headers.get('if-match'), '"5"');
    assert.equal((bodies[1] as ThemeValues).colorPrimary, '#0a3d6b');
    assert.equal(el.shadowRoot!.querySelector('[part="conflict"]'), null);
  });

  it("puts a 400's field error next to the field its pointer names", async () => {
    const el = await shown();
    worker.use(
      http.put(themeUrl(CUSTOMER), () =>
        problem(400, 'invalid-request', 'The request is not valid: check body/colorWarning.', { errors: [{ pointer: '#/body/colorWarning', detail: 'must be a colour as #rgb or #rrggbb' }] }),
      ),
    );
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    await save(el);
    const error = await until(() => el.shadowRoot!.querySelector('[data-error="colorWarning"]'), 'the field error');
    assert.ok(text(error).includes('must be a colour'));
    assert.ok(($(el, 'details.advanced') as HTMLDetailsElement).open, 'the Advanced section opens to show it');
    const input = $<HTMLInputElement>(el, '#colorWarning-hex');
    assert.equal(input.getAttribute('aria-invalid'), 'true');
    await until(() => el.shadowRoot!.activeElement === input, 'focus on the field');
    await expectNoAxeViolations(el);
  });

  it('shows the pairs a 400 inaccessible-theme names', async () => {
    const el = await shown();
    const failing = [{ text: '--msp-color-on-primary', background: '--msp-color-primary', textColour: '#ffffff', backgroundColour: '#0a3d6b', ratio: 3.1, pass: false }];
    worker.use(http.put(themeUrl(CUSTOMER), () => problem(400, 'inaccessible-theme', 'The theme fails WCAG 2.2 AA.', { contrast: failing })));
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    await save(el);
    await until(() => text(el.shadowRoot!.querySelector('.actions')).includes('The server refused the theme'), 'the refusal');
    assert.ok(text($(el, '.actions')).includes('Text on primary: 3.10:1'));
  });

  it('uploads a logo as its bytes with its type and If-Match, and refuses wrong files before sending', async () => {
    const el = await shown();
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    let received: Uint8Array | undefined;
    worker.use(
      http.put(`${themeUrl(CUSTOMER)}/logo`, async ({ request }) => {
        received = new Uint8Array(await request.arrayBuffer());
        return answer(themeOf(CUSTOMER, customerOwn, { version: 4, logo: { id: 'L1', url: '/v1/logos/L1', rasterUrl: '/v1/logos/L1/raster.png', source: 'customer' } }));
      }),
    );
    const saved: unknown[] = [];
    el.addEventListener('msp-theme-saved', (e) => saved.push(e.detail));
    // Unsaved edits survive the upload.
    await typeInto(el, '#colorAccent-hex', '#336699');
    chooseFile(el, new File([bytes], 'logo.png', { type: 'image/png' }));
    await until(() => el.theme?.version === 4, 'the upload');
    await el.updateComplete;
    const [put] = puts(`/v1/themes/${CUSTOMER}/logo`);
    assert.equal(put!.headers.get('content-type'), 'image/png');
    assert.equal(put!.headers.get('if-match'), '"3"');
    assert.deepEqual(Array.from(received!), Array.from(bytes));
    assert.equal($<HTMLImageElement>(el, '.logo-image').getAttribute('src'), `${API}/v1/logos/L1`);
    assert.equal($<HTMLInputElement>(el, '#colorAccent-hex').value, '#336699');
    assert.equal((saved[0] as { change: string }).change, 'logo');
    assert.ok(button(el, 'Remove logo'));

    chooseFile(el, new File([new Uint8Array(MAX_LOGO_BYTES + 1)], 'huge.png', { type: 'image/png' }));
    await el.updateComplete;
    assert.ok(text($(el, '#logo-error')).includes('at most 1 MB'));
    chooseFile(el, new File(['GIF89a'], 'anim.gif', { type: 'image/gif' }));
    await el.updateComplete;
    assert.ok(text($(el, '#logo-error')).includes('not a PNG, JPEG or SVG'));
    assert.equal($(el, '#logo-file').getAttribute('aria-invalid'), 'true');
    assert.equal(puts(`/v1/themes/${CUSTOMER}/logo`).length, 1, 'neither was sent');

    worker.use(http.delete(`${themeUrl(CUSTOMER)}/logo`, () => answer(themeOf(CUSTOMER, customerOwn, { version: 5 }))));
    button(el, 'Remove logo')!.click();
    await until(() => el.theme?.version === 5, 'the removal');
    const del = requests.find((r) => r.method === 'DELETE');
    assert.equal(del!.headers.get('if-match'), '"4"');
    await el.updateComplete;
    assert.ok(text($(el, '.logo-current')).includes('No logo'));
  });

  it('exports the resolved draft as design tokens shaped like the presets', async () => {
    const el = await shown();
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    const doc = el.exportTokens() as { color: Record<string, { $type: string; $value: unknown }>; font: { family: { $value: unknown } }; radius: { $value: unknown } };
    assert.equal(doc.color.primary!.$type, 'color');
    assert.equal(doc.color.primary!.$value, '#0a3d6b');
    assert.equal(doc.color.accent!.$value, '#5a2d82', 'the inherited accent');
    assert.deepEqual(doc.font.family.$value, ['Georgia', 'serif']);
    assert.deepEqual(doc.radius.$value, { value: 6, unit: 'px' });

    let blob: Blob | undefined;
    const original = URL.createObjectURL;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      blob = b as Blob;
      return original.call(URL, b);
    };
    try {
      button(el, 'Download tokens')!.click();
    } finally {
      URL.createObjectURL = original;
    }
    const downloaded = JSON.parse(await blob!.text()) as typeof doc;
    assert.equal(downloaded.color.primary!.$value, '#0a3d6b');
    assert.equal(blob!.type, 'application/json');

    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    button(el, 'Copy tokens')!.click();
    await until(() => copied, 'the copy');
    assert.equal((JSON.parse(copied) as typeof doc).color.primary!.$value, '#0a3d6b');
    await el.updateComplete;
    assert.ok(text($(el, '.live')).includes('copied'));
  });

  it('applies to the customer or the whole fleet, by the org id it saves to', async () => {
    const el = await shown(`org-id="${CUSTOMER}" fleet-org-id="${FLEET}" org-name="Acme Health" fleet-name="Northwind MSP"`);
    const fleetRadio = $<HTMLInputElement>(el, 'input[name="target"][value="fleet"]');
    assert.ok($<HTMLInputElement>(el, 'input[name="target"][value="customer"]').checked);
    await typeInto(el, '#colorPrimary-hex', '#0a3d6b');
    fleetRadio.click();
    await until(() => el.theme?.orgId === FLEET, 'the fleet theme');
    await el.updateComplete;
    assert.equal(el.activeOrgId, FLEET);
    assert.equal(source(el, 'colorAccent'), 'Set for the whole fleet');
    assert.equal($<HTMLInputElement>(el, '#colorPrimary-hex').value, '#0a3d6b', 'the change carries over');
    assert.ok(text($(el, 'h2')).includes('whole fleet'));
    worker.use(http.put(themeUrl(FLEET), async ({ request }) => answer(themeOf(FLEET, (await request.json()) as ThemeValues, { version: 9 }))));
    await save(el);
    await until(() => el.theme?.version === 9, 'the save');
    const [put] = puts(`/v1/themes/${FLEET}`);
    assert.equal(put!.headers.get('if-match'), '"8"');
    assert.equal(puts(`/v1/themes/${CUSTOMER}`).length, 0);
    await expectNoAxeViolations(el);
  });

  it('is read-only without the permission to manage themes', async () => {
    const el = await shown(undefined, { permissions: ['customers:read'] });
    await until(() => el.shadowRoot!.querySelector('#read-only'), 'the read-only note');
    assert.equal(el.shadowRoot!.querySelector('#save'), null);
    assert.equal(el.shadowRoot!.querySelector('#logo-file'), null);
    assert.ok($<HTMLInputElement>(el, '#colorPrimary-hex').disabled);
    assert.ok($<HTMLInputElement>(el, '#colorPrimary-picker').disabled);
    assert.ok($<HTMLSelectElement>(el, '#fontFamily-select').disabled);
    assert.equal(el.shadowRoot!.querySelector('[data-reset]'), null);
    assert.ok(button(el, 'Download tokens'), 'export still works');
    await expectNoAxeViolations(el);
  });

  it('loads again when the page moves it while the theme is loading', async () => {
    worker.use(...handlers());
    const el = await mountIn('msp-theme-editor', `org-id="${CUSTOMER}"`, '1200px');
    const provider = el.closest('msp-provider')!;
    el.remove();
    provider.append(el);
    await until(() => el.theme, 'the theme after the move');
    await el.updateComplete;
    assert.ok(el.shadowRoot!.querySelector('form'));
  });

  it('is usable in dark mode and right to left, axe-clean', async () => {
    const el = await shown(`org-id="${CUSTOMER}"`, { customer: themeOf(CUSTOMER, { mode: 'dark' }) });
    el.closest('msp-provider')!.setAttribute('theme', 'dark');
    el.closest('msp-provider')!.setAttribute('dir', 'rtl');
    await el.updateComplete;
    assert.equal($(el, '[part="preview"]').dataset.mode, 'dark');
    assert.equal(source(el, 'mode'), 'Set for this customer');
    $<HTMLInputElement>(el, 'input[name="mode"][value="light"]').click();
    await el.updateComplete;
    assert.equal($(el, '[part="preview"]').dataset.mode, 'light');
    assert.equal(previewToken(el, '--msp-color-background'), '#ffffff');
    $<HTMLInputElement>(el, 'input[name="mode"][value="dark"]').click();
    await el.updateComplete;
    assert.equal(previewToken(el, '--msp-color-background'), resolveTenantTheme({ mode: 'dark' }, fleetValues).tokens['--msp-color-background']);
    await expectNoAxeViolations(el);
  });
});
