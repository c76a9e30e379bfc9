import type { ExecutiveReport, Severity } from '../report-data.js';

/**
 * The executive report as one self-contained print HTML document: the same sections, figures and
 * brand colours as the PDF (bff/outputs/pdf/executive-report.ts), inline CSS and inline SVG
 * charts, A4 pages with the attribution and "Page N of M" in the page margins, and a findings
 * table whose header repeats on every printed page. It is what a team without a PDF library
 * would print with a headless browser; the PDF benchmark (test/bench/pdf.bench.ts) compares the
 * two routes on it.
 *
 * Every value from the report is escaped for where it lands: text and attributes as HTML, the
 * footer text as a CSS string, colours accepted only as hex.
 */

export interface HtmlOptions {
  /** The logo as bytes with its type (PNG/JPEG), inlined as a data URI; without it the name is the wordmark. */
  logo?: { bytes: Uint8Array; contentType: 'image/png' | 'image/jpeg' } | null;
}

const severityLabel: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const kindLabel: Record<string, string> = { domain: 'Domains', subdomain: 'Subdomains', ip_address: 'IP addresses', web_app_url: 'Web apps', api_base_url: 'APIs' };

/** Text and attribute values: the five characters that can end or open markup. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A CSS string literal: everything but letters, digits and spaces as a hex escape, so no quote or `</style>` survives. */
export function cssString(value: string): string {
  return `"${[...value].map((c) => (/[A-Za-z0-9 ]/.test(c) ? c : `\\${c.codePointAt(0)!.toString(16)} `)).join('')}"`;
}

/** A brand colour as hex, or the fallback: the theme grammar already allows only hex, this keeps the document safe on its own. */
const colour = (value: string, fallback: string) => (/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : fallback);

function fmtDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** Numbers in SVG attributes: finite and short. */
const num = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

interface Brand {
  primary: string;
  accent: string;
  text: string;
  muted: string;
  border: string;
  surface: string;
  danger: string;
  warning: string;
  success: string;
}

function brandOf(r: ExecutiveReport): Brand {
  const b = r.brand;
  return {
    primary: colour(b.colorPrimary, '#0b5cad'),
    accent: colour(b.colorAccent, '#7a3e9d'),
    text: colour(b.colorText, '#1b1f24'),
    muted: colour(b.colorMuted, '#525c67'),
    border: colour(b.colorBorder, '#c9d1da'),
    surface: colour(b.colorSurface, '#f5f7fa'),
    danger: colour(b.colorDanger, '#b3261e'),
    warning: colour(b.colorWarning, '#8a5300'),
    success: colour(b.colorSuccess, '#1a7139'),
  };
}

const severityColour = (b: Brand, s: Severity) => ({ critical: b.danger, high: b.warning, medium: b.accent, low: b.primary, info: b.muted })[s];

/** Horizontal grid lines with their values from 0 to `max`, as in the PDF's charts. */
function grid(b: Brand, x: number, y: number, w: number, h: number, max: number, steps: number): string {
  let out = '';
  for (let i = 0; i <= steps; i++) {
    const gy = num(y + h - (h * i) / steps);
    out += `<line x1="${x}" y1="${gy}" x2="${x + w}" y2="${gy}" stroke="${b.border}" stroke-width="0.5"/>`;
    out += `<text x="${x - 4}" y="${gy + 3}" text-anchor="end" class="axis">${Math.round((max * i) / steps)}</text>`;
  }
  return out;
}

function postureChart(r: ExecutiveReport, b: Brand): string {
  const [W, H, x, y, w, h] = [250, 150, 28, 6, 216, 110];
  const pts = r.posture.series;
  let body = grid(b, x, y, w, h, 100, 4);
  if (pts.length === 0) {
    body += `<text x="${x + w / 2}" y="${y + h / 2}" text-anchor="middle" class="note">No posture snapshots in the period.</text>`;
  } else {
    const from = Date.parse(`${r.period.from}T00:00:00Z`);
    const span = Math.max(1, Date.parse(`${r.period.to}T00:00:00Z`) - from);
    const xOf = (day: string) => num(x + (w * (Date.parse(`${day}T00:00:00Z`) - from)) / span);
    const yOf = (v: number) => num(y + h - (h * v) / 100);
    body += `<polyline fill="none" stroke="${b.primary}" stroke-width="2" stroke-linejoin="round" points="${pts.map((p) => `${xOf(p.day)},${yOf(p.score)}`).join(' ')}"/>`;
    const last = pts[pts.length - 1]!;
    body += `<circle cx="${xOf(last.day)}" cy="${yOf(last.score)}" r="3" fill="${b.primary}"/>`;
  }
  body += `<text x="${x}" y="${y + h + 14}" class="axis">${escapeHtml(fmtDay(r.period.from))}</text>`;
  body += `<text x="${x + w}" y="${y + h + 14}" text-anchor="end" class="axis">${escapeHtml(fmtDay(r.period.to))}</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Posture trend">${body}</svg>`;
}

