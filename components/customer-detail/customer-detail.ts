import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ResolvedTheme } from '../../themes/loader.js';
import type { ApiClient, Versioned } from '../core/api-client.js';
import type { ActivityEntry, Customer, CustomerPatch, CustomerTransition, CustomerUsage, CustomerUser, Licence } from '../core/api-types.js';
import { applyAction, type LifecycleAction, type LifecycleState } from '../../bff/domain/lifecycle.js';
import { MspElement } from '../core/base-element.js';
import { ChartHost, chartStyle, type ChartEntry } from '../core/chart-host.js';
import { apiContext, themeContext } from '../core/context.js';
import { ApiError, toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate, formatNumber } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import '../license-meter/define.js';
import styles from './customer-detail.styles.js';
import { delegationOptions, describeChanges, isCustomerTab, productTokens, statusLabels, tabs, valueLabels, type CustomerTab } from './labels.js';
import { historyDays, renderActivity, renderOverview, renderSecurity, renderUsageTable, renderUsers, usageSummary, type InviteOutcome } from './panels.js';

/** A section loaded on demand when its tab is first shown. */
interface Loadable<T> {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  value?: T;
  error?: MspErrorDetail;
}
const idle = <T>(): Loadable<T> => ({ phase: 'idle' });

type ActionId = 'lock' | 'unlock' | 'cancel' | 'reactivate' | 'convert-to-managed' | 'convert-to-purchased' | 'main-user' | 'address' | 'delegation' | 'delete';

interface ActionDef {
  id: ActionId;
  label: string;
  /** The lifecycle rule (bff/domain/lifecycle.ts) that decides whether the menu offers it. */
  rule: LifecycleAction;
  /** Opens a dialog first; the others run on click. */
  dialog?: boolean;
  /** Done message (deletion has none: the deleting status carries its own notice). */
  done?: string;
}

/** The Actions menu, in order. */
const actions: readonly ActionDef[] = [
  { id: 'lock', label: 'Lock', rule: 'lock', dialog: true, done: 'Customer locked: its users cannot sign in; the subscription continues.' },
  { id: 'unlock', label: 'Unlock', rule: 'unlock', done: 'Customer unlocked.' },
  { id: 'cancel', label: 'Cancel subscription', rule: 'cancel', dialog: true, done: 'Subscription cancelled.' },
  { id: 'reactivate', label: 'Reactivate subscription', rule: 'reactivate', done: 'Subscription reactivated.' },
  { id: 'convert-to-managed', label: 'Convert to managed', rule: 'convert_to_managed', dialog: true, done: 'Converted to managed service.' },
  { id: 'convert-to-purchased', label: 'Convert trial to purchased', rule: 'convert_to_purchased', dialog: true, done: 'Trial converted to purchased; all data kept.' },
  { id: 'main-user', label: 'Change main user', rule: 'change_main_user', dialog: true, done: 'Main user changed.' },
  { id: 'address', label: 'Edit address & VAT ID', rule: 'edit', dialog: true, done: 'Address and VAT ID saved.' },
  { id: 'delegation', label: 'Access delegation', rule: 'edit', dialog: true, done: 'Access delegation saved.' },
  { id: 'delete', label: 'Delete customer', rule: 'delete', dialog: true },
];

/**
 * Whether the BFF's lifecycle rules allow `action` for `c`, so the menu offers only what can
 * succeed (the BFF still decides). A revoked customer hides whether it is locked: both are tried.
 */
function allows(c: Customer, action: LifecycleAction): boolean {
  const revoked = c.status === 'connection_lost';
  const statuses: LifecycleState['status'][] = c.status === 'connection_lost' ? ['active', 'locked'] : [c.status];
  return statuses.some(
    (status) => applyAction({ status, revoked, plan: c.plan === 'trial' ? 'trial' : 'purchased', serviceMode: c.serviceMode, cancelled: status === 'cancelled' }, action).ok,
  );
}

const confirmTexts: Partial<Record<ActionId, string>> = {
  lock: 'Users of this customer will not be able to sign in until it is unlocked. The subscription and billing continue.',
  cancel: 'The subscription ends; data is kept and the subscription can be reactivated.',
  'convert-to-managed': 'Your team takes over running scans and reports for this customer.',
};

interface DialogState {
  action: ActionDef;
  busy: boolean;
  /** Message of a failure that is not about one field. */
  error?: string;
  /** Server validation messages by field (`#/body/address/city` → `address/city`). */
  fieldErrors: Record<string, string>;
  users?: Loadable<CustomerUser[]>;
  confirmText: string;
}

type Notice = { kind: 'success' | 'error'; message: string };

const ACTIVITY_PAGE = 20;
const DAY_MS = 86_400_000;
const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** The last `days` days up to today, as `YYYY-MM-DD`. */
export function lastDays(days: number, today = new Date()): { from: string; to: string } {
  return { from: isoDay(new Date(today.getTime() - (days - 1) * DAY_MS)), to: isoDay(today) };
}

