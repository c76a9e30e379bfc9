import { fact, formatInt, formatMoney, h, lang, onlyAdmins, problemOf, type PageContext } from './dom.js';
import { bandText } from './pricing.js';

/**
 * Reports → Billing: the invoice preview of one billing period (GET
 * /v1/billing/invoice-preview?period=YYYY-MM), lines grouped per customer, with totals, margin and
 * the portfolio's volume band.
 */

interface Line {
  customerId: string;
  customerName: string;
  description: string;
  from: string;
  to: string;
  ips: number;
  amountMinor: number;
  costMinor: number;
}

interface Preview {
  period: { start: string; end: string; label: string };
  partnership: 'mssp' | 'reseller';
  /** The seller's IANA time zone: the clock its periods and stretches are shown on. */
  timeZone: string;
  currency: string;
  lines: Line[];
  totals: { amountMinor: number; costMinor: number; marginMinor: number };
  portfolioUnits: number;
  band: number;
}

const dayFormat = () => new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeZone: 'UTC' });

/** The period's first and last day, from its label and the partnership's rule (calendar dates, no clock). */
function periodDays(label: string, partnership: Preview['partnership']): [Date, Date] {
  const [year, month] = label.split('-').map(Number) as [number, number];
  return partnership === 'mssp'
    ? [new Date(Date.UTC(year, month - 2, 26)), new Date(Date.UTC(year, month - 1, 25))]
    : [new Date(Date.UTC(year, month - 1, 1)), new Date(Date.UTC(year, month, 0))];
}

function ruleText(p: Preview): string {
  const [first, last] = periodDays(p.period.label, p.partnership);
  const days = `${dayFormat().format(first)} – ${dayFormat().format(last)}`;
  return p.partnership === 'mssp'
    ? `MSSP partnership: a billing period runs from the 26th of the previous month to the 25th, so ${p.period.label} is ${days}.`
    : `Reseller partnership: billing periods are calendar months, so ${p.period.label} is ${days}.`;
}

/**
 * Instants on the MSP's clock: the preview names the seller's time zone, and its periods begin at
 * local midnight there.
 */
function mspClock(p: Preview) {
  const day = new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeZone: p.timeZone });
  const withTime = new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short', timeZone: p.timeZone });
  const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: p.timeZone });
  return (iso: string) => {
    const at = new Date(iso);
    // Midnight is the usual boundary: the date says it; other instants keep their time.
    return (clock.format(at) === '00:00:00' ? day : withTime).format(at);
  };
}

