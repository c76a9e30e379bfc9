import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient } from '../core/api-client.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import { fetchSettings, fetchUsers, saveSettings, type NotificationSettings, type UserNotificationSettings, type VersionedSettings } from './notification-api.js';
import styles from './notification-settings.styles.js';

type Frequency = NotificationSettings['frequency'];

/** Roles that hear about notifications, and those that manage other users' settings (as the BFF decides). */
const recipientRoles = ['msp_admin', 'msp_analyst', 'msp_account_manager', 'customer_admin'];
const adminRoles = ['msp_admin', 'customer_admin'];

const roleLabels: Record<string, string> = {
  msp_admin: 'MSP admin',
  msp_analyst: 'Analyst',
  msp_account_manager: 'Account manager',
  customer_admin: 'Customer admin',
};

interface Message {
  kind: 'saved' | 'conflict' | 'error';
  text: string;
}

/**
 * How a user hears about notifications — an email as each happens, or a daily or weekly digest
 * at 08:00 in its organisation's time zone — and which categories it leaves out. Saves with
 * `If-Match`: when someone else saved in the meantime, the form keeps the user's choices, shows
 * what is saved now and asks to save again. Admins (MSP admins, customer admins) get a picker
 * to manage the settings of anyone they can see.
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Notification settings of the signed-in user, or (for admins) of any user.
 *
 * @event {CustomEvent<{type, message, status?}>} msp-error - Loading or saving failed (also shown inline).
 *
 * @csspart form - The settings form.
 * @csspart user-picker - The admins' "Settings of" select.
 * @csspart frequency - The "How often" group.
 * @csspart categories - The categories group.
 * @csspart actions - Save and Undo changes.
 * @csspart message - Saved, conflict and error messages.
 * @csspart state - Loading, empty and error boxes.
 */
export class MspNotificationSettings extends MspElement {
  static override styles = styles;

  /** Whose settings: empty for the signed-in user; an admin may name any user it can see. */
  @property({ attribute: 'user-id', reflect: true }) userId = '';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private phase: 'idle' | 'loading' | 'ready' | 'error' | 'unavailable' = 'idle';
  @state() private loadError: MspErrorDetail | undefined;
  @state() private loaded: VersionedSettings | undefined;
  @state() private frequency: Frequency = 'immediate';
  @state() private muted = new Set<string>();
  @state() private saving = false;
  @state() private message: Message | undefined;
  @state() private fieldErrors = new Map<string, string>();
  @state() private me: { id: string; role: string } | undefined;
  @state() private users: UserNotificationSettings[] = [];