/**
 * One customer: a header with its status and (for MSP admins) an Actions menu, and tabs for its
 * commercial terms, security posture, product usage, licences, users and audit log. Every change
 * is sent with `If-Match`; when someone else changed the customer meanwhile the element shows the
 * current data and says what differs. chart.js is loaded only when a chart is first shown.
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Detail view of one customer with its lifecycle actions.
 *
 * @slot ip-distribution - Replaces the `<msp-ip-distribution>` shown on the Licences tab under the meter.
 *
 * @event {CustomEvent<{customerId: string, tab: string}>} msp-tab-change - The user chose a tab.
 * @event {CustomEvent<{customerId: string, action: string, customer: Customer}>} msp-customer-changed -
 *   An action succeeded; `customer` is the updated customer.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown inline).
 *
 * @csspart header - Name, status and actions.
 * @csspart name - The customer's name.
 * @csspart status - The status badge.
 * @csspart actions-button - The Actions menu button.
 * @csspart actions-menu - The Actions menu.
 * @csspart notice - Result of the last action, conflicts, and the revoked-access notice.
 * @csspart tablist - The tab strip.
 * @csspart tab - Each tab.
 * @csspart panel - Each tab panel.
 * @csspart fields - Label/value lists on the Overview tab.
 * @csspart chart - Each chart (canvas with its table alternative).
 * @csspart range - The Usage tab's date range controls.
 * @csspart usage-table - The Usage tab's table alternative.
 * @csspart severities - Open findings by severity.
 * @csspart users - The users table.
 * @csspart pill - The "Main user" marker.
 * @csspart activity - The audit log list.
 * @csspart button - Buttons inside panels and dialogs.
 * @csspart dialog - The action dialogs.
 * @csspart license-meter - The `<msp-license-meter>` on the Licences tab.
 * @csspart ip-distribution - The `<msp-ip-distribution>` on the Licences tab.
 * @csspart state - Loading, empty and error boxes.
 *
 * @cssproperty --msp-color-primary - Selected tab, buttons, first chart colour.
 * @cssproperty --msp-color-accent - Second chart colour.
 * @cssproperty --msp-color-danger - Delete action, errors, locked status.
 */
export class MspCustomerDetail extends MspElement {
  static override styles = styles;

  /** The customer shown (`GET /v1/customers/{id}`). */
  @property({ attribute: 'customer-id', reflect: true }) customerId = '';

  /** The tab shown: `overview`, `security`, `usage`, `licences`, `users` or `activity`. */
  @property({ reflect: true }) tab: CustomerTab = 'overview';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @consume({ context: themeContext, subscribe: true })
  @state()
  private theme: ResolvedTheme | undefined;

  @state() private customerState: Loadable<Versioned<Customer>> = idle();
  @state() private canManage = false;
  @state() private licenceState: Loadable<Licence> = idle();
  @state() private usageState: Loadable<CustomerUsage> = idle();
  @state() private usageRange = lastDays(30);
  @state() private usersState: Loadable<CustomerUser[]> = idle();
  @state() private contact: { name: string | null; email: string | null } | undefined;
  @state() private activityState: Loadable<ActivityEntry[]> = idle();
  @state() private activityCursor: string | null = null;
  @state() private loadingMoreActivity = false;
  @state() private resending = new Set<string>();
  @state() private inviteOutcomes = new Map<string, InviteOutcome>();
  @state() private notice: Notice | undefined;
  @state() private menuOpen = false;
  @state() private dialog: DialogState | undefined;

  private controller = new AbortController();
  private permissionsFor: ApiClient | undefined;
  private charts = new ChartHost(this);

