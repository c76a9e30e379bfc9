import { h, pageProvider, type PageContext } from './dom.js';

/**
 * Reports → Usage: the `<msp-usage-report>` widget, in the shape of the signed-in partner's
 * partnership (Northwind Cyber bills as an MSSP and resells through its sub-partner Harbor IT, so
 * it can switch; Bluefin Security is a reseller). The partnership and period chosen stay in the
 * address (`#/reports/usage/<type>/<period>`), so a reload shows the same report.
 */

export async function usagePage(ctx: PageContext, type: string | undefined, period: string | undefined, remember: (type: string, period: string) => void): Promise<HTMLElement> {
  if (!ctx.permissions.includes('usage:read')) {
    return h(
      'div',
      { class: 'panel empty', role: 'status', id: 'usage-refused' },
      h('h2', { textContent: 'Usage report' }),
      h('p', { textContent: 'The usage report is for MSP admins, analysts and account managers.' }),
    );
  }
  const report = document.createElement('msp-usage-report');
  report.id = 'usage-report';
  if (type === 'mssp' || type === 'reseller') report.setAttribute('type', type);
  if (period && /^\d{4}-\d{2}$/.test(period)) report.setAttribute('period', period);
  report.addEventListener('msp-usage-change', (e) => remember(e.detail.type, e.detail.period));
  return h('div', { class: 'usage' }, pageProvider('usage-provider', report));
}
