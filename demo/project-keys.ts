import { clearFieldErrors, field, formatBps, formatInt, formatMoney, h, minorDigits, minorToDecimal, onlyAdmins, parseMajor, problemOf, setFieldError, showFieldErrors, type PageContext } from './dom.js';

/**
 * Settings → Project keys: prepaid keys the MSP redeemed (POST /v1/project-keys with an
 * Idempotency-Key, so a retried click never redeems twice), the price it sells each for
 * (PUT with If-Match) and what that makes per IP and month.
 */

interface ProjectKey {
  id: string;
  code: string;
  ipCount: number;
  runtimeMonths: number;
  currency: string;
  purchasePriceMinor: number;
  sellingPriceMinor: number | null;
  customerId: string | null;
  version: number;
  summary: { costPerIpMonthMinor: number; pricePerIpMonthMinor: number | null; marginMinor: number | null; marginBps: number | null };
}

async function allKeys(ctx: PageContext): Promise<ProjectKey[]> {
  const keys: ProjectKey[] = [];
  let cursor: string | null = null;
  do {
    const res = await ctx.api(`/v1/project-keys?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!res.ok) throw new Error((await problemOf(res)).detail ?? `The project keys could not be read (${res.status}).`);
    const page = (await res.json()) as { items: ProjectKey[]; nextCursor: string | null };
    keys.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return keys;
}

/** One key's row; its selling price is edited in place and saved against the version shown. */
function keyRow(ctx: PageContext, key: ProjectKey, reload: (message: string) => Promise<void>) {
  const money = (m: number | null) => formatMoney(m, key.currency);
  const digits = minorDigits(key.currency);
  const price = h('input', { type: 'text', inputMode: 'decimal', size: 9, value: key.sellingPriceMinor === null ? '' : minorToDecimal(key.sellingPriceMinor, digits) });
  const save = h('button', { type: 'submit', class: 'button-secondary small', textContent: 'Save', ariaLabel: `Save the selling price of ${key.code}` });
  const form = h('form', { class: 'inline-form', noValidate: true }, field(`Selling price of ${key.code} (${key.currency})`, price, { pointer: '#/body/sellingPriceMinor', hideLabel: true }), save);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const minor = parseMajor(price.value, digits);
    if (minor === null) {
      setFieldError(price, 'Enter an amount such as 1200.00.');
      price.focus();
      return;
    }
    save.disabled = true;
    try {
      const res = await ctx.api(`/v1/project-keys/${encodeURIComponent(key.id)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'if-match': `"${key.version}"` },
        body: JSON.stringify({ sellingPriceMinor: minor }),
      });
      if (res.ok) return void (await reload(`Selling price of ${key.code} saved.`));
      if (res.status === 412) return void (await reload(`${key.code} was changed meanwhile, so your price was not saved. The list now shows the key as saved: enter your price again.`));
      const problem = await problemOf(res);
      const rest = showFieldErrors(form, problem);
      if (rest.length || !problem.errors?.length) setFieldError(price, rest.join(' ') || problem.detail || `Not saved (${res.status}).`);
    } catch (error) {
      setFieldError(price, (error as Error).message);
    } finally {
      save.disabled = false;
    }
  });
  const s = key.summary;
  const tr = h(
    'tr',
    {},
    h('th', { scope: 'row', textContent: key.code }),
    h('td', { class: 'num', textContent: formatInt(key.ipCount) }),
    h('td', { class: 'num', textContent: formatInt(key.runtimeMonths) }),
    h('td', { class: 'num', textContent: money(key.purchasePriceMinor) }),
    h('td', {}, form),
    h('td', { class: 'num', textContent: money(s.costPerIpMonthMinor) }),
    h('td', { class: 'num', textContent: money(s.pricePerIpMonthMinor) }),
    h('td', { class: 'num', textContent: s.marginMinor === null ? '—' : `${money(s.marginMinor)} (${formatBps(s.marginBps)})` }),
  );
  tr.dataset.code = key.code;
  return tr;
}

