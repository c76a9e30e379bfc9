/**
 * `<msp-report-schedules>`: the "Scheduled emails" and "Recent sends" sections of
 * `<msp-report-viewer>`, loaded with a dynamic `import()` once a report is on screen (it is not
 * needed to read a report, so it stays out of the viewer's first chunk).
 *
 * Schedules: `GET|POST /v1/customers/{id}/report-schedules`, `PUT|DELETE …/{scheduleId}` with
 * If-Match (the schedule's `version` as its ETag); sends: `GET /v1/customers/{id}/report-sends`.
 * Changing schedules needs `reports:send` (the viewer passes `can-edit`); without it the list is
 * read-only, and a 403 on the list leaves the section out.
 */
import { consume } from '@lit/context';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient } from '../core/api-client.js';
import { define, MspElement } from '../core/base-element.js';
import { scheduleList } from '../core/base-styles.js';
import { apiContext } from '../core/context.js';
import { DialogFocus } from '../core/dialog-focus.js';
import { toApiError } from '../core/errors.js';
import { formatDate } from '../core/format.js';
import { deleteSchedule, editDialog, fieldErrors, focusInvalid, saveFailed, saveSchedule, withDraft, zones, type ScheduleDialog } from '../core/schedule-dialog.js';
import { parseRecipients, recipientsError, MAX_RECIPIENTS } from './report-api.js';
import viewerStyles from './report-viewer.styles.js';
import { periodText } from './sections.js';

export interface ReportSchedule {
  id: string;
  customerId: string;
  frequency: 'weekly' | 'monthly';
  weekday: number | null;
  dayOfMonth: number | null;
  sendTime: string;
  timeZone: string;
  recipients: string[];
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  version: number;
}

export interface ReportSendItem {
  id: string;
  scheduleId: string | null;
  runAt: string;
  period: { from: string; to: string };
  recipients: string[];
  status: 'queued' | 'sending' | 'sent' | 'failed';
  error: string | null;
  sentAt: string | null;
  createdAt: string;
}

type ScheduleInput = Pick<ReportSchedule, 'frequency' | 'weekday' | 'dayOfMonth' | 'sendTime' | 'recipients' | 'enabled'> & { timeZone?: string };
type Field = 'frequency' | 'weekday' | 'dayOfMonth' | 'sendTime' | 'timeZone' | 'recipients' | 'enabled';

interface Draft {
  frequency: 'weekly' | 'monthly';
  weekday: string;
  dayOfMonth: string;
  sendTime: string;
  /** '' = the customer's zone (the BFF's default). */
  timeZone: string;
  recipients: string;
  enabled: boolean;
}

type Dialog = ScheduleDialog<ReportSchedule, Draft, Field>;

export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const statusLabels: Record<ReportSendItem['status'], string> = { queued: 'Queued', sending: 'Sending', sent: 'Sent', failed: 'Failed' };
const schedulesPath = (customerId: string) => `/v1/customers/${encodeURIComponent(customerId)}/report-schedules`;

/** "Every Monday at 08:00 (Europe/Berlin)", "Monthly on day 1 at 08:00 (UTC)". */
export function describeSchedule(s: Pick<ReportSchedule, 'frequency' | 'weekday' | 'dayOfMonth' | 'sendTime' | 'timeZone'>): string {
  const when = s.frequency === 'weekly' ? `Every ${weekdayNames[(s.weekday ?? 1) - 1]}` : `Monthly on day ${s.dayOfMonth ?? 1}`;
  return `${when} at ${s.sendTime} (${s.timeZone})`;
}

/** `#/body/recipients/2` → `recipients`: the field a problem's pointer names. */
const FIELD_POINTER = /^#?\/body\/([A-Za-z]+)/;

const draftOf = (s?: ReportSchedule): Draft => ({
  frequency: s?.frequency ?? 'weekly',
  weekday: String(s?.weekday ?? 1),
  dayOfMonth: String(s?.dayOfMonth ?? 1),
  sendTime: s?.sendTime ?? '08:00',
  timeZone: s?.timeZone ?? '',
  recipients: s?.recipients.join('\n') ?? '',
  enabled: s?.enabled ?? true,
});

