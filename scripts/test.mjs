// `npm test`: every test suite. Database suites run on embedded PGlite, and also on the
// PostgreSQL server named by DATABASE_URL when it is set. Browser suites use the Chromium
// that find-chromium.mjs finds (or installs, or explains how to install).
import { spawn } from 'node:child_process';
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

const env = { ...process.env, CHROME_PATH: chrome };

/** Runs a command, echoing its output live, and resolves with its exit code and output. */
function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

const last = (text, re) => {
  const all = [...text.matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
};

const node = await run(['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=2', ...files]);
let passed = last(node.output, /^# pass (\d+)$/gm);
let failed = last(node.output, /^# fail (\d+)$/gm) + last(node.output, /^# cancelled (\d+)$/gm);

// Component suites run in real Chromium through @web/test-runner (msw mocks the network).
let components = { status: 0 };
if (!only.length) {
  console.log('\nComponent tests in Chromium (@web/test-runner)');
  components = await run([path.join(root, 'node_modules/@web/test-runner/dist/bin.js'), '--config', path.join(root, 'web-test-runner.config.mjs')]);
  // eslint-disable-next-line no-control-regex
  const plain = components.output.replace(/\x1b\[[0-9;]*m/g, '');
  passed += last(plain, /(\d+) passed, \d+ failed/g);
  failed += last(plain, /\d+ passed, (\d+) failed/g);
}
const status = node.status || components.status;
if (status && failed === 0) failed = 1; // a runner failed without counting a test
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(status);
