import { PassThrough, type Readable } from 'node:stream';
import PDFDocument, * as pdfkit from 'pdfkit';
import type { ExecutiveReport, Severity } from '../report-data.js';
import { fitLine } from './fit.js';
import { registerReportFonts } from './fonts.js';

/**
 * The executive report as an A4 PDF drawn with pdfkit: the customer's colours, its logo (the
 * PNG variant of the brand's logo, passed in as bytes) or its name as a wordmark, vector charts,
 * a findings table that repeats its
 * header on every page and never splits a row, "Prepared by <MSP>" and "Page N of M" on every
 * page. DejaVu Sans (shipped by the dejavu-fonts-ttf package) is embedded so any name renders.
 */

export interface PdfOptions {
  /** Leave the content streams uncompressed (tests read the text and colour operators). */
  compress?: boolean;
  /** The PNG variant of the brand's logo (`logos.raster`); without it the customer's name is drawn. */
  logo?: Uint8Array | null;
}

const MARGIN = 48;
const FOOTER = 36;
const severityLabel: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const kindLabel: Record<string, string> = { domain: 'Domains', subdomain: 'Subdomains', ip_address: 'IP addresses', web_app_url: 'Web apps', api_base_url: 'APIs' };

type Doc = PDFKit.PDFDocument;

/** pdfkit's line breaker (a named export since 0.20; not in its typings). */
interface LineWrapper {
  on(event: 'line', listener: (line: string) => void): void;
  wrap(text: string, options: object): void;
}
const LineWrapper = (pdfkit as unknown as { LineWrapper: new (doc: Doc, options: object) => LineWrapper }).LineWrapper;

/** An image pdfkit has opened once, so every page's header refers to the same XObject. */
type PdfImage = { width: number; height: number };
const logos = new WeakMap<Doc, PdfImage>();

/** Opens the logo for `doc`; an image pdfkit cannot read leaves the wordmark. */
function openLogo(doc: Doc, bytes: Uint8Array): void {
  try {
    const image = (doc as unknown as { openImage(src: Buffer): PdfImage }).openImage(Buffer.from(bytes));
    logos.set(doc, image);
  } catch {
    logos.delete(doc);
  }
}

function severityColour(r: ExecutiveReport, s: Severity): string {
  const b = r.brand;
  return { critical: b.colorDanger, high: b.colorWarning, medium: b.colorAccent, low: b.colorPrimary, info: b.colorMuted }[s];
}

// One formatter each for the process: `toLocaleDateString` builds a new one on every call.
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const weekFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

function fmtDay(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

/**
 * A line already broken to fit its column, drawn without pdfkit's line wrapper (which costs
 * about as much as drawing the text): the same glyphs at the same place as
 * `text(s, x, y, { width })`. Every other single-line text goes through `fitLine`.
 */
function wrappedLine(doc: Doc, s: string, x: number, y: number): void {
  doc.text(s, x, y, { lineBreak: false });
}

/**
 * The lines `text(s, x, y, { width })` would draw in the current font, from pdfkit's own line
 * breaking, so a cell can be measured and drawn from one layout. No height limit: the caller has
 * made room, as `heightOfString` assumes.
 */
function wrapLines(doc: Doc, s: string, width: number): string[] {
  const lines: string[] = [];
  const options = { width, height: Infinity, columns: 0, columnGap: 18 };
  const wrapper = new LineWrapper(doc, options);
  wrapper.on('line', (line) => lines.push(line));
  wrapper.wrap(s, options);
  return lines;
}

function header(doc: Doc, r: ExecutiveReport): void {
  const b = r.brand;
  const width = doc.page.width - 2 * MARGIN;
  const logo = logos.get(doc);
  const period = `${fmtDay(r.period.from)} – ${fmtDay(r.period.to)}`;
  // The period keeps its place on the right; the name (the wordmark) has the rest of the line
  // and is cut with an ellipsis rather than wrapped over the rule below. The body repeats the
  // name in full, wrapped.
  const periodWidth = Math.min(width / 3, doc.font('regular').fontSize(9).widthOfString(period));
  if (logo) doc.image(logo as unknown as Buffer, MARGIN, MARGIN, { fit: [160, 40] });
  else fitLine(doc.fillColor(b.colorPrimary), r.customer.name, MARGIN, MARGIN, width - periodWidth - 24, { font: 'bold', size: 20, minSize: 16 });
  fitLine(doc.fillColor(b.colorMuted), period, MARGIN + width - periodWidth, MARGIN + 6, periodWidth, { font: 'regular', size: 9, minSize: 7, align: 'right' });
  doc.rect(MARGIN, MARGIN + 46, width, 3).fill(b.colorPrimary);
  doc.y = MARGIN + 60;
}

function title(doc: Doc, r: ExecutiveReport, text: string): void {
  doc.font('bold').fontSize(13).fillColor(r.brand.colorText).text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.4);
}

