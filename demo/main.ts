// The widgets, one entry per element (an MSP using the npm package imports the built ones).
import '../components/core/provider.define.js';
import '../components/fleet-table/define.js';
import '../components/customer-create/define.js';
import '../components/customer-detail/define.js';
import '../components/customer-tabs/define.js';
import '../components/report-viewer/define.js';
import '../components/usage-report/define.js';
import '../components/scan-schedules/define.js';
import { presetNames } from '../themes/loader.js';
import './demo.css';
import { isUuid } from '../bff/domain/ids.js';
import { billingPage } from './billing.js';
import { executiveReportPage } from './executive-report.js';
import { brandingPage } from './branding.js';
import { h, lang, type PageContext } from './dom.js';
import { tagForm } from './fleet-tags.js';
import { notificationsPage } from './notifications.js';
import { pricingPage } from './pricing.js';
import { projectKeysPage } from './project-keys.js';
import { scansPage } from './scans.js';
import { searchPage } from './search.js';
import { usagePage } from './usage.js';

/**
 * The demo MSP portal. Everything here is what an MSP writes in its own portal: a session
 * callback that asks its own server, the provider and table elements, and handlers for the
 * events the widgets emit (opening a customer as a tab, a customer created by the wizard). The
 * portal's own pages (reports, settings, the public accept-invite page) are ordinary code.
 */

interface Persona {
  id: string;
  label: string;
  role: string;
  msp: string;
  portal: string;
}

interface Session {
  token: string;
  expiresAt: string;
}

interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
}

interface Me {
  user: { name: string; email: string };
  role: string;
  permissions: string[];
  org: { id: string; name: string; kind: string };
}

/** What the provider element accepts; its full API is in components/README.md. */
interface ProviderElement extends HTMLElement {
  apiBase: string;
  fetchSession: () => Promise<Session>;
  theme: string | Record<string, unknown>;
}

interface RowActionDetail {
  action: string;
  customerId: string;
}

interface ErrorDetail {
  type: string;
  message: string;
}

const PERSONA_KEY = 'northwind-portal.persona';
const THEME_KEY = 'northwind-portal.theme';
/** The signed-in org's own theme, read by the provider from the BFF (`theme="tenant"`). */
const TENANT_THEME = 'tenant';

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const main = byId('content');
const personaSelect = byId<HTMLSelectElement>('persona');
const themeSelect = byId<HTMLSelectElement>('theme');

const humanize = (value: string) => value.replace(/_/g, ' ');
const sentenceCase = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

// --- The portal's own server: who is signed in decides which session it mints. ---------------

class DemoSessionError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? 'The portal could not start a session.');
  }
}

/**
 * Sessions for the signed-in persona. The provider asks for a fresh one whenever it needs it;
 * the portal's own pages reuse the last one while it is valid.
 */
class Sessions {
  private current: Session | undefined;
  private pending: Promise<Session> | undefined;

  constructor(readonly personaId: string) {}

