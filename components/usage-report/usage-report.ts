import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ResolvedTheme } from '../../themes/loader.js';
import type { ApiClient } from '../core/api-client.js';
import { MspElement } from '../core/base-element.js';
import { ChartHost, chartStyle, type ChartEntry } from '../core/chart-host.js';
import { apiContext, themeContext } from '../core/context.js';
import { saveBlob } from '../core/download.js';
import { toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatMoney, formatNumber } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import styles from './usage-report.styles.js';
import {
  acvSummary,
  COMPARED_PERIODS,
  labelName,
  majorUnits,
  monthName,
  monthlyUsageSummary,
  periodName,
  periodRange,
  productScansSummary,
  productTokens,
  shiftLabel,
  totalScans,
} from './summaries.js';
import { fetchUsage, fetchUsageWorkbook, type Partnership, type UsageProduct, type UsageReport, type UsageWorkbook } from './usage-api.js';

interface Loadable<T> {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  value?: T;
  error?: MspErrorDetail;
}

type DownloadState = { phase: 'idle' } | { phase: 'loading'; content: UsageWorkbook } | { phase: 'done'; filename: string } | { phase: 'error'; message: string };

/** The periods the picker offers: two years back from the one running now. */
const PICKER_PERIODS = 24;

const partnershipNames: Record<Partnership, string> = { mssp: 'MSSP', reseller: 'Reseller' };

/**
 * The usage report of the signed-in partner's portfolio, in the shape of its partnership.
 * MSSP: billing periods from the 26th to the 25th, scans per product of the last three periods
 * as grouped bars — choose a bar (or a figure in its table) to list that product's customers —
 * and the invoice breakdown, with an Excel export. Reseller: calendar months, the portfolio's
 * totals, ACV over twelve months, monthly scans per product, and Excel exports of the monthly
 * usage and of each customer's ACV history. A partner with both kinds of business switches
 * between them. Every amount is the billing engine's (the BFF's invoice preview).
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Usage and invoiced figures per billing period, MSSP or reseller.
 *
 * @event {CustomEvent<{type, period, seller}>} msp-usage-change - The user chose another partnership, seller or period.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown in the element).
 *
 * @csspart header - Seller, partnership and period.
 * @csspart toolbar - Partnership switch, period picker and downloads.
 * @csspart button - Every button.
 * @csspart card - Each summary card and section.
 * @csspart chart - Each chart with its summary.
 * @csspart drill - The customers of the chosen product and period.
 * @csspart state - Loading, empty and error boxes.
 */
export class MspUsageReport extends MspElement {
  static override styles = styles;

  /** `mssp` or `reseller`; empty: the partnership of the signed-in org. */
  @property({ reflect: true }) type: Partnership | '' = '';
  /** The last period shown, `YYYY-MM` (MSSP: the period ending on that month's 25th); empty: the one running now. */
  @property({ reflect: true }) period = '';
  /** Which seller of the partnership (the org's own or a sub-partner's id); empty: the org's own. */
  @property({ reflect: true }) seller = '';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  /** The theme in use: a chart drawn in another one is drawn again in its colours. */
  @consume({ context: themeContext, subscribe: true })
  @state()
  private theme: ResolvedTheme | undefined;

  @state() private reportState: Loadable<UsageReport> = { phase: 'idle' };
  @state() private drill: { product: UsageProduct; period: number } | null = null;
  @state() private download: DownloadState = { phase: 'idle' };

  private controller = new AbortController();
  private loadedKey = '';
  /** The label of the period running now, per partnership: the picker counts back from it. */
  private latest = new Map<Partnership, string>();
  private charts = new ChartHost(this);
  /** What opened the drill-down (a figure of the table), to give focus back to on close. */
  private drillOpener: HTMLElement | null = null;