/** Starts a new page when fewer than `needed` points are left above the footer. */
function ensure(doc: Doc, r: ExecutiveReport, needed: number): void {
  if (doc.y + needed > doc.page.height - MARGIN - FOOTER) {
    doc.addPage();
    header(doc, r);
  }
}

function kpis(doc: Doc, r: ExecutiveReport): void {
  const b = r.brand;
  const width = doc.page.width - 2 * MARGIN;
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
  const gap = 10;
  const w = (width - gap * (cards.length - 1)) / cards.length;
  const y = doc.y;
  cards.forEach((card, i) => {
    const x = MARGIN + i * (w + gap);
    doc.roundedRect(x, y, w, 64, 4).fill(b.colorSurface);
    doc.rect(x, y, 3, 64).fill(b.colorPrimary);
    fitLine(doc.fillColor(b.colorMuted), card.label, x + 10, y + 8, w - 16, { font: 'regular', size: 8, minSize: 7 });
    fitLine(doc.fillColor(b.colorText), card.value, x + 10, y + 21, w - 16, { font: 'bold', size: 18, minSize: 10 });
    fitLine(doc.fillColor(b.colorMuted), card.note, x + 10, y + 46, w - 16, { font: 'regular', size: 7.5, minSize: 6.5 });
  });
  doc.y = y + 80;
}

/** Axis frame with horizontal grid lines from 0 to `max`; returns a y-mapper. */
function axes(doc: Doc, r: ExecutiveReport, x: number, y: number, w: number, h: number, max: number, steps: number): (v: number) => number {
  const b = r.brand;
  doc.lineWidth(0.5);
  for (let i = 0; i <= steps; i++) {
    const v = (max * i) / steps;
    const gy = y + h - (h * i) / steps;
    doc.moveTo(x, gy).lineTo(x + w, gy).strokeColor(b.colorBorder).stroke();
    fitLine(doc.fillColor(b.colorMuted), String(Math.round(v)), x - 28, gy - 4, 24, { font: 'regular', size: 7, minSize: 5, align: 'right' });
  }
  return (v: number) => y + h - (h * v) / (max || 1);
}

function postureChart(doc: Doc, r: ExecutiveReport, x: number, y: number, w: number, h: number): void {
  const b = r.brand;
  const yOf = axes(doc, r, x, y, w, h, 100, 4);
  const pts = r.posture.series;
  if (pts.length === 0) {
    // Between two grid lines, not across one.
    fitLine(doc.fillColor(b.colorMuted), 'No posture snapshots in the period.', x, y + (3 * h) / 8 - 5, w, { font: 'regular', size: 9, minSize: 7, align: 'center' });
    return;
  }
  const from = Date.parse(`${r.period.from}T00:00:00Z`);
  const span = Math.max(1, Date.parse(`${r.period.to}T00:00:00Z`) - from);
  const xOf = (day: string) => x + (w * (Date.parse(`${day}T00:00:00Z`) - from)) / span;
  doc.lineWidth(2).lineJoin('round');
  pts.forEach((p, i) => (i === 0 ? doc.moveTo(xOf(p.day), yOf(p.score)) : doc.lineTo(xOf(p.day), yOf(p.score))));
  doc.strokeColor(b.colorPrimary).stroke();
  const last = pts[pts.length - 1]!;
  doc.circle(xOf(last.day), yOf(last.score), 3).fill(b.colorPrimary);
  doc.fillColor(b.colorMuted);
  fitLine(doc, fmtDay(r.period.from), x, y + h + 4, w / 2 - 4, { font: 'regular', size: 7, minSize: 6 });
  fitLine(doc, fmtDay(r.period.to), x + w / 2 + 4, y + h + 4, w / 2 - 4, { font: 'regular', size: 7, minSize: 6, align: 'right' });
}