  /** The provider's `fetchSession` callback: always a new session from the portal's server. */
  readonly fetchSession = (): Promise<Session> => {
    this.pending ??= (async () => {
      try {
        const res = await fetch(`/demo/session?persona=${encodeURIComponent(this.personaId)}`, { cache: 'no-store' });
        const body = (await res.json()) as Session & Problem;
        if (!res.ok) throw new DemoSessionError(body);
        this.current = { token: body.token, expiresAt: body.expiresAt };
        return this.current;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  };

  async token(): Promise<string> {
    const valid = this.current && Date.parse(this.current.expiresAt) - Date.now() > 60_000;
    return (valid ? this.current! : await this.fetchSession()).token;
  }

  /** A BFF request with the session; once more with a new session after a 401. */
  readonly request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const send = async () => fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await this.token()}` } });
    let res = await send();
    if (res.status === 401) {
      this.current = undefined;
      res = await send();
    }
    return res;
  };

  get(path: string): Promise<Response> {
    return this.request(path);
  }
}

// --- Toasts --------------------------------------------------------------------------------------

function toast(kind: 'error' | 'info', title: string, message: string) {
  const close = h('button', { type: 'button', className: 'toast-close', ariaLabel: 'Dismiss', textContent: '×' });
  const item = h(
    'div',
    { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('div', { class: 'toast-body' }, h('strong', { textContent: title }), h('span', { textContent: message })),
    close,
  );
  item.dataset.kind = kind;
  const remove = () => item.remove();
  close.addEventListener('click', remove);
  if (kind === 'info') setTimeout(remove, 6000);
  byId('toasts').append(item);
}

const roleNames: Record<string, string> = {
  msp_admin: 'MSP admin',
  msp_analyst: 'Analyst',
  msp_account_manager: 'Account manager',
  msp_marketing: 'Marketing',
  customer_admin: 'Customer admin',
  customer_viewer: 'Customer viewer',
};

const errorTitles: Record<string, string> = {
  authentication_error: 'Signed out',
  session_expired: 'Session expired',
  rate_limit_error: 'Too many requests',
  network_error: 'Connection problem',
  api_error: 'Something went wrong',
  invalid_request_error: 'Request not accepted',
};

// --- Personas and themes -------------------------------------------------------------------------

let personas: Persona[] = [];
let sessions: Sessions | undefined;
let me: Me | undefined;

function applyTheme(name: string) {
  // The tenant theme's mode is known once the provider has read it (msp-theme-change below).
  if (name !== TENANT_THEME) document.documentElement.dataset.theme = name;
  const provider = document.getElementById('provider') as ProviderElement | null;
  if (provider) provider.theme = name;
  // The pages' own providers (demo/dom.ts pageProvider) follow the portal's.
  for (const page of Array.from(document.querySelectorAll<ProviderElement>('msp-provider[data-page-provider]'))) page.theme = name;
  if (name !== TENANT_THEME) showPortalLogo(null);
  localStorage.setItem(THEME_KEY, name);
}

/** The org's logo beside the portal's name, when its theme has one. */
function showPortalLogo(url: string | null) {
  const brand = document.querySelector('.brand')!;
  const existing = brand.querySelector<HTMLImageElement>('.brand-logo');
  brand.querySelector('.brand-mark')?.toggleAttribute('hidden', !!url);
  brand.classList.toggle('has-logo', !!url);
  if (!url) {
    existing?.remove();
    return;
  }
  // Decorative: the portal's name stays in the link for screen readers. Kept as tall as the bar.
  const img = existing ?? h('img', { className: 'brand-logo', alt: '' });
  img.src = url;
  if (!existing) brand.prepend(img);
}

// The portal follows its own provider's theme: the page colours take its mode, the header its logo.
document.addEventListener('msp-theme-change', (event) => {
  if (event.target !== document.getElementById('provider') || themeSelect.value !== TENANT_THEME) return;
  document.documentElement.dataset.theme = event.detail.mode;
  showPortalLogo(event.detail.logo);
});

async function signIn(persona: Persona) {
  localStorage.setItem(PERSONA_KEY, persona.id);
  document.documentElement.dataset.portal = persona.msp;
  byId('brand').textContent = persona.portal;
  document.title = `${persona.portal} — client portal (Portico demo)`;
  main.dataset.state = 'loading';
  byId('who').textContent = 'Signing in…';
  byId('selection').hidden = true;
  closeTags(false);
  me = undefined;

  // A new persona is a new sign-in: a fresh provider and table, so nothing of the previous
  // user survives. The portal's views live inside the provider so they share its theme.
  sessions = new Sessions(persona.id);
  const fresh = document.createElement('msp-provider') as ProviderElement;
  fresh.id = 'provider';
  fresh.apiBase = location.origin;
  fresh.theme = themeSelect.value;
  fresh.fetchSession = sessions.fetchSession;
  const table = document.createElement('msp-fleet-table');
  table.id = 'fleet';
  byId('fleet-slot').replaceChildren(table);
  // The customers this user keeps open (restored from the BFF), and the creation wizard.
  const tabs = document.createElement('msp-customer-tabs');
  tabs.id = 'customer-tabs';
  tabs.append(h('a', { href: '#/customers', slot: 'start', class: 'tabs-home', id: 'tabs-home', textContent: 'All customers' }));
  byId('tabs-slot').replaceChildren(tabs);
  const wizard = document.createElement('msp-customer-create');
  wizard.id = 'customer-create';
  byId('create-slot').replaceChildren(wizard);
  wizardUsed = false;
  byId('new-customer').hidden = true;
  fresh.append(byId('widgets'));
  byId('widget-slot').replaceChildren(fresh);

  const current = sessions;
  try {
    const res = await current.get('/v1/me');
    const body = (await res.json()) as Me & Problem;
    if (!res.ok) throw new DemoSessionError(body);
    if (current !== sessions) return;
    me = body;
    // A customer's own users see their organisation, not a portfolio.
    const customerUser = me.role.startsWith('customer_');
    byId('new-customer').hidden = !me.permissions.includes('customers:create');
    byId('customers-title').textContent = customerUser ? 'Your organisation' : 'Customers';
    byId('customers-lede').textContent = customerUser
      ? `Your subscription and security posture, managed by ${persona.portal}.`
      : 'Every customer in your portfolio, with its subscription and security posture.';
    byId('who').replaceChildren(
      h('span', { class: 'who-name', textContent: me.user.name }),
      ` · ${roleNames[me.role] ?? humanize(me.role)} · `,
      h('span', { class: 'who-org', id: 'org', textContent: me.org.name }),
    );
    await route();
  } catch (error) {
    if (current !== sessions) return;
    byId('who').replaceChildren(h('span', { class: 'error', textContent: (error as Error).message }));
    main.dataset.state = 'error';
  }
}

// --- Routes --------------------------------------------------------------------------------------


const placeholders: Record<string, [string, string]> = {};

/** A page under Reports or Settings: the portal's own code over the BFF, in demo/<page>.ts. */
interface SubPage {
  id: string;
  label: string;
  render: (ctx: PageContext, rest: string[]) => Promise<HTMLElement>;
}

const sections: Record<string, { title: string; lede: string; pages: SubPage[] }> = {
  reports: {
    title: 'Reports',
    lede: 'What you bill your customers, period by period, each customer\'s branded executive report, and your usage report.',
    pages: [
      { id: 'billing', label: 'Billing', render: (ctx, [period]) => billingPage(ctx, period, (label) => (location.hash = `#/reports/billing/${label}`)) },
      { id: 'executive', label: 'Executive report', render: (ctx, [id]) => executiveReportPage(ctx, id, (next) => (location.hash = `#/reports/executive/${encodeURIComponent(next)}`)) },
      { id: 'usage', label: 'Usage', render: (ctx, [type, period]) => usagePage(ctx, type, period, (t, p) => history.replaceState(null, '', `#/reports/usage/${t}${p ? `/${p}` : ''}`)) },
    ],
  },
  scans: {
    title: 'Scans',
    lede: 'Scans that run themselves: daily, weekly or monthly at a time in each customer\'s own zone, and whenever a new asset turns up or the vulnerability database is updated.',
    pages: [{ id: 'schedules', label: 'Schedules', render: (ctx, [id]) => scansPage(ctx, id, (next) => (location.hash = `#/scans/schedules/${encodeURIComponent(next)}`)) }],
  },
  search: {
    title: 'Search',
    lede: 'Findings across every customer you look after: which still accept legacy SMTP AUTH, run an outdated OpenSSH, serve an expired certificate.',
    pages: [
      {
        id: 'findings',
        label: 'Findings',
        render: (ctx, [query]) =>
          searchPage(ctx, query, (id, name, text) => {
            history.replaceState(null, '', `#/search/findings${text ? `/${encodeURIComponent(text)}` : ''}`);
            knownNames.set(id, name);
            location.hash = `#/customers/${encodeURIComponent(id)}`;
          }),
      },
    ],
  },
  settings: {
    title: 'Settings',
    lede: 'Your prices, prepaid project keys, the branding your customers see (your fleet theme and each customer\'s own), and how you hear about what happens.',
    pages: [
      { id: 'pricing', label: 'Pricing', render: (ctx) => pricingPage(ctx) },
      { id: 'project-keys', label: 'Project keys', render: (ctx) => projectKeysPage(ctx) },
      { id: 'branding', label: 'Branding', render: (ctx, [customerId]) => brandingPage(ctx, customerId ? [customerId] : [], (id) => (location.hash = `#/settings/branding${id ? `/${encodeURIComponent(id)}` : ''}`)) },
      { id: 'notifications', label: 'Notifications', render: (ctx, [userId]) => notificationsPage(ctx, userId, (id) => history.replaceState(null, '', `#/settings/notifications${id ? `/${encodeURIComponent(id)}` : ''}`)) },
    ],
  },
};

