import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { themeTokens } from '../../themes/loader.js';
import type { ApiClient } from '../core/api-client.js';
import type { ExecutiveReport, ReportEmailPreview, ReportEmailSent } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { ChartHost, chartStyle, type ChartEntry } from '../core/chart-host.js';
import { apiContext } from '../core/context.js';
import { DialogFocus } from '../core/dialog-focus.js';
import { saveBlob } from '../core/download.js';
import { ApiError, toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate, formatNumber } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import { matchingPreset, periodErrors, periodPresets, presetPeriod, type PeriodPreset, type ReportPeriod } from './period.js';
import { fetchEmailPreview, fetchEmailPreviewLink, fetchReport, fetchReportPdf, MAX_RECIPIENTS, parseRecipients, recipientsError, SEND_PERMISSION, sendReportEmail } from './report-api.js';
import styles from './report-viewer.styles.js';
import {
  attribution,
  periodText,
  renderCoverage,
  renderFindings,
  renderPosture,
  renderScans,
  renderTopRisks,
  severityLabels,
  severityOrder,
  severityTokens,
  shortDay,
} from './sections.js';

interface Loadable<T> {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  value?: T;
  error?: MspErrorDetail;
}

type FieldErrors = Partial<Record<keyof ReportPeriod, string>>;

interface SendState {
  recipients: string;
  busy: boolean;
  /** Kept while the same request is retried, so the BFF never sends it twice. */
  key: string;
  /** The request the key belongs to. */
  keyFor: string;
  fieldError?: string;
  error?: string;
  sent?: ReportEmailSent;
}

type DownloadState = { phase: 'idle' } | { phase: 'loading'; bytes: number } | { phase: 'done'; filename: string } | { phase: 'error'; message: string };

/** The report's brand as `--msp-*` tokens; the rest of the light preset fills in (the report is always light). */
function brandTokens(brand: ExecutiveReport['brand']): Record<string, string> {
  const light = themeTokens('light');
  return {
    '--msp-color-background': light['--msp-color-background'] ?? '',
    '--msp-color-on-primary': light['--msp-color-on-primary'] ?? '',
    '--msp-color-primary': brand.colorPrimary,
    '--msp-color-focus': brand.colorPrimary,
    '--msp-color-accent': brand.colorAccent,
    '--msp-color-text': brand.colorText,
    '--msp-color-text-muted': brand.colorMuted,
    '--msp-color-border': brand.colorBorder,
    '--msp-color-surface': brand.colorSurface,
    '--msp-color-danger': brand.colorDanger,
    '--msp-color-warning': brand.colorWarning,
    '--msp-color-success': brand.colorSuccess,
  };
}

const kilobytes = (bytes: number, locale: string) => `${formatNumber(Math.max(1, Math.round(bytes / 1024)), locale)} KB`;
const newKey = () => crypto.randomUUID();

/**
 * A customer's executive report for a period, in the customer's own colours and logo: posture
 * score and trend, open findings by severity, top risks, asset coverage and scan activity, with
 * a period picker, the PDF download, and the summary email's preview and sending. The MSP that
 * prepared it is named in the footer.
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Branded executive report of one customer.
 *
 * @event {CustomEvent<{customerId, from, to}>} msp-report-period-change - The user chose another period.
 * @event {CustomEvent<{customerId, id, emailId, recipients, period}>} msp-report-email-sent - The BFF accepted the email for sending.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown in the element).
 *
 * @csspart header - Logo, customer name and period.
 * @csspart logo - The customer's logo.
 * @csspart toolbar - Period picker and actions.
 * @csspart period - The period picker.
 * @csspart button - Every button.
 * @csspart section - Each report section.
 * @csspart chart - Each chart with its summary.
 * @csspart severities - Open findings by severity.
 * @csspart risks - The top risks table.
 * @csspart footer - The attribution line.
 * @csspart dialog - The email preview and send dialogs.
 * @csspart state - Loading, empty and error boxes.
 *
 * @cssproperty --msp-color-primary - Set from the report's brand on the element itself.
 */
export class MspReportViewer extends MspElement {
  static override styles = styles;

