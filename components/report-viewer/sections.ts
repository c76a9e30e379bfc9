/**
 * The read-only sections of `<msp-report-viewer>` as template functions over one report: they
 * hold no state. Each chart sits above its text summary and a table of the same numbers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ExecutiveReport, ReportSeverity } from '../core/api-types.js';
import { formatDate, formatNumber, formatPercent } from '../core/format.js';

export const severityOrder: readonly ReportSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const severityLabels: Record<ReportSeverity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
/** The token each severity is drawn in (resolved on the element when a chart is drawn). */
export const severityTokens: Record<ReportSeverity, string> = {
  critical: '--msp-color-danger',
  high: '--msp-color-danger',
  medium: '--msp-color-warning',
  low: '--msp-color-accent',
  info: '--msp-color-text-muted',
};

const assetKindLabels: Record<ExecutiveReport['assetCoverage'][number]['kind'], string> = {
  domain: 'Domains',
  subdomain: 'Subdomains',
  ip_address: 'IP addresses',
  web_app_url: 'Web applications',
  api_base_url: 'APIs',
};

/** A UTC day (`YYYY-MM-DD`) in the reader's language, without shifting it by their time zone. */
export function day(value: string, locale: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  return formatDate(`${value.slice(0, 10)}T00:00:00Z`, locale, { ...options, timeZone: 'UTC' });
}
const shortDay = (value: string, locale: string) => day(value, locale, { day: 'numeric', month: 'short' });

export function periodText(period: { from: string; to: string }, locale: string): string {
  return `${day(period.from, locale)} – ${day(period.to, locale)}`;
}

const signed = (n: number, locale: string) => (n > 0 ? `+${formatNumber(n, locale)}` : formatNumber(n, locale));

/** The posture chart's text alternative: where the score went, its lowest and highest day. */
export function postureSummary(r: ExecutiveReport, locale: string): string {
  const s = r.posture.series;
  if (!s.length) return 'No posture score was recorded in this period.';
  const first = s[0]!;
  const last = s[s.length - 1]!;
  const low = s.reduce((a, b) => (b.score < a.score ? b : a));
  const high = s.reduce((a, b) => (b.score > a.score ? b : a));
  const move = last.score > first.score ? 'rose' : last.score < first.score ? 'fell' : 'stayed';
  const change = move === 'stayed' ? `stayed at ${formatNumber(last.score, locale)}` : `${move} from ${formatNumber(first.score, locale)} to ${formatNumber(last.score, locale)}`;
  return `Posture score ${change} between ${day(first.day, locale)} and ${day(last.day, locale)}; lowest ${formatNumber(low.score, locale)} on ${day(low.day, locale)}, highest ${formatNumber(high.score, locale)} on ${day(high.day, locale)}.`;
}

export const openFindings = (r: ExecutiveReport) => severityOrder.reduce((sum, s) => sum + (r.findingsBySeverity[s] ?? 0), 0);

export function findingsSummary(r: ExecutiveReport, locale: string): string {
  const total = openFindings(r);
  if (!total) return 'No findings were open at the end of the period.';
  return `${formatNumber(total, locale)} open ${total === 1 ? 'finding' : 'findings'}: ${severityOrder.map((s) => `${formatNumber(r.findingsBySeverity[s] ?? 0, locale)} ${severityLabels[s].toLowerCase()}`).join(', ')}.`;
}

export function scansSummary(r: ExecutiveReport, locale: string): string {
  const total = r.scanActivity.reduce((sum, w) => sum + w.scans, 0);
  if (!total) return 'No scans ran in this period.';
  const busiest = r.scanActivity.reduce((a, b) => (b.scans > a.scans ? b : a));
  const failed = r.scanActivity.reduce((sum, w) => sum + w.failed, 0);
  return `${formatNumber(total, locale)} ${total === 1 ? 'scan' : 'scans'} in ${formatNumber(r.scanActivity.length, locale)} weeks, most in the week of ${day(busiest.weekStart, locale)} (${formatNumber(busiest.scans, locale)}); ${formatNumber(failed, locale)} failed.`;
}