function showView(name: 'customers' | 'accept-invite' | 'outbox' | 'placeholder' | 'section') {
  for (const view of Array.from(document.querySelectorAll<HTMLElement>('section.view'))) view.hidden = view.dataset.view !== name;
  main.dataset.page = name;
}

/** Counts page loads, so an answer that arrives after the user moved on is dropped. */
let pageLoads = 0;

async function showSection(name: string, sub: string | undefined, rest: string[]) {
  const section = sections[name]!;
  const page = section.pages.find((p) => p.id === sub) ?? section.pages[0]!;
  if (sub !== page.id) history.replaceState(null, '', `#/${name}/${page.id}`);
  byId('section-title').textContent = section.title;
  byId('section-lede').textContent = section.lede;
  byId('subnav').setAttribute('aria-label', section.title);
  byId('subnav').replaceChildren(
    ...section.pages.map((p) => {
      const link = h('a', { href: `#/${name}/${p.id}`, textContent: p.label });
      if (p === page) link.setAttribute('aria-current', 'page');
      return link;
    }),
  );
  document.title = `${page.label} — ${byId('brand').textContent}`;
  showView('section');
  main.dataset.state = 'loading';
  const load = ++pageLoads;
  const signedIn = sessions!;
  const ctx: PageContext = { api: signedIn.request, permissions: me!.permissions, current: () => load === pageLoads && signedIn === sessions };
  const body = byId('section-body');
  body.setAttribute('aria-busy', 'true');
  try {
    const view = await page.render(ctx, rest);
    if (!ctx.current()) return;
    body.replaceChildren(view);
    main.dataset.state = 'ready';
  } catch (error) {
    if (!ctx.current()) return;
    body.replaceChildren(h('p', { class: 'panel error', textContent: (error as Error).message }));
    main.dataset.state = 'error';
  } finally {
    if (ctx.current()) body.removeAttribute('aria-busy');
  }
}

