import { consume } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiClient } from '../core/api-client.js';
import type { CustomerTabsPreference } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError } from '../core/errors.js';
import { styleProps } from '../core/style-props.js';
import styles from './customer-tabs.styles.js';

/** One open customer. */
export interface OpenCustomer {
  id: string;
  name: string;
}

/** The BFF keeps at most this many (the `customer-tabs` preference's limit). */
export const MAX_OPEN_TABS = 12;
const PREFERENCE = 'customer-tabs';

/** A customer this session may not (or no longer) see: the tab goes, without an error. */
const gone = (status: number | undefined) => status === 404 || status === 403;

/**
 * Several customers open at once as tabs above their `<msp-customer-detail>`, kept across
 * reloads in the user's `customer-tabs` preference on the BFF (saved with `If-Match`). Restored
 * tabs whose customer is gone or no longer visible are dropped quietly.
 *
 * The host page decides what opens: call `open(id, name?)` (from a fleet row, a deep link, a new
 * customer), `close(id)` or `activate(id | null)`. Those calls emit nothing; the user's own
 * clicks and keys emit `msp-customer-tabs-change`, so the host can follow them (its URL).
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Open customers as tabs, kept across reloads.
 *
 * @slot start - Before the tabs, such as a link back to the list.
 *
 * @event {CustomEvent<{open: {id, name}[], active: string | null}>} msp-customer-tabs-change -
 *   The user chose, closed or moved to a tab.
 * @event {CustomEvent<{type, message, status?}>} msp-error - The tabs could not be read or saved.
 *
 * @csspart strip - The row holding the slot, the tabs and their close buttons.
 * @csspart tab - Each tab (`role="tab"`).
 * @csspart close-button - Each tab's close button.
 * @csspart panel - Each tab panel (holding one `<msp-customer-detail>`).
 *
 * @cssproperty --msp-color-primary - The active tab's underline.
 */
export class MspCustomerTabs extends MspElement {
  static override styles = styles;

  /** Accessible name of the tab list. */
  @property() label = 'Open customers';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private openTabs: OpenCustomer[] = [];
  @state() private activeId: string | null = null;
  /** Tabs shown at least once: their detail elements stay, so switching back keeps their state. */
  @state() private shown = new Set<string>();

  private etag: string | null = null;
  private restoredFor: ApiClient | undefined;
  private restored!: Promise<void>;
  private markRestored!: () => void;
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  constructor() {
    super();
    this.resetRestored();
    this.addEventListener('msp-customer-changed', (e) => this.rename(e.detail.customerId, e.detail.customer.name));
  }

  /** The open customers, in tab order. */
  get tabs(): OpenCustomer[] {
    return this.openTabs.map((t) => ({ ...t }));
  }

  /** The customer shown, or null. */
  get active(): string | null {
    return this.activeId;
  }

  /** Resolves once the saved tabs are read (and every later call has been applied). */
  get ready(): Promise<void> {
    return this.restored;
  }

  /**
   * Opens a customer as the active tab (or switches to it when already open). Without `name` it
   * is read from the BFF; resolves `false`, opening nothing, when this user cannot see it (and
   * rejects with the `ApiError` when the BFF could not say).
   */
  async open(id: string, name?: string): Promise<boolean> {
    await this.restored;
    let title = name ?? this.openTabs.find((t) => t.id === id)?.name;
    if (!title) {
      const read = await this.readName(id);
      if (!read) return false;
      title = read;
    }
    const existing = this.openTabs.find((t) => t.id === id);
    if (existing && existing.name === title && this.activeId === id) return true;
    let next = existing ? this.openTabs.map((t) => (t.id === id ? { id, name: title } : t)) : [...this.openTabs, { id, name: title }];
    // The oldest tab makes room for a new one.
    while (next.length > MAX_OPEN_TABS) next = next.filter((t, i) => i !== next.findIndex((o) => o.id !== id));
    this.apply(next, id);
    return true;
  }

  /** Closes a tab; when it was active, its neighbour (the next, else the previous) becomes active. */
  async close(id: string): Promise<void> {
    await this.restored;
    const index = this.openTabs.findIndex((t) => t.id === id);
    if (index < 0) return;
    const next = this.openTabs.filter((t) => t.id !== id);
    const active = this.activeId === id ? (next[index] ?? next[index - 1])?.id ?? null : this.activeId;
    this.apply(next, active);
  }

