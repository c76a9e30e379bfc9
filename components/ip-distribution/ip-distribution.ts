import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { averageIpPrice, graduatedPrice, type PriceLine } from '../../bff/domain/pricing.js';
import type { ApiClient, Versioned } from '../core/api-client.js';
import type { IpDistribution } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError, type ApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate, formatMoney, formatNumber } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import { styleProps } from '../core/style-props.js';
import { countProblem, keyedValue, MAX_IPS, totalOf, withInternal, withTotal, type Split } from './split.js';
import styles from './ip-distribution.styles.js';

/** What happened when the element saved: an increase or split change applied, a decrease scheduled, a pending decrease cancelled. */
export type IpDistributionSaveKind = 'applied' | 'scheduled' | 'cancelled';

export interface IpDistributionChangeDetail extends Split {
  total: number;
  /** The monthly price of this total by the sell tiers (null before they are loaded). */
  monthlyMinor: number | null;
  currency: string | null;
  valid: boolean;
}

declare module '../core/base-element.js' {
  interface MspEventMap {
    'msp-ip-distribution-change': IpDistributionChangeDetail;
    'msp-ip-distribution-saved': { customerId: string; kind: IpDistributionSaveKind; distribution: IpDistribution };
  }
}

type Field = 'total' | 'internal' | 'external';
const fieldLabels: Record<Field, string> = { total: 'Total IPs', internal: 'Internal IPs', external: 'External IPs' };
const fieldNouns: Record<Field, string> = { total: 'IPs', internal: 'internal IPs', external: 'external IPs' };

/** The split the customer will have: the pending decrease when there is one, else the current IPs. */
const targetOf = (d: IpDistribution): Split => (d.pending ? { internal: d.pending.internal, external: d.pending.external } : { internal: d.internal, external: d.external });
const sameSplit = (a: Split, b: Split) => a.internal === b.internal && a.external === b.external;

/** After a 412: the distribution someone else saved; the user's side is the draft (still editable). */
interface Conflict {
  theirs: IpDistribution;
}
type Notice = { kind: 'success' | 'error'; message: string };

/**
 * How many of a customer's IPs are internal and how many external, with the monthly price of a
 * change worked out in the browser from the MSP's sell tiers (the same `graduatedPrice` the BFF
 * bills with). More IPs apply at once; fewer take effect at the end of the booking month and
 * stay pending until then (and can be cancelled). Changes carry `If-Match`; when someone else
 * changed the IPs meanwhile, both versions are shown and the user picks one.
 *
 * A form-associated element: inside a host page's `<form>` it submits `<name>.internal` and
 * `<name>.external`, takes part in reset and `disabled` fieldsets, and reports invalid counts
 * through the form's validation; there it does not save by itself (`mode="form"`). Outside a form
 * (`mode="standalone"`) it saves through the API with its Apply button.
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Internal/external IP split of one customer with a live price preview.
 *
 * @event {CustomEvent<IpDistributionChangeDetail>} msp-ip-distribution-change - The user changed the split or total (every step).
 * @event {CustomEvent<{customerId, kind, distribution}>} msp-ip-distribution-saved - A change was applied, scheduled or cancelled.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown inline).
 *
 * @csspart counts - The total / internal / external number inputs.
 * @csspart slider - The split slider's rail (track and thumb).
 * @csspart thumb - The `role="slider"` thumb.
 * @csspart preview - The price preview.
 * @csspart breakdown - The per-tier table of the preview.
 * @csspart pending - The pending decrease and its Cancel button.
 * @csspart conflict - Their values against yours after a conflicting change.
 * @csspart notice - Result of the last save.
 * @csspart button - Every button.
 * @csspart state - Loading, empty and error boxes.
 *
 * @cssproperty --msp-color-primary - Internal IPs on the slider, buttons.
 * @cssproperty --msp-color-accent - External IPs on the slider.
 * @cssproperty --msp-color-focus - Focus ring of the thumb and inputs.
 */
