/**
 * `<msp-scan-schedules>`: scan schedules for one customer (`customer-id`), for a selection of
 * customers (`customer-ids`, comma-separated: upcoming runs of those customers and one schedule
 * created for all of them at once), or, with neither, the upcoming runs across everything the
 * user may see.
 *
 * BFF: `GET|POST /v1/customers/{id}/scan-schedules`, `PUT|DELETE …/{scheduleId}` (If-Match),
 * `POST …/{scheduleId}/runs` (Idempotency-Key), `GET /v1/customers/{id}/scans`,
 * `POST /v1/fleet/scan-schedules`, `GET /v1/scan-schedules/upcoming`. Changing needs
 * `scans:schedule` (read from `/v1/me`); without it everything is read-only.
 */
import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient } from '../core/api-client.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { DialogFocus } from '../core/dialog-focus.js';
import { toApiError } from '../core/errors.js';
import { formatDate } from '../core/format.js';
import { deleteSchedule, editDialog, fieldErrors, focusInvalid, saveFailed, saveSchedule, withDraft, zones, type ScheduleDialog } from '../core/schedule-dialog.js';
import styles from './scan-schedules.styles.js';

export type ScanFrequency = 'daily' | 'weekly' | 'monthly';
export type ScanTrigger = 'new_asset' | 'vulnerability_db_update';

export interface ScanSchedule {
  id: string;
  customerId: string;
  name: string;
  profile: string;
  targets: string[];
  frequency: ScanFrequency;
  weekday: number | null;
  dayOfMonth: number | null;
  startTime: string;
  timeZone: string | null;
  effectiveTimeZone: string;
  triggers: ScanTrigger[];
  enabled: boolean;
  nextRunAt: string | null;
  upcoming: { at: string; local: string }[];
  version: number;
}

export interface ScanProfile {
  id: string;
  name: string;
  description: string;
}

export interface UpcomingRun {
  at: string;
  local: string;
  timeZone: string;
  scheduleId: string;
  scheduleName: string;
  profile: string;
  customerId: string;
  customerName: string;
}

export interface ScanItem {
  id: string;
  profile: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  trigger: 'schedule' | 'new_asset' | 'vulnerability_db_update' | 'manual' | null;
  scheduleName: string | null;
  startedAt: string;
  finishedAt: string | null;
  findingsCount: number;
  error: string | null;
}

type Field = 'name' | 'profile' | 'targets' | 'frequency' | 'weekday' | 'dayOfMonth' | 'startTime' | 'timeZone' | 'triggers';

interface Draft {
  name: string;
  profile: string;
  targets: string;
  frequency: ScanFrequency;
  weekday: string;
  dayOfMonth: string;
  startTime: string;
  /** '' = the customer's zone. */
  timeZone: string;
  triggers: ScanTrigger[];
  enabled: boolean;
}

type Dialog = ScheduleDialog<ScanSchedule, Draft, Field>;

type Phase<T> = { phase: 'idle' | 'loading' | 'ready' | 'error'; items: T[]; error?: string };

export const SCHEDULE_PERMISSION = 'scans:schedule';
const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const triggerLabels: Record<ScanTrigger, string> = { new_asset: 'A new asset is found', vulnerability_db_update: 'The vulnerability database is updated' };
const reasonLabels: Record<NonNullable<ScanItem['trigger']>, string> = { schedule: 'Schedule', new_asset: 'New asset', vulnerability_db_update: 'Database update', manual: 'Run now' };
const statusLabels: Record<ScanItem['status'], string> = { queued: 'Queued', running: 'Running', completed: 'Completed', failed: 'Failed' };
const schedulesPath = (customerId: string) => `/v1/customers/${encodeURIComponent(customerId)}/scan-schedules`;

/** "Every day at 02:00", "Every Sunday at 02:00", "Monthly on day 1 at 02:00", with the zone. */
export function describeScanSchedule(s: Pick<ScanSchedule, 'frequency' | 'weekday' | 'dayOfMonth' | 'startTime' | 'timeZone' | 'effectiveTimeZone'>): string {
  const when = s.frequency === 'daily' ? 'Every day' : s.frequency === 'weekly' ? `Every ${weekdayNames[(s.weekday ?? 1) - 1]}` : `Monthly on day ${s.dayOfMonth ?? 1}`;
  return `${when} at ${s.startTime} (${s.timeZone ? s.timeZone : `customer’s zone, ${s.effectiveTimeZone}`})`;
}