function markNav(section: string) {
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('[data-nav]'))) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts[0] ?? 'customers';
  markNav(section);
  if (!me) return; // signIn calls route() once the session is ready
  if (section === 'customers' && parts[1]) {
    showView('customers');
    await showCustomer(parts[1]);
  } else if (section === 'outbox') {
    showView('outbox');
    await showOutbox(parts[1]);
  } else if (section in sections) {
    await showSection(section, parts[1], parts.slice(2));
  } else if (section in placeholders) {
    const [title, text] = placeholders[section]!;
    byId('placeholder-title').textContent = title;
    byId('placeholder-text').textContent = text;
    showView('placeholder');
    main.dataset.state = 'ready';
  } else {
    showView('customers');
    showCustomerList();
    main.dataset.state = 'ready';
  }
}

function notFound(id: string) {
  return h(
    'div',
    { class: 'panel empty', id: 'customer-not-found', role: 'status' },
    h('h1', { textContent: 'Customer not found' }),
    h('p', {
      textContent: `There is no customer with the id “${id}” in your portfolio, or it is not shared with you.`,
    }),
    h('p', {}, h('a', { href: '#/customers', className: 'button', textContent: 'Back to all customers' })),
  );
}

function fact(label: string, value: string | Node) {
  return [h('dt', { textContent: label }), h('dd', {}, value)];
}

// --- Outbox: the demo's captured email (demo/mail-capture.ts) ----------------------------------

interface OutboxEntry {
  id: string;
  date: string;
  from: string;
  to: string;
  subject: string;
}

interface OutboxMessage extends OutboxEntry {
  html: string | null;
  text: string | null;
}

const formatDateTime = (iso: string) => new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