  /** The report on screen. */
  get report(): UsageReport | undefined {
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

  /** Fetches the report again. */
  async reload(): Promise<void> {
    this.loadedKey = '';
    this.requestUpdate();
    await this.updateComplete;
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = `${this.type}|${this.period}|${this.seller}`;
    if (this.api && this.isConnected && key !== this.loadedKey) {
      this.loadedKey = key;
      void this.load(this.api);
    }
  }

  protected override updated(): void {
    this.charts.draw(this.renderRoot, () => this.chartEntries());
  }

  private async load(api: ApiClient): Promise<void> {
    this.controller.abort();
    this.controller = new AbortController();
    const signal = this.controller.signal;
    const previous = this.reportState.value;
    this.reportState = { phase: 'loading', ...(previous ? { value: previous } : {}) };
    try {
      const report = await fetchUsage(api, { type: this.type || undefined, period: this.period || undefined, seller: this.seller || undefined }, signal);
      if (signal.aborted) return;
      if (!this.period && report.period) this.latest.set(report.type, report.period.label);
      this.reportState = { phase: 'ready', value: report };
      this.drill = null;
      // chart.js arrives as its own chunk once a report is on screen.
      if (!this.charts.loaded && report.periods.length) void this.charts.load();
    } catch (error) {
      if (signal.aborted) return;
      const e = toApiError(error);
      this.reportState = { phase: 'error', error: e.detail };
      this.emit('msp-error', e.detail);
    }
  }

  private change(next: { type?: Partnership; period?: string; seller?: string }): void {
    if (next.type !== undefined && next.type !== this.report?.type) {
      // Another partnership has its own periods and sellers.
      this.type = next.type;
      this.period = '';
      this.seller = '';
    }
    if (next.period !== undefined) this.period = next.period;
    if (next.seller !== undefined) this.seller = next.seller;
    this.download = { phase: 'idle' };
    this.emit('msp-usage-change', { type: this.type || (this.report?.type ?? 'mssp'), period: this.period, seller: this.seller });
  }

  // ---- charts ------------------------------------------------------------------------------

  private comparedPeriods(r: UsageReport) {
    return r.periods.slice(-COMPARED_PERIODS).map((p, k) => ({ p, index: r.periods.length - Math.min(COMPARED_PERIODS, r.periods.length) + k }));
  }

  private chartEntries(): Map<string, ChartEntry> {
    const r = this.report;
    const entries = new Map<string, ChartEntry>();
    if (!r?.seller || !r.periods.length) return entries;
    const { token, base } = chartStyle(this);
    const common = { ...base, pointRadius: 3, pointHoverRadius: 5, maxXTicks: 12, stillInPrint: true, values: [] as number[], label: '', color: '' };
    const loc = this.locale;
    const zone = r.seller.timeZone;
    if (r.type === 'mssp') {
      const compared = this.comparedPeriods(r);
      const periodTokens = ['--msp-color-text-muted', '--msp-color-accent', '--msp-color-primary'].slice(-compared.length);
      entries.set('products', {
        source: [r, 'products', this.theme],
        spec: {
          ...common,
          kind: 'bar',
          labels: r.products.map((p) => p.label),
          series: compared.map(({ p }, k) => ({ label: periodRange(p, zone, loc), values: r.products.map((x) => p.scans[x.product]), color: token(periodTokens[k]!) })),
          onPick: (product, series) => this.openDrill(r.products[product]!.product, compared[series]!.index),
        },
      });
    } else {
      entries.set('acv', {
        source: [r, 'acv', this.theme],
        spec: {
          ...common,
          kind: 'line',
          labels: r.periods.map((p) => monthName(p.label, loc, 'short')),
          values: r.periods.map((p) => majorUnits(p.acvMinor, r.seller!.currency)),
          label: `ACV (${r.seller.currency})`,
          color: token('--msp-color-primary'),
        },
      });
      entries.set('monthly', {
        source: [r, 'monthly', this.theme],
        spec: {
          ...common,
          kind: 'bar',
          labels: r.periods.map((p) => monthName(p.label, loc, 'short')),
          series: r.products.map((x) => ({ label: x.label, values: r.periods.map((p) => p.scans[x.product]), color: token(productTokens[x.product]) })),
        },
      });
    }
    return entries;
  }

  private openDrill(product: UsageProduct, period: number, opener: HTMLElement | null = null): void {
    this.drillOpener = opener;
    this.drill = { product, period };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#drill-title')?.focus());
  }

  private closeDrill(): void {
    const opener = this.drillOpener;
    this.drill = null;
    this.drillOpener = null;
    // Back to the figure it was opened from; after a click on the chart, to the chart's section.
    void this.updateComplete.then(() => (opener?.isConnected ? opener : this.renderRoot.querySelector<HTMLElement>('#products-title'))?.focus());
  }

  // ---- downloads ---------------------------------------------------------------------------

  private async downloadWorkbook(content: UsageWorkbook): Promise<void> {
    const api = this.api;
    const r = this.report;
    if (!api || !r?.seller || this.download.phase === 'loading') return;
    this.download = { phase: 'loading', content };
    try {
      const { blob, filename } = await fetchUsageWorkbook(api, { type: r.type, period: r.period?.label, seller: r.seller.id }, content);
      saveBlob(this.renderRoot, blob, filename);
      this.download = { phase: 'done', filename };
    } catch (error) {
      const e = toApiError(error);
      this.download = { phase: 'error', message: `The Excel file could not be made: ${e.message}` };
      this.emit('msp-error', e.detail);
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  override render(): TemplateResult {
    const s = this.reportState;
    const r = s.value;
    if (!r) {
      if (s.phase === 'error' && s.error) return errorState(s.error, () => void this.reload());
      return loadingState('Loading the usage report…');
    }
    return html`<div aria-busy=${s.phase === 'loading' ? 'true' : 'false'}>
      ${this.renderHeader(r)} ${this.renderToolbar(r)}
      ${s.phase === 'error' && s.error ? errorState(s.error, () => void this.reload()) : nothing}
      ${!r.seller
        ? emptyState(`There is no ${partnershipNames[r.type]} business in your view to report on.`)
        : r.type === 'mssp'
          ? this.renderMssp(r)
          : this.renderReseller(r)}
    </div>`;
  }

  private renderHeader(r: UsageReport): TemplateResult {
    const loc = this.locale;
    return html`<header class="header" part="header">
      <span class="eyebrow">Usage report · ${partnershipNames[r.type]} partnership</span>
      <h2>${r.seller?.name ?? 'Usage report'}</h2>
      ${r.seller && r.period
        ? html`<p class="sub" data-period>
            ${r.type === 'mssp' ? 'Billing period' : 'Month'}: ${periodName(r.type, r.period, r.seller.timeZone, loc)}
            <span class="muted">· ${r.type === 'mssp' ? 'periods run from the 26th to the 25th' : 'calendar months'}, ${r.seller.timeZone} time</span>
          </p>`
        : nothing}
    </header>`;
  }

  private renderToolbar(r: UsageReport): TemplateResult {
    const loc = this.locale;
    const sellers = r.partnerships.find((p) => p.type === r.type)?.sellers ?? [];
    const latest = this.latest.get(r.type) ?? r.period?.label;
    const labels = latest ? Array.from({ length: PICKER_PERIODS }, (_, i) => shiftLabel(latest, -i)) : [];
    if (r.period && !labels.includes(r.period.label)) labels.unshift(r.period.label);
    const d = this.download;
    return html`<div class="toolbar" part="toolbar">
      ${r.partnerships.length > 1
        ? html`<fieldset class="switch">
            <legend>Partnership</legend>
            <div class="segments">
              ${r.partnerships.map(
                (p) => html`<label
                  ><input type="radio" name="partnership" value=${p.type} .checked=${p.type === r.type} @change=${() => this.change({ type: p.type })} />${partnershipNames[p.type]}</label
                >`,
              )}
            </div>
          </fieldset>`
        : nothing}
      ${sellers.length > 1
        ? html`<div class="field">
            <label for="seller">${r.type === 'reseller' ? 'Reseller' : 'Seller'}</label>
            <select id="seller" @change=${(e: Event) => this.change({ seller: (e.target as HTMLSelectElement).value })}>
              ${sellers.map((s) => html`<option value=${s.id} ?selected=${s.id === r.seller?.id}>${s.name}</option>`)}
            </select>
          </div>`
        : nothing}
      ${r.seller && labels.length
        ? html`<div class="field">
            <label for="period">${r.type === 'mssp' ? 'Billing period' : 'Month'}</label>
            <select id="period" @change=${(e: Event) => this.change({ period: (e.target as HTMLSelectElement).value })}>
              ${labels.map((l) => html`<option value=${l} ?selected=${l === r.period?.label}>${labelName(r.type, l, loc)}</option>`)}
            </select>
          </div>`
        : nothing}
      ${r.seller
        ? html`<div class="actions">
            ${r.type === 'mssp'
              ? html`<button type="button" class="button" part="button" data-download="usage" ?disabled=${d.phase === 'loading'} @click=${() => void this.downloadWorkbook('usage')}>
                  Excel: invoice breakdown
                </button>`
              : html`<button type="button" class="button" part="button" data-download="usage" ?disabled=${d.phase === 'loading'} @click=${() => void this.downloadWorkbook('usage')}>
                    Excel: monthly usage
                  </button>
                  <button type="button" class="button secondary" part="button" data-download="acv-history" ?disabled=${d.phase === 'loading'} @click=${() => void this.downloadWorkbook('acv-history')}>
                    Excel: ACV history
                  </button>`}
          </div>`
        : nothing}
      <p class="status" role="status" aria-live="polite" data-kind=${d.phase === 'error' ? 'error' : 'info'}>
        ${d.phase === 'loading' ? 'Making the Excel file…' : d.phase === 'done' ? `Downloaded ${d.filename}.` : d.phase === 'error' ? d.message : ''}
      </p>
    </div>`;
  }

  private money(r: UsageReport, amountMinor: number | null): string {
    return amountMinor === null ? '—' : formatMoney({ amountMinor, currency: r.seller?.currency ?? 'EUR' }, this.locale);
  }

  private card(label: string, value: string, note?: string, key?: string): TemplateResult {
    return html`<div class="card figure" part="card" data-card=${key ?? nothing}>
      <span class="label">${label}</span>
      <span class="big">${value}</span>
      ${note ? html`<span class="sub">${note}</span>` : nothing}
    </div>`;
  }

  // ---- MSSP --------------------------------------------------------------------------------

  private renderMssp(r: UsageReport): TemplateResult {
    const loc = this.locale;
    const zone = r.seller!.timeZone;
    const chosen = r.periods[r.periods.length - 1]!;
    const before = r.periods[r.periods.length - 2];
    const compared = this.comparedPeriods(r);
    const scans = totalScans(chosen.scans);
    return html`<div class="cards">
        ${this.card('Invoiced this period', this.money(r, chosen.amountMinor), `${formatNumber(chosen.customersBilled, loc)} customers billed`, 'invoiced')}
        ${this.card('Scans this period', formatNumber(scans, loc), before ? `${formatNumber(totalScans(before.scans), loc)} the period before` : undefined, 'scans')}
        ${this.card('ACV at period end', this.money(r, chosen.acvMinor), undefined, 'acv')}
        ${r.costs ? this.card('Margin this period', this.money(r, chosen.marginMinor), `cost ${this.money(r, chosen.costMinor)}`, 'margin') : nothing}
      </div>
      <section class="card" part="card" aria-labelledby="products-title">
        <h3 id="products-title" tabindex="-1">Scans by product</h3>
        <p class="sub">The last ${formatNumber(compared.length, loc)} billing periods. Choose a bar, or a figure in the table, to see that product's customers.</p>
        <figure part="chart">
          <div class="chart-box"><canvas data-chart="products" role="img" aria-label=${productScansSummary(r, compared.map((c) => c.p), loc)}></canvas></div>
          <figcaption class="summary" data-summary="products">${productScansSummary(r, compared.map((c) => c.p), loc)}</figcaption>
          <details>
            <summary>Show the scans as a table</summary>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Scans per product and billing period">
              <table data-table="products">
                <caption class="visually-hidden">Scans per product and billing period</caption>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    ${compared.map(({ p }) => html`<th scope="col" class="number">${periodRange(p, zone, loc)}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${r.products.map(
                    (x) => html`<tr>
                      <th scope="row">${x.label}</th>
                      ${compared.map(
                        ({ p, index }) => html`<td class="number">
                          <button
                            type="button"
                            class="cell-button"
                            data-drill-product=${x.product}
                            data-drill-period=${p.label}
                            aria-label=${`${formatNumber(p.scans[x.product], loc)} ${x.label} scans in ${periodRange(p, zone, loc)}: show the customers`}
                            @click=${(e: Event) => this.openDrill(x.product, index, e.currentTarget as HTMLElement)}
                          >
                            ${formatNumber(p.scans[x.product], loc)}
                          </button>
                        </td>`,
                      )}
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </details>
        </figure>
      </section>
      ${this.drill ? this.renderDrill(r, this.drill.product, this.drill.period) : nothing} ${this.renderLines(r)}`;
  }

  private renderDrill(r: UsageReport, product: UsageProduct, index: number): TemplateResult {
    const loc = this.locale;
    const p = r.periods[index]!;
    const label = r.products.find((x) => x.product === product)?.label ?? product;
    const rows = r.customers
      .map((c) => ({ c, scans: c.scans[product][index] ?? 0, amount: c.amountMinor[index] ?? 0 }))
      .filter((x) => x.scans > 0)
      .sort((a, b) => b.scans - a.scans || a.c.name.localeCompare(b.c.name));
    const range = periodRange(p, r.seller!.timeZone, loc);
    return html`<section class="card drill" part="drill" aria-labelledby="drill-title" data-drill=${`${product}|${p.label}`}>
      <div class="drill-head">
        <h3 id="drill-title" tabindex="-1">${label} scans, ${range}</h3>
        <button type="button" class="button secondary" part="button" @click=${() => this.closeDrill()}>Close</button>
      </div>
      <p class="sub">${formatNumber(rows.length, loc)} ${rows.length === 1 ? 'customer' : 'customers'} ran ${formatNumber(p.scans[product], loc)} ${label} scans; invoiced is the customer's whole amount for the period.</p>
      ${rows.length
        ? html`<div class="table-scroll" tabindex="0" role="region" aria-label=${`Customers with ${label} scans`}>
            <table data-table="drill">
              <caption class="visually-hidden">Customers with ${label} scans in ${range}</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col" class="number">${label} scans</th>
                  <th scope="col" class="number">Invoiced in the period</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (x) => html`<tr data-customer=${x.c.id}>
                    <th scope="row">${x.c.name}</th>
                    <td class="number">${formatNumber(x.scans, loc)}</td>
                    <td class="number">${this.money(r, x.amount)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : html`<p class="empty">No customer ran ${label} scans in this period.</p>`}
    </section>`;
  }

  private renderLines(r: UsageReport): TemplateResult {
    const loc = this.locale;
    const lines = r.invoice.lines;
    const t = r.invoice.totals;
    return html`<section class="card lines" part="card" aria-labelledby="lines-title">
      <h3 id="lines-title">Invoice breakdown</h3>
      <p class="sub">The lines of the invoice for ${r.period ? periodRange(r.period, r.seller!.timeZone, loc) : 'this period'}, as billing computes them.</p>
      ${lines.length
        ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="Invoice lines">
            <table data-table="lines">
              <caption class="visually-hidden">Invoice lines</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Line</th>
                  <th scope="col" class="number">IPs</th>
                  <th scope="col" class="number">Amount</th>
                  ${r.costs ? html`<th scope="col" class="number">Cost</th>` : nothing}
                </tr>
              </thead>
              <tbody>
                ${lines.map(
                  (l) => html`<tr>
                    <th scope="row">${l.customerName}</th>
                    <td>${l.description.slice(l.customerName.length + 2)}</td>
                    <td class="number">${formatNumber(l.ips, loc)}</td>
                    <td class="number">${this.money(r, l.amountMinor)}</td>
                    ${r.costs ? html`<td class="number">${this.money(r, l.costMinor)}</td>` : nothing}
                  </tr>`,
                )}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colspan="3">Total</th>
                  <td class="number" data-total>${this.money(r, t.amountMinor)}</td>
                  ${r.costs ? html`<td class="number">${this.money(r, t.costMinor)}</td>` : nothing}
                </tr>
              </tfoot>
            </table>
          </div>`
        : html`<p class="empty">Nothing is billed in this period.</p>`}
    </section>`;
  }

  // ---- reseller ----------------------------------------------------------------------------

  private renderReseller(r: UsageReport): TemplateResult {
    const loc = this.locale;
    const s = r.summary;
    return html`<div class="cards">
        ${this.card('Total customers', formatNumber(s.customers, loc), undefined, 'customers')}
        ${this.card('Active', formatNumber(s.active, loc), undefined, 'active')}
        ${this.card('ACV', this.money(r, s.acvMinor), 'annual contract value now', 'acv')}
        ${this.card('Renewals in the next three months', formatNumber(s.renewalsNextThreeMonths, loc), undefined, 'renewals')}
      </div>
      <div class="grid">
        <section class="card" part="card" aria-labelledby="acv-title">
          <h3 id="acv-title">ACV over time</h3>
          <p class="sub">At the end of each month (now, for the month running).</p>
          <figure part="chart">
            <div class="chart-box"><canvas data-chart="acv" role="img" aria-label=${acvSummary(r, loc)}></canvas></div>
            <figcaption class="summary" data-summary="acv">${acvSummary(r, loc)}</figcaption>
            <details>
              <summary>Show ACV as a table</summary>
              <div class="table-scroll" tabindex="0" role="region" aria-label="ACV per month">
                <table data-table="acv">
                  <caption class="visually-hidden">ACV at the end of each month</caption>
                  <thead><tr><th scope="col">Month</th><th scope="col" class="number">ACV</th><th scope="col" class="number">Invoiced</th></tr></thead>
                  <tbody>
                    ${r.periods.map(
                      (p) => html`<tr><th scope="row">${monthName(p.label, loc)}</th><td class="number">${this.money(r, p.acvMinor)}</td><td class="number">${this.money(r, p.amountMinor)}</td></tr>`,
                    )}
                  </tbody>
                </table>
              </div>
            </details>
          </figure>
        </section>
        <section class="card" part="card" aria-labelledby="monthly-title">
          <h3 id="monthly-title">Monthly product usage</h3>
          <p class="sub">Scans per product and calendar month.</p>
          <figure part="chart">
            <div class="chart-box"><canvas data-chart="monthly" role="img" aria-label=${monthlyUsageSummary(r, loc)}></canvas></div>
            <figcaption class="summary" data-summary="monthly">${monthlyUsageSummary(r, loc)}</figcaption>
            <details>
              <summary>Show the usage as a table</summary>
              <div class="table-scroll" tabindex="0" role="region" aria-label="Scans per product and month">
                <table data-table="monthly">
                  <caption class="visually-hidden">Scans per product and month</caption>
                  <thead>
                    <tr>
                      <th scope="col">Month</th>
                      ${r.products.map((x) => html`<th scope="col" class="number">${x.label}</th>`)}
                      <th scope="col" class="number">Customers billed</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${r.periods.map(
                      (p) => html`<tr>
                        <th scope="row">${monthName(p.label, loc)}</th>
                        ${r.products.map((x) => html`<td class="number">${formatNumber(p.scans[x.product], loc)}</td>`)}
                        <td class="number">${formatNumber(p.customersBilled, loc)}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
            </details>
          </figure>
        </section>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-usage-report': MspUsageReport;
  }
}
