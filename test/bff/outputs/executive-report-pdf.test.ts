import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import PDFDocument from 'pdfkit';
import { fitText } from '../../../bff/outputs/pdf/fit.js';
import { executiveReportPdf } from '../../../bff/outputs/pdf/executive-report.js';
import { registerReportFonts } from '../../../bff/outputs/pdf/fonts.js';
import type { ExecutiveReport } from '../../../bff/outputs/report-data.js';
import { benchmarkReport } from '../../bench/executive-report-fixture.js';
import { readPdf, type PdfPage, type PdfTextRun } from '../../helpers/pdf.js';

/**
 * Single-line texts of the executive report PDF stay on one line inside their boxes: a long
 * customer or seller name is cut with "…" in the running header and footer (and given in full in
 * the body), a large figure shrinks within its card, and no two texts on a page overlap. pdfkit
 * wraps any text given a width, so a fault shows up here as a text broken into several runs or
 * as runs drawn over each other, without rendering the pages.
 */

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const LATIN = 'Aktiengesellschaft für Hochsicherheits-Infrastruktur und Rechenzentrumsdienste Nordwest KG';
const GREEK_CYRILLIC = 'Ελληνική Εταιρεία Κυβερνοασφάλειας και Υποδομών — Московская Служба Информационной Защиты';
const PAGE_WIDTH = 595.28;
const MARGIN = 48;
/** DejaVu Sans's ascent and descent, as fractions of the font size. */
const ASCENT = 0.928;
const DESCENT = 0.236;

const measurer = new PDFDocument({ size: 'A4' });
registerReportFonts(measurer);
const widthOf = (run: PdfTextRun) => measurer.font(run.font === 'DejaVuSans-Bold' ? 'bold' : 'regular').fontSize(run.size).widthOfString(run.text);

async function render(report: ExecutiveReport, logo: Uint8Array | null = null): Promise<PdfPage[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of executiveReportPdf(report, { compress: false, logo })) chunks.push(chunk as Buffer);
  return readPdf(Buffer.concat(chunks));
}

const text = (page: PdfPage) => page.lines.join(' ').replace(/\s+/g, ' ');
const run = (page: PdfPage, predicate: (r: PdfTextRun) => boolean, what: string) => {
  const found = page.runs.filter(predicate);
  assert.equal(found.length, 1, `one run for ${what}: ${JSON.stringify(found.map((r) => r.text))}`);
  return found[0]!;
};

/** Fails when two texts on a page cover the same place (their glyph boxes overlap by more than half a point). */
function assertNoOverlap(pages: PdfPage[], label: string): void {
  pages.forEach((page, p) => {
    const boxes = page.runs.map((r) => ({ r, x0: r.x, x1: r.x + widthOf(r), y0: r.y - DESCENT * r.size, y1: r.y + ASCENT * r.size }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const dx = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const dy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        assert.ok(dx <= 0.5 || dy <= 0.5, `${label}, page ${p + 1}: "${a.r.text}" overlaps "${b.r.text}"`);
      }
      assert.ok(boxes[i]!.x0 >= MARGIN - 0.01 && boxes[i]!.x1 <= PAGE_WIDTH - MARGIN + 0.01, `${label}, page ${p + 1}: "${boxes[i]!.r.text}" inside the margins`);
    }
  });
}

function withCustomer(name: string, risks = 37): ExecutiveReport {
  const r = benchmarkReport(risks);
  r.customer.name = name;
  return r;
}