function outboxMessageView(m: OutboxMessage) {
  let frame: HTMLIFrameElement | null = null;
  if (m.html) {
    frame = h('iframe', { className: 'outbox-frame', title: `HTML part of “${m.subject}”`, src: `/demo/outbox/${encodeURIComponent(m.id)}/html` });
    // No permissions at all: the message's own URL serves it with a CSP that allows only its
    // inline styles and embedded images (the portal's CSP, which a srcdoc frame would inherit,
    // forbids inline styles).
    frame.setAttribute('sandbox', '');
    frame.referrerPolicy = 'no-referrer';
  }
  return h(
    'article',
    { class: 'panel outbox-detail', id: 'outbox-detail' },
    h('h2', { textContent: m.subject || '(no subject)' }),
    h('dl', {}, ...fact('From', m.from), ...fact('To', m.to), ...fact('Date', formatDateTime(m.date))),
    frame,
    h('h3', { textContent: 'Plain-text part' }),
    h('pre', { className: 'outbox-text', textContent: m.text ?? '(none)' }),
  );
}

async function showOutbox(id: string | undefined) {
  const list = byId('outbox-list');
  const detail = byId('outbox-message');
  main.dataset.state = 'loading';
  try {
    const res = await fetch('/demo/outbox', { cache: 'no-store' });
    if (res.status === 404) {
      byId('outbox-lede').textContent = 'Email goes to the SMTP server in SMTP_URL; the outbox captures it only when SMTP_URL is unset.';
      list.replaceChildren();
      detail.replaceChildren();
      main.dataset.state = 'ready';
      return;
    }
    const { location: where, items } = (await res.json()) as { location: string; items: OutboxEntry[] };
    byId('outbox-lede').textContent = `Email the portal sent, captured on this machine instead of being delivered (${where}).`;
    const selected = id ?? items[0]?.id;
    list.replaceChildren(
      ...(items.length
        ? items.map((m) => {
            const link = h(
              'a',
              { href: `#/outbox/${encodeURIComponent(m.id)}` },
              h('span', { class: 'outbox-subject', textContent: m.subject || '(no subject)' }),
              h('span', { class: 'outbox-meta', textContent: `${m.to} · ${formatDateTime(m.date)}` }),
            );
            if (m.id === selected) link.setAttribute('aria-current', 'true');
            return h('li', {}, link);
          })
        : [h('li', { class: 'muted', textContent: 'No email yet. Invites, deletion confirmations and licence alerts appear here.' })]),
    );
    if (!selected) detail.replaceChildren();
    else {
      const one = await fetch(`/demo/outbox/${encodeURIComponent(selected)}`, { cache: 'no-store' });
      detail.replaceChildren(
        one.ok ? outboxMessageView((await one.json()) as OutboxMessage) : h('p', { class: 'panel empty', textContent: 'This message is not in the outbox.' }),
      );
    }
    main.dataset.state = 'ready';
  } catch (error) {
    detail.replaceChildren(h('p', { class: 'panel error', textContent: (error as Error).message }));
    main.dataset.state = 'error';
  }
}

byId('outbox-refresh').addEventListener('click', () => void route());

const customerTabs = () => document.getElementById('customer-tabs') as HTMLElementTagNameMap['msp-customer-tabs'];
const fleetTable = () => document.getElementById('fleet') as HTMLElementTagNameMap['msp-fleet-table'] | null;
/** Names the portal already knows (a fleet row, a new customer), so opening a tab needs no request. */
const knownNames = new Map<string, string>();

/** The fleet, with the open customers' tabs above it and none of them shown. */
function showCustomerList() {
  byId('customers').dataset.mode = 'list';
  byId('tabs-home').setAttribute('aria-current', 'page');
  byId('customer-message').replaceChildren();
  document.title = `${byId('brand').textContent} — client portal (Portico demo)`;
  void customerTabs().activate(null);
}

/** A customer in its tab: opened (or switched to), or "not found" when this user cannot see it. */
async function showCustomer(id: string) {
  const view = byId('customers');
  const tabs = customerTabs();
  const current = sessions;
  byId('tabs-home').removeAttribute('aria-current');
  byId('customer-message').replaceChildren();
  main.dataset.state = 'loading';
  try {
    const opened = isUuid(id) && (await tabs.open(id, knownNames.get(id)));
    if (current !== sessions) return;
    if (opened) {
      view.dataset.mode = 'customer';
      document.title = `${tabs.tabs.find((t) => t.id === id)?.name ?? 'Customer'} — ${byId('brand').textContent}`;
    } else {
      view.dataset.mode = 'missing';
      await tabs.activate(null);
      byId('customer-message').replaceChildren(notFound(id));
    }
    main.dataset.state = 'ready';
  } catch (error) {
    if (current !== sessions) return;
    view.dataset.mode = 'missing';
    byId('customer-message').replaceChildren(h('p', { class: 'panel error', textContent: (error as Error).message }));
    main.dataset.state = 'error';
  }
}