function severityBars(r: ExecutiveReport, b: Brand): string {
  const rows = Object.entries(r.findingsBySeverity) as [Severity, number][];
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const [W, H, labelW, valueW] = [250, 130, 52, 34];
  const rowH = H / rows.length;
  const track = W - labelW - valueW;
  const body = rows
    .map(([s, n], i) => {
      const ry = num(i * rowH);
      const bw = n > 0 ? num(Math.max(1.5, (track * n) / max)) : 0;
      return (
        `<text x="0" y="${num(ry + rowH / 2 + 3)}" class="label">${severityLabel[s]}</text>` +
        `<rect x="${labelW}" y="${num(ry + 3)}" width="${track}" height="${num(rowH - 6)}" fill="${b.surface}"/>` +
        (bw ? `<rect x="${labelW}" y="${num(ry + 3)}" width="${bw}" height="${num(rowH - 6)}" fill="${severityColour(b, s)}"/>` : '') +
        `<text x="${W}" y="${num(ry + rowH / 2 + 3)}" text-anchor="end" class="value">${Number(n)}</text>`
      );
    })
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Open findings by severity">${body}</svg>`;
}

function scanBars(r: ExecutiveReport, b: Brand): string {
  const [W, H, x, y, w, h] = [250, 150, 28, 6, 216, 110];
  const weeks = r.scanActivity;
  const steps = 4;
  const top = Math.ceil(Math.max(4, ...weeks.map((wk) => wk.scans)) / steps) * steps;
  const yOf = (v: number) => num(y + h - (h * v) / top);
  const slot = w / Math.max(1, weeks.length);
  let body = grid(b, x, y, w, h, top, steps);
  weeks.forEach((wk, i) => {
    const bx = num(x + i * slot + slot * 0.2);
    const bw = num(slot * 0.6);
    if (wk.scans > 0) body += `<rect x="${bx}" y="${yOf(wk.scans)}" width="${bw}" height="${num(y + h - yOf(wk.scans))}" fill="${b.primary}"/>`;
    if (wk.failed > 0) body += `<rect x="${bx}" y="${yOf(wk.failed)}" width="${bw}" height="${num(y + h - yOf(wk.failed))}" fill="${b.danger}"/>`;
    const label = new Date(`${wk.weekStart}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
    body += `<text x="${num(x + i * slot + slot / 2)}" y="${y + h + 12}" text-anchor="middle" class="axis">${escapeHtml(label)}</text>`;
  });
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Scans per week">${body}</svg>`;
}

function styles(r: ExecutiveReport, b: Brand, period: string): string {
  const attribution = r.preparedBy ? `Prepared by ${r.preparedBy} for ${r.customer.name}` : `Prepared for ${r.customer.name}`;
  return `
@page {
  size: A4;
  /* The PDF's geometry: 48pt margins, a 60pt running header and a 36pt footer band. */
  margin: 108pt 48pt 84pt;
  @bottom-left { content: ${cssString(attribution)}; font: 8pt 'DejaVu Sans', sans-serif; color: ${b.muted}; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt 'DejaVu Sans', sans-serif; color: ${b.muted}; }
  @top-left { content: ${cssString(r.customer.name)}; font: bold 11pt 'DejaVu Sans', sans-serif; color: ${b.primary}; border-bottom: 3px solid ${b.primary}; }
  @top-right { content: ${cssString(period)}; font: 8pt 'DejaVu Sans', sans-serif; color: ${b.muted}; border-bottom: 3px solid ${b.primary}; }
}
/* The first page has the full header with the logo in the page itself. */
@page :first { margin-top: 48pt; @top-left { content: none; border: 0; } @top-right { content: none; border: 0; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font: 9pt/1.35 'DejaVu Sans', Verdana, sans-serif; color: ${b.text}; }
header { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 3px solid ${b.primary}; padding-bottom: 8pt; margin-bottom: 12pt; }
header .wordmark { font-weight: bold; font-size: 20pt; color: ${b.primary}; }
header img { max-width: 160pt; max-height: 40pt; }
header .period { font-size: 9pt; color: ${b.muted}; }
h1 { font-size: 18pt; margin: 0; }
h2 { font-size: 11pt; margin: 0 0 6pt; }
.lead { color: ${b.muted}; font-size: 10pt; margin: 2pt 0 14pt; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10pt; margin-bottom: 16pt; }
.kpi { background: ${b.surface}; border-left: 3pt solid ${b.primary}; border-radius: 4pt; padding: 6pt 8pt; height: 64pt; }
.kpi .label, .kpi .note { color: ${b.muted}; font-size: 7.5pt; }
.kpi .value { font-weight: bold; font-size: 18pt; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 24pt; margin-bottom: 16pt; break-inside: avoid; }
.charts svg { width: 100%; height: auto; font-family: 'DejaVu Sans', sans-serif; }
svg .axis { font-size: 7px; fill: ${b.muted}; }
svg .note { font-size: 9px; fill: ${b.muted}; }
svg .label { font-size: 8px; fill: ${b.text}; }
svg .value { font-size: 8px; font-weight: bold; fill: ${b.text}; }
table { width: 100%; border-collapse: collapse; font-size: 8pt; }
.coverage th { background: ${b.surface}; }
.coverage th, .coverage td { padding: 3pt 4pt; text-align: right; border-bottom: 0.5pt solid ${b.border}; }
.coverage th:first-child, .coverage td:first-child { text-align: left; }
.risks thead { display: table-header-group; }
.risks th { background: ${b.primary}; color: #ffffff; text-align: left; padding: 5pt 5pt; }
.risks td { padding: 4pt 5pt; vertical-align: top; overflow-wrap: anywhere; }
.risks tr { break-inside: avoid; }
.risks tbody tr:nth-child(even) td { background: ${b.surface}; }
.risks .age { text-align: right; }
.risks .sev { font-weight: bold; white-space: nowrap; }
.risks .sev i { display: inline-block; width: 5pt; height: 5pt; margin-right: 4pt; }
.note-text { color: ${b.muted}; }
`;
}

/** The report as a complete HTML document, ready for a browser's print to PDF. */
export function executiveReportHtml(r: ExecutiveReport, options: HtmlOptions = {}): string {
  const b = brandOf(r);
  const open = Object.values(r.findingsBySeverity).reduce((a, n) => a + n, 0);
  const scanned = r.assetCoverage.reduce((a, c) => a + c.scanned, 0);
  const assets = r.assetCoverage.reduce((a, c) => a + c.total, 0);
  const trend = r.posture.trend;
  const cards = [
    { label: 'Posture score', value: r.posture.score === null ? '—' : String(r.posture.score), note: trend === null ? 'no earlier score' : `${trend > 0 ? '+' : trend < 0 ? '−' : '±'}${Math.abs(trend)} over the period` },
    { label: 'Open findings', value: String(open), note: `${r.findingsBySeverity.critical} critical, ${r.findingsBySeverity.high} high` },
    { label: 'Assets scanned', value: `${scanned} of ${assets}`, note: 'during the period' },
    { label: 'Scans', value: String(r.scanActivity.reduce((a, w) => a + w.scans, 0)), note: 'started in the period' },
  ];
  const period = `${fmtDay(r.period.from)} – ${fmtDay(r.period.to)}`;
  const logo = options.logo
    ? `<img alt="${escapeHtml(r.customer.name)}" src="data:${options.logo.contentType === 'image/jpeg' ? 'image/jpeg' : 'image/png'};base64,${Buffer.from(options.logo.bytes).toString('base64')}">`
    : `<div class="wordmark">${escapeHtml(r.customer.name)}</div>`;

  const coverage = r.assetCoverage
    .map((c) => `<tr><td>${escapeHtml(kindLabel[c.kind] ?? c.kind)}</td><td>${Number(c.total)}</td><td>${Number(c.scanned)}</td><td>${Number(c.notScanned)}</td></tr>`)
    .join('');
  const risks = r.topRisks.length
    ? `<table class="risks"><thead><tr><th style="width:12%">Severity</th><th style="width:40%">Finding</th><th style="width:32%">Asset</th><th class="age" style="width:16%">Age (days)</th></tr></thead><tbody>${r.topRisks
        .map(
          (f) =>
            `<tr><td class="sev"><i style="background:${severityColour(b, f.severity)}"></i>${severityLabel[f.severity]}</td><td>${escapeHtml(f.title)}</td><td>${escapeHtml(f.asset)}</td><td class="age">${Number(f.ageDays)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="note-text">No open findings at the end of the period.</p>';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`Executive report — ${r.customer.name}`)}</title>
<style>${styles(r, b, period)}</style>
</head>
<body>
<header>${logo}<div class="period">${escapeHtml(period)}</div></header>
<h1>Executive security report</h1>
<p class="lead">${escapeHtml(`${r.customer.name} · ${fmtDay(r.period.from)} to ${fmtDay(r.period.to)}`)}</p>
<section class="kpis">${cards.map((c) => `<div class="kpi"><div class="label">${escapeHtml(c.label)}</div><div class="value">${escapeHtml(c.value)}</div><div class="note">${escapeHtml(c.note)}</div></div>`).join('')}</section>
<section class="charts"><div><h2>Posture trend</h2>${postureChart(r, b)}</div><div><h2>Open findings by severity</h2>${severityBars(r, b)}</div></section>
<section class="charts"><div><h2>Scans per week</h2>${scanBars(r, b)}</div><div><h2>Asset coverage</h2><table class="coverage"><thead><tr><th>Kind</th><th>Assets</th><th>Scanned</th><th>Not scanned</th></tr></thead><tbody>${coverage}</tbody></table></div></section>
<section><h2>Top risks</h2><p class="note-text">Findings open at the end of the period, most severe first, then oldest first.</p>${risks}</section>
</body>
</html>
`;
}