/**
 * A customer's scheduled report emails and its recent sends.
 *
 * @summary Scheduled and recent executive-report emails of one customer.
 *
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown in the element).
 *
 * @csspart section - Each of the two sections.
 * @csspart button - Every button.
 * @csspart dialog - The schedule and delete dialogs.
 */
export class MspReportSchedules extends MspElement {
  static override styles = [
    viewerStyles,
    css`
      .schedules {
        display: grid;
        gap: calc(var(--msp-space) * 2);
      }
      ${scheduleList}
    `,
  ];

  @property({ attribute: 'customer-id' }) customerId = '';
  /** Whether the user may create, change and delete schedules (`reports:send`). */
  @property({ type: Boolean, attribute: 'can-edit' }) canEdit = false;

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private schedules: { phase: 'loading' | 'ready' | 'error' | 'forbidden'; items: ReportSchedule[]; error?: string } = { phase: 'loading', items: [] };
  @state() private sends: { phase: 'loading' | 'ready' | 'error' | 'forbidden'; items: ReportSendItem[]; nextCursor: string | null; error?: string } = { phase: 'loading', items: [], nextCursor: null };
  @state() private dialog: Dialog | undefined;
  @state() private notice = '';

  private loadedFor = '';
  private dialogFocus = new DialogFocus(this);

