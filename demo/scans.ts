import { h, pageProvider, problemOf, type PageContext } from './dom.js';

/**
 * Scans: `<msp-scan-schedules>` twice — for the customer picked (its schedules, upcoming runs in
 * its local time, recent runs; create, edit, delete, run now) and across every customer the user
 * may see (the next runs, earliest first). The customer chosen stays in the address
 * (`#/scans/schedules/<id>`).
 */

interface FleetItem {
  id: string;
  name: string;
}

export async function scansPage(ctx: PageContext, customerId: string | undefined, choose: (id: string) => void): Promise<HTMLElement> {
  const res = await ctx.api('/v1/fleet?limit=200&sort=name&order=asc');
  if (!res.ok) throw new Error((await problemOf(res)).detail ?? 'The customers could not be loaded.');
  const customers = ((await res.json()) as { items: FleetItem[] }).items;
  if (!customers.length) {
    return h('div', { class: 'panel empty', role: 'status', id: 'scans-empty' }, h('h2', { textContent: 'No customers yet' }), h('p', { textContent: 'Scan schedules appear here once you have a customer.' }));
  }
  // Without a choice in the address, the first customer that has a schedule (else the first).
  let scheduled: string | undefined;
  if (!customerId) {
    const next = await ctx.api('/v1/scan-schedules/upcoming?perSchedule=1&limit=1');
    if (next.ok) scheduled = ((await next.json()) as { items: { customerId: string }[] }).items[0]?.customerId;
  }
  const selected = customers.find((c) => c.id === (customerId ?? scheduled)) ?? customers[0]!;
  const picker = h('select', { id: 'scans-customer' }, ...customers.map((c) => h('option', { value: c.id, textContent: c.name, selected: c.id === selected.id })));
  picker.addEventListener('change', () => choose(picker.value));
  if (customers.length === 1) picker.disabled = true;

  const one = document.createElement('msp-scan-schedules');
  one.id = 'scan-schedules-customer';
  one.setAttribute('customer-id', selected.id);
  const fleet = document.createElement('msp-scan-schedules');
  fleet.id = 'scan-schedules-fleet';
  return pageProvider(
    'scans-provider',
    h(
      'div',
      { class: 'scans' },
      h(
        'section',
        { className: 'scans-customer', ariaLabel: `Scans of ${selected.name}` },
        h('div', { class: 'field report-picker' }, h('label', { htmlFor: picker.id, textContent: customers.length === 1 ? 'Organisation' : 'Customer' }), picker),
        one,
      ),
      h('section', { className: 'scans-fleet', ariaLabel: 'Across all customers' }, fleet),
    ),
  );
}