describe('executive report PDF: single-line texts', () => {
  for (const name of [LATIN, GREEK_CYRILLIC]) {
    test(`a long customer name (${name.slice(0, 10)}…) is cut in the header and the footer, whole in the body`, async () => {
      const pages = await render(withCustomer(name));
      assert.equal(pages.length, 3);
      pages.forEach((page, i) => {
        const [mark, period] = page.runs;
        assert.ok(mark!.text.endsWith('…'), `the wordmark ends with an ellipsis on page ${i + 1}: ${mark!.text}`);
        assert.ok(name.startsWith(mark!.text.slice(0, -1)), 'the start of the name');
        assert.ok(mark!.size >= 16 && mark!.size <= 20, 'shrunk at most to 16 pt');
        assert.equal(period!.text, '1 Oct 2026 – 30 Oct 2026', 'the wordmark is one run: the period follows it');
        assert.ok(mark!.x + widthOf(mark!) < period!.x, 'the wordmark ends before the period');
        if (i === 0) assert.equal(page.runs[2]!.text, 'Executive security report');

        const attribution = run(page, (r) => r.text.startsWith('Prepared by'), 'the attribution');
        const number = run(page, (r) => r.text === `Page ${i + 1} of 3`, 'the page number');
        assert.ok(attribution.text.endsWith('…'));
        assert.equal(attribution.y, number.y, 'one line');
        assert.ok(attribution.x + widthOf(attribution) < number.x, 'the attribution ends before the page number');
      });
      assert.ok(text(pages[0]!).includes(`${name} · 1 Oct 2026 to 30 Oct 2026`), 'the name in full in the body');
      assertNoOverlap(pages, name);
    });
  }

  test('with a logo the header draws no name; the body still gives it in full', async () => {
    const pages = await render(withCustomer(LATIN), PNG_1x1);
    assert.equal(pages[0]!.runs[0]!.text, '1 Oct 2026 – 30 Oct 2026');
    assert.equal(pages[0]!.runs[1]!.text, 'Executive security report');
    assert.ok(text(pages[0]!).includes(LATIN));
    assertNoOverlap(pages, 'with a logo');
  });

  test('a long seller name is cut in the footer on one line', async () => {
    const r = benchmarkReport(37);
    r.preparedBy = 'Межрегиональная Служба Управляемой Безопасности и Мониторинга Угроз — Contoso Managed Security Services International';
    const pages = await render(r);
    for (const page of pages) {
      const attribution = run(page, (x) => x.text.startsWith('Prepared by Межрегиональная'), 'the attribution');
      assert.ok(attribution.text.endsWith('…'));
    }
    assertNoOverlap(pages, 'long seller');
  });

  test('a figure too wide for its card shrinks on the card value\'s line; large counts stay whole', async () => {
    const r = benchmarkReport(37);
    r.assetCoverage[0] = { kind: 'domain', total: 20000, scanned: 12345, notScanned: 7655 };
    r.findingsBySeverity = { critical: 12345, high: 234567, medium: 1234567, low: 99999, info: 88888 };
    r.scanActivity = r.scanActivity.map((w) => ({ ...w, scans: w.scans * 1234 }));
    r.topRisks = r.topRisks.map((f) => ({ ...f, ageDays: f.ageDays * 1000 }));
    const [first] = await render(r);
    const lines = first!.lines;
    const scanned = r.assetCoverage.reduce((a, c) => a + c.scanned, 0);
    const assets = r.assetCoverage.reduce((a, c) => a + c.total, 0);
    const at = lines.indexOf('Assets scanned');
    assert.deepEqual(lines.slice(at, at + 3), ['Assets scanned', `${scanned} of ${assets}`, 'during the period'], 'the value is one run');
    const value = first!.runs[at + 1]!;
    const score = first!.runs[lines.indexOf('Posture score') + 1]!;
    assert.ok(value.size < 18 && value.size >= 10, `shrunk: ${value.size} pt`);
    assert.equal(value.y, score.y, 'on the same baseline as the other cards\' values');
    const card = (PAGE_WIDTH - 2 * MARGIN - 30) / 4;
    assert.ok(widthOf(value) <= card - 16, 'inside its card');
    for (const [label, n] of [['Critical', 12345], ['Medium', 1234567]] as const) assert.equal(lines[lines.indexOf(label) + 1], String(n), `${label} count whole`);
    assert.equal(lines[lines.indexOf('Open findings') + 2], '12345 critical, 234567 high');
    assertNoOverlap([first!], 'large numbers');
  });

  test('the benchmark report (ten pages) and an empty report have no text over another', async () => {
    const ten = await render(benchmarkReport(200));
    assert.equal(ten.length, 10);
    const at = ten[0]!.lines.indexOf('Assets scanned');
    assert.deepEqual(ten[0]!.lines.slice(at, at + 3), ['Assets scanned', '120 of 140', 'during the period']);
    assertNoOverlap(ten, 'benchmark report');

    const empty = benchmarkReport(0);
    empty.preparedBy = null;
    empty.posture = { score: null, trend: null, series: [] };
    empty.assetCoverage = [];
    empty.scanActivity = [];
    const pages = await render(empty);
    assert.equal(pages.length, 1);
    assert.ok(pages[0]!.lines.includes('No posture snapshots in the period.'));
    assertNoOverlap(pages, 'empty report');
  });

  test('a year of weekly scans labels only as many weeks as fit under the axis', async () => {
    const r = benchmarkReport(5);
    r.period = { from: '2025-10-31', to: '2026-10-30' };
    r.scanActivity = Array.from({ length: 53 }, (_, i) => ({ weekStart: new Date(Date.UTC(2025, 9, 27 + 7 * i)).toISOString().slice(0, 10), scans: 5 + (i % 9), completed: 5, failed: i % 3 }));
    const pages = await render(r);
    const weeks = pages[0]!.runs.filter((x) => x.size <= 6.5 && /^\d+ \w+$/.test(x.text));
    assert.ok(weeks.length >= 4 && weeks.length < 53, `${weeks.length} week labels`);
    assertNoOverlap(pages, 'a year');
  });
});

