import {
  clearFieldErrors,
  fact,
  field,
  formatInt,
  formatMoney,
  h,
  minorDigits,
  minorToDecimal,
  onlyAdmins,
  parseMajor,
  problemOf,
  setFieldError,
  showFieldErrors,
  type PageContext,
} from './dom.js';

/**
 * Settings → Pricing: the MSP's own sell and cost price tables (GET/PUT /v1/price-tables, saved
 * with If-Match) and a quote box (POST /v1/quotes). Prices are typed in major units and sent as
 * integer minor units; the BFF's field errors land next to the tier field their pointer names.
 */

interface Tier {
  upTo: number | null;
  unitMinor: number;
}

interface PriceTable {
  currency: string;
  articleName: string;
  articleNumber: string;
  tiers: Tier[];
}

interface PriceTables {
  sell: PriceTable;
  cost: PriceTable;
  prepaidDiscountBps: number;
  version: number;
}

interface PriceLine {
  from: number;
  to: number;
  count: number;
  unitMinor: number;
  amountMinor: number;
}

interface Quote {
  ips: number;
  currency: string;
  priceMinor: number;
  priceLines: PriceLine[];
  averageIpPriceMinor: number | null;
  costMinor: number | null;
  marginMinor: number | null;
  costLines: PriceLine[] | null;
  band: number;
}

type Kind = 'sell' | 'cost';
const kindTitles: Record<Kind, string> = { sell: 'Sell prices (what your customers pay)', cost: 'Cost prices (what you pay)' };
const kindNames: Record<Kind, string> = { sell: 'Sell', cost: 'Cost' };

/** The volume bands of bff/domain/pricing.ts, by the portfolio's IPs. */
const bandRanges = ['below 1,000 IPs', '1,000–4,999 IPs', '5,000–24,999 IPs', '25,000 IPs and more'];
export const bandText = (band: number) => `Band ${band} · ${bandRanges[band] ?? ''}`;

/** One price table's editor; `read()` gives the table to send, or null after marking bad input. */
function tableEditor(kind: Kind, table: PriceTable) {
  const currency = h('input', { value: table.currency, maxLength: 3, size: 4, autocomplete: 'off', spellcheck: false });
  const currencyOf = () => currency.value.trim().toUpperCase();
  const articleName = h('input', { value: table.articleName, maxLength: 200, size: 34 });
  const articleNumber = h('input', { value: table.articleNumber, maxLength: 60, size: 14 });
  const body = h('tbody');
  const tiersBox = h('div', { class: 'table-scroll' });
  const pointer = (i: number, key: string) => `#/body/${kind}/tiers/${i}/${key}`;
  const caption = h('caption', { textContent: `${kindNames[kind]} tiers: each row prices the IPs up to its limit; leave “Up to” empty on the last row for “and above”.` });
  const unitHead = h('th', { scope: 'col' });
  tiersBox.append(
    h(
      'table',
      { class: 'data-table tiers', id: `${kind}-tiers` },
      caption,
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', textContent: 'Tier' }), h('th', { scope: 'col', textContent: 'Up to (IPs)' }), unitHead, h('th', { scope: 'col', textContent: 'Actions' }))),
      body,
    ),
  );

  const rows: { upTo: HTMLInputElement; unit: HTMLInputElement }[] = [];
  const renumber = () => {
    unitHead.textContent = `Unit price per IP and month (${currencyOf() || '—'})`;
    rows.splice(0, rows.length);
    Array.from(body.rows).forEach((tr, i) => {
      const [upTo, unit] = Array.from(tr.querySelectorAll('input'));
      tr.cells[0]!.textContent = String(i + 1);
      upTo!.dataset.pointer = pointer(i, 'upTo');
      unit!.dataset.pointer = pointer(i, 'unitMinor');
      tr.querySelector('label[for="' + upTo!.id + '"]')!.textContent = `${kindNames[kind]} tier ${i + 1}: up to how many IPs`;
      tr.querySelector('label[for="' + unit!.id + '"]')!.textContent = `${kindNames[kind]} tier ${i + 1}: unit price`;
      tr.querySelector('button')!.ariaLabel = `Remove ${kindNames[kind].toLowerCase()} tier ${i + 1}`;
      tr.querySelector('button')!.disabled = body.rows.length === 1;
      rows.push({ upTo: upTo!, unit: unit! });
    });
  };
  const addRow = (tier: Tier) => {
    const upTo = h('input', { type: 'text', inputMode: 'numeric', value: tier.upTo === null ? '' : String(tier.upTo), placeholder: 'and above', size: 9 });
    const unit = h('input', { type: 'text', inputMode: 'decimal', value: minorToDecimal(tier.unitMinor, minorDigits(currencyOf())), size: 9 });
    const remove = h('button', { type: 'button', class: 'button-secondary small', textContent: 'Remove' });
    const tr = h(
      'tr',
      {},
      h('th', { scope: 'row' }),
      h('td', {}, field('Up to', upTo, { hideLabel: true })),
      h('td', {}, field('Unit price', unit, { hideLabel: true })),
      h('td', {}, remove),
    );
    remove.addEventListener('click', () => {
      const next = (tr.nextElementSibling ?? tr.previousElementSibling) as HTMLTableRowElement | null;
      tr.remove();
      renumber();
      next?.querySelector('input')?.focus();
    });
    body.append(tr);
    renumber();
    return upTo;
  };
  for (const tier of table.tiers.length ? table.tiers : [{ upTo: null, unitMinor: 0 }]) addRow(tier);
  const add = h('button', { type: 'button', class: 'button-secondary', textContent: `Add ${kindNames[kind].toLowerCase()} tier` });
  add.addEventListener('click', () => {
    // The new tier goes last (open-ended); the former last one gets a limit to fill in.
    addRow({ upTo: null, unitMinor: 0 });
    const before = rows[rows.length - 2];
    before?.upTo.focus();
  });

  const box = h(
    'fieldset',
    { class: 'panel price-table', id: `${kind}-table` },
    h('legend', { textContent: kindTitles[kind] }),
    h(
      'div',
      { class: 'field-row' },
      field('Article name', articleName, { pointer: `#/body/${kind}/articleName` }),
      field('Article number', articleNumber, { pointer: `#/body/${kind}/articleNumber` }),
      field('Currency', currency, { pointer: `#/body/${kind}/currency`, hint: 'ISO 4217, such as EUR' }),
    ),
    tiersBox,
    add,
  );
  currency.addEventListener('input', renumber);

  function read(): PriceTable | null {
    let ok = true;
    const digits = minorDigits(currencyOf());
    const tiers = rows.map(({ upTo, unit }, i) => {
      const text = upTo.value.trim();
      let limit: number | null = null;
      if (text !== '') {
        limit = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
        if (Number.isNaN(limit)) {
          setFieldError(upTo, 'Enter a whole number of IPs, or leave the last tier empty.');
          ok = false;
        }
      } else if (i < rows.length - 1) {
        setFieldError(upTo, 'Only the last tier may be open-ended: enter a number of IPs.');
        ok = false;
      }
      const minor = parseMajor(unit.value, digits);
      if (minor === null) {
        setFieldError(unit, digits ? `Enter an amount such as 4.50 (at most ${digits} decimals).` : 'Enter a whole amount.');
        ok = false;
      }
      return { upTo: limit, unitMinor: minor ?? 0 };
    });
    return ok ? { currency: currencyOf(), articleName: articleName.value, articleNumber: articleNumber.value, tiers } : null;
  }

  return { box, read, currency, addRow };
}