/** `2026-11-29T02:00` → "29 Nov 2026, 02:00" in the user's locale, without moving it to another zone. */
function localText(local: string, locale: string): string {
  return formatDate(`${local}:00Z`, locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

/** `#/body/schedule/weekday`, `#/body/targets/2` → the field a problem's pointer names. */
const FIELD_POINTER = /^#?\/body\/(?:schedule\/)?([A-Za-z]+)/;

const draftOf = (profiles: ScanProfile[], s?: ScanSchedule): Draft => ({
  name: s?.name ?? 'Weekly scan',
  profile: s?.profile ?? profiles[0]?.id ?? '',
  targets: s?.targets.join('\n') ?? '',
  frequency: s?.frequency ?? 'weekly',
  weekday: String(s?.weekday ?? 7),
  dayOfMonth: String(s?.dayOfMonth ?? 1),
  startTime: s?.startTime ?? '02:00',
  timeZone: s?.timeZone ?? '',
  triggers: s?.triggers ?? [],
  enabled: s?.enabled ?? true,
});

/**
 * Scan schedules, upcoming runs and recent runs of one customer or of a selection.
 *
 * @summary Scan schedules with their upcoming and recent runs.
 *
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown in the element).
 *
 * @csspart section - Each section.
 * @csspart button - Every button.
 * @csspart dialog - The schedule and delete dialogs.
 */
export class MspScanSchedules extends MspElement {
  static override styles = styles;

  /** One customer: its schedules, upcoming and recent runs. */
  @property({ attribute: 'customer-id' }) customerId = '';
  /** Several customers (comma-separated ids): their upcoming runs, and one new schedule for all. */
  @property({ attribute: 'customer-ids' }) customerIds = '';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private canEdit = false;
  @state() private profiles: ScanProfile[] = [];
  @state() private schedules: Phase<ScanSchedule> = { phase: 'idle', items: [] };
  @state() private upcoming: Phase<UpcomingRun> = { phase: 'idle', items: [] };
  @state() private scans: Phase<ScanItem> = { phase: 'idle', items: [] };
  @state() private dialog: Dialog | undefined;
  @state() private notice = '';

  private loadedFor = '';
  private permissionsFor: ApiClient | undefined;
  private dialogFocus = new DialogFocus(this);

  private get selection(): string[] {
    return this.customerIds.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** Reads everything again. */
  async reload(): Promise<void> {
    const api = this.api;
    if (!api) return;
    if (this.customerId) await Promise.all([this.loadSchedules(api), this.loadScans(api)]);
    else await this.loadUpcoming(api);
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const api = this.api;
    if (api && this.permissionsFor !== api) {
      this.permissionsFor = api;
      void api.me().then(
        (me) => {
          if (this.api === api) this.canEdit = me.permissions.includes(SCHEDULE_PERMISSION);
        },
        () => undefined,
      );
    }
    const key = `${this.customerId}|${this.customerIds}`;
    if (api && key !== this.loadedFor) {
      this.loadedFor = key;
      this.schedules = { phase: 'idle', items: [] };
      this.scans = { phase: 'idle', items: [] };
      this.upcoming = { phase: 'idle', items: [] };
      void this.reload();
    }
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[autofocus], input, button')?.focus();
    }
  }

  private fail(error: unknown): string {
    const e = toApiError(error);
    this.emit('msp-error', e.detail);
    return e.status === 403 ? 'Your role may not see scan schedules.' : e.status === 404 ? 'This customer is not available.' : e.message;
  }

  private async loadSchedules(api: ApiClient): Promise<void> {
    this.schedules = { ...this.schedules, phase: 'loading' };
    try {
      const list = await api.json<{ items: ScanSchedule[]; profiles: ScanProfile[] }>(schedulesPath(this.customerId));
      this.profiles = list.profiles;
      this.schedules = { phase: 'ready', items: list.items };
      // The customer's upcoming runs are its schedules' next slots, earliest first.
      const runs = list.items.flatMap((s) =>
        s.upcoming.map((r) => ({ ...r, timeZone: s.effectiveTimeZone, scheduleId: s.id, scheduleName: s.name, profile: s.profile, customerId: s.customerId, customerName: '' })),
      );
      this.upcoming = { phase: 'ready', items: runs.sort((a, b) => a.at.localeCompare(b.at)) };
    } catch (error) {
      const message = this.fail(error);
      this.schedules = { phase: 'error', items: [], error: message };
      this.upcoming = { phase: 'error', items: [], error: message };
    }
  }

  private async loadScans(api: ApiClient): Promise<void> {
    this.scans = { ...this.scans, phase: 'loading' };
    try {
      const { items } = await api.json<{ items: ScanItem[] }>(`/v1/customers/${encodeURIComponent(this.customerId)}/scans`, { query: new URLSearchParams({ limit: '10' }) });
      this.scans = { phase: 'ready', items };
    } catch (error) {
      this.scans = { phase: 'error', items: [], error: this.fail(error) };
    }
  }

  private async loadUpcoming(api: ApiClient): Promise<void> {
    this.upcoming = { ...this.upcoming, phase: 'loading' };
    try {
      const query = new URLSearchParams({ perSchedule: '2', limit: '50' });
      if (this.selection.length) query.set('customerIds', this.selection.join(','));
      const answer = await api.json<{ items: UpcomingRun[]; profiles: ScanProfile[] }>('/v1/scan-schedules/upcoming', { query });
      this.profiles = answer.profiles;
      this.upcoming = { phase: 'ready', items: answer.items };
    } catch (error) {
      this.upcoming = { phase: 'error', items: [], error: this.fail(error) };
    }
  }

  // ---- dialogs -----------------------------------------------------------------------------

  private openEdit(event: Event, schedule?: ScanSchedule): void {
    this.dialogFocus.opened(event);
    this.notice = '';
    this.dialog = editDialog(schedule, draftOf(this.profiles, schedule));
  }

  private openDelete(event: Event, schedule: ScanSchedule): void {
    this.dialogFocus.opened(event);
    this.notice = '';
    this.dialog = { kind: 'delete', schedule, busy: false };
  }

  private closeDialog(): void {
    if (!this.dialog) return;
    this.dialog = undefined;
    this.dialogFocus.close('[data-new-schedule]');
  }

  private setDraft(changes: Partial<Draft>, field?: Field): void {
    const d = this.dialog;
    if (d?.kind === 'edit') this.dialog = withDraft(d, changes, field);
  }

  private inputOf(d: Draft): { input?: Record<string, unknown>; errors: Partial<Record<Field, string>> } {
    const errors: Partial<Record<Field, string>> = {};
    if (!d.name.trim()) errors.name = 'Give the schedule a name.';
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(d.startTime)) errors.startTime = 'Enter a time such as 02:00.';
    const day = Number(d.dayOfMonth);
    if (d.frequency === 'monthly' && !(Number.isInteger(day) && day >= 1 && day <= 28)) errors.dayOfMonth = 'Choose a day from 1 to 28 (every month has it).';
    const targets = [...new Set(d.targets.split(/[\n,]+/).map((t) => t.trim()).filter(Boolean))];
    if (targets.length > 100) errors.targets = 'At most 100 targets.';
    if (Object.keys(errors).length) return { errors };
    return {
      errors,
      input: {
        name: d.name.trim(),
        profile: d.profile,
        targets,
        frequency: d.frequency,
        weekday: d.frequency === 'weekly' ? Number(d.weekday) : null,
        dayOfMonth: d.frequency === 'monthly' ? day : null,
        startTime: d.startTime,
        timeZone: d.timeZone || null,
        triggers: d.triggers,
        enabled: d.enabled,
      },
    };
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    const d = this.dialog;
    const api = this.api;
    if (d?.kind !== 'edit' || d.busy || !api) return;
    const { input, errors } = this.inputOf(d.draft);
    if (!input) {
      this.dialog = { ...d, errors, error: undefined };
      focusInvalid(this);
      return;
    }
    this.dialog = { ...d, busy: true, errors: {}, error: undefined };
    const editing = d.schedule;
    try {
      if (!this.customerId) {
        const result = await api.json<{ created: number; notFound: number }>('/v1/fleet/scan-schedules', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customerIds: this.selection, schedule: input }),
        });
        this.closeDialog();
        this.notice = `Scheduled for ${result.created} customer${result.created === 1 ? '' : 's'}${result.notFound ? `; ${result.notFound} not available to you` : ''}.`;
        await this.loadUpcoming(api);
        return;
      }
      await saveSchedule(api, schedulesPath(this.customerId), d, input);
      this.closeDialog();
      this.notice = editing ? 'The schedule was saved.' : 'The schedule was created.';
      await this.loadSchedules(api);
    } catch (error) {
      const e = toApiError(error);
      const next = await saveFailed(e, {
        dialog: this.dialog,
        editing,
        reload: () => this.reloadSchedules(api),
        draftOf: (s) => draftOf(this.profiles, s),
        fields: (x) => fieldErrors<Field>(x, FIELD_POINTER),
        forbidden: 'Your role may not schedule scans.',
      });
      if (!next) return;
      this.dialog = next;
      if (Object.keys(next.errors).length) focusInvalid(this);
      this.emit('msp-error', e.detail);
    }
  }

  private async reloadSchedules(api: ApiClient): Promise<ScanSchedule[]> {
    await this.loadSchedules(api);
    return this.schedules.items;
  }

  private async deleteSchedule(): Promise<void> {
    const d = this.dialog;
    const api = this.api;
    if (d?.kind !== 'delete' || d.busy || !api) return;
    this.dialog = { ...d, busy: true, error: undefined };
    const failed = await deleteSchedule(api, schedulesPath(this.customerId), d, () => this.reloadSchedules(api), 'Someone else changed this schedule in the meantime. Check it and confirm again to delete it.');
    if (failed) {
      this.dialog = failed.dialog;
      this.emit('msp-error', failed.error.detail);
      return;
    }
    this.closeDialog();
    this.notice = 'The schedule was deleted.';
    await this.loadSchedules(api);
  }

  private async runNow(schedule: ScanSchedule): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.notice = '';
    try {
      await api.json<ScanItem>(`${schedulesPath(this.customerId)}/${encodeURIComponent(schedule.id)}/runs`, { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() } });
      this.notice = `“${schedule.name}” was queued to run now.`;
      await this.loadScans(api);
    } catch (error) {
      this.notice = this.fail(error);
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  private profileName(id: string): string {
    return this.profiles.find((p) => p.id === id)?.name ?? id;
  }

  private renderSchedule(s: ScanSchedule): TemplateResult {
    const next = s.upcoming[0];
    const label = `${s.name}: ${describeScanSchedule(s)}`;
    return html`<li class="schedule" data-schedule=${s.id}>
      <div>
        <p><strong>${s.name}</strong>${s.enabled ? nothing : html` <span class="muted" data-paused>(paused)</span>`}</p>
        <p data-when>${describeScanSchedule(s)}</p>
        <p class="muted" data-what>${this.profileName(s.profile)} · ${s.targets.length ? s.targets.join(', ') : 'all assets'}</p>
        ${s.triggers.length ? html`<p class="muted" data-triggers>Also runs when: ${s.triggers.map((t) => triggerLabels[t].toLowerCase()).join('; ')}</p>` : nothing}
        <p class="muted" data-next>${next ? `Next: ${localText(next.local, this.locale)} (${s.effectiveTimeZone})` : 'Not running while paused'}</p>
      </div>
      ${this.canEdit
        ? html`<div class="row-actions">
            <button type="button" class="button secondary" part="button" data-run aria-label=${`Run now: ${s.name}`} @click=${() => void this.runNow(s)}>Run now</button>
            <button type="button" class="button secondary" part="button" data-edit aria-haspopup="dialog" aria-label=${`Edit: ${label}`} @click=${(e: Event) => this.openEdit(e, s)}>Edit</button>
            <button type="button" class="button secondary" part="button" data-delete aria-haspopup="dialog" aria-label=${`Delete: ${label}`} @click=${(e: Event) => this.openDelete(e, s)}>Delete</button>
          </div>`
        : nothing}
    </li>`;
  }

  private renderState<T>(p: Phase<T>, empty: string): TemplateResult | null {
    if (p.phase === 'error') return html`<p class="form-error" role="alert">${p.error}</p>`;
    // A reload keeps the rows on screen until the answer replaces them.
    if (p.phase !== 'ready' && !p.items.length) return html`<p class="muted">Loading…</p>`;
    if (!p.items.length) return html`<p class="muted" data-empty>${empty}</p>`;
    return null;
  }

  private renderSchedules(): TemplateResult {
    const s = this.schedules;
    return html`<section part="section" aria-labelledby="schedules-title" data-section="schedules">
      <div class="head">
        <h3 id="schedules-title">Scan schedules</h3>
        ${this.canEdit && this.profiles.length ? html`<button type="button" class="button" part="button" data-new-schedule aria-haspopup="dialog" @click=${(e: Event) => this.openEdit(e)}>New schedule…</button>` : nothing}
      </div>
      ${this.renderState(s, `No scan schedules.${this.canEdit ? ' Create one to scan daily, weekly or monthly.' : ''}`) ?? html`<ul class="schedule-list">${s.items.map((x) => this.renderSchedule(x))}</ul>`}
    </section>`;
  }

  private renderUpcoming(fleet: boolean): TemplateResult {
    const u = this.upcoming;
    const loc = this.locale;
    return html`<section part="section" aria-labelledby="upcoming-title" data-section="upcoming">
      <div class="head">
        <h3 id="upcoming-title">
          ${fleet ? (this.selection.length ? html`Upcoming runs <span class="muted">(${this.selection.length} selected customer${this.selection.length === 1 ? '' : 's'})</span>` : 'Upcoming runs across your customers') : 'Upcoming runs'}
        </h3>
        ${fleet && this.canEdit && this.selection.length && this.profiles.length
          ? html`<button type="button" class="button" part="button" data-new-schedule aria-haspopup="dialog" @click=${(e: Event) => this.openEdit(e)}>Schedule for ${this.selection.length} customer${this.selection.length === 1 ? '' : 's'}…</button>`
          : nothing}
      </div>
      ${this.renderState(u, 'No scans are scheduled.') ??
      html`<div class="table-scroll">
        <table data-table="upcoming">
          <thead>
            <tr>
              <th scope="col">Local time</th>
              <th scope="col">Time zone</th>
              ${fleet ? html`<th scope="col">Customer</th>` : nothing}
              <th scope="col">Schedule</th>
              <th scope="col">Profile</th>
            </tr>
          </thead>
          <tbody>
            ${u.items.map(
              (r) => html`<tr data-slot=${`${r.scheduleId}@${r.at}`}>
                <td><time datetime=${r.at} title=${formatDate(r.at, loc, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC'}>${localText(r.local, loc)}</time></td>
                <td>${r.timeZone}</td>
                ${fleet ? html`<td>${r.customerName}</td>` : nothing}
                <td>${r.scheduleName}</td>
                <td>${this.profileName(r.profile)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`}
    </section>`;
  }

  private renderScans(): TemplateResult {
    const s = this.scans;
    const loc = this.locale;
    return html`<section part="section" aria-labelledby="scans-title" data-section="scans">
      <div class="head">
        <h3 id="scans-title">Recent runs</h3>
        <button type="button" class="button secondary" part="button" data-refresh @click=${() => this.api && void this.loadScans(this.api)}>Refresh</button>
      </div>
      ${this.renderState(s, 'No scans ran yet.') ??
      html`<div class="table-scroll">
        <table data-table="scans">
          <thead>
            <tr><th scope="col">Started</th><th scope="col">Schedule</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Findings</th></tr>
          </thead>
          <tbody>
            ${s.items.map(
              (x) => html`<tr data-scan=${x.id}>
                <td>${formatDate(x.startedAt, loc, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                <td>${x.scheduleName ?? x.profile}</td>
                <td>${x.trigger ? reasonLabels[x.trigger] : '—'}</td>
                <td data-status=${x.status}>${statusLabels[x.status]}${x.error ? html`<span class="muted">: ${x.error}</span>` : nothing}</td>
                <td>${x.status === 'completed' ? x.findingsCount : '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`}
    </section>`;
  }

  private renderEditDialog(d: Extract<Dialog, { kind: 'edit' }>): TemplateResult {
    const f = d.draft;
    const err = (field: Field) => d.errors[field];
    const described = (field: Field, hint?: string) => [hint, err(field) ? `scan-${field}-error` : undefined].filter(Boolean).join(' ') || nothing;
    const errorText = (field: Field) => (err(field) ? html`<span class="field-error" id=${`scan-${field}-error`}>${err(field)}</span>` : nothing);
    const invalid = (field: Field) => (err(field) ? 'true' : 'false');
    const allZones = zones();
    const zoneList = f.timeZone && !allZones.includes(f.timeZone) ? [f.timeZone, ...allZones] : allZones;
    const bulk = !this.customerId;
    const title = d.schedule ? 'Edit scan schedule' : bulk ? `Schedule a scan for ${this.selection.length} customer${this.selection.length === 1 ? '' : 's'}` : 'New scan schedule';
    return html`<dialog part="dialog" data-dialog="schedule" aria-labelledby="scan-dialog-title" @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      <form @submit=${(e: Event) => void this.save(e)} novalidate>
        <h3 id="scan-dialog-title">${title}</h3>
        ${d.error ? html`<p class="form-error" role="alert">${d.error}</p>` : nothing}
        <div class="pair">
          <div class="form-field">
            <label for="scan-name">Name</label>
            <input id="scan-name" type="text" maxlength="80" required .value=${f.name} aria-invalid=${invalid('name')} aria-describedby=${described('name')} @input=${(e: Event) => this.setDraft({ name: (e.target as HTMLInputElement).value }, 'name')} />
            ${errorText('name')}
          </div>
          <div class="form-field">
            <label for="scan-profile">Profile</label>
            <select id="scan-profile" aria-invalid=${invalid('profile')} aria-describedby=${described('profile', 'scan-profile-hint')} @change=${(e: Event) => this.setDraft({ profile: (e.target as HTMLSelectElement).value }, 'profile')}>
              ${this.profiles.map((p) => html`<option value=${p.id} ?selected=${f.profile === p.id}>${p.name}</option>`)}
            </select>
            <span class="hint" id="scan-profile-hint">${this.profiles.find((p) => p.id === f.profile)?.description ?? ''}</span>
            ${errorText('profile')}
          </div>
        </div>
        <div class="form-field">
          <label for="scan-targets">Targets</label>
          <textarea id="scan-targets" rows="2" spellcheck="false" .value=${f.targets} aria-invalid=${invalid('targets')} aria-describedby=${described('targets', 'scan-targets-hint')} @input=${(e: Event) => this.setDraft({ targets: (e.target as HTMLTextAreaElement).value }, 'targets')}></textarea>
          <span class="hint" id="scan-targets-hint">Asset values, one per line. Leave empty to scan every asset${bulk ? ' of each customer' : ''}.</span>
          ${errorText('targets')}
        </div>
        <fieldset aria-describedby=${described('frequency')}>
          <legend>Frequency</legend>
          <div class="choices">
            ${(['daily', 'weekly', 'monthly'] as const).map(
              (v) => html`<label class="check"><input type="radio" name="frequency" value=${v} .checked=${f.frequency === v} @change=${() => this.setDraft({ frequency: v }, 'frequency')} /> ${v === 'daily' ? 'Daily' : v === 'weekly' ? 'Weekly' : 'Monthly'}</label>`,
            )}
          </div>
          ${errorText('frequency')}
        </fieldset>
        <div class="pair">
          ${f.frequency === 'weekly'
            ? html`<div class="form-field">
                <label for="scan-weekday">Day of the week</label>
                <select id="scan-weekday" aria-invalid=${invalid('weekday')} aria-describedby=${described('weekday')} @change=${(e: Event) => this.setDraft({ weekday: (e.target as HTMLSelectElement).value }, 'weekday')}>
                  ${weekdayNames.map((name, i) => html`<option value=${String(i + 1)} ?selected=${f.weekday === String(i + 1)}>${name}</option>`)}
                </select>
                ${errorText('weekday')}
              </div>`
            : f.frequency === 'monthly'
              ? html`<div class="form-field">
                  <label for="scan-dayOfMonth">Day of the month</label>
                  <input id="scan-dayOfMonth" type="number" min="1" max="28" inputmode="numeric" .value=${f.dayOfMonth} aria-invalid=${invalid('dayOfMonth')} aria-describedby=${described('dayOfMonth', 'scan-day-hint')} @input=${(e: Event) => this.setDraft({ dayOfMonth: (e.target as HTMLInputElement).value }, 'dayOfMonth')} />
                  <span class="hint" id="scan-day-hint">1 to 28, so every month has it.</span>
                  ${errorText('dayOfMonth')}
                </div>`
              : nothing}
          <div class="form-field">
            <label for="scan-startTime">Start time</label>
            <input id="scan-startTime" type="time" required .value=${f.startTime} aria-invalid=${invalid('startTime')} aria-describedby=${described('startTime', 'scan-time-hint')} @input=${(e: Event) => this.setDraft({ startTime: (e.target as HTMLInputElement).value }, 'startTime')} />
            <span class="hint" id="scan-time-hint">A time the clocks skip runs when they jump; one that happens twice runs the first time.</span>
            ${errorText('startTime')}
          </div>
        </div>
        <div class="form-field">
          <label for="scan-timeZone">Time zone</label>
          <select id="scan-timeZone" aria-invalid=${invalid('timeZone')} aria-describedby=${described('timeZone')} @change=${(e: Event) => this.setDraft({ timeZone: (e.target as HTMLSelectElement).value }, 'timeZone')}>
            <option value="" ?selected=${f.timeZone === ''}>The customer’s time zone</option>
            ${zoneList.map((z) => html`<option value=${z} ?selected=${f.timeZone === z}>${z}</option>`)}
          </select>
          ${errorText('timeZone')}
        </div>
        <fieldset aria-describedby=${described('triggers')}>
          <legend>Also run when</legend>
          <div class="choices">
            ${(Object.keys(triggerLabels) as ScanTrigger[]).map(
              (t) => html`<label class="check"
                ><input type="checkbox" name="triggers" value=${t} .checked=${f.triggers.includes(t)}
                  @change=${(e: Event) => this.setDraft({ triggers: (e.target as HTMLInputElement).checked ? [...f.triggers, t] : f.triggers.filter((x) => x !== t) }, 'triggers')} />
                ${triggerLabels[t]}</label
              >`,
            )}
          </div>
          ${errorText('triggers')}
        </fieldset>
        <label class="check"><input id="scan-enabled" type="checkbox" .checked=${f.enabled} @change=${(e: Event) => this.setDraft({ enabled: (e.target as HTMLInputElement).checked })} /> Run on this schedule (clear to pause it)</label>
        <div class="dialog-buttons">
          <button type="button" class="button secondary" part="button" data-close @click=${this.closeDialog}>Cancel</button>
          <button type="submit" class="button" part="button" data-submit ?disabled=${d.busy}>${d.busy ? 'Saving…' : d.schedule ? 'Save' : 'Create schedule'}</button>
        </div>
      </form>
    </dialog>`;
  }

  private renderDeleteDialog(d: Extract<Dialog, { kind: 'delete' }>): TemplateResult {
    return html`<dialog part="dialog" data-dialog="delete" aria-labelledby="scan-delete-title" aria-describedby="scan-delete-what" @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      <div class="dialog-body">
        <h3 id="scan-delete-title">Delete this scan schedule?</h3>
        <p id="scan-delete-what">“${d.schedule.name}”: ${describeScanSchedule(d.schedule)}. Scans already run stay listed.</p>
        ${d.error ? html`<p class="form-error" role="alert">${d.error}</p>` : nothing}
        <div class="dialog-buttons">
          <button type="button" class="button secondary" part="button" data-close autofocus @click=${this.closeDialog}>Keep it</button>
          <button type="button" class="button" part="button" data-confirm-delete ?disabled=${d.busy} @click=${() => void this.deleteSchedule()}>${d.busy ? 'Deleting…' : 'Delete schedule'}</button>
        </div>
      </div>
    </dialog>`;
  }

  protected override render(): TemplateResult {
    const d = this.dialog;
    const one = !!this.customerId;
    return html`<div class="sections">
        <p class="status" role="status" aria-live="polite">${this.notice}</p>
        ${one ? this.renderSchedules() : nothing} ${this.renderUpcoming(!one)} ${one ? this.renderScans() : nothing}
      </div>
      ${d?.kind === 'edit' ? this.renderEditDialog(d) : d?.kind === 'delete' ? this.renderDeleteDialog(d) : nothing}`;
  }
}
