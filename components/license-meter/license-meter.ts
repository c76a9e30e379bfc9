import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient } from '../core/api-client.js';
import type { Licence } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate, formatNumber, formatPercent } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import { styleProps } from '../core/style-props.js';
import styles from './license-meter.styles.js';

/** A licence with figures to show (not a customer without subscription, nor a revoked one). */
type Figures = Licence & { model: NonNullable<Licence['model']>; used: number; level: NonNullable<Licence['level']> };
const hasFigures = (l: Licence): l is Figures => l.model != null && l.used != null && l.level != null && !l.connectionLost;

const modelLabels: Record<Figures['model'], string> = {
  per_asset: 'Per asset',
  per_scan: 'Per scan',
  unlimited: 'Unlimited',
};

/** "1 asset", "46 assets", "1 scan", "3 scans". */
function unitCount(model: Figures['model'], n: number, locale: string): string {
  const noun = model === 'per_scan' ? 'scan' : 'asset';
  return `${formatNumber(n, locale)} ${noun}${n === 1 ? '' : 's'}`;
}

/** The sentence a screen reader announces for the meter, e.g. "46 of 50 assets used, 92 %". */
export function licenceValueText(l: Figures, locale: string): string {
  if (l.quota == null) return `Unlimited — ${unitCount(l.model, l.used, locale)}`;
  const use = l.use ?? (l.quota ? l.used / l.quota : 0);
  const noun = l.model === 'per_scan' ? 'scans' : 'assets';
  return `${formatNumber(l.used, locale)} of ${formatNumber(l.quota, locale)} ${noun} used${l.model === 'per_scan' ? ' this month' : ''}, ${formatPercent(use, locale)}`;
}

/**
 * The billing month of a per-scan period, e.g. "November 2026". The period is [start, end) on
 * the MSP's clock, which may not be the browser's; its middle is inside the month on any clock.
 */
function billingMonth(period: { start: string; end: string }, locale: string): string {
  const middle = new Date((Date.parse(period.start) + Date.parse(period.end)) / 2).toISOString();
  return formatDate(middle, locale, { month: 'long', year: 'numeric' });
}

/**
 * A customer's licence use against its quota: per asset (warning at 90 %), per scan this month
 * (warning at 80 %) or unlimited (no meter, just the count). The thresholds and the level come
 * from the BFF, so the meter and the threshold emails always agree. A trial shows its days left.
 *
 * Needs an `<msp-provider>` ancestor unless `licence` is set.
 *
 * @summary Licence use of one customer, as an accessible meter.
 *
 * @event {CustomEvent<{type, message, status?}>} msp-error - Loading the licence failed (also shown inline).
 *
 * @csspart meter - The `role="meter"` box (label, numbers and bar).
 * @csspart track - The bar's background.
 * @csspart fill - The used part of the bar.
 * @csspart threshold - The warning mark on the bar.
 * @csspart summary - The "Unlimited — 312 assets" line.
 * @csspart trial - The "Trial: 12 days left" note.
 * @csspart note - Remaining licences / quota reached / billing period.
 * @csspart state - Loading, empty and error boxes.
 *
 * @cssproperty --msp-color-success - Bar below the warning threshold.
 * @cssproperty --msp-color-warning - Bar at or above the warning threshold.
 * @cssproperty --msp-color-danger - Bar when the quota is used up.
 */
export class MspLicenseMeter extends MspElement {
  static override styles = styles;

  /** The customer whose licence is shown (`GET /v1/customers/{id}/licence`). */
  @property({ attribute: 'customer-id', reflect: true }) customerId = '';

  /** A licence already loaded elsewhere; when set, the element renders it without fetching. */
  @property({ attribute: false }) licence: Licence | undefined;

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private loaded: Licence | undefined;
  @state() private phase: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: MspErrorDetail | undefined;

  private controller: AbortController | undefined;

  /** After `refresh()` the fetched licence wins over the `licence` property until that is set again. */
  @state() private preferFetched = false;

