import { h, pageProvider, problemOf, type PageContext } from './dom.js';

/**
 * Reports → Executive report: a customer picker over the fleet and the `<msp-report-viewer>`
 * widget for the chosen one. A customer's own users see only their organisation, so the picker
 * then holds just that one. The viewer brings the customer's colours and logo itself.
 */

interface FleetItem {
  id: string;
  name: string;
}

export async function executiveReportPage(ctx: PageContext, customerId: string | undefined, choose: (id: string) => void): Promise<HTMLElement> {
  const res = await ctx.api('/v1/fleet?limit=200&sort=name&order=asc');
  if (!res.ok) throw new Error((await problemOf(res)).detail ?? 'The customers could not be loaded.');
  const customers = ((await res.json()) as { items: FleetItem[] }).items;
  if (!customers.length) {
    return h('div', { class: 'panel empty', role: 'status', id: 'report-empty' }, h('h2', { textContent: 'No customers yet' }), h('p', { textContent: 'Reports appear here once you have a customer.' }));
  }
  const selected = customers.find((c) => c.id === customerId) ?? customers[0]!;

  const picker = h('select', { id: 'report-customer' }, ...customers.map((c) => h('option', { value: c.id, textContent: c.name, selected: c.id === selected.id })));
  picker.addEventListener('change', () => choose(picker.value));
  const pickerField = h(
    'div',
    { class: 'field report-picker' },
    h('label', { htmlFor: picker.id, textContent: customers.length === 1 ? 'Organisation' : 'Customer' }),
    picker,
  );
  // One organisation needs no choice, but keeps its name on screen.
  if (customers.length === 1) picker.disabled = true;

  const viewer = document.createElement('msp-report-viewer');
  viewer.id = 'report-viewer';
  viewer.setAttribute('customer-id', selected.id);
  const provider = pageProvider('report-provider', viewer);

  return h('div', { class: 'executive-report' }, pickerField, provider);
}