function redeemForm(ctx: PageContext, currency: string, reload: (message: string) => Promise<void>) {
  const code = h('input', { autocomplete: 'off', spellcheck: false, maxLength: 64, required: true });
  const ips = h('input', { type: 'number', min: '1', max: '1000000', step: '1', required: true });
  const months = h('input', { type: 'number', min: '1', max: '120', step: '1', value: '12', required: true });
  const purchase = h('input', { type: 'text', inputMode: 'decimal', required: true });
  const submit = h('button', { type: 'submit', class: 'button', textContent: 'Redeem key' });
  const summary = h('div', { class: 'form-summary', role: 'alert' });
  const form = h(
    'form',
    { class: 'panel', id: 'redeem-form', noValidate: true },
    h('h2', { textContent: 'Redeem a project key' }),
    h(
      'div',
      { class: 'field-row' },
      field('Key code', code, { pointer: '#/body/code', hint: 'Letters, digits and dashes' }),
      field('IP count', ips, { pointer: '#/body/ipCount' }),
      field('Runtime (months)', months, { pointer: '#/body/runtimeMonths' }),
      field(`Purchase price (${currency})`, purchase, { pointer: '#/body/purchasePriceMinor', hint: 'What you paid for the whole key' }),
    ),
    summary,
    h('div', { class: 'form-actions' }, submit),
  );
  // One key per redemption the user means: kept across retries of the same values, so a repeated
  // click after a lost answer gets the first answer instead of a second key.
  let attempt: { body: string; key: string } | null = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    summary.replaceChildren();
    const whole = (input: HTMLInputElement, max: number) => {
      const n = Number(input.value);
      if (input.value.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) {
        setFieldError(input, `Enter a whole number from 1 to ${formatInt(max)}.`);
        return null;
      }
      return n;
    };
    const ipCount = whole(ips, 1_000_000);
    const runtimeMonths = whole(months, 120);
    const purchasePriceMinor = parseMajor(purchase.value, minorDigits(currency));
    if (purchasePriceMinor === null) setFieldError(purchase, 'Enter an amount such as 1500.00.');
    if (!code.value.trim()) setFieldError(code, 'Enter the code printed on the key.');
    if (ipCount === null || runtimeMonths === null || purchasePriceMinor === null || !code.value.trim()) {
      form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const body = JSON.stringify({ code: code.value.trim(), ipCount, runtimeMonths, purchasePriceMinor });
    if (attempt?.body !== body) attempt = { body, key: crypto.randomUUID() };
    submit.disabled = true;
    try {
      const res = await ctx.api('/v1/project-keys', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': attempt.key }, body });
      if (res.ok) {
        attempt = null;
        return void (await reload(`Key ${code.value.trim()} redeemed: set its selling price below.`));
      }
      const problem = await problemOf(res);
      const rest = showFieldErrors(form, problem);
      if (!problem.errors?.length || rest.length) summary.replaceChildren(h('p', { class: 'error', textContent: [problem.detail, ...rest].filter(Boolean).join(' ') }));
    } catch (error) {
      summary.replaceChildren(h('p', { class: 'error', textContent: `${(error as Error).message} Submit again: the key will not be redeemed twice.` }));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The org's currency: keys are bought in it, and the price tables (saved or not) carry it. */
async function orgCurrency(ctx: PageContext): Promise<string> {
  const res = await ctx.api('/v1/price-tables');
  if (!res.ok) throw new Error((await problemOf(res)).detail ?? `The price tables could not be read (${res.status}).`);
  return ((await res.json()) as { sell: { currency: string } }).sell.currency;
}

export async function projectKeysPage(ctx: PageContext): Promise<HTMLElement> {
  if (!ctx.permissions.includes('pricing:manage')) return onlyAdmins('Project keys');
  const page = h('div', { class: 'settings-page', id: 'project-keys-page' });
  const status = h('div', { role: 'status' });
  const body = h('tbody');
  const table = h(
    'div',
    { class: 'panel table-scroll' },
    h(
      'table',
      { class: 'data-table', id: 'project-keys' },
      h('caption', { textContent: 'Redeemed project keys. Per IP-month = the whole price ÷ (IPs × months); margin = selling − purchase price.' }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            ['Code', ''],
            ['IPs', 'num'],
            ['Months', 'num'],
            ['Purchase price', 'num'],
            ['Selling price', ''],
            ['Cost per IP-month', 'num'],
            ['Price per IP-month', 'num'],
            ['Margin', 'num'],
          ].map(([t, c]) => h('th', { scope: 'col', textContent: t!, class: c! })),
        ),
      ),
      body,
    ),
  );
  const reload = async (message: string) => {
    const keys = await allKeys(ctx);
    if (!ctx.current()) return;
    body.replaceChildren(...(keys.length ? keys.map((k) => keyRow(ctx, k, reload)) : [h('tr', {}, h('td', { colSpan: 8, class: 'muted', textContent: 'No project keys redeemed yet.' }))]));
    status.replaceChildren(message ? h('p', { class: 'panel notice', textContent: message }) : '');
  };
  try {
    await reload('');
    page.append(status, table, redeemForm(ctx, await orgCurrency(ctx), reload));
  } catch (error) {
    page.replaceChildren(h('p', { class: 'panel error', textContent: (error as Error).message }));
  }
  return page;
}