function severityBars(doc: Doc, r: ExecutiveReport, x: number, y: number, w: number, h: number): void {
  const b = r.brand;
  const rows = Object.entries(r.findingsBySeverity) as [Severity, number][];
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const rowH = h / rows.length;
  const labelW = 52;
  // The counts' column is as wide as the widest count (at least 30), so a large count narrows
  // the bars instead of wrapping.
  doc.font('bold').fontSize(8);
  const valueW = Math.min(w / 3, Math.max(30, ...rows.map(([, n]) => doc.widthOfString(String(n)))));
  const barW = w - labelW - valueW - 4;
  rows.forEach(([s, n], i) => {
    const ry = y + i * rowH;
    fitLine(doc.fillColor(b.colorText), severityLabel[s], x, ry + rowH / 2 - 5, labelW - 4, { font: 'regular', size: 8, minSize: 6.5 });
    const bw = (barW * n) / max;
    doc.rect(x + labelW, ry + 3, barW, rowH - 6).fill(b.colorSurface);
    if (n > 0) doc.rect(x + labelW, ry + 3, Math.max(1.5, bw), rowH - 6).fill(severityColour(r, s));
    fitLine(doc.fillColor(b.colorText), String(n), x + w - valueW, ry + rowH / 2 - 5, valueW, { font: 'bold', size: 8, minSize: 6, align: 'right' });
  });
}

function scanBars(doc: Doc, r: ExecutiveReport, x: number, y: number, w: number, h: number): void {
  const b = r.brand;
  const weeks = r.scanActivity;
  const max = Math.max(4, ...weeks.map((wk) => wk.scans));
  const steps = 4;
  const top = Math.ceil(max / steps) * steps;
  const yOf = axes(doc, r, x, y, w, h, top, steps);
  const slot = w / Math.max(1, weeks.length);
  // A long period has more weeks than dates fit under the axis: then every `every`-th week is
  // labelled, the date starting under its bar, in a box as wide as the weeks up to the next label.
  const labels = weeks.map((wk) => weekFormat.format(new Date(`${wk.weekStart}T00:00:00Z`)));
  doc.font('regular').fontSize(6.5);
  const every = Math.max(1, Math.ceil((Math.max(0, ...labels.map((l) => doc.widthOfString(l))) + 4) / slot));
  weeks.forEach((wk, i) => {
    const bx = x + i * slot + slot * 0.2;
    const bw = slot * 0.6;
    if (wk.scans > 0) doc.rect(bx, yOf(wk.scans), bw, y + h - yOf(wk.scans)).fill(b.colorPrimary);
    if (wk.failed > 0) doc.rect(bx, yOf(wk.failed), bw, y + h - yOf(wk.failed)).fill(b.colorDanger);
    if (every === 1) fitLine(doc.fillColor(b.colorMuted), labels[i]!, x + i * slot, y + h + 4, slot, { font: 'regular', size: 6.5, minSize: 5.5, align: 'center' });
    else if (i % every === 0 && i + every <= weeks.length) {
      fitLine(doc.fillColor(b.colorMuted), labels[i]!, x + i * slot, y + h + 4, every * slot - 2, { font: 'regular', size: 6.5, minSize: 5.5 });
    }
  });
}

