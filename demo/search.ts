import '../components/finding-search/define.js';
import { h, type PageContext } from './dom.js';

/**
 * Search → Findings: the `<msp-finding-search>` widget over every customer the persona may see
 * (an account manager only its assigned ones: the BFF's RLS decides). Choosing a customer opens
 * it as the fleet does; the text searched stays in the address (`#/search/findings/<text>`), so
 * Back returns to the same results.
 */

/** What the page reuses from the portal's `<msp-provider>` (its full API is in components/README.md). */
interface PortalProvider extends HTMLElement {
  apiBase: string;
  theme: unknown;
  fetchSession: () => Promise<{ token: string; expiresAt: string }>;
}

export function searchPage(ctx: PageContext, query: string | undefined, open: (customerId: string, name: string, query: string) => void): Promise<HTMLElement> {
  if (!ctx.permissions.includes('customers:read')) {
    return Promise.resolve(
      h(
        'div',
        { class: 'panel empty', role: 'status', id: 'search-refused' },
        h('h2', { textContent: 'Finding search' }),
        h('p', { textContent: 'Finding search is for MSP staff who look after customers, and for customer users.' }),
      ),
    );
  }
  // The page lives outside the portal's own provider: it gets one on the same session and theme.
  const portal = document.getElementById('provider') as PortalProvider | null;
  const provider = document.createElement('msp-provider') as PortalProvider;
  provider.id = 'search-provider';
  if (portal) {
    provider.apiBase = portal.apiBase;
    provider.theme = portal.theme;
    provider.fetchSession = portal.fetchSession;
  }
  const search = document.createElement('msp-finding-search');
  search.id = 'finding-search';
  if (query) search.query = query;
  search.addEventListener('msp-finding-customer', (e) => open(e.detail.customerId, e.detail.name, search.query.trim()));
  provider.append(search);
  return Promise.resolve(h('div', { class: 'panel search' }, provider));
}