  private controller: AbortController | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('api' as keyof MspNotificationSettings) || changed.has('userId')) && this.api) void this.load();
  }

  /** The user whose settings are shown: null for the signed-in user (`/v1/me/…`). */
  private get target(): string | null {
    return this.userId && this.userId !== this.me?.id ? this.userId : null;
  }

  private get isAdmin(): boolean {
    return !!this.me && adminRoles.includes(this.me.role);
  }

  private get dirty(): boolean {
    const saved = this.loaded?.value;
    if (!saved) return false;
    const mutedNow = [...this.muted].sort().join();
    return saved.frequency !== this.frequency || [...saved.mutedCategories].sort().join() !== mutedNow;
  }

  /** Loads the signed-in user (once), the admins' user list (once) and the settings shown. */
  async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'loading';
    this.loadError = undefined;
    this.message = undefined;
    this.fieldErrors = new Map();
    try {
      if (!this.me) {
        const me = await api.me();
        this.me = { id: me.user.id, role: me.role };
        if (adminRoles.includes(me.role)) this.users = await fetchUsers(api, controller.signal);
      }
      if (controller.signal.aborted) return;
      if (!this.target && !recipientRoles.includes(this.me.role)) {
        this.phase = 'unavailable';
        return;
      }
      const settings = await fetchSettings(api, this.target, controller.signal);
      if (controller.signal.aborted) return;
      this.adopt(settings);
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      const e = toApiError(error);
      this.phase = 'error';
      this.loadError = e.status === 404 ? { ...e.detail, message: 'No such user, or you cannot see it.' } : e.detail;
      this.emit('msp-error', e.detail);
    }
  }

  /** Shows saved settings in the form. */
  private adopt(settings: VersionedSettings, keepChoices = false): void {
    this.loaded = settings;
    if (keepChoices) return;
    this.frequency = settings.value.frequency;
    this.muted = new Set(settings.value.mutedCategories);
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    const api = this.api;
    const loaded = this.loaded;
    if (!api || !loaded || this.saving) return;
    this.saving = true;
    this.message = undefined;
    this.fieldErrors = new Map();
    const categories = loaded.value.categories.map((c) => c.id);
    const change = { frequency: this.frequency, mutedCategories: categories.filter((c) => this.muted.has(c)) };
    try {
      const saved = await saveSettings(api, this.target, change, loaded.etag);
      this.adopt(saved);
      this.message = { kind: 'saved', text: 'Saved.' };
      this.users = this.users.map((u) => (u.id === saved.value.userId ? { ...u, frequency: saved.value.frequency, mutedCategories: saved.value.mutedCategories, version: saved.value.version } : u));
    } catch (error) {
      const e = toApiError(error);
      this.emit('msp-error', e.detail);
      const current = (e.problem as { current?: NotificationSettings } | undefined)?.current;
      if (e.status === 412 && current) {
        // Someone else saved first: keep this user's choices, show theirs, and ask again.
        this.adopt({ value: current, etag: `"${current.version}"` }, true);
        this.message = { kind: 'conflict', text: `Someone else changed these settings in the meantime: they are now ${this.describe(current)}. Your choices are still selected; save again to replace theirs, or undo your changes to keep them.` };
      } else {
        for (const err of e.problem?.errors ?? []) {
          const index = /^#\/body\/mutedCategories\/(\d+)$/.exec(err.pointer)?.[1];
          const key = index !== undefined ? change.mutedCategories[Number(index)] ?? 'categories' : err.pointer.endsWith('/frequency') ? 'frequency' : 'categories';
          this.fieldErrors = new Map(this.fieldErrors).set(key, err.detail);
        }
        this.message = { kind: 'error', text: e.status === 403 ? 'Your role may not change these settings.' : `Not saved: ${e.message}` };
      }
    } finally {
      this.saving = false;
    }
  }

  private undo(): void {
    if (this.loaded) this.adopt(this.loaded);
    this.message = undefined;
    this.fieldErrors = new Map();
  }

  private describe(s: NotificationSettings): string {
    const how = s.frequency === 'immediate' ? 'as they happen' : `a ${s.frequency} digest`;
    const labels = s.categories.filter((c) => s.mutedCategories.includes(c.id)).map((c) => c.label);
    return labels.length ? `${how}, without ${labels.join(', ')}` : `${how}, every category`;
  }

  private pickUser(event: Event): void {
    this.userId = (event.target as HTMLSelectElement).value;
  }

  private renderPicker(): TemplateResult | typeof nothing {
    if (!this.isAdmin) return nothing;
    // Grouped by organisation: the admin's own first, then by name.
    const own = this.users.find((u) => u.id === this.me?.id)?.tenantId;
    const groups = new Map<string, { name: string; users: UserNotificationSettings[] }>();
    for (const u of this.users) {
      if (u.id === this.me?.id) continue;
      const group = groups.get(u.tenantId) ?? { name: u.orgName, users: [] };
      group.users.push(u);
      groups.set(u.tenantId, group);
    }
    const ordered = [...groups.entries()]
      .sort(([a, x], [b, y]) => Number(b === own) - Number(a === own) || x.name.localeCompare(y.name, this.locale))
      .map(([, g]) => ({ ...g, users: g.users.sort((x, y) => x.name.localeCompare(y.name, this.locale)) }));
    const selected = this.target ?? '';
    return html`<div class="picker form-field" part="user-picker">
      <label for="user">Settings of</label>
      <select id="user" .value=${selected} @change=${this.pickUser} ?disabled=${this.saving}>
        <option value="" ?selected=${selected === ''}>Me</option>
        ${ordered.map(
          (g) => html`<optgroup label=${g.name}>
            ${g.users.map((u) => html`<option value=${u.id} ?selected=${u.id === selected}>${u.name} (${roleLabels[u.role ?? ''] ?? u.role ?? 'no role'})</option>`)}
          </optgroup>`,
        )}
      </select>
    </div>`;
  }

  private renderFrequency(s: NotificationSettings): TemplateResult {
    const zone = s.timeZone;
    const options: { value: Frequency; label: string; hint: string }[] = [
      { value: 'immediate', label: 'As they happen', hint: 'An email within a minute of each notification.' },
      { value: 'daily', label: 'Daily digest', hint: `One email every day at ${s.digestTime} (${zone}).` },
      { value: 'weekly', label: 'Weekly digest', hint: `One email every Monday at ${s.digestTime} (${zone}).` },
    ];
    const error = this.fieldErrors.get('frequency');
    return html`<fieldset part="frequency" aria-describedby=${error ? 'frequency-error' : nothing}>
      <legend>How often</legend>
      ${options.map(
        (o) => html`<div class="choice">
          <input
            type="radio"
            id=${`frequency-${o.value}`}
            name="frequency"
            .value=${o.value}
            .checked=${this.frequency === o.value}
            aria-describedby=${`frequency-${o.value}-hint`}
            ?disabled=${this.saving}
            @change=${() => (this.frequency = o.value)}
          />
          <label for=${`frequency-${o.value}`}>${o.label}</label>
          <span class="hint" id=${`frequency-${o.value}-hint`}>${o.hint}</span>
        </div>`,
      )}
      ${error ? html`<p class="field-error" id="frequency-error">${error}</p>` : nothing}
      ${s.nextDigestAt && s.frequency === this.frequency
        ? html`<p class="next">Next digest: ${formatDate(s.nextDigestAt, this.locale, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short' })}</p>`
        : nothing}
    </fieldset>`;
  }

  private renderCategories(s: NotificationSettings): TemplateResult {
    const toggle = (id: string, on: boolean) => {
      const muted = new Set(this.muted);
      if (on) muted.delete(id);
      else muted.add(id);
      this.muted = muted;
    };
    return html`<fieldset part="categories">
      <legend>What to hear about</legend>
      ${s.categories.map((c) => {
        const error = this.fieldErrors.get(c.id);
        return html`<div class="choice">
          <input
            type="checkbox"
            id=${`category-${c.id}`}
            .checked=${!this.muted.has(c.id)}
            aria-describedby=${`category-${c.id}-hint${error ? ` category-${c.id}-error` : ''}`}
            aria-invalid=${error ? 'true' : nothing}
            ?disabled=${this.saving}
            @change=${(e: Event) => toggle(c.id, (e.target as HTMLInputElement).checked)}
          />
          <label for=${`category-${c.id}`}>${c.label}</label>
          <span class="hint" id=${`category-${c.id}-hint`}>${c.description}</span>
          ${error ? html`<span class="field-error" id=${`category-${c.id}-error`}>${error}</span>` : nothing}
        </div>`;
      })}
      ${this.fieldErrors.get('categories') ? html`<p class="field-error">${this.fieldErrors.get('categories')}</p>` : nothing}
    </fieldset>`;
  }

  protected override render(): TemplateResult {
    const picker = this.renderPicker();
    const s = this.loaded?.value;
    if (this.phase === 'unavailable') return html`${picker}${emptyState('Your role does not receive notifications.')}`;
    if (this.phase === 'error' && this.loadError) return html`${picker}${errorState(this.loadError, () => void this.load())}`;
    if (!s || this.phase === 'loading' || this.phase === 'idle') return html`${picker}${loadingState('Loading notification settings…')}`;
    const who = this.target ? this.users.find((u) => u.id === this.target)?.name ?? 'this user' : undefined;
    return html`${picker}
      <form part="form" @submit=${this.save} aria-busy=${this.saving ? 'true' : 'false'} aria-label=${who ? `Notification settings of ${who}` : 'Your notification settings'} novalidate>
        ${s.receivesNotifications
          ? nothing
          : html`<p class="notice">${who ?? 'This user'}'s role receives no notifications; these settings apply if that changes.</p>`}
        ${this.renderFrequency(s)} ${this.renderCategories(s)}
        <div class="actions" part="actions">
          <button class="button" type="submit" ?disabled=${!this.dirty || this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
          <button class="button secondary" type="button" ?disabled=${!this.dirty || this.saving} @click=${this.undo}>Undo changes</button>
        </div>
        <p class="message" part="message" data-kind=${this.message?.kind ?? nothing} role=${this.message?.kind === 'saved' || !this.message ? 'status' : 'alert'}>${this.message?.text ?? ''}</p>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-notification-settings': MspNotificationSettings;
  }
}