function coverageTable(doc: Doc, r: ExecutiveReport, x: number, y: number, w: number): void {
  const b = r.brand;
  const cols = [w * 0.3, w * 0.2, w * 0.22, w * 0.28];
  const heads = ['Kind', 'Assets', 'Scanned', 'Not scanned'];
  const row = (cells: string[], ry: number, bold: boolean) => {
    let cx = x;
    cells.forEach((c, i) => {
      fitLine(doc.fillColor(b.colorText), c, cx + 4, ry + 4, cols[i]! - 8, { font: bold ? 'bold' : 'regular', size: 8, minSize: 6.5, align: i === 0 ? 'left' : 'right' });
      cx += cols[i]!;
    });
  };
  doc.rect(x, y, w, 16).fill(b.colorSurface);
  row(heads, y, true);
  let ry = y + 16;
  for (const c of r.assetCoverage) {
    row([kindLabel[c.kind] ?? c.kind, String(c.total), String(c.scanned), String(c.notScanned)], ry, false);
    doc.moveTo(x, ry + 16).lineTo(x + w, ry + 16).lineWidth(0.5).strokeColor(b.colorBorder).stroke();
    ry += 16;
  }
  doc.y = ry;
}

/** Finding and Asset may wrap; Severity (a short label) and Age (a number) always fit on one line. */
const findingCols = [
  { head: 'Severity', width: 0.12, wraps: false },
  { head: 'Finding', width: 0.4, wraps: true },
  { head: 'Asset', width: 0.32, wraps: true },
  { head: 'Age (days)', width: 0.16, right: true, wraps: false },
];

function findingsHeader(doc: Doc, r: ExecutiveReport, w: number): void {
  const y = doc.y;
  doc.rect(MARGIN, y, w, 18).fill(r.brand.colorPrimary);
  let x = MARGIN;
  doc.fillColor('#ffffff');
  for (const c of findingCols) {
    fitLine(doc, c.head, x + 5, y + 5, c.width * w - 10, { font: 'bold', size: 8, minSize: 6.5, align: c.right ? 'right' : 'left' });
    x += c.width * w;
  }
  doc.y = y + 18;
}

function findingsTable(doc: Doc, r: ExecutiveReport): void {
  const b = r.brand;
  const w = doc.page.width - 2 * MARGIN;
  if (r.topRisks.length === 0) {
    doc.font('regular').fontSize(9).fillColor(b.colorMuted).text('No open findings at the end of the period.', MARGIN, doc.y);
    return;
  }
  ensure(doc, r, 18 + 24);
  findingsHeader(doc, r, w);
  // A row is as tall as its tallest cell. Laying text out is most of the table's cost, so a
  // wrapping cell is broken into lines once and drawn from them, a text already broken in its
  // column (finding titles repeat: the same check fails on many assets) is not broken again, and
  // the one-line cells are not measured at all.
  doc.font('regular').fontSize(8);
  const lineHeight = doc.currentLineHeight(true);
  const broken = findingCols.map(() => new Map<string, string[]>());
  const lines = (text: string, j: number): string[] => {
    if (!findingCols[j]!.wraps) return [text];
    let out = broken[j]!.get(text);
    if (!out) {
      doc.font('regular').fontSize(8);
      out = wrapLines(doc, text, findingCols[j]!.width * w - 10);
      broken[j]!.set(text, out);
    }
    return out;
  };
  r.topRisks.forEach((f, i) => {
    const cells = [severityLabel[f.severity], f.title, f.asset, String(f.ageDays)].map((c, j) => lines(c, j));
    const h = Math.max(...cells.map((c) => c.length)) * lineHeight + 10;
    if (doc.y + h > doc.page.height - MARGIN - FOOTER) {
      doc.addPage();
      header(doc, r);
      findingsHeader(doc, r, w);
    }
    const y = doc.y;
    if (i % 2 === 1) doc.rect(MARGIN, y, w, h).fill(b.colorSurface);
    let x = MARGIN;
    cells.forEach((c, j) => {
      const col = findingCols[j]!;
      if (j === 0) doc.rect(x + 5, y + 6, 5, 5).fill(severityColour(r, f.severity));
      doc.fillColor(b.colorText);
      const cx = x + 5 + (j === 0 ? 9 : 0);
      const cw = col.width * w - 10 - (j === 0 ? 9 : 0);
      if (col.wraps) {
        // Line by line, as pdfkit's `text` draws wrapped lines.
        doc.font('regular').fontSize(8);
        let ly = y + 5;
        for (const line of c) {
          wrappedLine(doc, line, cx, ly);
          ly += lineHeight;
        }
      } else {
        fitLine(doc, c[0]!, cx, y + 5, cw, { font: j === 0 ? 'bold' : 'regular', size: 8, minSize: 6.5, align: col.right ? 'right' : 'left' });
      }
      x += col.width * w;
    });
    doc.y = y + h;
  });
}

