import { h, type PageContext } from './dom.js';

/**
 * Reports → Usage: the `<msp-usage-report>` widget, in the shape of the signed-in partner's
 * partnership (Northwind Cyber bills as an MSSP and resells through its sub-partner Harbor IT, so
 * it can switch; Bluefin Security is a reseller). The partnership and period chosen stay in the
 * address (`#/reports/usage/<type>/<period>`), so a reload shows the same report.
 */

/** What the page reuses from the portal's `<msp-provider>` (its full API is in components/README.md). */
interface PortalProvider extends HTMLElement {
  apiBase: string;
  theme: unknown;
  fetchSession: () => Promise<{ token: string; expiresAt: string }>;
}

export async function usagePage(ctx: PageContext, type: string | undefined, period: string | undefined, remember: (type: string, period: string) => void): Promise<HTMLElement> {
  if (!ctx.permissions.includes('usage:read')) {
    return h(
      'div',
      { class: 'panel empty', role: 'status', id: 'usage-refused' },
      h('h2', { textContent: 'Usage report' }),
      h('p', { textContent: 'The usage report is for MSP admins, analysts and account managers.' }),
    );
  }
  // The widgets read their API client from the nearest provider. This page lives outside the
  // portal's own provider, so it gets one of its own on the same session and theme.
  const portal = document.getElementById('provider') as PortalProvider | null;
  const provider = document.createElement('msp-provider') as PortalProvider;
  provider.id = 'usage-provider';
  if (portal) {
    provider.apiBase = portal.apiBase;
    provider.theme = portal.theme;
    provider.fetchSession = portal.fetchSession;
  }
  const report = document.createElement('msp-usage-report');
  report.id = 'usage-report';
  if (type === 'mssp' || type === 'reseller') report.setAttribute('type', type);
  if (period && /^\d{4}-\d{2}$/.test(period)) report.setAttribute('period', period);
  report.addEventListener('msp-usage-change', (e) => remember(e.detail.type, e.detail.period));
  provider.append(report);
  return h('div', { class: 'usage' }, provider);
}