  /** Reads the schedules and the latest sends again. */
  async reload(): Promise<void> {
    const api = this.api;
    if (!api || !this.customerId) return;
    await Promise.all([this.loadSchedules(api), this.loadSends(api)]);
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = `${this.customerId}`;
    if (this.api && this.customerId && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.reload();
    }
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[autofocus], input:checked, button')?.focus();
    }
  }

  private async loadSchedules(api: ApiClient): Promise<void> {
    try {
      const { items } = await api.json<{ items: ReportSchedule[] }>(schedulesPath(this.customerId));
      this.schedules = { phase: 'ready', items };
    } catch (error) {
      const e = toApiError(error);
      this.schedules = e.status === 403 ? { phase: 'forbidden', items: [] } : { phase: 'error', items: [], error: e.message };
      if (e.status !== 403) this.emit('msp-error', e.detail);
    }
  }

  private async loadSends(api: ApiClient, cursor?: string): Promise<void> {
    try {
      const query = new URLSearchParams({ limit: '10' });
      if (cursor) query.set('cursor', cursor);
      const page = await api.json<{ items: ReportSendItem[]; nextCursor: string | null }>(`/v1/customers/${encodeURIComponent(this.customerId)}/report-sends`, { query });
      this.sends = { phase: 'ready', items: cursor ? [...this.sends.items, ...page.items] : page.items, nextCursor: page.nextCursor };
    } catch (error) {
      const e = toApiError(error);
      this.sends = e.status === 403 ? { phase: 'forbidden', items: [], nextCursor: null } : { ...this.sends, phase: 'error', error: e.message };
      if (e.status !== 403) this.emit('msp-error', e.detail);
    }
  }

  // ---- dialogs -----------------------------------------------------------------------------

  private openEdit(event: Event, schedule?: ReportSchedule): void {
    this.dialogFocus.opened(event);
    this.notice = '';
    this.dialog = editDialog(schedule, draftOf(schedule));
  }

  private openDelete(event: Event, schedule: ReportSchedule): void {
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

  private inputOf(d: Draft): { input?: ScheduleInput; errors: Partial<Record<Field, string>> } {
    const errors: Partial<Record<Field, string>> = {};
    const recipients = parseRecipients(d.recipients);
    const bad = recipientsError(recipients);
    if (bad) errors.recipients = bad;
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(d.sendTime)) errors.sendTime = 'Enter a time such as 08:00.';
    const day = Number(d.dayOfMonth);
    if (d.frequency === 'monthly' && !(Number.isInteger(day) && day >= 1 && day <= 28)) errors.dayOfMonth = 'Choose a day from 1 to 28 (every month has it).';
    if (Object.keys(errors).length) return { errors };
    return {
      errors,
      input: {
        frequency: d.frequency,
        weekday: d.frequency === 'weekly' ? Number(d.weekday) : null,
        dayOfMonth: d.frequency === 'monthly' ? day : null,
        sendTime: d.sendTime,
        ...(d.timeZone ? { timeZone: d.timeZone } : {}),
        recipients,
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
      await saveSchedule(api, schedulesPath(this.customerId), d, input);
      this.closeDialog();
      this.notice = editing ? 'The schedule was saved.' : 'The schedule was created.';
      await this.loadSchedules(api);
    } catch (error) {
      const e = toApiError(error);
      // After a 412 someone else saved it first: show what is current and let the user decide again.
      const next = await saveFailed(e, {
        dialog: this.dialog,
        editing,
        reload: () => this.reloadSchedules(api),
        draftOf,
        fields: (x) => fieldErrors<Field>(x, FIELD_POINTER),
        forbidden: 'Your role may not schedule report emails.',
        current: (e.problem as { current?: ReportSchedule } | undefined)?.current,
      });
      if (!next) return;
      this.dialog = next;
      if (Object.keys(next.errors).length) focusInvalid(this);
      this.emit('msp-error', e.detail);
    }
  }

  private async reloadSchedules(api: ApiClient): Promise<ReportSchedule[]> {
    await this.loadSchedules(api);
    return this.schedules.items;
  }

  private async deleteSchedule(): Promise<void> {
    const d = this.dialog;
    const api = this.api;
    if (d?.kind !== 'delete' || d.busy || !api) return;
    this.dialog = { ...d, busy: true, error: undefined };
    const failed = await deleteSchedule(api, schedulesPath(this.customerId), d, () => this.reloadSchedules(api), 'Someone else changed this schedule in the meantime. Check it below and confirm again to delete it.');
    if (failed) {
      this.dialog = failed.dialog;
      this.emit('msp-error', failed.error.detail);
      return;
    }
    this.closeDialog();
    this.notice = 'The schedule was deleted.';
    await this.loadSchedules(api);
  }

  // ---- rendering ---------------------------------------------------------------------------

  private renderSchedule(s: ReportSchedule): TemplateResult {
    const loc = this.locale;
    return html`<li class="schedule" data-schedule=${s.id}>
      <div>
        <p><strong data-when>${describeSchedule(s)}</strong>${s.enabled ? nothing : html` <span class="muted" data-paused>(paused)</span>`}</p>
        <p class="muted" data-recipients>To ${s.recipients.join(', ')}</p>
        <p class="muted" data-next>
          ${s.enabled && s.nextRunAt ? `Next: ${formatDate(s.nextRunAt, loc, { dateStyle: 'medium', timeStyle: 'short', timeZone: s.timeZone })}` : 'Not sending while paused'}
        </p>
      </div>
      ${this.canEdit
        ? html`<div class="row-actions">
            <button type="button" class="button secondary" part="button" data-edit aria-haspopup="dialog" aria-label=${`Edit: ${describeSchedule(s)}`} @click=${(e: Event) => this.openEdit(e, s)}>Edit</button>
            <button type="button" class="button secondary" part="button" data-delete aria-haspopup="dialog" aria-label=${`Delete: ${describeSchedule(s)}`} @click=${(e: Event) => this.openDelete(e, s)}>Delete</button>
          </div>`
        : nothing}
    </li>`;
  }

  private renderSends(): TemplateResult | typeof nothing {
    const s = this.sends;
    if (s.phase === 'forbidden') return nothing;
    const loc = this.locale;
    return html`<section class="card schedules" part="section" aria-labelledby="sends-title">
      <h3 id="sends-title">Recent sends</h3>
      ${s.phase === 'error'
        ? html`<p class="form-error" role="alert">${s.error}</p>`
        : s.phase === 'loading'
          ? html`<p class="muted">Loading…</p>`
          : !s.items.length
            ? html`<p class="muted" data-empty="sends">No report emails were sent yet.</p>`
            : html`<div class="table-scroll">
                <table data-table="sends">
                  <thead><tr><th scope="col">Date</th><th scope="col">Recipients</th><th scope="col">Period</th><th scope="col">Status</th></tr></thead>
                  <tbody>
                    ${s.items.map(
                      (x) => html`<tr data-send=${x.id}>
                        <td>${formatDate(x.sentAt ?? x.createdAt, loc, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                        <td>${x.recipients.join(', ')}</td>
                        <td>${periodText(x.period, loc)}${x.scheduleId ? html`<span class="muted"> · scheduled</span>` : nothing}</td>
                        <td data-status=${x.status}>${statusLabels[x.status]}${x.error ? html`<span class="muted">: ${x.error}</span>` : nothing}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`}
      ${s.nextCursor
        ? html`<div><button type="button" class="button secondary" part="button" data-more-sends @click=${() => this.api && void this.loadSends(this.api, s.nextCursor ?? undefined)}>Show older sends</button></div>`
        : nothing}
    </section>`;
  }

  private renderEditDialog(d: Extract<Dialog, { kind: 'edit' }>): TemplateResult {
    const f = d.draft;
    const err = (field: Field) => d.errors[field];
    const described = (field: Field, hint?: string) => [hint, err(field) ? `schedule-${field}-error` : undefined].filter(Boolean).join(' ') || nothing;
    const errorText = (field: Field) => (err(field) ? html`<span class="field-error" id=${`schedule-${field}-error`}>${err(field)}</span>` : nothing);
    const allZones = zones();
    const zoneList = f.timeZone && !allZones.includes(f.timeZone) ? [f.timeZone, ...allZones] : allZones;
    return html`<dialog part="dialog" data-dialog="schedule" aria-labelledby="schedule-title" @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      <form @submit=${(e: Event) => void this.save(e)} novalidate>
        <h3 id="schedule-title">${d.schedule ? 'Edit scheduled email' : 'Schedule the report email'}</h3>
        ${d.error ? html`<p class="form-error" role="alert">${d.error}</p>` : nothing}
        <fieldset aria-describedby=${described('frequency')}>
          <legend>Frequency</legend>
          <div class="choices">
            ${(['weekly', 'monthly'] as const).map(
              (v) => html`<label class="check"
                ><input type="radio" name="frequency" value=${v} .checked=${f.frequency === v} @change=${() => this.setDraft({ frequency: v }, 'frequency')} />
                ${v === 'weekly' ? 'Weekly' : 'Monthly'}</label
              >`,
            )}
          </div>
          ${errorText('frequency')}
        </fieldset>
        ${f.frequency === 'weekly'
          ? html`<div class="form-field">
              <label for="schedule-weekday">Day of the week</label>
              <select id="schedule-weekday" aria-invalid=${err('weekday') ? 'true' : 'false'} aria-describedby=${described('weekday')} @change=${(e: Event) => this.setDraft({ weekday: (e.target as HTMLSelectElement).value }, 'weekday')}>
                ${weekdayNames.map((name, i) => html`<option value=${String(i + 1)} ?selected=${f.weekday === String(i + 1)}>${name}</option>`)}
              </select>
              ${errorText('weekday')}
            </div>`
          : html`<div class="form-field">
              <label for="schedule-dayOfMonth">Day of the month</label>
              <input id="schedule-dayOfMonth" type="number" min="1" max="28" inputmode="numeric" .value=${f.dayOfMonth} aria-invalid=${err('dayOfMonth') ? 'true' : 'false'} aria-describedby=${described('dayOfMonth', 'schedule-day-hint')} @input=${(e: Event) => this.setDraft({ dayOfMonth: (e.target as HTMLInputElement).value }, 'dayOfMonth')} />
              <span class="hint" id="schedule-day-hint">1 to 28, so every month has it. A monthly email reports the previous month.</span>
              ${errorText('dayOfMonth')}
            </div>`}
        <div class="form-field">
          <label for="schedule-sendTime">Time</label>
          <input id="schedule-sendTime" type="time" required .value=${f.sendTime} aria-invalid=${err('sendTime') ? 'true' : 'false'} aria-describedby=${described('sendTime')} @input=${(e: Event) => this.setDraft({ sendTime: (e.target as HTMLInputElement).value }, 'sendTime')} />
          ${errorText('sendTime')}
        </div>
        <div class="form-field">
          <label for="schedule-timeZone">Time zone</label>
          <select id="schedule-timeZone" aria-invalid=${err('timeZone') ? 'true' : 'false'} aria-describedby=${described('timeZone')} @change=${(e: Event) => this.setDraft({ timeZone: (e.target as HTMLSelectElement).value }, 'timeZone')}>
            ${d.schedule ? nothing : html`<option value="" ?selected=${f.timeZone === ''}>The customer’s time zone</option>`}
            ${zoneList.map((z) => html`<option value=${z} ?selected=${f.timeZone === z}>${z}</option>`)}
          </select>
          ${errorText('timeZone')}
        </div>
        <div class="form-field">
          <label for="schedule-recipients">Recipients</label>
          <textarea id="schedule-recipients" rows="3" autocomplete="email" spellcheck="false" .value=${f.recipients} aria-invalid=${err('recipients') ? 'true' : 'false'} aria-describedby=${described('recipients', 'schedule-recipients-hint')} @input=${(e: Event) => this.setDraft({ recipients: (e.target as HTMLTextAreaElement).value }, 'recipients')}></textarea>
          <span class="hint" id="schedule-recipients-hint">Email addresses separated by commas or new lines, at most ${MAX_RECIPIENTS}.</span>
          ${errorText('recipients')}
        </div>
        <label class="check"><input id="schedule-enabled" type="checkbox" .checked=${f.enabled} @change=${(e: Event) => this.setDraft({ enabled: (e.target as HTMLInputElement).checked }, 'enabled')} /> Send on this schedule (clear to pause it)</label>
        <div class="dialog-buttons">
          <button type="button" class="button secondary" part="button" data-close @click=${this.closeDialog}>Cancel</button>
          <button type="submit" class="button" part="button" data-submit ?disabled=${d.busy}>${d.busy ? 'Saving…' : d.schedule ? 'Save' : 'Create schedule'}</button>
        </div>
      </form>
    </dialog>`;
  }

  private renderDeleteDialog(d: Extract<Dialog, { kind: 'delete' }>): TemplateResult {
    return html`<dialog part="dialog" data-dialog="delete" aria-labelledby="delete-title" aria-describedby="delete-what" @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      <div class="dialog-body">
        <h3 id="delete-title">Delete this scheduled email?</h3>
        <p id="delete-what">${describeSchedule(d.schedule)}, to ${d.schedule.recipients.join(', ')}. Emails already sent stay listed.</p>
        ${d.error ? html`<p class="form-error" role="alert">${d.error}</p>` : nothing}
        <div class="dialog-buttons">
          <button type="button" class="button secondary" part="button" data-close autofocus @click=${this.closeDialog}>Keep it</button>
          <button type="button" class="button" part="button" data-confirm-delete ?disabled=${d.busy} @click=${() => void this.deleteSchedule()}>${d.busy ? 'Deleting…' : 'Delete schedule'}</button>
        </div>
      </div>
    </dialog>`;
  }

  protected override render(): TemplateResult | typeof nothing {
    const s = this.schedules;
    if (s.phase === 'forbidden') return nothing;
    const d = this.dialog;
    return html`<section class="card schedules" part="section" aria-labelledby="schedules-title">
        <div class="dialog-head">
          <h3 id="schedules-title">Scheduled emails</h3>
          ${this.canEdit ? html`<button type="button" class="button secondary" part="button" data-new-schedule aria-haspopup="dialog" @click=${(e: Event) => this.openEdit(e)}>New schedule…</button>` : nothing}
        </div>
        <p class="status" role="status" aria-live="polite">${this.notice}</p>
        ${s.phase === 'error'
          ? html`<p class="form-error" role="alert">${s.error}</p>`
          : s.phase === 'loading'
            ? html`<p class="muted">Loading…</p>`
            : s.items.length
              ? html`<ul class="schedule-list">${s.items.map((x) => this.renderSchedule(x))}</ul>`
              : html`<p class="muted" data-empty="schedules">No scheduled emails.${this.canEdit ? ' Schedule one to send this report weekly or monthly.' : ''}</p>`}
      </section>
      ${this.renderSends()} ${d?.kind === 'edit' ? this.renderEditDialog(d) : d?.kind === 'delete' ? this.renderDeleteDialog(d) : nothing}`;
  }
}

define('msp-report-schedules', MspReportSchedules);

declare global {
  interface HTMLElementTagNameMap {
    'msp-report-schedules': MspReportSchedules;
  }
}
