import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Drives `npm start` (the demo on embedded PGlite) in real Chromium: each persona's session is
 * minted by the demo's MSP server with an API key, and each sees exactly its own customers.
 */

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function cli(dataDir: string, ...args: string[]) {
  return spawnSync(tsx, ['bff/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', PORTICO_DATA_DIR: dataDir },
  });
}

describe('the demo portal (npm start on PGlite)', () => {
  let server: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  let dataDir: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-'));
    const port = await freePort();
    server = spawn(tsx, ['demo/start.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', PORT: String(port), PORTICO_DATA_DIR: dataDir, PORTICO_SEED_CUSTOMERS: '30' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 120_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = output.match(/open (http:\/\/localhost:\d+\/)/);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function rowsFor(persona: string): Promise<{ brand: string; names: string[] }> {
    await page.selectOption('#persona', persona);
    await page.waitForSelector('main:not([data-state="loading"])');
    const error = await page.locator('#who .error').count();
    assert.equal(error, 0, await page.locator('#who').innerText());
    return {
      brand: (await page.locator('#brand').innerText()).split('—')[0]!.trim(),
      names: await page.locator('#rows tr td:first-child').allInnerTexts(),
    };
  }

  test('the MSP admin sees the portal with its customers and portfolio totals', async () => {
    await page.goto(url);
    await page.waitForSelector('main[data-state="ready"]');
    const { brand, names } = await rowsFor('msp-admin');
    assert.equal(brand, 'Northwind Cyber');
    assert.ok(names.length >= 20, `expected Northwind's customers, got ${names.length}`);
    assert.ok(names.includes('Kestrel Logistics'), 'the revoked customer is listed');
    const lost = page.locator('#rows tr', { hasText: 'Kestrel Logistics' }).locator('.status');
    assert.equal(await lost.innerText(), 'connection lost');
    assert.equal(await page.locator('#tiles .tile').count(), 4);
    fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results/demo-msp-admin.png'), fullPage: true });
  });

  test('each persona sees exactly its own rows', async () => {
    const admin = await rowsFor('msp-admin');
    const other = await rowsFor('other-msp-admin');
    assert.equal(other.brand, 'Bluefin Security');
    assert.ok(other.names.length > 0);
    assert.deepEqual(other.names.filter((n) => admin.names.includes(n)), [], 'the two MSPs share no customer');

    const manager = await rowsFor('account-manager');
    assert.equal(manager.names.length, 3, 'the account manager sees only its assigned customers');
    assert.ok(manager.names.every((n) => admin.names.includes(n)));

    const viewer = await rowsFor('customer-viewer');
    assert.equal(viewer.names.length, 1, 'a customer sees only itself');
    assert.equal(viewer.brand, viewer.names[0]);

    const analyst = await rowsFor('msp-analyst');
    assert.deepEqual([...analyst.names].sort(), [...admin.names].sort());
  });

  test('a CLI command refuses to open the data directory while the demo holds it, and changes nothing', () => {
    const before = fs.readdirSync(dataDir).sort();
    const result = cli(dataDir, 'seed', '--customers', '5');
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /in use by process \d+/);
    assert.match(result.stderr, /Nothing was changed/);
    assert.deepEqual(fs.readdirSync(dataDir).sort(), before);
  });

  test('after the demo stops, the CLI lists the seeded orgs', async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    const result = cli(dataDir, 'orgs', '--json');
    assert.equal(result.status, 0, result.stderr);
    const orgs = JSON.parse(result.stdout) as { slug: string; kind: string; parentId: string | null }[];
    assert.deepEqual(orgs.filter((o) => o.kind === 'msp').map((o) => o.slug).sort(), ['bluefin', 'northwind']);
    assert.ok(orgs.some((o) => o.kind === 'partner' && o.parentId));
  });
});