// --- New customer: the wizard in a dialog -------------------------------------------------------

const createDialog = byId<HTMLDialogElement>('create-dialog');
/** The wizard finished a run: the next opening starts a new one. */
let wizardUsed = false;

byId('new-customer').addEventListener('click', () => {
  const wizard = document.getElementById('customer-create') as HTMLElementTagNameMap['msp-customer-create'];
  if (wizardUsed) wizard.reset();
  wizardUsed = false;
  createDialog.showModal();
});
byId('create-close').addEventListener('click', () => createDialog.close());

// --- Accepting an invite: the public page the invite email links to -----------------------------

const inviteOutcomes: Record<string, [string, string]> = {
  accepted: ['Invitation accepted', 'Your account is ready: sign in to the portal as {email}.'],
  already_accepted: ['Invitation already accepted', 'This invitation was accepted before: sign in to the portal as {email}.'],
  expired: ['Invitation expired', 'This link has expired. Ask your provider to send you a new invitation.'],
  invalid: ['Invitation not found', 'This link is not valid: it may be incomplete, or replaced by a newer invitation.'],
};

function showInviteOutcome(kind: keyof typeof inviteOutcomes, email = '') {
  const [title, text] = inviteOutcomes[kind]!;
  byId('accept-invite').dataset.outcome = kind;
  byId('invite-title').textContent = title;
  byId('invite-text').textContent = text.replace('{email}', email);
  byId('invite-accept').hidden = true;
  byId('invite-title').focus();
}

/** `/accept-invite?token=…`: one button posts the token (no session: the token is the credential). */
function showAcceptInvite() {
  document.documentElement.dataset.public = 'true';
  byId('who').hidden = true;
  // Nobody is signed in here: the brand leads to the portal's start page.
  document.querySelector('.brand')?.setAttribute('href', '/');
  showView('accept-invite');
  main.dataset.state = 'ready';
  const token = new URLSearchParams(location.search).get('token') ?? '';
  if (!token) {
    showInviteOutcome('invalid');
    return;
  }
  const button = byId<HTMLButtonElement>('invite-accept');
  const status = byId('invite-status');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'Accepting…';
    try {
      const res = await fetch('/v1/invites/accept', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      const body = (await res.json()) as { status?: string; email?: string } & Problem;
      status.textContent = '';
      if (res.ok) showInviteOutcome(body.status === 'already_accepted' ? 'already_accepted' : 'accepted', body.email);
      else if (res.status === 410) showInviteOutcome('expired');
      else if (res.status === 404 || res.status === 400) showInviteOutcome('invalid');
      else throw new Error(body.detail ?? `The portal answered ${res.status}.`);
      // The token has done its job: keep it out of the address bar and the history.
      history.replaceState(null, '', location.pathname);
    } catch (error) {
      status.textContent = (error as Error).message;
      button.disabled = false;
    }
  });
}

// --- Widget events -------------------------------------------------------------------------------

document.addEventListener('msp-row-action', (event) => {
  const { action, customerId } = (event as CustomEvent<RowActionDetail>).detail;
  if (action === 'open-customer') {
    const row = fleetTable()?.rows.find((r) => r.id === customerId);
    if (row) knownNames.set(customerId, row.name);
    location.hash = `#/customers/${encodeURIComponent(customerId)}`;
  } else if (action === 'see-reports' || action === 'open-reports') location.hash = `#/reports`;
  else toast('info', humanize(action), `The portal would now handle “${humanize(action)}” for this customer.`);
});

// The user chose or closed a tab: the address follows, so back/forward and reloads agree.
document.addEventListener('msp-customer-tabs-change', (event) => {
  const { active } = event.detail;
  const target = active ? `#/customers/${encodeURIComponent(active)}` : '#/customers';
  if (location.hash !== target) location.hash = target;
});

