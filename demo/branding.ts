import { field, h, problemOf, type PageContext } from './dom.js';

/**
 * Settings → Branding: the MSP's fleet theme (what every customer sees unless it has its own
 * values) and, picked from the fleet, one customer's own theme, both in `<msp-theme-editor>`.
 * After a save the portal re-reads its own theme, so the page around the editor follows.
 */

interface Me {
  org: { id: string; name: string; kind: string };
}

interface FleetItem {
  id: string;
  name: string;
}

/** The parts of `<msp-provider>` this page uses (components/README.md). */
interface ProviderElement extends HTMLElement {
  apiBase: string;
  theme: unknown;
  fetchSession: (() => Promise<{ token: string; expiresAt: string }>) | undefined;
  refreshTheme?: () => Promise<void>;
}

/**
 * The editor's own provider: the portal's pages sit beside the portal's provider, not inside it,
 * so this one takes the same API base, session callback and theme.
 */
function providerFor(editor: HTMLElement): { provider: ProviderElement; portal: ProviderElement | null } {
  const portal = document.getElementById('provider') as ProviderElement | null;
  const provider = document.createElement('msp-provider') as ProviderElement;
  provider.apiBase = portal?.apiBase ?? location.origin;
  provider.theme = portal?.theme ?? 'light';
  provider.fetchSession = portal?.fetchSession;
  provider.append(editor);
  return { provider, portal };
}

const FLEET = 'fleet';

/** The Branding page; `rest[0]` is the customer being edited (none: the fleet theme). */
export async function brandingPage(ctx: PageContext, rest: string[], choose: (customerId: string | null) => void): Promise<HTMLElement> {
  // Loaded with the page: the portal's first screen does not carry the editor's code.
  await import('../components/theme-editor/define.js');
  const meRes = await ctx.api('/v1/me');
  if (!meRes.ok) throw new Error((await problemOf(meRes)).detail ?? `Who is signed in could not be read (${meRes.status}).`);
  const me = (await meRes.json()) as Me;
  const seller = me.org.kind === 'msp' || me.org.kind === 'partner';

  const page = h('div', { class: 'settings-page branding-page', id: 'branding-page' });
  const editor = document.createElement('msp-theme-editor');
  editor.id = 'theme-editor';
  const { provider, portal } = providerFor(editor);

  if (!seller) {
    // A customer's own users see (and, with the right, change) their organisation's theme.
    editor.setAttribute('org-id', me.org.id);
    editor.setAttribute('org-name', me.org.name);
    page.append(provider);
    return page;
  }

  const fleetRes = await ctx.api('/v1/fleet?limit=200&sort=name&order=asc');
  const customers = fleetRes.ok ? ((await fleetRes.json()) as { items: FleetItem[] }).items : [];
  const selected = customers.find((c) => c.id === rest[0]) ?? null;

  const picker = h('select', { id: 'branding-customer' });
  picker.append(
    h('option', { value: FLEET, textContent: `Whole fleet (${me.org.name})` }),
    ...customers.map((c) => h('option', { value: c.id, textContent: c.name })),
  );
  picker.value = selected?.id ?? FLEET;
  picker.addEventListener('change', () => choose(picker.value === FLEET ? null : picker.value));

  if (selected) {
    editor.setAttribute('org-id', selected.id);
    editor.setAttribute('org-name', selected.name);
    editor.setAttribute('fleet-org-id', me.org.id);
    editor.setAttribute('fleet-name', me.org.name);
  } else {
    editor.setAttribute('org-id', me.org.id);
    editor.setAttribute('fleet-name', me.org.name);
    // The preview's licence meter shows a real customer of the fleet.
    if (customers[0]) editor.setAttribute('preview-customer-id', customers[0].id);
  }

  editor.addEventListener('msp-theme-saved', () => {
    // A portal wearing the tenant theme re-reads it; a preset chosen in the header stays.
    for (const p of [portal, provider]) void p?.refreshTheme?.();
  });

  page.append(
    h(
      'div',
      { class: 'panel branding-choice' },
      h('p', {
        textContent: selected
          ? `Editing ${selected.name}'s own theme. Values it leaves unset follow your fleet theme; choose “Apply to: whole fleet” to change it for every customer.`
          : 'Your fleet theme: every customer sees it, except values a customer sets for itself. Pick a customer to give it its own look.',
      }),
      field('Theme of', picker),
    ),
    provider,
  );
  return page;
}
