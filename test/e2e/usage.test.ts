import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { UsageReportJson } from '../../bff/routes/usage.js';
import { demoApi, openDemo, shots, waitFor, type DemoWorld } from '../helpers/demo-server.js';

/**
 * Reports → Usage in the demo portal, in real Chromium against `npm start`: Northwind's admin
 * sees its MSSP billing period, clicks a bar of the scans-by-product chart and gets that product's
 * customers with the figures the API reports, downloads the invoice breakdown and finds in it the
 * invoice preview's total; then switches to its reselling sub-partner and downloads the ACV history.
 */

interface Preview {
  period: { label: string };
  totals: { amountMinor: number; costMinor: number };
  lines: { customerId: string; amountMinor: number }[];
}

async function sheetRows(file: string, name: string): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const sheet = book.getWorksheet(name);
  assert.ok(sheet, `no sheet ${name} in ${book.worksheets.map((s) => s.name).join(', ')}`);
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

const minor = (v: unknown) => Math.round(Number(v) * 100);

describe('usage report in the demo portal', () => {
  let world: DemoWorld | undefined;
  let page: Page;
  let url: string;

  before(async () => {
    world = await openDemo('usage', { SMTP_URL: '', PORTICO_SEED_CUSTOMERS: '24' }, { acceptDownloads: true });
    ({ page, url } = world);
  });

  after(async () => {
    await world?.close();
  });

  const api = <T>(pathname: string) => demoApi<T>(page, pathname).then((r) => {
    assert.equal(r.status, 200, `${pathname}: ${JSON.stringify(r.body)}`);
    return r.body;
  });

  async function download(selector: string): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
    const target = path.join(world!.dataDir, file.suggestedFilename());
    await file.saveAs(target);
    return target;
  }

  test('MSSP: a bar of the chart drills into its customers, and the Excel file holds the invoice preview’s figures', async () => {
    await page.goto(`${url}#/reports/usage`);
    await page.waitForSelector('main[data-state="ready"]');
    const report = page.locator('msp-usage-report');
    await waitFor('the MSSP report', async () => ((await report.locator('h2').textContent())?.trim() === 'Northwind Cyber' ? true : undefined));
    const data = await api<UsageReportJson>('/v1/usage-report');
    assert.equal(data.type, 'mssp');
    const canvas = report.locator('canvas[data-chart="products"]');
    await waitFor('the chart drawn', async () => ((await canvas.getAttribute('height')) ? true : undefined));
    await page.waitForTimeout(400); // the bars grow in for 250 ms
    await page.screenshot({ path: path.join(shots, 'usage-mssp.png'), fullPage: true });

    // Click the middle of the first product's column: one of that product's bars.
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.14, box.y + box.height * 0.7);
    const drill = report.locator('[data-drill]');
    await drill.waitFor();
    const [product, label] = (await drill.getAttribute('data-drill'))!.split('|') as [keyof UsageReportJson['periods'][number]['scans'], string];
    assert.equal(product, data.products[0]!.product, 'the clicked column is the first product');
    const index = data.periods.findIndex((p) => p.label === label);
    assert.ok(index >= data.periods.length - 3, `the drill is for one of the compared periods, got ${label}`);
    const expected = data.customers
      .filter((c) => c.scans[product][index]! > 0)
      .sort((a, b) => b.scans[product][index]! - a.scans[product][index]! || a.name.localeCompare(b.name));
    const rows = await drill.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute('data-customer'), cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim()) })));
    assert.deepEqual(rows.map((r) => r.id), expected.map((c) => c.id));
    assert.deepEqual(rows.map((r) => Number(r.cells[0])), expected.map((c) => c.scans[product][index]));
    await page.screenshot({ path: path.join(shots, 'usage-drill.png'), fullPage: true });

    // The workbook: its invoice breakdown totals what the invoice preview bills for the period.
    const file = await download('msp-usage-report [data-download="usage"]');
    assert.equal(path.basename(file), `usage-mssp-${data.period!.label}.xlsx`);
    const preview = await api<Preview>(`/v1/billing/invoice-preview?period=${data.period!.label}`);
    const lines = await sheetRows(file, 'Invoice breakdown');
    const total = lines[lines.length - 1]!;
    assert.equal(total[0], 'Total');
    assert.equal(minor(total[6]), preview.totals.amountMinor);
    assert.equal(minor(total[7]), preview.totals.costMinor);
    assert.equal(lines.length - 2, preview.lines.length, 'one row per invoice line');
    const customers = await sheetRows(file, 'Customers');
    for (const row of customers.slice(1)) {
      const own = preview.lines.filter((l) => l.customerId === row[1]).reduce((a, l) => a + l.amountMinor, 0);
      assert.equal(minor(row[7]), own, `${String(row[0])}: invoiced`);
    }
    await waitFor('the status', async () => ((await report.locator('.status').textContent())?.includes('Downloaded') ? true : undefined));
  });

  test('switching to the reselling sub-partner shows calendar months, ACV over time and its ACV history file', async () => {
    const report = page.locator('msp-usage-report');
    await report.locator('input[name="partnership"][value="reseller"]').check();
    await waitFor('the reseller report', async () => ((await report.locator('h2').textContent())?.trim() === 'Harbor IT Partners' ? true : undefined));
    assert.match(page.url(), /#\/reports\/usage\/reseller$/);
    const data = await api<UsageReportJson>('/v1/usage-report?type=reseller');
    const cards = await report.locator('[data-card] .big').allTextContents();
    assert.equal(cards[0]!.trim(), String(data.summary.customers));
    await waitFor('the charts drawn', async () => ((await report.locator('canvas[data-chart="acv"]').getAttribute('height')) ? true : undefined));
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(shots, 'usage-reseller.png'), fullPage: true });

    const file = await download('msp-usage-report [data-download="acv-history"]');
    const rows = await sheetRows(file, 'ACV history');
    assert.deepEqual(rows.slice(1, -1).map((r) => r[1]), data.customers.map((c) => c.id));
    assert.deepEqual(rows[rows.length - 1]!.slice(3).map(minor), data.periods.map((p) => p.acvMinor));
    assert.ok(data.summary.acvMinor > 0, 'the sub-partner has ACV to show');
    assert.ok(fs.existsSync(file));
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
  });
});