function linesTable(id: string, caption: string, lines: PriceLine[], currency: string) {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data-table', id },
      h('caption', { textContent: caption }),
      h(
        'thead',
        {},
        h('tr', {}, ...['IPs from', 'IPs to', 'Count', 'Unit price', 'Amount'].map((t) => h('th', { scope: 'col', textContent: t, class: t === 'IPs from' || t === 'IPs to' ? '' : 'num' }))),
      ),
      h(
        'tbody',
        {},
        ...lines.map((l) =>
          h(
            'tr',
            {},
            h('td', { textContent: formatInt(l.from) }),
            h('td', { textContent: formatInt(l.to) }),
            h('td', { class: 'num', textContent: formatInt(l.count) }),
            h('td', { class: 'num', textContent: formatMoney(l.unitMinor, currency) }),
            h('td', { class: 'num', textContent: formatMoney(l.amountMinor, currency) }),
          ),
        ),
      ),
    ),
  );
}

/** The quote box: N IPs → the price lines, cost and margin the BFF computes with the saved tables. */
function quoteBox(ctx: PageContext) {
  const ips = h('input', { type: 'number', min: '0', max: '1000000', step: '1', value: '300', required: true, id: 'quote-ips' });
  const result = h('div', { id: 'quote-result', ariaLive: 'polite' });
  const submit = h('button', { type: 'submit', class: 'button', textContent: 'Quote' });
  const form = h(
    'form',
    { class: 'panel quote', id: 'quote-form', noValidate: true },
    h('h2', { textContent: 'Quote' }),
    h('p', { class: 'muted', textContent: 'The monthly price of an IP count with the saved tables, and what it costs you.' }),
    h('div', { class: 'field-row' }, field('Number of IPs', ips, { pointer: '#/body/ips' }), submit),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const n = Number(ips.value);
    if (ips.value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 1_000_000) {
      setFieldError(ips, 'Enter a whole number of IPs from 0 to 1,000,000.');
      ips.focus();
      return;
    }
    submit.disabled = true;
    try {
      const res = await ctx.api('/v1/quotes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ips: n }) });
      if (!res.ok) {
        const problem = await problemOf(res);
        const rest = showFieldErrors(form, problem);
        result.replaceChildren(h('p', { class: 'error', textContent: rest.join(' ') || problem.detail || `The quote failed (${res.status}).` }));
        return;
      }
      const q = (await res.json()) as Quote;
      const money = (m: number | null) => formatMoney(m, q.currency);
      result.replaceChildren(
        h(
          'dl',
          { class: 'facts', id: 'quote-facts' },
          fact('Monthly price', money(q.priceMinor), 'quote-price'),
          fact('Average per IP', money(q.averageIpPriceMinor), 'quote-average'),
          fact('Monthly cost', money(q.costMinor), 'quote-cost'),
          fact('Margin', money(q.marginMinor), 'quote-margin'),
          fact('Volume band', bandText(q.band), 'quote-band'),
        ),
        linesTable('quote-price-lines', `Price lines for ${formatInt(q.ips)} IPs`, q.priceLines, q.currency),
        q.costLines ? linesTable('quote-cost-lines', 'Cost lines (after volume-band and prepaid discounts)', q.costLines, q.currency) : '',
      );
    } catch (error) {
      result.replaceChildren(h('p', { class: 'error', textContent: (error as Error).message }));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The Pricing page: the tables' form, then the quote box. */
export async function pricingPage(ctx: PageContext): Promise<HTMLElement> {
  if (!ctx.permissions.includes('pricing:manage')) return onlyAdmins('Pricing');
  const page = h('div', { class: 'settings-page', id: 'pricing-page' });
  const status = h('div', { id: 'pricing-status', role: 'status', ariaLive: 'polite' });

  async function load(message?: { kind: 'info' | 'error'; text: string }) {
    const res = await ctx.api('/v1/price-tables');
    if (!ctx.current()) return;
    if (!res.ok) {
      page.replaceChildren(h('p', { class: 'panel error', textContent: (await problemOf(res)).detail ?? `The price tables could not be read (${res.status}).` }));
      return;
    }
    const tables = (await res.json()) as PriceTables;
    const form = h('form', { class: 'pricing-form', id: 'pricing-form', noValidate: true });
    const sell = tableEditor('sell', tables.sell);
    const cost = tableEditor('cost', tables.cost);
    const prepaid = h('input', { type: 'text', inputMode: 'decimal', value: minorToDecimal(tables.prepaidDiscountBps, 2), size: 6 });
    const save = h('button', { type: 'submit', class: 'button', textContent: 'Save price tables' });
    const summary = h('div', { class: 'form-summary', id: 'pricing-errors', role: 'alert' });
    form.append(
      sell.box,
      cost.box,
      h(
        'div',
        { class: 'panel' },
        field('Prepaid discount on the cost (%)', prepaid, { pointer: '#/body/prepaidDiscountBps', hint: 'Lowers every cost tier, on top of the volume-band discount.' }),
      ),
      summary,
      h('div', { class: 'form-actions' }, save, h('span', { class: 'muted', textContent: tables.version ? `Version ${tables.version}` : 'Not saved yet' })),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFieldErrors(form);
      summary.replaceChildren();
      const s = sell.read();
      const c = cost.read();
      const bps = parseMajor(prepaid.value, 2);
      if (bps === null || bps > 10_000) setFieldError(prepaid, 'Enter a percentage from 0 to 100, such as 7.5.');
      if (!s || !c || bps === null || bps > 10_000) {
        form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
        return;
      }
      save.disabled = true;
      try {
        const res = await ctx.api('/v1/price-tables', {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'if-match': `"${tables.version}"` },
          body: JSON.stringify({ sell: s, cost: c, prepaidDiscountBps: bps }),
        });
        if (res.ok) return void (await load({ kind: 'info', text: 'Price tables saved. Every subscription you sell is repriced.' }));
        const problem = await problemOf(res);
        if (res.status === 412) {
          return void (await load({ kind: 'error', text: 'Someone saved the price tables meanwhile, so yours were not saved. The form now shows their version: make your change again.' }));
        }
        const rest = showFieldErrors(form, problem);
        summary.replaceChildren(h('p', { class: 'error', textContent: problem.detail ?? `Not saved (${res.status}).` }), ...rest.map((t) => h('p', { class: 'error', textContent: t })));
      } catch (error) {
        summary.replaceChildren(h('p', { class: 'error', textContent: (error as Error).message }));
      } finally {
        save.disabled = false;
      }
    });
    status.replaceChildren(message ? h('p', { class: `panel ${message.kind === 'error' ? 'warning' : 'notice'}`, textContent: message.text }) : '');
    page.replaceChildren(status, form, quoteBox(ctx));
  }

  await load();
  return page;
}