function previewView(p: Preview) {
  const money = (m: number) => formatMoney(m, p.currency);
  const when = mspClock(p);
  const groups = new Map<string, Line[]>();
  for (const line of p.lines) groups.set(line.customerId, [...(groups.get(line.customerId) ?? []), line]);
  const customers = [...groups.values()].sort((a, b) => a[0]!.customerName.localeCompare(b[0]!.customerName));
  const head = h(
    'thead',
    {},
    h('tr', {}, ...[['Customer / stretch', ''], ['From', ''], ['To', ''], ['IPs', 'num'], ['Amount', 'num'], ['Cost', 'num'], ['Margin', 'num']].map(([t, c]) => h('th', { scope: 'col', textContent: t!, class: c! }))),
  );
  const bodies = customers.map((lines) => {
    const first = lines[0]!;
    const amount = lines.reduce((a, l) => a + l.amountMinor, 0);
    const cost = lines.reduce((a, l) => a + l.costMinor, 0);
    const group = h(
      'tbody',
      { class: 'customer-group' },
      h(
        'tr',
        { class: 'group-head' },
        h('th', { scope: 'rowgroup', colSpan: 4 }, h('a', { href: `#/customers/${encodeURIComponent(first.customerId)}`, textContent: first.customerName })),
        h('td', { class: 'num', textContent: money(amount) }),
        h('td', { class: 'num', textContent: money(cost) }),
        h('td', { class: 'num', textContent: money(amount - cost) }),
      ),
      ...lines.map((l) => {
        const tr = h(
          'tr',
          { class: 'line' },
          h('th', { scope: 'row', class: 'line-text', textContent: l.description.replace(`${l.customerName}: `, '') }),
          h('td', { textContent: when(l.from) }),
          h('td', { textContent: when(l.to) }),
          h('td', { class: 'num', textContent: formatInt(l.ips) }),
          h('td', { class: 'num', textContent: money(l.amountMinor) }),
          h('td', { class: 'num', textContent: money(l.costMinor) }),
          h('td', { class: 'num', textContent: money(l.amountMinor - l.costMinor) }),
        );
        tr.dataset.customerId = l.customerId;
        tr.dataset.ips = String(l.ips);
        tr.dataset.amountMinor = String(l.amountMinor);
        return tr;
      }),
    );
    group.dataset.customerId = first.customerId;
    return group;
  });
  const foot = h(
    'tfoot',
    {},
    h(
      'tr',
      {},
      h('th', { scope: 'row', colSpan: 4, textContent: `Total (${formatInt(customers.length)} customers)` }),
      h('td', { class: 'num', id: 'billing-total-amount', textContent: money(p.totals.amountMinor) }),
      h('td', { class: 'num', id: 'billing-total-cost', textContent: money(p.totals.costMinor) }),
      h('td', { class: 'num', id: 'billing-total-margin', textContent: money(p.totals.marginMinor) }),
    ),
  );
  return h(
    'div',
    { id: 'billing-preview' },
    h(
      'div',
      { class: 'panel' },
      h('p', { id: 'billing-rule', textContent: ruleText(p) }),
      h(
        'dl',
        { class: 'facts' },
        fact('Invoice amount', money(p.totals.amountMinor)),
        fact('Your cost', money(p.totals.costMinor)),
        fact('Margin', money(p.totals.marginMinor)),
        fact('Portfolio units', `${formatInt(p.portfolioUnits)} IPs`, 'billing-units'),
        fact('Volume band', bandText(p.band), 'billing-band'),
      ),
    ),
    p.lines.length
      ? h(
          'div',
          { class: 'panel table-scroll' },
          h(
            'table',
            { class: 'data-table billing', id: 'billing-lines' },
            h('caption', { textContent: `Invoice preview ${p.period.label}: one line per stretch of constant IPs; times on your billing clock, “To” exclusive. Trials are not billed.` }),
            head,
            ...bodies,
            foot,
          ),
        )
      : h('p', { class: 'panel empty', textContent: 'Nothing to bill in this period: no purchased subscription was active, or the price tables are not saved yet.' }),
  );
}

export async function billingPage(ctx: PageContext, period: string | undefined, choose: (label: string) => void): Promise<HTMLElement> {
  if (!ctx.permissions.includes('billing:read')) return onlyAdmins('Billing');
  const res = await ctx.api(`/v1/billing/invoice-preview${period ? `?period=${encodeURIComponent(period)}` : ''}`);
  if (!res.ok) return h('p', { class: 'panel error', textContent: (await problemOf(res)).detail ?? `The invoice preview could not be read (${res.status}).` });
  const preview = (await res.json()) as Preview;
  const picker = h('input', { type: 'month', id: 'billing-period', value: preview.period.label, required: true });
  const show = h('button', { type: 'submit', class: 'button-secondary', textContent: 'Show' });
  const form = h(
    'form',
    { class: 'field-row period-form', id: 'billing-period-form' },
    h('div', { class: 'field' }, h('label', { htmlFor: picker.id, textContent: 'Billing period' }), picker),
    show,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (/^\d{4}-\d{2}$/.test(picker.value)) choose(picker.value);
  });
  return h('div', { class: 'billing-page', id: 'billing-page' }, form, previewView(preview));
}