  /** The customer whose report is shown. */
  @property({ attribute: 'customer-id', reflect: true }) customerId = '';
  /** First day of the period, `YYYY-MM-DD` (UTC); with `to`. Without both, the last 30 days. */
  @property({ reflect: true }) from = '';
  /** Last day of the period, included. */
  @property({ reflect: true }) to = '';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private reportState: Loadable<ExecutiveReport> = { phase: 'idle' };
  @state() private draft: ReportPeriod = { from: '', to: '' };
  @state() private fieldErrors: FieldErrors = {};
  @state() private canSend = false;
  @state() private sendRefused = false;
  @state() private download: DownloadState = { phase: 'idle' };
  @state() private dialog: 'preview' | 'send' | undefined;
  @state() private preview: Loadable<ReportEmailPreview & { frameUrl: string }> = { phase: 'idle' };
  @state() private previewTab: 'html' | 'text' = 'html';
  @state() private send: SendState | undefined;
  @state() private logoFailed = false;

  private controller = new AbortController();
  private loadedKey = '';
  private permissionsFor: ApiClient | undefined;
  private schedulesLoad: Promise<void> | undefined;
  private charts = new ChartHost(this);
  private appliedTokens: string[] = [];
  private dialogFocus = new DialogFocus(this);

  /** The report on screen. */
  get report(): ExecutiveReport | undefined {
    return this.reportState.value;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller.abort();
    this.loadedKey = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.requestUpdate();
  }

  /** Fetches the report again (same customer and period). */
  async reload(): Promise<void> {
    this.loadedKey = '';
    this.requestUpdate();
    await this.updateComplete;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const api = this.api;
    if (api && this.permissionsFor !== api) {
      this.permissionsFor = api;
      void this.loadPermissions(api);
    }
    const key = `${this.customerId}|${this.from}|${this.to}`;
    if (api && this.customerId && this.isConnected && key !== this.loadedKey) {
      this.loadedKey = key;
      if (changed.has('customerId')) this.reportState = { phase: 'idle' };
      void this.load(api);
    }
  }

