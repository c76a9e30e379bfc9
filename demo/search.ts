import '../components/finding-search/define.js';
import { h, pageProvider, type PageContext } from './dom.js';

/**
 * Search → Findings: the `<msp-finding-search>` widget over every customer the persona may see
 * (an account manager only its assigned ones: the BFF's RLS decides). Choosing a customer opens
 * it as the fleet does; the text searched stays in the address (`#/search/findings/<text>`), so
 * Back returns to the same results.
 */
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
  const search = document.createElement('msp-finding-search');
  search.id = 'finding-search';
  if (query) search.query = query;
  search.addEventListener('msp-finding-customer', (e) => open(e.detail.customerId, e.detail.name, search.query.trim()));
  return Promise.resolve(h('div', { class: 'panel search' }, pageProvider('search-provider', search)));
}