  /** The licence on screen (the `licence` property, else the last one fetched). */
  get value(): Licence | undefined {
    return this.preferFetched ? this.loaded ?? this.licence : this.licence ?? this.loaded;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('customerId')) this.loaded = undefined;
    if (changed.has('licence')) this.preferFetched = false;
    const inputs = changed.has('customerId') || changed.has('api' as keyof MspLicenseMeter) || changed.has('licence');
    if (inputs && !this.licence && !this.loaded && this.customerId && this.api) void this.refresh();
  }

  /** Fetches the licence again (also when `licence` was given: the fetched one then replaces it). */
  async refresh(): Promise<void> {
    const api = this.api;
    if (!api || !this.customerId) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'loading';
    this.loadError = undefined;
    try {
      const licence = await api.licence(this.customerId, controller.signal);
      if (controller.signal.aborted) return;
      this.loaded = licence;
      this.preferFetched = true;
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      const e = toApiError(error);
      this.phase = 'error';
      this.loadError = e.detail;
      this.emit('msp-error', e.detail);
    }
  }

  private renderTrial(l: Figures): TemplateResult | typeof nothing {
    if (!l.trial) return nothing;
    const days = l.trial.daysLeft;
    const text = days > 0 ? `Trial: ${formatNumber(days, this.locale)} ${days === 1 ? 'day' : 'days'} left` : 'Trial ended';
    return html`<p class="trial" part="trial" data-ended=${days > 0 ? 'false' : 'true'}>
      ${text}<span class="muted"> · ends ${formatDate(l.trial.endsAt, this.locale)}</span>
    </p>`;
  }

  private renderMeter(l: Figures & { quota: number }): TemplateResult {
    const loc = this.locale;
    const use = l.use ?? (l.quota ? l.used / l.quota : 0);
    const percent = (ratio: number) => `${Math.max(0, Math.min(100, ratio * 100))}%`;
    const remaining = l.remaining ?? Math.max(0, l.quota - l.used);
    const note =
      l.level === 'exhausted'
        ? `Quota reached — ${l.used > l.quota ? `${unitCount(l.model, l.used - l.quota, loc)} over` : 'no licences left'}`
        : `${unitCount(l.model, remaining, loc)} left${l.warnAt != null ? ` · warning at ${formatPercent(l.warnAt, loc)}` : ''}`;
    return html`<div
        class="meter"
        part="meter"
        role="meter"
        aria-labelledby="label"
        aria-valuemin="0"
        aria-valuemax=${l.quota}
        aria-valuenow=${Math.min(l.used, l.quota)}
        aria-valuetext=${licenceValueText(l, loc)}
        data-level=${l.level}
      >
        <div class="head">
          <span id="label" class="label">Licences · ${modelLabels[l.model]}${l.model === 'per_scan' ? ' (this month)' : ''}</span>
          <span class="numbers" aria-hidden="true"
            ><strong>${formatNumber(l.used, loc)}</strong> / ${formatNumber(l.quota, loc)} ${l.model === 'per_scan' ? 'scans' : 'assets'} ·
            ${formatPercent(use, loc)}</span
          >
        </div>
        <div class="track" part="track">
          <div class="fill" part="fill" ${styleProps({ inlineSize: percent(use) })}></div>
          ${l.warnAt != null ? html`<div class="threshold" part="threshold" ${styleProps({ insetInlineStart: percent(l.warnAt) })}></div>` : nothing}
        </div>
      </div>
      <p class="note" part="note" data-level=${l.level}>
        ${l.level === 'warning' || l.level === 'exhausted' ? html`<span class="icon" aria-hidden="true">⚠</span>` : nothing}${note}${l.period
          ? html`<span class="muted"> · ${billingMonth(l.period, loc)}</span>`
          : nothing}
      </p>`;
  }

  protected override render(): TemplateResult {
    const l = this.value;
    if (!l) {
      if (this.phase === 'error' && this.loadError) return errorState(this.loadError, () => void this.refresh());
      if (this.phase === 'loading' || (this.customerId && this.phase === 'idle')) return loadingState('Loading licences…');
      return emptyState('No licence to show.');
    }
    if (!hasFigures(l)) return emptyState(l.connectionLost ? 'Licence use is hidden: this customer revoked your access.' : 'This customer has no subscription.');
    const body =
      l.quota == null || l.level === 'unlimited'
        ? html`<p class="summary" part="summary" data-level="unlimited">
            <span class="label">Licences · Unlimited</span><span class="value">${licenceValueText(l, this.locale)}</span>
          </p>`
        : this.renderMeter({ ...l, quota: l.quota });
    return html`<div class="box" aria-busy=${this.phase === 'loading' ? 'true' : 'false'}>${body} ${this.renderTrial(l)}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-license-meter': MspLicenseMeter;
  }
}