export class MspIpDistribution extends MspElement {
  static override styles = styles;
  static formAssociated = true;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The customer whose IPs are shown (`GET /v1/customers/{id}/ip-distribution`). */
  @property({ attribute: 'customer-id', reflect: true }) customerId = '';
  /** Form field name: a form submits `<name>.internal` and `<name>.external`. */
  @property({ reflect: true }) name = '';
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** `standalone` saves through the API; `form` leaves saving to the host form; `auto` (default) = `form` inside a `<form>`. */
  @property({ reflect: true }) mode: 'auto' | 'standalone' | 'form' = 'auto';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private loaded: Versioned<IpDistribution> | undefined;
  @state() private phase: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: MspErrorDetail | undefined;
  @state() private draft: Split = { internal: 0, external: 0 };
  /** Text typed into an input that is not a usable count (kept so the user can correct it). */
  @state() private raw: Partial<Record<Field, string>> = {};
  @state() private busy = false;
  @state() private conflict: Conflict | undefined;
  @state() private notice: Notice | undefined;
  @state() private formDisabled = false;
  @state() private inForm = false;
  @state() private dragging = false;

  private readonly internals: ElementInternals;
  private controller: AbortController | undefined;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  /** The split being edited. Setting it replaces the draft (not what is saved). */
  get value(): Split {
    return { ...this.draft };
  }
  set value(split: Split) {
    this.draft = { internal: split.internal, external: split.external };
    this.raw = {};
  }

  /** The distribution as last loaded or saved. */
  get distribution(): IpDistribution | undefined {
    return this.loaded?.value;
  }

  get form(): HTMLFormElement | null {
    return this.internals.form;
  }
  get validity(): ValidityState {
    return this.internals.validity;
  }
  get validationMessage(): string {
    return this.internals.validationMessage;
  }
  checkValidity(): boolean {
    return this.internals.checkValidity();
  }
  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  /** Whether Apply saves through the API (see `mode`). */
  get standalone(): boolean {
    return this.mode === 'standalone' || (this.mode !== 'form' && !this.inForm);
  }