export function renderPosture(r: ExecutiveReport, locale: string): TemplateResult {
  const p = r.posture;
  const trend = p.trend;
  return html`<section class="card posture" part="section" aria-labelledby="posture-title">
    <h3 id="posture-title">Security posture</h3>
    <div class="score-line">
      ${p.score === null
        ? html`<p class="muted">No score yet.</p>`
        : html`<p class="big" data-score>${formatNumber(p.score, locale)}<span class="muted"> / 100</span></p>`}
      ${trend === null
        ? nothing
        : html`<p class=${trend > 0 ? 'trend trend-up' : trend < 0 ? 'trend trend-down' : 'trend muted'} data-trend>
            <span aria-hidden="true">${trend > 0 ? '▲' : trend < 0 ? '▼' : '▬'}</span> ${signed(trend, locale)} since ${day(r.period.from, locale)}
          </p>`}
    </div>
    ${p.series.length > 1
      ? html`<figure class="chart" part="chart">
          <div class="chart-box"><canvas data-chart="posture" role="img" aria-label=${postureSummary(r, locale)}></canvas></div>
          <figcaption class="summary" data-summary="posture">${postureSummary(r, locale)}</figcaption>
          <details>
            <summary>Show the scores as a table</summary>
            <div class="table-scroll">
              <table data-table="posture">
                <caption class="visually-hidden">Posture score per day</caption>
                <thead><tr><th scope="col">Day</th><th scope="col">Score</th></tr></thead>
                <tbody>${p.series.map((d) => html`<tr><th scope="row">${day(d.day, locale)}</th><td>${formatNumber(d.score, locale)}</td></tr>`)}</tbody>
              </table>
            </div>
          </details>
        </figure>`
      : html`<p class="summary">${postureSummary(r, locale)}</p>`}
  </section>`;
}

export function renderFindings(r: ExecutiveReport, locale: string): TemplateResult {
  const total = openFindings(r);
  return html`<section class="card findings" part="section" aria-labelledby="findings-title">
    <h3 id="findings-title">Open findings by severity</h3>
    <p class="big" data-total-findings>${formatNumber(total, locale)}<span class="muted"> open</span></p>
    <ul class="severities" part="severities">
      ${severityOrder.map(
        (s) => html`<li data-severity=${s}><span class="dot" aria-hidden="true"></span>${severityLabels[s]} <strong>${formatNumber(r.findingsBySeverity[s] ?? 0, locale)}</strong></li>`,
      )}
    </ul>
    ${total
      ? html`<figure class="chart" part="chart">
          <div class="chart-box small"><canvas data-chart="findings" role="img" aria-label=${findingsSummary(r, locale)}></canvas></div>
          <figcaption class="visually-hidden">${findingsSummary(r, locale)}</figcaption>
        </figure>`
      : html`<p class="empty" data-empty="findings">${findingsSummary(r, locale)}</p>`}
  </section>`;
}