  protected override updated(): void {
    this.applyBrand();
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[autofocus], [role="tab"][aria-selected="true"], textarea, button')?.focus();
    }
    this.drawCharts();
  }

  private async loadPermissions(api: ApiClient): Promise<void> {
    try {
      const me = await api.me();
      if (this.api === api) this.canSend = me.permissions.includes(SEND_PERMISSION);
    } catch {
      // Without /v1/me the Send button stays hidden; the report reports its own errors.
      this.canSend = false;
    }
  }

  private async load(api: ApiClient): Promise<void> {
    this.controller.abort();
    this.controller = new AbortController();
    const signal = this.controller.signal;
    const period = this.from && this.to ? { from: this.from, to: this.to } : {};
    const previous = this.reportState.value;
    this.reportState = { phase: 'loading', ...(previous ? { value: previous } : {}) };
    try {
      const report = await fetchReport(api, this.customerId, period, signal);
      if (signal.aborted) return;
      this.reportState = { phase: 'ready', value: report };
      this.draft = { ...report.period };
      this.fieldErrors = {};
      this.logoFailed = false;
      // chart.js arrives as its own chunk once a report is on screen.
      if (!this.charts.loaded) void this.charts.load();
      void this.loadSchedules();
    } catch (error) {
      if (signal.aborted) return;
      const e = toApiError(error);
      const fields = periodFieldErrors(e);
      if (Object.keys(fields).length) this.fieldErrors = fields;
      // A refused period keeps the last report on screen; the message sits at the field.
      this.reportState = previous && Object.keys(fields).length ? { phase: 'ready', value: previous } : { phase: 'error', error: e.detail };
      this.emit('msp-error', e.detail);
      if (Object.keys(fields).length) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    }
  }

  /** The "Scheduled emails" and "Recent sends" sections: their own chunk, once a report is shown. */
  private loadSchedules(): Promise<void> {
    this.schedulesLoad ??= import('./schedules.js').then(
      () => undefined,
      (error: unknown) => {
        this.schedulesLoad = undefined;
        this.emit('msp-error', { type: 'network_error', message: `The scheduled emails could not be loaded: ${error instanceof Error ? error.message : String(error)}` });
      },
    );
    return this.schedulesLoad;
  }

  /** The brand goes on the host, so it wins over the page's theme for everything inside. */
  private applyBrand(): void {
    const brand = this.report?.brand;
    const tokens = brand ? brandTokens(brand) : {};
    for (const name of this.appliedTokens) if (!(name in tokens)) this.style.removeProperty(name);
    for (const [name, value] of Object.entries(tokens)) if (value) this.style.setProperty(name, value);
    this.appliedTokens = Object.keys(tokens);
  }

  private drawCharts(): void {
    this.charts.draw(this.renderRoot, () => {
      const r = this.report;
      const entries = new Map<string, ChartEntry>();
      if (!r) return entries;
      const { token, base } = chartStyle(this);
      const common = { ...base, pointRadius: 0, pointHoverRadius: 4, maxXTicks: 8, stillInPrint: true };
      const points = (values: number[]) => ({ ...common, pointRadius: values.length > 40 ? 0 : 2 });
      const loc = this.locale;
      const posture = r.posture.series.map((d) => d.score);
      entries.set('posture', {
        source: r.posture.series,
        spec: { kind: 'line', labels: r.posture.series.map((d) => shortDay(d.day, loc)), values: posture, label: 'Posture score', color: token('--msp-color-primary'), yMax: 100, ...points(posture) },
      });
      const findings = severityOrder.map((s) => r.findingsBySeverity[s] ?? 0);
      entries.set('findings', {
        source: r.findingsBySeverity,
        spec: { kind: 'bar', labels: severityOrder.map((s) => severityLabels[s]), values: findings, label: 'Open findings', color: severityOrder.map((s) => token(severityTokens[s])), ...points(findings) },
      });
      const scans = r.scanActivity.map((w) => w.scans);
      entries.set('scans', {
        source: r.scanActivity,
        spec: { kind: 'bar', labels: r.scanActivity.map((w) => shortDay(w.weekStart, loc)), values: scans, label: 'Scans', color: token('--msp-color-primary'), ...points(scans) },
      });
      return entries;
    });
  }

  // ---- period ------------------------------------------------------------------------------

  private choosePeriod(period: ReportPeriod): void {
    const errors = periodErrors(period);
    this.fieldErrors = errors;
    if (Object.keys(errors).length) {
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    this.draft = period;
    if (period.from === this.report?.period.from && period.to === this.report?.period.to && this.from) return;
    this.from = period.from;
    this.to = period.to;
    this.emit('msp-report-period-change', { customerId: this.customerId, ...period });
  }

  private choosePreset(preset: PeriodPreset): void {
    this.choosePeriod(presetPeriod(preset));
  }

  private applyCustom(event: Event): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    this.choosePeriod({ from: value('from'), to: value('to') });
  }

  /** The period the next download, preview or send is for: the report on screen. */
  private get period(): ReportPeriod | undefined {
    return this.report?.period;
  }

  // ---- PDF ---------------------------------------------------------------------------------

  private async downloadPdf(): Promise<void> {
    const api = this.api;
    const r = this.report;
    if (!api || !r || this.download.phase === 'loading') return;
    this.download = { phase: 'loading', bytes: 0 };
    try {
      const { blob, filename } = await fetchReportPdf(api, r, (bytes) => (this.download = { phase: 'loading', bytes }));
      saveBlob(this.renderRoot, blob, filename);
      this.download = { phase: 'done', filename };
    } catch (error) {
      const e = toApiError(error);
      this.download = { phase: 'error', message: `The PDF could not be made: ${e.message}` };
      this.emit('msp-error', e.detail);
    }
  }

  // ---- dialogs -----------------------------------------------------------------------------

  private openDialog(kind: 'preview' | 'send', event: Event): void {
    this.dialogFocus.opened(event);
    this.dialog = kind;
    if (kind === 'preview') {
      this.previewTab = 'html';
      void this.loadPreview();
    } else {
      const recipients = this.send?.sent ? '' : (this.send?.recipients ?? '');
      this.send = { recipients, busy: false, key: newKey(), keyFor: '' };
    }
  }

  private closeDialog(): void {
    if (!this.dialog) return;
    // After a refused send the Send button is gone; the preview button takes focus instead.
    this.dialog = undefined;
    this.dialogFocus.close('[data-action="preview"]');
  }

  private async loadPreview(): Promise<void> {
    const api = this.api;
    const period = this.period;
    if (!api || !period) return;
    this.preview = { phase: 'loading' };
    try {
      const [email, link] = await Promise.all([fetchEmailPreview(api, this.customerId, period), fetchEmailPreviewLink(api, this.customerId, period)]);
      if (this.dialog === 'preview') this.preview = { phase: 'ready', value: { ...email, frameUrl: api.url(link.url) } };
    } catch (error) {
      const e = toApiError(error);
      const detail = e.status === 403 ? { ...e.detail, message: 'Your role may not see the email summary of this report.' } : e.detail;
      this.preview = { phase: 'error', error: detail };
      this.emit('msp-error', e.detail);
    }
  }

  private onPreviewTabKeydown(event: KeyboardEvent): void {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next = event.key === 'Home' ? 'html' : event.key === 'End' ? 'text' : this.previewTab === 'html' ? 'text' : 'html';
    this.previewTab = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#preview-tab-${next}`)?.focus());
  }

  private async submitSend(event: Event): Promise<void> {
    event.preventDefault();
    const s = this.send;
    const api = this.api;
    const period = this.period;
    if (!s || s.busy || !api || !period) return;
    const recipients = parseRecipients(s.recipients);
    const invalid = recipientsError(recipients);
    if (invalid) {
      this.send = { ...s, fieldError: invalid, error: undefined };
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#send-recipients')?.focus());
      return;
    }
    // A retry of the same request keeps its key (the BFF answers the first result); a changed one gets a new key.
    const request = JSON.stringify({ recipients, ...period });
    const key = s.keyFor === request || !s.keyFor ? s.key : newKey();
    this.send = { ...s, busy: true, key, keyFor: request, fieldError: undefined, error: undefined };
    try {
      const sent = await sendReportEmail(api, this.customerId, { recipients, ...period }, key);
      this.send = { recipients: '', busy: false, key: newKey(), keyFor: '', sent };
      void this.renderRoot.querySelector('msp-report-schedules')?.reload();
      this.emit('msp-report-email-sent', { customerId: this.customerId, id: sent.id, emailId: sent.emailId, recipients: sent.recipients, period: sent.period });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[data-sent]')?.focus());
    } catch (error) {
      const e = toApiError(error);
      const current = this.send ?? s;
      if (e.status === 403) {
        this.sendRefused = true;
        this.send = { ...current, busy: false, error: 'Your role may not email reports. Ask an administrator of your organisation to send it.' };
      } else {
        const recipientProblem = e.problem?.errors?.find((p) => p.pointer.startsWith('#/body/recipients'));
        this.send = { ...current, busy: false, ...(recipientProblem ? { fieldError: recipientProblem.detail } : { error: e.message }) };
      }
      this.emit('msp-error', e.detail);
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  private renderHeader(r: ExecutiveReport): TemplateResult {
    const logo = r.brand.logoUrl && !this.logoFailed && this.api ? this.api.url(r.brand.logoUrl) : null;
    return html`<header class="header" part="header">
      ${logo ? html`<img class="logo" part="logo" src=${logo} alt=${r.customer.name} @error=${() => (this.logoFailed = true)} />` : nothing}
      <div class="heading">
        <span class="eyebrow">Executive security report</span>
        <h2>${r.customer.name}</h2>
        <span class="muted" data-period>${periodText(r.period, this.locale)}</span>
      </div>
    </header>`;
  }

  private renderToolbar(r: ExecutiveReport): TemplateResult {
    const active = matchingPreset(r.period);
    const busy = this.reportState.phase === 'loading';
    const dateField = (name: keyof ReportPeriod, label: string) => {
      const error = this.fieldErrors[name];
      return html`<label class="date-field"
        >${label}
        <input
          type="date"
          name=${name}
          id=${`period-${name}`}
          .value=${this.draft[name]}
          required
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? `period-${name}-error` : nothing}
        />
        ${error ? html`<span class="field-error" id=${`period-${name}-error`}>${error}</span>` : nothing}
      </label>`;
    };
    const d = this.download;
    return html`<div class="toolbar" part="toolbar">
      <form class="period-form" @submit=${this.applyCustom} novalidate>
        <fieldset class="period" part="period" aria-busy=${busy ? 'true' : 'false'}>
          <legend>Period</legend>
          <div class="presets">
            ${periodPresets.map(
              (p) => html`<button type="button" class="button secondary" part="button" data-preset=${p.id} aria-pressed=${active === p.id ? 'true' : 'false'} @click=${() => this.choosePreset(p.id)}>
                ${p.label}
              </button>`,
            )}
          </div>
          ${dateField('from', 'From')} ${dateField('to', 'To')}
          <button type="submit" class="button secondary" part="button" data-apply-period>Show period</button>
        </fieldset>
      </form>
      <div class="actions" role="group" aria-label="Report actions">
        <button type="button" class="button" part="button" data-action="pdf" ?disabled=${d.phase === 'loading'} aria-busy=${d.phase === 'loading' ? 'true' : 'false'} @click=${() => void this.downloadPdf()}>
          ${d.phase === 'loading' ? `Preparing PDF…${d.bytes ? ` ${kilobytes(d.bytes, this.locale)}` : ''}` : 'Download PDF'}
        </button>
        <button type="button" class="button secondary" part="button" data-action="preview" aria-haspopup="dialog" @click=${(e: Event) => this.openDialog('preview', e)}>Preview email</button>
        ${this.canSend && !this.sendRefused
          ? html`<button type="button" class="button secondary" part="button" data-action="send" aria-haspopup="dialog" @click=${(e: Event) => this.openDialog('send', e)}>Send email…</button>`
          : nothing}
      </div>
    </div>
    <p class="status" role="status" aria-live="polite" data-kind=${d.phase === 'error' ? 'error' : 'info'}>
      ${d.phase === 'loading' ? 'Preparing the PDF…' : d.phase === 'done' ? `Downloaded ${d.filename}.` : d.phase === 'error' ? d.message : ''}
      ${this.sendRefused ? 'Emailing this report is not allowed for your role.' : ''}
    </p>`;
  }

  private renderPreviewDialog(): TemplateResult {
    const p = this.preview;
    const tab = (id: 'html' | 'text', label: string) => html`<button
      type="button"
      role="tab"
      id=${`preview-tab-${id}`}
      aria-selected=${this.previewTab === id ? 'true' : 'false'}
      aria-controls=${`preview-panel-${id}`}
      tabindex=${this.previewTab === id ? '0' : '-1'}
      @click=${() => (this.previewTab = id)}
    >
      ${label}
    </button>`;
    return html`<dialog part="dialog" data-dialog="preview" aria-labelledby="preview-title" @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      <div class="dialog-body">
        <div class="dialog-head">
          <h3 id="preview-title">Email preview</h3>
        </div>
        ${p.phase === 'error' && p.error
          ? html`<p class="form-error" role="alert">${p.error.message}</p>`
          : p.phase === 'ready' && p.value
            ? html`<p class="subject"><span class="muted">Subject:</span> <span data-subject>${p.value.subject}</span></p>
                <div class="tablist" role="tablist" aria-label="Parts of the email" @keydown=${this.onPreviewTabKeydown}>${tab('html', 'HTML')} ${tab('text', 'Plain text')}</div>
                <div role="tabpanel" id="preview-panel-html" aria-labelledby="preview-tab-html" ?hidden=${this.previewTab !== 'html'}>
                  <iframe sandbox="" referrerpolicy="no-referrer" title="HTML part of the email" src=${p.value.frameUrl}></iframe>
                </div>
                <div role="tabpanel" id="preview-panel-text" aria-labelledby="preview-tab-text" tabindex="0" ?hidden=${this.previewTab !== 'text'}>
                  <pre data-text>${p.value.text}</pre>
                </div>`
            : loadingState('Loading the email…')}
        <div class="dialog-buttons">
          <button type="button" class="button secondary" part="button" data-close @click=${this.closeDialog}>Close</button>
        </div>
      </div>
    </dialog>`;
  }

  private renderSendDialog(r: ExecutiveReport): TemplateResult {
    const s = this.send!;
    const hintId = 'send-recipients-hint';
    const errorId = 'send-recipients-error';
    return html`<dialog part="dialog" data-dialog="send" aria-labelledby="send-title" @cancel=${(e: Event) => (e.preventDefault(), this.closeDialog())}>
      ${s.sent
        ? html`<div class="dialog-body">
            <h3 id="send-title">Email sent</h3>
            <p class="success" data-sent tabindex="-1" role="status">
              The report for ${periodText(s.sent.period, this.locale)} is on its way to ${s.sent.recipients.join(', ')}.
            </p>
            <div class="dialog-buttons"><button type="button" class="button" part="button" data-close @click=${this.closeDialog}>Done</button></div>
          </div>`
        : html`<form @submit=${(e: Event) => void this.submitSend(e)} novalidate>
            <h3 id="send-title">Email the report</h3>
            <p>The summary of ${r.customer.name}'s report for ${periodText(r.period, this.locale)}, with a link to the PDF.</p>
            <div class="form-field">
              <label for="send-recipients">Recipients</label>
              <textarea
                id="send-recipients"
                name="recipients"
                rows="3"
                autocomplete="email"
                spellcheck="false"
                .value=${s.recipients}
                aria-invalid=${s.fieldError ? 'true' : 'false'}
                aria-describedby=${s.fieldError ? `${hintId} ${errorId}` : hintId}
                @input=${(e: Event) => (this.send = { ...s, recipients: (e.target as HTMLTextAreaElement).value, fieldError: undefined })}
              ></textarea>
              <span class="hint" id=${hintId}>Email addresses separated by commas or new lines, at most ${MAX_RECIPIENTS}.</span>
              ${s.fieldError ? html`<span class="field-error" id=${errorId}>${s.fieldError}</span>` : nothing}
            </div>
            ${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : nothing}
            <div class="dialog-buttons">
              <button type="button" class="button secondary" part="button" data-close @click=${this.closeDialog}>Cancel</button>
              ${this.sendRefused
                ? nothing
                : html`<button type="submit" class="button" part="button" data-submit ?disabled=${s.busy}>${s.busy ? 'Sending…' : s.error ? 'Try again' : 'Send'}</button>`}
            </div>
          </form>`}
    </dialog>`;
  }

  protected override render(): TemplateResult {
    if (!this.customerId) return emptyState('No customer selected.');
    const s = this.reportState;
    const r = s.value;
    if (!r) {
      if (s.phase === 'error' && s.error) {
        const error = s.error.status === 404 ? { ...s.error, message: 'This customer’s report is not available to you.' } : s.error;
        return errorState(error, () => void this.reload());
      }
      return loadingState('Loading the report…');
    }
    const loc = this.locale;
    return html`<article aria-labelledby="report-title" aria-busy=${s.phase === 'loading' ? 'true' : 'false'}>
      <span id="report-title" class="visually-hidden">Executive security report of ${r.customer.name}, ${periodText(r.period, loc)}</span>
      ${this.renderHeader(r)} ${this.renderToolbar(r)}
      <div class="grid">
        ${renderPosture(r, loc)} ${renderFindings(r, loc)} ${renderTopRisks(r, loc)} ${renderCoverage(r, loc)} ${renderScans(r, loc)}
      </div>
      <msp-report-schedules customer-id=${r.customer.id} ?can-edit=${this.canSend && !this.sendRefused}></msp-report-schedules>
      <footer class="footer" part="footer">
        <span data-attribution>${attribution(r)}</span>
        <span class="muted">Generated ${formatDate(r.generatedAt, loc, { dateStyle: 'medium', timeStyle: 'short' })}</span>
      </footer>
      ${this.dialog === 'preview' ? this.renderPreviewDialog() : this.dialog === 'send' && this.send ? this.renderSendDialog(r) : nothing}
    </article>`;
  }
}

/** `#/query/from` → `from`: the BFF's pointers for the period's fields. */
function periodFieldErrors(e: ApiError): FieldErrors {
  const out: FieldErrors = {};
  for (const p of e.problem?.errors ?? []) {
    const name = p.pointer.replace(/^#?\/query\//, '');
    if ((name === 'from' || name === 'to') && !out[name]) out[name] = p.detail;
  }
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-report-viewer': MspReportViewer;
  }
}
