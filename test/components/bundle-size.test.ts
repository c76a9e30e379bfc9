import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIMIT_BYTES = 35 * 1024;
let outDir: string;

/**
 * Every file an entry loads, statically or lazily (the virtualizer's layout is a lazy chunk); with
 * `{ lazy: false }` only what loads with the entry itself (`import("…")` is not followed).
 */
function closure(entry: string, { lazy = true } = {}): string[] {
  const seen = new Set<string>();
  const imports = lazy ? /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g : /(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g;
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(file, 'utf8');
    for (const m of code.matchAll(imports)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  visit(path.join(outDir, entry));
  return [...seen];
}

/** A message only chart.js itself contains (its date adapter stub). */
const CHART_JS_MARKER = 'Check that a complete date adapter is provided';
const codeOf = (files: string[]) => files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');

const gzipSize = (files: string[]) => files.reduce((sum, f) => sum + gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);

describe('widget bundle', () => {
  before(async () => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bundle-'));
    await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true, sourcemap: false } });
  });
  after(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('keeps the fleet-table entry, Lit and the virtualizer included, under 35 KB gzip', () => {
    const files = closure('msp-fleet-table.js');
    const size = gzipSize(files);
    console.log(`msp-fleet-table: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= LIMIT_BYTES, `msp-fleet-table is ${(size / 1024).toFixed(1)} KB gzip, over the 35 KB budget`);
  });

  it('keeps chart code out of the core entry', () => {
    const code = closure('msp-provider.js').map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.ok(code.includes('msp-provider'), 'the provider entry registers <msp-provider>');
    assert.ok(!code.includes('polyline'), 'no sparkline/chart code in the provider entry');
    assert.ok(!code.includes('msp-fleet-table'), 'the fleet table is not pulled into the provider entry');
  });

  it('keeps the customer-detail entry under 32 KB gzip, with chart.js only behind a dynamic import', () => {
    const initial = closure('msp-customer-detail.js', { lazy: false });
    const size = gzipSize(initial);
    console.log(`msp-customer-detail: ${(size / 1024).toFixed(1)} KB gzip over ${initial.length} files (charts load later)`);
    assert.ok(size <= 32 * 1024, `msp-customer-detail is ${(size / 1024).toFixed(1)} KB gzip, over the 32 KB budget`);
    assert.ok(!codeOf(initial).includes(CHART_JS_MARKER), 'chart.js is not in the initial closure of msp-customer-detail');
    const lazy = closure('msp-customer-detail.js').filter((f) => !initial.includes(f));
    assert.ok(codeOf(lazy).includes(CHART_JS_MARKER), 'chart.js is reachable through the dynamic import');
    assert.ok(!codeOf(initial).includes('msp-ip-distribution-change'), 'the IP distribution loads with the Licences tab, not with the entry');
    assert.ok(codeOf(lazy).includes('msp-ip-distribution-change'), 'the IP distribution is reachable through its dynamic import');
  });

  it('keeps the license-meter entry under 16 KB gzip and free of chart code', () => {
    const files = closure('msp-license-meter.js');
    const size = gzipSize(files);
    console.log(`msp-license-meter: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= 16 * 1024, `msp-license-meter is ${(size / 1024).toFixed(1)} KB gzip, over the 16 KB budget`);
    assert.ok(!codeOf(files).includes(CHART_JS_MARKER), 'no chart.js in the meter');
  });

  it('keeps the customer-create entry under 22 KB gzip (the country names come from Intl, not a table)', () => {
    const files = closure('msp-customer-create.js');
    const size = gzipSize(files);
    console.log(`msp-customer-create: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= 22 * 1024, `msp-customer-create is ${(size / 1024).toFixed(1)} KB gzip, over the 22 KB budget`);
    assert.ok(!codeOf(files).includes(CHART_JS_MARKER), 'no chart.js in the wizard');
  });

  it('keeps the customer-tabs entry under 16 KB gzip, without the detail element it shows (a page loads that entry itself)', () => {
    const files = closure('msp-customer-tabs.js');
    const size = gzipSize(files);
    console.log(`msp-customer-tabs: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= 16 * 1024, `msp-customer-tabs is ${(size / 1024).toFixed(1)} KB gzip, over the 16 KB budget`);
    assert.ok(!codeOf(files).includes('Users & contacts'), "the detail element's code is not pulled in");
  });

  it('keeps the ip-distribution entry under 20 KB gzip, its pricing engine included and free of chart code', () => {
    const files = closure('msp-ip-distribution.js');
    const size = gzipSize(files);
    console.log(`msp-ip-distribution: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= 20 * 1024, `msp-ip-distribution is ${(size / 1024).toFixed(1)} KB gzip, over the 20 KB budget`);
    assert.ok(!codeOf(files).includes(CHART_JS_MARKER), 'no chart.js in the IP distribution');
  });

  it('keeps the theme-editor entry under 30 KB gzip, its contrast rules included, with the preview\'s licence meter only behind a dynamic import', () => {
    const initial = closure('msp-theme-editor.js', { lazy: false });
    const size = gzipSize(initial);
    console.log(`msp-theme-editor: ${(size / 1024).toFixed(1)} KB gzip over ${initial.length} files (the preview meter loads later)`);
    assert.ok(size <= 30 * 1024, `msp-theme-editor is ${(size / 1024).toFixed(1)} KB gzip, over the 30 KB budget`);
    assert.ok(!codeOf(initial).includes(CHART_JS_MARKER), 'no chart.js in the theme editor');
    assert.ok(!codeOf(initial).includes('Quota reached'), 'the licence meter is not in the initial closure');
    assert.ok(codeOf(closure('msp-theme-editor.js')).includes('Quota reached'), 'the licence meter is reachable through its dynamic import');
  });

  it('keeps the scan-schedules entry under 20 KB gzip, without chart.js', () => {
    const files = closure('msp-scan-schedules.js');
    const size = gzipSize(files);
    console.log(`msp-scan-schedules: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= 20 * 1024, `msp-scan-schedules is ${(size / 1024).toFixed(1)} KB gzip, over the 20 KB budget`);
    assert.ok(!codeOf(files).includes(CHART_JS_MARKER), 'no chart.js in the scan schedules');
  });

  it('keeps the report-viewer entry under 28 KB gzip, with chart.js only behind a dynamic import', () => {
    const initial = closure('msp-report-viewer.js', { lazy: false });
    const size = gzipSize(initial);
    console.log(`msp-report-viewer: ${(size / 1024).toFixed(1)} KB gzip over ${initial.length} files (charts load later)`);
    assert.ok(size <= 28 * 1024, `msp-report-viewer is ${(size / 1024).toFixed(1)} KB gzip, over the 28 KB budget`);
    assert.ok(!codeOf(initial).includes(CHART_JS_MARKER), 'chart.js is not in the initial closure of msp-report-viewer');
    const lazy = closure('msp-report-viewer.js').filter((f) => !initial.includes(f));
    assert.ok(codeOf(lazy).includes(CHART_JS_MARKER), 'chart.js is reachable through the dynamic import');
  });

  it('keeps the finding-search entry under 17 KB gzip and free of chart code', () => {
    const files = closure('msp-finding-search.js');
    const size = gzipSize(files);
    console.log(`msp-finding-search: ${(size / 1024).toFixed(1)} KB gzip over ${files.length} files`);
    assert.ok(size <= 17 * 1024, `msp-finding-search is ${(size / 1024).toFixed(1)} KB gzip, over the 17 KB budget`);
    assert.ok(!codeOf(files).includes(CHART_JS_MARKER), 'no chart.js in the finding search');
  });

  it('keeps the notification-settings entry under 16 KB gzip', () => {
    const initial = closure('msp-notification-settings.js', { lazy: false });
    const size = gzipSize(initial);
    console.log(`msp-notification-settings: ${(size / 1024).toFixed(1)} KB gzip over ${initial.length} files`);
    assert.ok(size <= 16 * 1024, `msp-notification-settings is ${(size / 1024).toFixed(1)} KB gzip, over the 16 KB budget`);
    assert.ok(!codeOf(initial).includes(CHART_JS_MARKER), 'no chart.js in the notification settings');
  });

  it('keeps the usage-report entry under 22 KB gzip, with chart.js only behind a dynamic import', () => {
    const initial = closure('msp-usage-report.js', { lazy: false });
    const size = gzipSize(initial);
    console.log(`msp-usage-report: ${(size / 1024).toFixed(1)} KB gzip over ${initial.length} files (charts load later)`);
    assert.ok(size <= 22 * 1024, `msp-usage-report is ${(size / 1024).toFixed(1)} KB gzip, over the 22 KB budget`);
    assert.ok(!codeOf(initial).includes(CHART_JS_MARKER), 'chart.js is not in the initial closure of msp-usage-report');
    const lazy = closure('msp-usage-report.js').filter((f) => !initial.includes(f));
    assert.ok(codeOf(lazy).includes(CHART_JS_MARKER), 'chart.js is reachable through the dynamic import');
  });

  it('emits one entry per element plus the index', () => {
    const entries = ['index.js', 'msp-provider.js', 'msp-fleet-table.js', 'msp-license-meter.js', 'msp-customer-detail.js', 'msp-customer-create.js', 'msp-customer-tabs.js', 'msp-ip-distribution.js', 'msp-theme-editor.js', 'msp-report-viewer.js', 'msp-finding-search.js', 'msp-notification-settings.js', 'msp-scan-schedules.js'];
    for (const entry of entries) assert.ok(fs.existsSync(path.join(outDir, entry)), entry);
  });
});