  private get editable(): boolean {
    return !!this.loaded?.value.canEdit && !this.disabled && !this.formDisabled && !this.busy;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.inForm = !!this.internals.form;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  formAssociatedCallback(form: HTMLFormElement | null): void {
    this.inForm = !!form;
  }

  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  /** A form reset goes back to the distribution as loaded (or last saved). */
  formResetCallback(): void {
    if (this.loaded) this.draft = targetOf(this.loaded.value);
    this.raw = {};
    this.conflict = undefined;
    this.notice = undefined;
  }

  formStateRestoreCallback(stateValue: string | FormData | null): void {
    if (typeof stateValue !== 'string') return;
    try {
      const s = JSON.parse(stateValue) as Split;
      if (Number.isInteger(s.internal) && Number.isInteger(s.external)) this.value = s;
    } catch {
      // A state this element did not write: keep the loaded one.
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('customerId')) {
      this.loaded = undefined;
      this.phase = 'idle';
    }
    if ((changed.has('customerId') || changed.has('api' as keyof MspIpDistribution)) && this.customerId && this.api && !this.loaded) void this.refresh();
  }

  protected override updated(): void {
    this.syncForm();
  }

  /** Keeps the form value and validity equal to the draft. */
  private syncForm(): void {
    const problem = this.problem();
    if (this.name) {
      const data = new FormData();
      data.append(`${this.name}.internal`, String(this.draft.internal));
      data.append(`${this.name}.external`, String(this.draft.external));
      this.internals.setFormValue(data, JSON.stringify(this.draft));
    } else this.internals.setFormValue(null);
    if (problem) {
      const anchor = this.renderRoot.querySelector<HTMLElement>(`#${problem.field}`) ?? undefined;
      this.internals.setValidity({ customError: true }, problem.message, anchor);
    } else this.internals.setValidity({});
  }

  /** The first input whose text is not a usable count, or a side over the BFF's limit. */
  private problem(): { field: Field; message: string } | null {
    const max = (f: Field) => (f === 'total' ? 2 * MAX_IPS : MAX_IPS);
    for (const field of ['total', 'internal', 'external'] as const) {
      const raw = this.raw[field];
      const message = raw === undefined ? null : countProblem(raw, fieldNouns[field], max(field), formatNumber(max(field), this.locale));
      if (message) return { field, message };
    }
    for (const field of ['internal', 'external'] as const) {
      if (this.draft[field] > MAX_IPS) return { field, message: `At most ${formatNumber(MAX_IPS, this.locale)} ${fieldNouns[field]}.` };
    }
    return null;
  }

  /** Loads the distribution again; the draft follows it. */
  async refresh(): Promise<void> {
    const api = this.api;
    if (!api || !this.customerId) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'loading';
    this.loadError = undefined;
    try {
      const loaded = await api.ipDistribution(this.customerId, controller.signal);
      if (controller.signal.aborted) return;
      this.show(loaded);
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      const e = toApiError(error);
      this.phase = 'error';
      this.loadError = e.detail;
      this.emit('msp-error', e.detail);
    }
  }

  private show(loaded: Versioned<IpDistribution>): void {
    this.loaded = loaded;
    this.draft = targetOf(loaded.value);
    this.raw = {};
  }

  private price(total: number): { totalMinor: number; lines: PriceLine[] } | null {
    const d = this.loaded?.value;
    if (!d || !d.sell.length) return null;
    try {
      return graduatedPrice(d.sell, total);
    } catch {
      // Tiers that do not cover the count (no open-ended last tier): no preview rather than a wrong one.
      return null;
    }
  }

  /** A user change of the draft: re-render and tell the host page. */
  private change(next: Split): void {
    this.draft = next;
    this.notice = undefined;
    const total = totalOf(next);
    this.emit('msp-ip-distribution-change', {
      ...next,
      total,
      monthlyMinor: this.price(total)?.totalMinor ?? null,
      currency: this.loaded?.value.currency ?? null,
      valid: !this.problem(),
    });
  }

  private onInput(field: Field, event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    const max = field === 'total' ? 2 * MAX_IPS : MAX_IPS;
    if (countProblem(text, fieldNouns[field], max, '')) {
      this.raw = { ...this.raw, [field]: text };
      this.notice = undefined;
      return;
    }
    const { [field]: _dropped, ...rest } = this.raw;
    this.raw = rest;
    const n = Number(text);
    const d = this.draft;
    if (field === 'total') this.change(withTotal(d, n));
    else if (field === 'internal') this.change({ internal: n, external: d.external });
    else this.change({ internal: d.internal, external: n });
  }

  private onKeydown(event: KeyboardEvent): void {
    if (!this.editable) return;
    const next = keyedValue(event.key, this.draft, this.direction === 'rtl');
    if (next === null) return;
    event.preventDefault();
    if (next !== this.draft.internal) this.change(withInternal(this.draft, next));
  }

  private dragPointer: number | undefined;

  private onPointerDown(event: PointerEvent): void {
    if (!this.editable || (event.pointerType === 'mouse' && event.button !== 0)) return;
    const rail = event.currentTarget as HTMLElement;
    event.preventDefault();
    this.dragPointer = event.pointerId;
    try {
      rail.setPointerCapture(event.pointerId);
    } catch {
      // An untrusted pointer (tests, assistive tools) has no capture; moves still reach the rail.
    }
    this.dragging = true;
    this.renderRoot.querySelector<HTMLElement>('[role="slider"]')?.focus();
    this.dragTo(rail, event.clientX);
  }

  private onPointerMove(event: PointerEvent): void {
    if (this.dragPointer !== event.pointerId) return;
    this.dragTo(event.currentTarget as HTMLElement, event.clientX);
  }

  private onPointerEnd(event: PointerEvent): void {
    if (this.dragPointer !== event.pointerId) return;
    this.dragPointer = undefined;
    this.dragging = false;
  }

  /** The pointer's place along the track → the internal count (the track runs right-to-left in rtl). */
  private dragTo(rail: HTMLElement, clientX: number): void {
    const track = rail.querySelector<HTMLElement>('.track') ?? rail;
    const rect = track.getBoundingClientRect();
    if (!rect.width) return;
    let ratio = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    if (this.direction === 'rtl') ratio = 1 - ratio;
    const next = withInternal(this.draft, Math.round(ratio * totalOf(this.draft)));
    if (!sameSplit(next, this.draft)) this.change(next);
  }

  /** Apply: sends the draft with the ETag of the distribution it was made from. */
  private async apply(): Promise<void> {
    const api = this.api;
    const loaded = this.loaded;
    const split = this.draft;
    if (!api || !loaded || this.busy || this.problem()) return;
    this.busy = true;
    this.notice = undefined;
    try {
      const saved = await api.saveIpDistribution(this.customerId, split, loaded.etag);
      this.show(saved);
      this.conflict = undefined;
      const kind: IpDistributionSaveKind = saved.value.pending && totalOf(split) < saved.value.total ? 'scheduled' : 'applied';
      const d = saved.value;
      this.notice = {
        kind: 'success',
        message:
          kind === 'scheduled'
            ? `Decrease scheduled: ${this.splitText(split)} from ${this.when(d.pending?.effectiveAt ?? d.bookingMonthEnd)}.`
            : `Applied: ${this.splitText({ internal: d.internal, external: d.external })}.`,
      };
      this.emit('msp-ip-distribution-saved', { customerId: this.customerId, kind, distribution: d });
    } catch (error) {
      await this.failed(toApiError(error), true);
    } finally {
      this.busy = false;
    }
  }

  private async cancelPending(): Promise<void> {
    const api = this.api;
    const loaded = this.loaded;
    if (!api || !loaded || this.busy) return;
    this.busy = true;
    this.notice = undefined;
    try {
      const saved = await api.cancelPendingIps(this.customerId, loaded.etag);
      this.show(saved);
      this.conflict = undefined;
      this.notice = { kind: 'success', message: `Pending change cancelled: ${this.splitText(saved.value)} stay.` };
      this.emit('msp-ip-distribution-saved', { customerId: this.customerId, kind: 'cancelled', distribution: saved.value });
    } catch (error) {
      await this.failed(toApiError(error), false);
    } finally {
      this.busy = false;
    }
  }

  /**
   * A failed save. 412: someone else changed the IPs — show theirs (the problem's `current`, else
   * a reload) beside the user's, who picks one; the next save uses their version's ETag.
   */
  private async failed(e: ApiError, saving: boolean): Promise<void> {
    this.emit('msp-error', e.detail);
    if (e.status !== 412) {
      this.notice = { kind: 'error', message: e.message };
      return;
    }
    const current = (e.problem as { current?: IpDistribution } | undefined)?.current;
    let theirs: Versioned<IpDistribution> | undefined;
    if (current && typeof current.version === 'number') theirs = { value: current, etag: `"${current.version}"` };
    else if (this.api) {
      try {
        theirs = await this.api.ipDistribution(this.customerId);
      } catch {
        theirs = undefined;
      }
    }
    if (!theirs) {
      this.notice = { kind: 'error', message: 'Someone else changed these IPs; reload to see their change.' };
      return;
    }
    this.loaded = theirs;
    if (saving) this.conflict = { theirs: theirs.value };
    else {
      this.show(theirs);
      this.notice = { kind: 'error', message: 'Someone else changed these IPs in the meantime; the current values are shown. Nothing was cancelled.' };
    }
  }

  private useTheirs(): void {
    const c = this.conflict;
    if (!c) return;
    this.conflict = undefined;
    this.change(targetOf(c.theirs));
  }

  /** Sends the user's values again, now against the version that won. */
  private reapply(): void {
    if (this.conflict) void this.apply();
  }

  private splitText(s: Split): string {
    const loc = this.locale;
    return `${formatNumber(totalOf(s), loc)} IPs (${formatNumber(s.internal, loc)} internal, ${formatNumber(s.external, loc)} external)`;
  }

  /** An instant on any clock: the booking month ends at midnight on the MSP's clock, which may not be the reader's. */
  private when(iso: string): string {
    return formatDate(iso, this.locale, { dateStyle: 'medium', timeStyle: 'short' });
  }

  private money(amountMinor: number | null): string {
    const currency = this.loaded?.value.currency;
    return amountMinor == null || !currency ? '—' : formatMoney({ amountMinor, currency }, this.locale);
  }

  private renderInputs(): TemplateResult {
    const problem = this.problem();
    const disabled = !this.editable;
    const input = (field: Field, value: number) => {
      const invalid = problem?.field === field;
      return html`<div class="field">
        <label for=${field}>${fieldLabels[field]}</label>
        <input
          id=${field}
          type="number"
          inputmode="numeric"
          min="0"
          max=${field === 'total' ? 2 * MAX_IPS : MAX_IPS}
          step="1"
          .value=${this.raw[field] ?? String(value)}
          ?disabled=${disabled}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${invalid ? `${field}-error` : nothing}
          @input=${(e: Event) => this.onInput(field, e)}
        />
        ${invalid ? html`<span class="error" id="${field}-error">${problem.message}</span>` : nothing}
      </div>`;
    };
    return html`<div class="counts" part="counts">
      ${input('total', totalOf(this.draft))} ${input('internal', this.draft.internal)} ${input('external', this.draft.external)}
    </div>`;
  }

  private renderSlider(): TemplateResult {
    const loc = this.locale;
    const { internal, external } = this.draft;
    const total = internal + external;
    const share = total ? (internal / total) * 100 : 50;
    const disabled = !this.editable || total === 0;
    return html`<div class="split">
      <span class="split-label" id="split-label">Split between internal and external IPs</span>
      <div class="legend" aria-hidden="true">
        <span><span class="swatch internal"></span>Internal ${formatNumber(internal, loc)}</span>
        <span><span class="swatch external"></span>External ${formatNumber(external, loc)}</span>
      </div>
      <div
        class="rail"
        part="slider"
        aria-disabled=${disabled ? 'true' : 'false'}
        ?data-dragging=${this.dragging}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerEnd}
        @pointercancel=${this.onPointerEnd}
        @lostpointercapture=${this.onPointerEnd}
      >
        <div class="track"><div class="fill" ${styleProps({ inlineSize: `${share}%` })}></div></div>
        <div
          class="thumb"
          part="thumb"
          role="slider"
          tabindex=${disabled ? '-1' : '0'}
          aria-labelledby="split-label"
          aria-orientation="horizontal"
          aria-valuemin="0"
          aria-valuemax=${total}
          aria-valuenow=${internal}
          aria-valuetext="${formatNumber(internal, loc)} internal, ${formatNumber(external, loc)} external"
          aria-disabled=${disabled ? 'true' : 'false'}
          ${styleProps({ insetInlineStart: `${share}%` })}
          @keydown=${this.onKeydown}
        ></div>
      </div>
    </div>`;
  }

  private renderPreview(d: IpDistribution): TemplateResult {
    const total = totalOf(this.draft);
    const price = this.price(total);
    if (!price) return html`<p class="muted">No sell prices are set, so no price can be shown.</p>`;
    const diff = price.totalMinor - d.price.monthlyMinor;
    const average = averageIpPrice(price.totalMinor, total);
    const loc = this.locale;
    const range = (l: PriceLine) => (l.from === l.to ? formatNumber(l.from, loc) : `${formatNumber(l.from, loc)}–${formatNumber(l.to, loc)}`);
    return html`<section class="preview" part="preview" aria-label="Price preview">
      <p class="price">
        <span><span class="amount" data-testid="monthly">${this.money(price.totalMinor)}</span> <span class="muted">per month</span></span>
        <span class="change" data-sign=${diff > 0 ? 'up' : diff < 0 ? 'down' : 'none'}
          >${diff === 0 ? 'No change' : `${diff > 0 ? '+' : ''}${this.money(diff)}`} <span class="muted">vs now (${this.money(d.price.monthlyMinor)})</span></span
        >
      </p>
      <p>Average price per IP: <strong data-testid="average">${this.money(average)}</strong></p>
      ${price.lines.length
        ? html`<div class="table-scroll">
            <table part="breakdown">
              <caption>
                Price per tier
              </caption>
              <thead>
                <tr>
                  <th scope="col">IPs</th>
                  <th scope="col" class="num">Count</th>
                  <th scope="col" class="num">Unit price</th>
                  <th scope="col" class="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                ${price.lines.map(
                  (l) => html`<tr>
                    <th scope="row">${range(l)}</th>
                    <td class="num">${formatNumber(l.count, loc)}</td>
                    <td class="num">${this.money(l.unitMinor)}</td>
                    <td class="num">${this.money(l.amountMinor)}</td>
                  </tr>`,
                )}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td class="num">${formatNumber(total, loc)}</td>
                  <td></td>
                  <td class="num">${this.money(price.totalMinor)}</td>
                </tr>
              </tfoot>
            </table>
          </div>`
        : nothing}
    </section>`;
  }

  private renderPending(d: IpDistribution): TemplateResult | typeof nothing {
    if (!d.pending) return nothing;
    const canCancel = this.standalone && d.canEdit;
    return html`<div class="note" part="pending" data-kind="pending">
      <p>
        <strong>Pending change:</strong> ${this.splitText(d.pending)} from ${this.when(d.pending.effectiveAt)}. Until then
        ${this.splitText(d)} stay billed.
      </p>
      ${canCancel
        ? html`<div class="buttons">
            <button type="button" class="button secondary" part="button" ?disabled=${!this.editable} @click=${() => void this.cancelPending()}>Cancel pending change</button>
          </div>`
        : nothing}
    </div>`;
  }

  private renderConflict(c: Conflict): TemplateResult {
    const loc = this.locale;
    const theirs = targetOf(c.theirs);
    const row = (label: string, a: number, b: number) =>
      html`<tr>
        <th scope="row">${label}</th>
        <td class="num">${formatNumber(a, loc)}</td>
        <td class="num">${formatNumber(b, loc)}</td>
      </tr>`;
    return html`<div class="note" part="conflict" data-kind="conflict" role="alert">
      <p>Someone else changed these IPs while you were editing. Nothing of yours was saved.</p>
      <table>
        <thead>
          <tr>
            <th scope="col"><span class="visually-hidden">IPs</span></th>
            <th scope="col" class="num">Theirs${c.theirs.pending ? ' (pending)' : ''}</th>
            <th scope="col" class="num">Yours</th>
          </tr>
        </thead>
        <tbody>
          ${row('Internal', theirs.internal, this.draft.internal)} ${row('External', theirs.external, this.draft.external)}
          ${row('Total', totalOf(theirs), totalOf(this.draft))}
        </tbody>
      </table>
      <div class="buttons">
        <button type="button" class="button secondary" part="button" ?disabled=${this.busy} @click=${this.useTheirs}>Use theirs</button>
        <button type="button" class="button" part="button" ?disabled=${this.busy || !!this.problem()} @click=${this.reapply}>Re-apply mine</button>
      </div>
    </div>`;
  }

  private renderActions(d: IpDistribution): TemplateResult | typeof nothing {
    if (!this.standalone || this.conflict) return nothing;
    const total = totalOf(this.draft);
    const changed = !sameSplit(this.draft, targetOf(d));
    const decrease = changed && total < d.total;
    return html`${decrease
        ? html`<p class="note" data-kind="decrease">
            Fewer IPs take effect on ${this.when(d.bookingMonthEnd)}, the end of the booking month; until then ${formatNumber(d.total, this.locale)} IPs stay billed.
          </p>`
        : nothing}
      <div class="buttons">
        <button type="button" class="button" part="button" ?disabled=${!changed || !!this.problem() || !this.editable} @click=${() => void this.apply()}>
          ${this.busy ? 'Saving…' : 'Apply'}
        </button>
        ${changed
          ? html`<button type="button" class="button secondary" part="button" ?disabled=${!this.editable} @click=${() => this.change(targetOf(d))}>Undo changes</button>`
          : nothing}
      </div>`;
  }

  private renderReadOnly(d: IpDistribution): TemplateResult {
    const loc = this.locale;
    const figure = (name: string, value: string) => html`<div class="figure"><dt class="name">${name}</dt><dd class="value">${value}</dd></div>`;
    return html`<div class="box" part="read-only">
      <dl class="counts" part="counts">
        ${figure('Total IPs', formatNumber(d.total, loc))} ${figure('Internal IPs', formatNumber(d.internal, loc))}
        ${figure('External IPs', formatNumber(d.external, loc))}
      </dl>
      <p>
        ${this.money(d.price.monthlyMinor)} <span class="muted">per month</span> · Average price per IP:
        <strong>${this.money(d.price.averageIpPriceMinor)}</strong>
      </p>
      ${this.renderPending(d)}
      <p class="muted">You can see these IPs but not change them.</p>
    </div>`;
  }

  protected override render(): TemplateResult {
    const d = this.loaded?.value;
    if (!d) {
      if (this.phase === 'error' && this.loadError) return errorState(this.loadError, () => void this.refresh());
      if (this.customerId) return loadingState('Loading IP distribution…');
      return emptyState('No customer selected.');
    }
    if (!d.canEdit) return this.renderReadOnly(d);
    return html`<div class="box" role="group" aria-label="IP distribution" aria-busy=${this.busy ? 'true' : 'false'}>
      ${this.renderInputs()} ${this.renderSlider()} ${this.renderPreview(d)} ${this.renderPending(d)}
      ${this.conflict ? this.renderConflict(this.conflict) : nothing} ${this.renderActions(d)}
      <div role="status" aria-live="polite">
        ${this.notice
          ? html`<p class="note" part="notice" data-kind=${this.notice.kind}>${this.notice.message}</p>`
          : nothing}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-ip-distribution': MspIpDistribution;
  }
}
