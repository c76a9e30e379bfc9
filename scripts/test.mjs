// `npm test`: every test suite. Database suites run on embedded PGlite, and also on the
// PostgreSQL server named by DATABASE_URL when it is set. Browser suites use the Chromium
// that find-chromium.mjs finds (or installs, or explains how to install).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findChromium } from './find-chromium.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function testFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'bench') out.push(...testFiles(full));
    } else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

let chrome;
try {
  chrome = findChromium();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const only = process.argv.slice(2);
const files = only.length ? only : testFiles(path.join(root, 'test'));
console.log(`Chromium: ${chrome}`);
console.log(`Databases: PGlite${process.env.DATABASE_URL ? ' + PostgreSQL (DATABASE_URL)' : ' (set DATABASE_URL to also run on PostgreSQL)'}`);

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=2', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CHROME_PATH: chrome } },
);
process.exit(result.status ?? 1);