export function renderTopRisks(r: ExecutiveReport, locale: string): TemplateResult {
  return html`<section class="card wide" part="section" aria-labelledby="risks-title">
    <h3 id="risks-title">Top risks</h3>
    ${r.topRisks.length
      ? html`<div class="table-scroll">
          <table part="risks" data-table="risks">
            <caption class="visually-hidden">The most severe open findings, oldest first within a severity</caption>
            <thead>
              <tr><th scope="col">Severity</th><th scope="col">Finding</th><th scope="col">Asset</th><th scope="col">First seen</th><th scope="col">Open for</th></tr>
            </thead>
            <tbody>
              ${r.topRisks.map(
                (f) => html`<tr data-risk=${f.id}>
                  <td><span class="severity" data-severity=${f.severity}><span class="dot" aria-hidden="true"></span>${severityLabels[f.severity]}</span></td>
                  <th scope="row">${f.title}<span class="sub">${f.type}</span></th>
                  <td class="asset">${f.asset}<span class="sub">${assetKindLabels[f.assetKind] ?? f.assetKind}</span></td>
                  <td>${formatDate(f.firstSeenAt, locale)}</td>
                  <td>${formatNumber(f.ageDays, locale)} ${f.ageDays === 1 ? 'day' : 'days'}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p class="empty" data-empty="risks">No open findings at the end of this period.</p>`}
  </section>`;
}

export function renderCoverage(r: ExecutiveReport, locale: string): TemplateResult {
  const rows = r.assetCoverage;
  const total = rows.reduce((a, c) => ({ total: a.total + c.total, scanned: a.scanned + c.scanned, notScanned: a.notScanned + c.notScanned }), { total: 0, scanned: 0, notScanned: 0 });
  const share = (scanned: number, all: number) => (all ? formatPercent(scanned / all, locale) : '—');
  return html`<section class="card" part="section" aria-labelledby="coverage-title">
    <h3 id="coverage-title">Asset coverage</h3>
    ${total.total
      ? html`<p class="summary" data-summary="coverage">${formatNumber(total.scanned, locale)} of ${formatNumber(total.total, locale)} assets scanned in this period (${share(total.scanned, total.total)}).</p>
          <div class="table-scroll">
            <table data-table="coverage">
              <caption class="visually-hidden">Assets scanned in the period, by kind</caption>
              <thead><tr><th scope="col">Kind</th><th scope="col">Assets</th><th scope="col">Scanned</th><th scope="col">Not scanned</th><th scope="col">Coverage</th></tr></thead>
              <tbody>
                ${rows.map(
                  (c) => html`<tr data-kind=${c.kind}>
                    <th scope="row">${assetKindLabels[c.kind] ?? c.kind}</th>
                    <td>${formatNumber(c.total, locale)}</td><td>${formatNumber(c.scanned, locale)}</td><td>${formatNumber(c.notScanned, locale)}</td>
                    <td>${share(c.scanned, c.total)}</td>
                  </tr>`,
                )}
              </tbody>
              <tfoot>
                <tr><th scope="row">All assets</th><td>${formatNumber(total.total, locale)}</td><td>${formatNumber(total.scanned, locale)}</td><td>${formatNumber(total.notScanned, locale)}</td><td>${share(total.scanned, total.total)}</td></tr>
              </tfoot>
            </table>
          </div>`
      : html`<p class="empty" data-empty="coverage">No assets are registered yet.</p>`}
  </section>`;
}

export function renderScans(r: ExecutiveReport, locale: string): TemplateResult {
  const total = r.scanActivity.reduce((sum, w) => sum + w.scans, 0);
  return html`<section class="card" part="section" aria-labelledby="scans-title">
    <h3 id="scans-title">Scan activity per week</h3>
    ${total
      ? html`<figure class="chart" part="chart">
          <div class="chart-box small"><canvas data-chart="scans" role="img" aria-label=${scansSummary(r, locale)}></canvas></div>
          <figcaption class="summary" data-summary="scans">${scansSummary(r, locale)}</figcaption>
        </figure>
        <div class="table-scroll">
          <table data-table="scans">
            <caption class="visually-hidden">Scans per week</caption>
            <thead><tr><th scope="col">Week of</th><th scope="col">Scans</th><th scope="col">Completed</th><th scope="col">Failed</th></tr></thead>
            <tbody>
              ${r.scanActivity.map(
                (w) => html`<tr><th scope="row">${day(w.weekStart, locale)}</th><td>${formatNumber(w.scans, locale)}</td><td>${formatNumber(w.completed, locale)}</td><td>${formatNumber(w.failed, locale)}</td></tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p class="empty" data-empty="scans">${scansSummary(r, locale)}</p>`}
  </section>`;
}

/** "Prepared by Northwind Cyber for Acme Health"; without a seller, "Prepared for Acme Health". */
export function attribution(r: ExecutiveReport): string {
  return r.preparedBy ? `Prepared by ${r.preparedBy} for ${r.customer.name}` : `Prepared for ${r.customer.name}`;
}

export { shortDay };
