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

/** Every file an entry loads, statically or lazily (the virtualizer's layout is a lazy chunk). */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  visit(path.join(outDir, entry));
  return [...seen];
}

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

  it('emits one entry per element plus the index', () => {
    for (const entry of ['index.js', 'msp-provider.js', 'msp-fleet-table.js']) assert.ok(fs.existsSync(path.join(outDir, entry)), entry);
  });
});