describe('executive report PDF: text extraction', () => {
  test('a character an earlier report drew only as part of another glyph reads back in a later one', async () => {
    // DejaVu Sans builds "ы" from "ь": subsetting the first report's font creates the "ь" glyph
    // without its character, and the fonts are shared by every report of the process.
    await render(withCustomer('Защиты Ы', 1));
    const name = 'Мальчь Ь';
    const [first] = await render(withCustomer(name, 1));
    assert.equal(first!.lines[0], name);
  });
});

describe('fitText', () => {
  const doc = new PDFDocument({ size: 'A4' });
  registerReportFonts(doc);

  test('keeps text that fits, shrinks it in half points down to minSize, then cuts it with an ellipsis', () => {
    assert.deepEqual(fitText(doc, '120', 100, { font: 'bold', size: 18 }).text, '120');
    const shrunk = fitText(doc, '120 of 140', 100, { font: 'bold', size: 18, minSize: 10 });
    assert.equal(shrunk.text, '120 of 140');
    assert.ok(shrunk.size < 18 && shrunk.size >= 10 && shrunk.size * 2 === Math.round(shrunk.size * 2));
    assert.ok(shrunk.width <= 100);
    const cut = fitText(doc, LATIN, 200, { font: 'bold', size: 20, minSize: 16 });
    assert.equal(cut.size, 16);
    assert.ok(cut.text.endsWith('…') && cut.width <= 200);
    assert.ok(doc.font('bold').fontSize(16).widthOfString(`${LATIN.slice(0, cut.text.length)}…`) > 200 || LATIN[cut.text.length - 1] === ' ', 'as much of the name as fits');
    assert.equal(fitText(doc, 'abc', 0, { font: 'regular', size: 8 }).text, '');
  });

  test('cuts between graphemes, and turns line breaks into spaces', () => {
    const name = 'Cafe\u0301 '.repeat(20);
    for (let width = 20; width < 120; width += 7) {
      const fitted = fitText(doc, name, width, { font: 'regular', size: 9 });
      assert.ok(fitted.width <= width);
      assert.ok(!/e…$/.test(fitted.text), `never an e without its accent: ${fitted.text}`);
    }
    assert.equal(fitText(doc, 'A\nB', 100, { font: 'regular', size: 9 }).text, 'A B');
  });
});