  /** Shows an open customer, or none (`null`): only the tab strip stays. */
  async activate(id: string | null): Promise<void> {
    await this.restored;
    if (id !== null && !this.openTabs.some((t) => t.id === id)) return;
    if (id !== this.activeId) this.apply(this.openTabs, id);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api' as keyof MspCustomerTabs) && this.api && this.restoredFor !== this.api) {
      // A new provider (another user signing in) reads that user's tabs.
      if (this.restoredFor) this.resetRestored();
      this.restoredFor = this.api;
      void this.restore(this.api);
    }
  }

  private resetRestored(): void {
    this.restored = new Promise((resolve) => (this.markRestored = resolve));
  }

  private async restore(api: ApiClient): Promise<void> {
    try {
      const { value, etag } = await api.preference(PREFERENCE);
      if (api !== this.api) return;
      this.etag = etag;
      const tabs = value.open.slice(0, MAX_OPEN_TABS);
      this.openTabs = tabs;
      this.activeId = tabs.some((t) => t.id === value.active) ? value.active : null;
      this.shown = new Set(this.activeId ? [this.activeId] : []);
      // Ask once per restored tab whether it is still there (and how it is called now).
      const checked = await Promise.all(tabs.map(async (t) => ({ id: t.id, name: await this.readName(t.id, t.name) })));
      if (api !== this.api) return;
      const kept = new Map(checked.filter((c) => c.name).map((c) => [c.id, c.name!]));
      const next = this.openTabs.filter((t) => kept.has(t.id)).map((t) => ({ id: t.id, name: kept.get(t.id)! }));
      const changed = next.length !== this.openTabs.length || next.some((t, i) => t.name !== this.openTabs[i]!.name);
      if (changed) this.apply(next, next.some((t) => t.id === this.activeId) ? this.activeId : (next[0]?.id ?? null));
    } catch (error) {
      this.emit('msp-error', toApiError(error).detail);
    } finally {
      if (api === this.api) this.markRestored();
    }
  }

  /**
   * The customer's current name; null when this user cannot see it. Other failures answer
   * `fallback` (a restored tab keeps its saved name), or throw when there is none.
   */
  private async readName(id: string, fallback?: string): Promise<string | null> {
    const api = this.api;
    if (!api) return fallback ?? null;
    try {
      const response = await api.request(`/v1/customers/${encodeURIComponent(id)}`);
      const body = (await response.json()) as { name?: unknown };
      return typeof body.name === 'string' && body.name ? body.name.slice(0, 200) : (fallback ?? null);
    } catch (error) {
      const e = toApiError(error);
      if (gone(e.status)) return null;
      if (fallback === undefined) throw e;
      return fallback;
    }
  }

  private rename(id: string, name: string | undefined): void {
    const tab = this.openTabs.find((t) => t.id === id);
    if (tab && name && tab.name !== name) this.apply(this.openTabs.map((t) => (t.id === id ? { id, name: name.slice(0, 200) } : t)), this.activeId);
  }

  private apply(open: OpenCustomer[], active: string | null): void {
    this.openTabs = open;
    this.activeId = active;
    const ids = new Set(open.map((t) => t.id));
    this.shown = new Set([...this.shown].filter((id) => ids.has(id)).concat(active ? [active] : []));
    this.persist();
  }

  /** Saves run one at a time, each with the ETag the previous returned; queued saves collapse into one. */
  private persist(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving.then(() => {
      this.saveQueued = false;
      return this.save(true);
    });
  }

  private async save(retryOnConflict: boolean): Promise<void> {
    const api = this.api;
    if (!api) return;
    const value: CustomerTabsPreference = { open: this.openTabs.map(({ id, name }) => ({ id, name })), active: this.activeId };
    try {
      this.etag = (await api.savePreference(PREFERENCE, value, this.etag)).etag;
    } catch (error) {
      const e = toApiError(error);
      if (e.status === 412 && retryOnConflict) {
        // Another window saved its tabs meanwhile: this window's latest action wins.
        const current = (e.problem as { current?: { version?: unknown } } | undefined)?.current;
        this.etag = typeof current?.version === 'number' ? `"${current.version}"` : null;
        if (this.etag === null) this.etag = (await api.preference(PREFERENCE)).etag;
        return this.save(false);
      }
      this.emit('msp-error', e.detail);
    }
  }

  // ---- user interaction --------------------------------------------------------------------

  private choose(id: string | null, focus: boolean): void {
    if (id !== this.activeId) {
      this.apply(this.openTabs, id);
      this.announce();
    }
    if (focus && id) void this.updateComplete.then(() => this.tabButton(id)?.focus());
  }

  private closeByUser(id: string): void {
    const index = this.openTabs.findIndex((t) => t.id === id);
    const next = this.openTabs.filter((t) => t.id !== id);
    const neighbour = (next[index] ?? next[index - 1])?.id ?? null;
    this.apply(next, this.activeId === id ? neighbour : this.activeId);
    this.announce();
    // Focus stays in the strip: on the active tab, else the first, else the host's slotted content.
    void this.updateComplete.then(() => {
      const first = this.openTabs[0]?.id;
      const target = (this.activeId && this.tabButton(this.activeId)) || (first && this.tabButton(first));
      if (target) target.focus();
      else this.querySelector<HTMLElement>('[slot="start"]')?.focus();
    });
  }

  private announce(): void {
    this.emit('msp-customer-tabs-change', { open: this.tabs, active: this.activeId });
  }

  private tabButton(id: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[role="tab"][data-id="${CSS.escape(id)}"]`);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const current = (event.target as HTMLElement).closest<HTMLElement>('[role="tab"]');
    if (!current) return;
    const index = this.openTabs.findIndex((t) => t.id === current.dataset.id);
    const last = this.openTabs.length - 1;
    const forward = this.direction === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    const backward = this.direction === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
    let target: number | undefined;
    if (event.key === forward) target = index >= last ? 0 : index + 1;
    else if (event.key === backward) target = index <= 0 ? last : index - 1;
    else if (event.key === 'Home') target = 0;
    else if (event.key === 'End') target = last;
    else if (event.key === 'Delete') {
      event.preventDefault();
      this.closeByUser(current.dataset.id!);
      return;
    }
    if (target === undefined) return;
    event.preventDefault();
    this.choose(this.openTabs[target]!.id, true);
  }

  protected override render() {
    const tabs = this.openTabs;
    const shown = tabs.filter((t) => this.shown.has(t.id));
    return html`
      <div class="strip" part="strip">
        <slot name="start"></slot>
        ${tabs.length
          ? html`<div role="tablist" class="tablist" aria-label=${this.label} @keydown=${this.onKeyDown}>
              ${tabs.map(
                (t, i) => html`<button
                  type="button"
                  role="tab"
                  part="tab"
                  class="tab"
                  id=${`tab-${t.id}`}
                  data-id=${t.id}
                  aria-selected=${t.id === this.activeId ? 'true' : 'false'}
                  aria-controls=${this.shown.has(t.id) ? `panel-${t.id}` : nothing}
                  aria-keyshortcuts="Delete"
                  aria-describedby="tab-hint"
                  tabindex=${t.id === this.activeId || (!this.activeId && i === 0) ? 0 : -1}
                  ${styleProps({ order: String(i * 2) })}
                  @click=${() => this.choose(t.id, false)}
                >
                  ${t.name}
                </button>`,
              )}
            </div>
            ${tabs.map(
              (t, i) => html`<button
                type="button"
                class="close"
                part="close-button"
                tabindex="-1"
                aria-label=${`Close ${t.name}`}
                title=${`Close ${t.name}`}
                data-close=${t.id}
                ${styleProps({ order: String(i * 2 + 1) })}
                @click=${() => this.closeByUser(t.id)}
              >
                <span aria-hidden="true">×</span>
              </button>`,
            )}
            <span id="tab-hint" class="visually-hidden">Arrow keys move between customers; Delete closes one.</span>`
          : nothing}
      </div>
      ${repeat(
        shown,
        (t) => t.id,
        (t) => html`<div role="tabpanel" part="panel" class="panel" id=${`panel-${t.id}`} aria-labelledby=${`tab-${t.id}`} ?hidden=${t.id !== this.activeId}>
          <msp-customer-detail customer-id=${t.id}></msp-customer-detail>
        </div>`,
      )}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-customer-tabs': MspCustomerTabs;
  }
}