// A new org: the fleet shows it, and a new customer opens in a tab behind the wizard's summary.
document.addEventListener('msp-customer-created', (event) => {
  const { id, customer } = event.detail;
  wizardUsed = true;
  void fleetTable()?.reload();
  if (customer) {
    knownNames.set(id, customer.name);
    location.hash = `#/customers/${encodeURIComponent(id)}`;
  }
});

// --- Tags of the selected customers -----------------------------------------------------------

let selectedIds: string[] = [];
const tagsOpen = byId<HTMLButtonElement>('tags-open');
const tagFormSlot = byId('tag-form-slot');
const tags = tagForm({
  api: (path, init) => (sessions ? sessions.request(path, init) : Promise.reject(new Error('Not signed in.'))),
  selected: () => selectedIds,
  applied: (message) => {
    toast('info', 'Tags', message);
    closeTags(false);
    const table = fleetTable();
    table?.clearSelection();
    void table?.reload();
    // The form and the selection bar are gone: keep the keyboard where the list starts.
    byId('customers-title').focus();
  },
});
tagFormSlot.append(tags.element);

function closeTags(returnFocus: boolean) {
  if (tagFormSlot.hidden) return;
  tagFormSlot.hidden = true;
  tagsOpen.ariaExpanded = 'false';
  tags.reset();
  if (returnFocus && !tagsOpen.hidden) tagsOpen.focus();
}

tagsOpen.addEventListener('click', () => {
  if (!tagFormSlot.hidden) return closeTags(true);
  tagFormSlot.hidden = false;
  tagsOpen.ariaExpanded = 'true';
  byId<HTMLInputElement>('tags-add').focus();
  void tags.suggest();
});
tagFormSlot.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeTags(true);
});

document.addEventListener('msp-selection-change', (event) => {
  selectedIds = (event as CustomEvent<{ selectedIds: string[] }>).detail.selectedIds;
  const count = selectedIds.length;
  byId('selection').hidden = count === 0;
  byId('selection-count').textContent = count === 1 ? '1 customer selected' : `${count} customers selected`;
  tagsOpen.hidden = !me?.permissions.includes('customers:manage');
  if (count === 0) closeTags(false);
  else tags.invalidate();
});

document.addEventListener('msp-error', (event) => {
  const { type, message } = (event as CustomEvent<ErrorDetail>).detail;
  toast('error', errorTitles[type] ?? 'Error', message);
});

// --- Start ---------------------------------------------------------------------------------------

async function start() {
  const presets: readonly string[] = presetNames;
  themeSelect.replaceChildren(
    h('option', { value: TENANT_THEME, textContent: 'Tenant theme' }),
    ...presets.map((name) => h('option', { value: name, textContent: sentenceCase(name.replace(/-/g, ' ')) })),
  );
  const savedTheme = localStorage.getItem(THEME_KEY);
  themeSelect.value = savedTheme && (savedTheme === TENANT_THEME || presets.includes(savedTheme)) ? savedTheme : TENANT_THEME;
  applyTheme(themeSelect.value);
  themeSelect.addEventListener('change', () => applyTheme(themeSelect.value));
  if (location.pathname === '/accept-invite') {
    showAcceptInvite();
    return;
  }

  try {
    const res = await fetch('/demo/personas');
    personas = (await res.json()) as Persona[];
  } catch {
    byId('who').replaceChildren(h('span', { class: 'error', textContent: 'The portal server is not answering.' }));
    main.dataset.state = 'error';
    return;
  }
  personaSelect.replaceChildren(...personas.map((p) => h('option', { value: p.id, textContent: p.label })));
  const saved = personas.find((p) => p.id === localStorage.getItem(PERSONA_KEY)) ?? personas[0];
  if (!saved) {
    byId('who').replaceChildren(h('span', { class: 'error', textContent: 'No demo personas: seed the database and restart.' }));
    main.dataset.state = 'error';
    return;
  }
  personaSelect.value = saved.id;
  personaSelect.addEventListener('change', () => {
    const persona = personas.find((p) => p.id === personaSelect.value);
    if (!persona) return;
    // Signing in as someone else starts at the portal's home page, as a real portal would.
    if (location.hash && location.hash !== '#/customers') history.replaceState(null, '', '#/customers');
    void signIn(persona);
  });
  window.addEventListener('hashchange', () => void route());
  await signIn(saved);
}

void start();