  /** The customer as last loaded or changed. */
  get customer(): Customer | undefined {
    return this.customerState.value?.value;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller.abort();
    document.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('tab') && !isCustomerTab(this.tab)) this.tab = 'overview';
    const apiChanged = changed.has('api' as keyof MspCustomerDetail);
    if (apiChanged && this.api && this.permissionsFor !== this.api) {
      this.permissionsFor = this.api;
      void this.loadPermissions(this.api);
    }
    if (changed.has('customerId') || apiChanged) this.resetCustomer();
    this.loadTabData();
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) dialog.showModal();
    this.drawCharts();
  }

  /** Reloads the customer and forgets every loaded section. */
  async reload(): Promise<void> {
    this.resetCustomer();
    this.loadTabData();
    await this.updateComplete;
  }

  private resetCustomer(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.customerState = idle();
    this.resetSections();
    this.notice = undefined;
    this.menuOpen = false;
    this.dialog = undefined;
    if (this.api && this.customerId) void this.loadCustomer();
  }

  /** Sections are reloaded when shown next (after an action, or for another customer). */
  private resetSections(): void {
    this.licenceState = idle();
    this.usageState = idle();
    this.usersState = idle();
    this.activityState = idle();
    this.activityCursor = null;
    this.loadingMoreActivity = false;
    this.inviteOutcomes = new Map();
  }

  private async loadPermissions(api: ApiClient): Promise<void> {
    try {
      const me = await api.me();
      if (this.api === api) this.canManage = me.permissions.includes('customers:manage');
    } catch {
      // Without /v1/me the actions stay hidden; the customer itself reports its own errors.
      this.canManage = false;
    }
  }

  /** Runs `fetch` for one section, writing its phases through `set`, dropping answers for an older customer. */
  private async load<T>(fetch: (api: ApiClient, signal: AbortSignal) => Promise<T>, set: (s: Loadable<T>) => void): Promise<T | undefined> {
    const api = this.api;
    if (!api || !this.customerId) return undefined;
    const signal = this.controller.signal;
    set({ phase: 'loading' });
    try {
      const value = await fetch(api, signal);
      if (signal.aborted) return undefined;
      set({ phase: 'ready', value });
      return value;
    } catch (error) {
      if (signal.aborted) return undefined;
      const e = toApiError(error);
      set({ phase: 'error', error: e.detail });
      this.emit('msp-error', e.detail);
      return undefined;
    }
  }

  private loadCustomer(): Promise<unknown> {
    return this.load((api, signal) => api.customer(this.customerId, signal), (s) => (this.customerState = s));
  }

  /**
   * After the IPs changed, the Overview's monthly price and average IP price follow: the customer
   * is fetched again without a loading state, so the Licences tab (and its widget) stays as it is.
   */
  private async refreshCustomerQuietly(): Promise<void> {
    const api = this.api;
    if (!api || !this.customerId) return;
    const signal = this.controller.signal;
    try {
      const value = await api.customer(this.customerId, signal);
      if (!signal.aborted) this.customerState = { phase: 'ready', value };
    } catch {
      // The figures shown stay until the next reload; the widget already reported its own save.
    }
  }

  /** Loads what the shown tab needs, once. */
  private loadTabData(): void {
    const c = this.customer;
    if (!c || c.status === 'connection_lost') return;
    const id = this.customerId;
    // chart.js arrives as its own chunk the first time a chart is shown.
    if ((this.tab === 'usage' || this.tab === 'security') && !this.charts.loaded) void this.charts.load();
    if (this.tab === 'licences' && this.licenceState.phase === 'idle') void this.load((api, signal) => api.licence(id, signal), (s) => (this.licenceState = s));
    // The IP distribution (its element and the pricing engine) is a chunk of its own, loaded with the tab.
    if (this.tab === 'licences') void import('../ip-distribution/define.js');
    if (this.tab === 'usage' && this.usageState.phase === 'idle') void this.loadUsage();
    if (this.tab === 'users' && this.usersState.phase === 'idle') void this.loadUsers();
    if (this.tab === 'activity' && this.activityState.phase === 'idle') void this.loadActivity(false);
  }

  private loadUsage(): Promise<unknown> {
    const id = this.customerId;
    const range = this.usageRange;
    return this.load(
      (api, signal) => api.customerUsage(id, range, signal),
      // The answer for an older range is dropped when another range was chosen meanwhile.
      (s) => {
        if (this.usageRange === range) this.usageState = s;
      },
    );
  }

  private async loadUsers(): Promise<CustomerUser[] | undefined> {
    const id = this.customerId;
    const users = await this.load(
      (api, signal) => api.customerUsers(id, signal),
      (s) => (this.usersState = { phase: s.phase, ...(s.value ? { value: s.value.items } : {}), ...(s.error ? { error: s.error } : {}) }),
    );
    if (users) this.contact = users.contact;
    return users?.items;
  }

  private async loadActivity(more: boolean): Promise<void> {
    const id = this.customerId;
    if (more) {
      const api = this.api;
      const signal = this.controller.signal;
      if (!api || !this.activityCursor || this.loadingMoreActivity) return;
      this.loadingMoreActivity = true;
      try {
        const page = await api.customerActivity(id, { limit: ACTIVITY_PAGE, cursor: this.activityCursor }, signal);
        if (signal.aborted) return;
        this.activityState = { phase: 'ready', value: [...(this.activityState.value ?? []), ...page.items] };
        this.activityCursor = page.nextCursor;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>(`[data-entry="${CSS.escape(page.items[0]?.id ?? '')}"]`)?.focus();
      } catch (error) {
        if (!signal.aborted) this.emit('msp-error', toApiError(error).detail);
      } finally {
        if (!signal.aborted) this.loadingMoreActivity = false;
      }
      return;
    }
    const page = await this.load(
      (api, signal) => api.customerActivity(id, { limit: ACTIVITY_PAGE }, signal),
      (s) => (this.activityState = { phase: s.phase, ...(s.value ? { value: s.value.items } : {}), ...(s.error ? { error: s.error } : {}) }),
    );
    if (page) this.activityCursor = page.nextCursor;
  }

  // ---- tabs --------------------------------------------------------------------------------

  private selectTab(tab: CustomerTab, focus: boolean): void {
    if (tab !== this.tab) {
      this.tab = tab;
      this.emit('msp-tab-change', { customerId: this.customerId, tab });
    }
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  private onTabKeydown(event: KeyboardEvent): void {
    const index = tabs.findIndex((t) => t.id === this.tab);
    const forward = this.direction === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    const back = this.direction === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
    let next: number;
    if (event.key === forward) next = (index + 1) % tabs.length;
    else if (event.key === back) next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    else return;
    event.preventDefault();
    this.selectTab(tabs[next]!.id, true);
  }

  // ---- usage range -------------------------------------------------------------------------

  private setRange(range: { from: string; to: string }): void {
    if (!range.from || !range.to) return;
    this.usageRange = range.from <= range.to ? range : { from: range.to, to: range.from };
    void this.loadUsage();
  }

  private presetDays(): number | undefined {
    for (const days of [30, 90]) {
      const r = lastDays(days);
      if (r.from === this.usageRange.from && r.to === this.usageRange.to) return days;
    }
    return undefined;
  }

  // ---- charts ------------------------------------------------------------------------------

  /** What each canvas of the shown tab draws, and the data it is drawn from (redrawn when that changes). */
  private chartEntries(): Map<string, ChartEntry> {
    const entries = new Map<string, ChartEntry>();
    const { token, base: colours } = chartStyle(this);
    const base = { ...colours, pointRadius: 0, pointHoverRadius: 3, maxXTicks: 6 };
    const c = this.customer;
    if (this.tab === 'security' && c?.posture) {
      const history = c.posture.history;
      entries.set('posture', {
        source: [c.posture, this.theme],
        spec: { ...base, kind: 'line', label: 'Posture score', labels: historyDays(history.length, this.locale), values: history, color: token('--msp-color-primary'), yMin: Math.max(0, Math.floor((Math.min(...history) - 5) / 10) * 10), yMax: 100 },
      });
    }
    const usage = this.usageState.value;
    if (this.tab === 'usage' && usage) {
      for (const p of usage.products) {
        entries.set(`usage-${p.product}`, {
          source: [p, this.theme],
          spec: { ...base, kind: 'bar', label: `${p.label} scans`, labels: p.days.map((d) => formatDate(d.day, this.locale, { day: 'numeric', month: 'short' })), values: p.days.map((d) => d.scans), color: token(productTokens[p.product]) },
        });
      }
    }
    return entries;
  }

  private drawCharts(): void {
    this.charts.draw(this.renderRoot, () => this.chartEntries());
  }

  // ---- actions -----------------------------------------------------------------------------

  private get offeredActions(): ActionDef[] {
    const c = this.customer;
    if (!c || !this.canManage) return [];
    return actions.filter((a) => allows(c, a.rule));
  }

  private toggleMenu(): void {
    this.menuOpen = !this.menuOpen;
    if (this.menuOpen) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[role="menuitem"]')?.focus());
  }

  private closeMenu(restoreFocus: boolean): void {
    this.menuOpen = false;
    if (restoreFocus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.actions-button')?.focus());
  }

  private onMenuKeydown(event: KeyboardEvent): void {
    const items = Array.from(this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]'));
    const index = items.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    const move = (i: number) => {
      event.preventDefault();
      items[(i + items.length) % items.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      this.closeMenu(true);
    } else if (event.key === 'Tab') this.closeMenu(false);
  }

  private onDocumentPointerDown = (event: PointerEvent): void => {
    if (this.menuOpen && !event.composedPath().some((n) => n instanceof HTMLElement && (n.classList.contains('menu') || n.classList.contains('actions-button')))) this.closeMenu(false);
  };

  private choose(action: ActionDef): void {
    this.closeMenu(false);
    this.notice = undefined;
    if (!action.dialog) {
      void this.run(action, (api, id, etag) => api.transitionCustomer(id, action.id as CustomerTransition, etag));
      return;
    }
    this.dialog = { action, busy: false, fieldErrors: {}, confirmText: '' };
    if (action.id === 'main-user') void this.loadDialogUsers();
  }

  private async loadDialogUsers(): Promise<void> {
    const users = this.usersState.phase === 'ready' ? this.usersState.value : await this.loadUsers();
    if (!this.dialog) return;
    this.dialog = { ...this.dialog, users: users ? { phase: 'ready', value: users } : { phase: 'error', ...(this.usersState.error ? { error: this.usersState.error } : {}) } };
  }

  private closeDialog(): void {
    if (!this.dialog) return;
    this.dialog = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.actions-button')?.focus());
  }

  /**
   * Sends one change with the customer's ETag. Success: show the new customer and announce it.
   * 412: someone changed it meanwhile — show the current one and what differs. 409 and others:
   * the server's own words. 400: messages next to the dialog's fields.
   */
  private async run(action: ActionDef, send: (api: ApiClient, id: string, etag: string | null) => Promise<Versioned<Customer>>): Promise<void> {
    const api = this.api;
    const current = this.customerState.value;
    if (!api || !current) return;
    const signal = this.controller.signal;
    if (this.dialog) this.dialog = { ...this.dialog, busy: true, fieldErrors: {} };
    try {
      const updated = await send(api, this.customerId, current.etag);
      if (signal.aborted) return;
      this.customerState = { phase: 'ready', value: updated };
      this.resetSections();
      this.dialog = undefined;
      this.notice = action.done ? { kind: 'success', message: action.done } : undefined;
      this.emit('msp-customer-changed', { customerId: this.customerId, action: action.id, customer: updated.value });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.actions-button')?.focus());
    } catch (error) {
      if (signal.aborted) return;
      const e = toApiError(error);
      this.emit('msp-error', e.detail);
      if (e.status === 412 || e.status === 428) {
        this.dialog = undefined;
        await this.showConflict(current.value, e);
        return;
      }
      if (this.dialog) {
        // Messages go next to their fields when the dialog has them, else above its buttons.
        const fieldErrors = fieldMessages(e);
        const byField = this.dialogHasFields(fieldErrors);
        this.dialog = { ...this.dialog, busy: false, fieldErrors: byField ? fieldErrors : {}, error: byField ? undefined : e.message };
      } else this.notice = { kind: 'error', message: e.message };
    }
  }

  private dialogHasFields(fieldErrors: Record<string, string>): boolean {
    return Object.keys(fieldErrors).some((name) => this.renderRoot.querySelector(`dialog [name="${CSS.escape(name)}"]`));
  }

  /** After a 412: the customer as it is now (from the conflict, else reloaded) and what changed. */
  private async showConflict(before: Customer, e: ApiError): Promise<void> {
    const fromBody = (e.problem as { current?: unknown } | undefined)?.current as Customer | undefined;
    if (fromBody && typeof fromBody === 'object' && typeof fromBody.version === 'number') {
      this.customerState = { phase: 'ready', value: { value: fromBody, etag: `"${fromBody.version}"` } };
    } else await this.loadCustomer();
    this.resetSections();
    const after = this.customer;
    const changes = after ? describeChanges(before, after) : '';
    this.notice = {
      kind: 'error',
      message: `Someone else changed this customer in the meantime${changes ? ` (${changes})` : ''}. Nothing was changed; the current data is shown — check it and try again.`,
    };
  }

  private submitDialog(event: Event): void {
    event.preventDefault();
    const d = this.dialog;
    if (!d || d.busy) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => {
      const v = data.get(name);
      return typeof v === 'string' && v.trim() ? v.trim() : null;
    };
    const id = d.action.id;
    if (id === 'delete') {
      if (data.get('confirm') !== 'DELETE') return;
      void this.run(d.action, (api, cid, etag) => api.requestCustomerDeletion(cid, etag));
    } else if (id === 'main-user') {
      const userId = text('userId');
      if (userId) void this.run(d.action, (api, cid, etag) => api.setMainUser(cid, userId, etag));
    } else if (id === 'address') {
      const address = {
        line1: text('address/line1') ?? '',
        line2: text('address/line2'),
        postalCode: text('address/postalCode') ?? '',
        city: text('address/city') ?? '',
        ...(data.has('address/state') ? { state: text('address/state') } : {}),
      };
      // An address left wholly empty is not sent; a partly filled one is, and the BFF names what is missing.
      const anyAddress = [address.line1, address.line2, address.postalCode, address.city].some(Boolean);
      const patch: CustomerPatch = { ...(anyAddress ? { address } : {}), vatId: text('vatId') };
      void this.run(d.action, (api, cid, etag) => api.updateCustomer(cid, patch, etag));
    } else if (id === 'delegation') {
      const value = text('accessDelegation') as Customer['accessDelegation'] | null;
      if (value) void this.run(d.action, (api, cid, etag) => api.updateCustomer(cid, { accessDelegation: value }, etag));
    } else if (id === 'convert-to-purchased') {
      const quota = text('licenceQuota');
      const body = quota ? { licenceQuota: Number(quota) } : {};
      void this.run(d.action, (api, cid, etag) => api.transitionCustomer(cid, 'convert-to-purchased', etag, body));
    } else {
      void this.run(d.action, (api, cid, etag) => api.transitionCustomer(cid, id as CustomerTransition, etag));
    }
  }

  private async resend(user: CustomerUser): Promise<void> {
    const api = this.api;
    if (!api || this.resending.has(user.id)) return;
    this.resending = new Set([...this.resending, user.id]);
    const outcomes = new Map(this.inviteOutcomes);
    try {
      const sent = await api.resendInvite(this.customerId, user.id);
      outcomes.set(user.id, { ok: true, sent });
      this.inviteOutcomes = outcomes;
      // Expiry and count changed on the server; show them.
      void this.loadUsers().then(() => (this.inviteOutcomes = outcomes));
    } catch (error) {
      const e = toApiError(error);
      outcomes.set(user.id, { ok: false, message: e.message });
      this.inviteOutcomes = outcomes;
      this.emit('msp-error', e.detail);
    } finally {
      const next = new Set(this.resending);
      next.delete(user.id);
      this.resending = next;
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  private renderHeader(c: Customer): TemplateResult {
    const offered = this.offeredActions;
    return html`<header class="header" part="header">
      <div class="title">
        <h2 part="name">${c.name}</h2>
        <span class="badge" part="status" data-status=${c.status}>${statusLabels[c.status] ?? c.status}</span>
        ${c.plan === 'trial' ? html`<span class="badge" data-status="trial">Trial</span>` : nothing}
      </div>
      ${offered.length
        ? html`<div class="actions">
            <button
              type="button"
              class="button actions-button"
              part="actions-button"
              aria-haspopup="menu"
              aria-expanded=${this.menuOpen ? 'true' : 'false'}
              aria-controls="actions-menu"
              @click=${this.toggleMenu}
            >
              Actions <span aria-hidden="true">▾</span>
            </button>
            ${this.menuOpen
              ? html`<div class="menu" id="actions-menu" part="actions-menu" role="menu" aria-label=${`Actions for ${c.name}`} @keydown=${this.onMenuKeydown}>
                  ${offered.map(
                    (a) => html`<button type="button" role="menuitem" tabindex="-1" data-action=${a.id} class=${a.id === 'delete' ? 'danger' : ''} @click=${() => this.choose(a)}>
                      ${a.label}${a.dialog ? '…' : ''}
                    </button>`,
                  )}
                </div>`
              : nothing}
          </div>`
        : nothing}
    </header>`;
  }

  private renderNotice(c: Customer): TemplateResult {
    const deleting = c.status === 'deleting';
    const requestedAt = 'deletionRequestedAt' in c && typeof c.deletionRequestedAt === 'string' ? c.deletionRequestedAt : null;
    return html`<div class="notices" role="status" aria-live="polite">
      ${this.notice ? html`<p class="notice" part="notice" data-kind=${this.notice.kind}>${this.notice.message}</p>` : nothing}
      ${deleting
        ? html`<p class="notice" part="notice" data-kind="deleting">
            Deleting… every record of this customer is being removed${requestedAt ? html` (requested ${formatDate(requestedAt, this.locale, { dateStyle: 'medium', timeStyle: 'short' })})` : nothing}.
          </p>`
        : nothing}
    </div>`;
  }

  private renderPanel(tab: CustomerTab, c: Customer): TemplateResult | string {
    const loc = this.locale;
    const section = <T>(s: Loadable<T>, retry: () => void, what: string, ready: (v: T) => TemplateResult | string) =>
      s.phase === 'error' && s.error ? errorState(s.error, retry) : s.phase === 'ready' && s.value !== undefined ? ready(s.value) : loadingState(`Loading ${what}…`);
    switch (tab) {
      case 'overview':
        return renderOverview(c, loc);
      case 'security':
        return renderSecurity(c, loc);
      case 'usage':
        return this.renderUsage();
      case 'licences':
        return html`${section(this.licenceState, () => (this.licenceState = idle()), 'licences', (licence) => html`<msp-license-meter part="license-meter" customer-id=${c.id} .licence=${licence}></msp-license-meter>`)}
          <section class="slot-box" aria-labelledby="ip-distribution-title">
            <h3 id="ip-distribution-title">IP distribution</h3>
            <slot name="ip-distribution"
              ><msp-ip-distribution part="ip-distribution" customer-id=${c.id} @msp-ip-distribution-saved=${() => void this.refreshCustomerQuietly()}></msp-ip-distribution
            ></slot>
          </section>`;
      case 'users':
        return section(this.usersState, () => (this.usersState = idle()), 'users', (users) =>
          html`${users.length ? renderUsers(users, loc, { canManage: this.canManage, sending: this.resending, outcomes: this.inviteOutcomes, resend: (u) => void this.resend(u) }) : emptyState('No users yet.')}
            ${this.renderContact()}`,
        );
      case 'activity':
        return section(this.activityState, () => (this.activityState = idle()), 'activity', (items) =>
          items.length
            ? html`${renderActivity(items, loc)}
              ${this.activityCursor
                ? html`<button type="button" class="button secondary" part="button" data-more ?disabled=${this.loadingMoreActivity} @click=${() => void this.loadActivity(true)}>
                    ${this.loadingMoreActivity ? 'Loading…' : 'Load more'}
                  </button>`
                : nothing}`
            : emptyState('No activity recorded yet.'),
        );
    }
  }

  private renderContact(): TemplateResult | typeof nothing {
    const contact = this.contact;
    if (!contact || (!contact.name && !contact.email)) return nothing;
    return html`<section aria-labelledby="contact-title" class="contact">
      <h3 id="contact-title">Contact</h3>
      <p>${contact.name ?? '—'}${contact.email ? html` · <a href=${`mailto:${contact.email}`}>${contact.email}</a>` : nothing}</p>
    </section>`;
  }

  private renderUsage(): TemplateResult {
    const s = this.usageState;
    const loc = this.locale;
    const preset = this.presetDays();
    const input = (name: 'from' | 'to', label: string) => html`<label
      >${label}
      <input
        type="date"
        name=${name}
        .value=${this.usageRange[name]}
        max=${isoDay(new Date())}
        @change=${(e: Event) => this.setRange({ ...this.usageRange, [name]: (e.target as HTMLInputElement).value })}
    /></label>`;
    return html`<div class="range" part="range" role="group" aria-label="Date range">
        ${input('from', 'From')} ${input('to', 'To')}
        ${[30, 90].map(
          (days) => html`<button type="button" class="button secondary" part="button" data-preset=${days} aria-pressed=${preset === days ? 'true' : 'false'} @click=${() => this.setRange(lastDays(days))}>
            Last ${days} days
          </button>`,
        )}
      </div>
      ${s.phase === 'error' && s.error
        ? errorState(s.error, () => void this.loadUsage())
        : s.phase === 'ready' && s.value
          ? html`<div class="charts">
                ${s.value.products.map(
                  (p) => html`<figure class="chart-card" part="chart" data-product=${p.product}>
                    <figcaption>${p.label} <strong>${formatNumber(p.total, loc)}</strong> <span class="muted">${p.total === 1 ? 'scan' : 'scans'}</span></figcaption>
                    <div class="chart-box small"><canvas data-chart=${`usage-${p.product}`} role="img" aria-label=${usageSummary(p, loc)}></canvas></div>
                  </figure>`,
                )}
              </div>
              ${renderUsageTable(s.value, loc)}`
          : loadingState('Loading usage…')}`;
  }

  private renderDialog(): TemplateResult | typeof nothing {
    const d = this.dialog;
    const c = this.customer;
    if (!d || !c) return nothing;
    const id = d.action.id;
    const danger = id === 'delete' || id === 'lock' || id === 'cancel';
    const canSubmit = !d.busy && (id !== 'delete' || d.confirmText === 'DELETE') && (id !== 'main-user' || d.users?.phase === 'ready');
    return html`<dialog part="dialog" aria-labelledby="dialog-title" @close=${this.closeDialog} @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      <form @submit=${this.submitDialog} novalidate>
        <h3 id="dialog-title">${d.action.label}</h3>
        ${this.renderDialogBody(d, c)}
        ${d.error ? html`<p class="form-error" role="alert">${d.error}</p>` : nothing}
        <div class="dialog-buttons">
          <button type="button" class="button secondary" part="button" @click=${this.closeDialog}>Cancel</button>
          <button type="submit" class=${`button${danger ? ' danger' : ''}`} part="button" data-submit ?disabled=${!canSubmit}>
            ${d.busy ? 'Working…' : id === 'delete' ? 'Delete customer' : id === 'convert-to-purchased' ? 'Convert' : confirmTexts[id] ? d.action.label : 'Save'}
          </button>
        </div>
      </form>
    </dialog>`;
  }

  private field(name: string, label: string, value: string | null, opts: { required?: boolean; autocomplete?: string; hint?: string; numeric?: boolean } = {}): TemplateResult {
    const id = `f-${name.replaceAll('/', '-')}`;
    const error = this.dialog?.fieldErrors[name];
    const describedBy = [opts.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="form-field">
      <label for=${id}>${label}${opts.required ? html` <span class="muted">(required)</span>` : nothing}</label>
      <input
        id=${id}
        name=${name}
        .value=${value ?? ''}
        autocomplete=${opts.autocomplete ?? 'off'}
        inputmode=${opts.numeric ? 'numeric' : nothing}
        ?required=${!!opts.required}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${describedBy || nothing}
      />
      ${opts.hint ? html`<span class="hint" id=${`${id}-hint`}>${opts.hint}</span>` : nothing}
      ${error ? html`<span class="field-error" id=${`${id}-error`}>${error}</span>` : nothing}
    </div>`;
  }

  private renderDialogBody(d: DialogState, c: Customer): TemplateResult {
    switch (d.action.id) {
      case 'delete':
        return html`<p>
            This permanently deletes <strong>${c.name}</strong> and every record of it — users, assets, scans, findings and reports. It cannot be undone.
          </p>
          <div class="form-field">
            <label for="f-confirm">Type <strong>DELETE</strong> to confirm</label>
            <input
              id="f-confirm"
              name="confirm"
              autocomplete="off"
              spellcheck="false"
              .value=${d.confirmText}
              aria-invalid=${d.fieldErrors.confirm ? 'true' : 'false'}
              aria-describedby=${d.fieldErrors.confirm ? 'f-confirm-error' : nothing}
              @input=${(e: Event) => (this.dialog = { ...d, confirmText: (e.target as HTMLInputElement).value })}
            />
            ${d.fieldErrors.confirm ? html`<span class="field-error" id="f-confirm-error">${d.fieldErrors.confirm}</span>` : nothing}
          </div>`;
      case 'main-user': {
        const users = d.users;
        if (!users || users.phase !== 'ready') return users?.phase === 'error' && users.error ? html`<p class="form-error" role="alert">${users.error.message}</p>` : loadingState('Loading users…');
        // Only active users can be the main user; the BFF checks it again.
        const active = (users.value ?? []).filter((u) => u.status === 'active');
        const error = d.fieldErrors.userId;
        if (!active.length) return html`<p>No active user can become the main user yet.</p>`;
        return html`<div class="form-field">
          <label for="f-userId">Main user</label>
          <select id="f-userId" name="userId" aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? 'f-userId-error' : nothing}>
            ${active.map((u) => html`<option value=${u.id} ?selected=${u.id === c.mainUser?.id}>${u.name} (${u.email})</option>`)}
          </select>
          ${error ? html`<span class="field-error" id="f-userId-error">${error}</span>` : nothing}
          <span class="hint">Only active users are listed.</span>
        </div>`;
      }
      case 'address': {
        const a = c.address;
        const vatRequired = 'vatRequired' in c && c.vatRequired === true;
        const hasState = ['US', 'CA', 'AU'].includes(c.address.country) || !!a.state;
        return html`<div class="form-grid">
          ${this.field('address/line1', 'Address line 1', a.line1, { autocomplete: 'address-line1' })}
          ${this.field('address/line2', 'Address line 2', a.line2, { autocomplete: 'address-line2' })}
          ${this.field('address/postalCode', 'Postal code', a.postalCode, { autocomplete: 'postal-code' })}
          ${this.field('address/city', 'City', a.city, { autocomplete: 'address-level2' })}
          ${hasState ? this.field('address/state', 'State / province', a.state, { required: true, autocomplete: 'address-level1' }) : nothing}
          ${this.field('vatId', 'VAT ID', c.vatId, { required: vatRequired, hint: vatRequired ? `Required: ${c.address.country} is not your country.` : 'e.g. DE123456789' })}
        </div>`;
      }
      case 'delegation':
        return html`<fieldset class="choices">
          <legend>Who may sign in from ${c.name}</legend>
          ${delegationOptions.map(
            (o) => html`<label><input type="radio" name="accessDelegation" value=${o} ?checked=${c.accessDelegation === o} /> ${valueLabels[o]}</label>`,
          )}
          ${d.fieldErrors.accessDelegation ? html`<span class="field-error">${d.fieldErrors.accessDelegation}</span>` : nothing}
        </fieldset>`;
      case 'convert-to-purchased':
        return html`<p>The trial becomes a paid subscription; all data is kept.</p>
          ${this.field('licenceQuota', 'Licence quota', c.licences?.quota != null ? String(c.licences.quota) : null, { hint: 'Leave empty to keep the current quota.', numeric: true })}`;
      default:
        return html`<p>${confirmTexts[d.action.id] ?? ''}</p>`;
    }
  }

  protected override render(): TemplateResult {
    if (!this.customerId) return emptyState('No customer selected.');
    const s = this.customerState;
    if (s.phase === 'error' && s.error) return errorState(s.error, () => void this.reload());
    const c = s.value?.value;
    if (!c) return loadingState('Loading customer…');
    if (c.status === 'connection_lost') {
      return html`${this.renderHeader(c)} ${this.renderNotice(c)}
        <p class="notice" part="notice" data-kind="revoked" role="note">
          ${c.name} has revoked your access. Its data is hidden until the customer grants access again; commercial actions are still possible.
        </p>
        ${this.renderDialog()}`;
    }
    return html`${this.renderHeader(c)} ${this.renderNotice(c)}
      <div class="tablist" part="tablist" role="tablist" aria-label=${`${c.name} sections`} @keydown=${this.onTabKeydown}>
        ${tabs.map(
          (t) => html`<button
            type="button"
            role="tab"
            part="tab"
            id=${`tab-${t.id}`}
            aria-selected=${t.id === this.tab ? 'true' : 'false'}
            aria-controls=${`panel-${t.id}`}
            tabindex=${t.id === this.tab ? '0' : '-1'}
            @click=${() => this.selectTab(t.id, false)}
          >
            ${t.label}
          </button>`,
        )}
      </div>
      ${tabs.map(
        (t) => html`<div class="panel" part="panel" role="tabpanel" id=${`panel-${t.id}`} aria-labelledby=${`tab-${t.id}`} tabindex="0" ?hidden=${t.id !== this.tab}>
          ${t.id === this.tab ? this.renderPanel(t.id, c) : nothing}
        </div>`,
      )}
      ${this.renderDialog()}`;
  }
}

/** Field messages of a problem, keyed like the form's `name`s (`#/body/address/city` → `address/city`). */
function fieldMessages(e: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const err of e.problem?.errors ?? []) {
    const name = err.pointer.replace(/^#?\/body\//, '').replace(/^#\//, '');
    out[name] ??= err.detail;
  }
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-customer-detail': MspCustomerDetail;
  }
}