function footers(doc: Doc, r: ExecutiveReport): void {
  const range = doc.bufferedPageRange();
  const w = doc.page.width - 2 * MARGIN;
  const attribution = r.preparedBy ? `Prepared by ${r.preparedBy} for ${r.customer.name}` : `Prepared for ${r.customer.name}`;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - MARGIN - 12;
    // Writing below the bottom margin would add a page: lift the margin while the footer is drawn.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.moveTo(MARGIN, y - 6).lineTo(MARGIN + w, y - 6).lineWidth(0.5).strokeColor(r.brand.colorBorder).stroke();
    doc.fillColor(r.brand.colorMuted);
    const page = fitLine(doc, `Page ${i + 1} of ${range.count}`, MARGIN + w * 0.7, y, w * 0.3, { font: 'regular', size: 8, minSize: 7, align: 'right' });
    fitLine(doc, attribution, MARGIN, y, w - page.width - 16, { font: 'regular', size: 8, minSize: 7 });
    doc.page.margins.bottom = bottom;
  }
}

/** Draws the report; the returned stream yields the PDF's bytes as pdfkit writes them. */
export function executiveReportPdf(r: ExecutiveReport, options: PdfOptions = {}): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    compress: options.compress ?? true,
    info: { Title: `Executive report — ${r.customer.name}`, Author: r.preparedBy ?? r.customer.name, Subject: `${r.period.from} to ${r.period.to}` },
  });
  registerReportFonts(doc);
  const out = new PassThrough();
  doc.pipe(out);
  if (options.logo) openLogo(doc, options.logo);

  const b = r.brand;
  const w = doc.page.width - 2 * MARGIN;
  header(doc, r);
  doc.font('bold').fontSize(18).fillColor(b.colorText).text('Executive security report', MARGIN, doc.y);
  // The customer's name in full (the header may have cut it): wraps, and what follows moves down.
  doc.font('regular').fontSize(10).fillColor(b.colorMuted).text(`${r.customer.name} · ${fmtDay(r.period.from)} to ${fmtDay(r.period.to)}`, { width: w });
  doc.moveDown(0.8);
  kpis(doc, r);

  const half = (w - 24) / 2;
  const chartH = 110;
  ensure(doc, r, chartH + 50);
  let y = doc.y;
  doc.fillColor(b.colorText);
  fitLine(doc, 'Posture trend', MARGIN, y, half, { font: 'bold', size: 11, minSize: 9 });
  fitLine(doc, 'Open findings by severity', MARGIN + half + 24, y, half, { font: 'bold', size: 11, minSize: 9 });
  y += 22;
  postureChart(doc, r, MARGIN + 28, y, half - 28, chartH);
  severityBars(doc, r, MARGIN + half + 24, y, half, chartH);
  doc.y = y + chartH + 28;

  ensure(doc, r, chartH + 50);
  y = doc.y;
  doc.fillColor(b.colorText);
  fitLine(doc, 'Scans per week', MARGIN, y, half, { font: 'bold', size: 11, minSize: 9 });
  fitLine(doc, 'Asset coverage', MARGIN + half + 24, y, half, { font: 'bold', size: 11, minSize: 9 });
  y += 22;
  scanBars(doc, r, MARGIN + 28, y, half - 28, chartH);
  coverageTable(doc, r, MARGIN + half + 24, y, half);
  doc.y = y + chartH + 28;

  ensure(doc, r, 80);
  title(doc, r, 'Top risks');
  doc.font('regular').fontSize(8.5).fillColor(b.colorMuted).text('Findings open at the end of the period, most severe first, then oldest first.', MARGIN, doc.y, { width: w });
  doc.moveDown(0.6);
  findingsTable(doc, r);

  footers(doc, r);
  doc.end();
  return out;
}
