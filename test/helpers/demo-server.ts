import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** Starting `npm start` (demo/start.ts) and a headless Chromium, for the e2e tests and the browser benchmark. */

export const root = path.resolve(import.meta.dirname, '../..');
export const tsx = path.join(root, 'node_modules/.bin/tsx');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts the demo on a free port with `env` and resolves with the URL it prints. */
export async function startDemo(env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(tsx, ['demo/start.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not come up within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/open (http:\/\/localhost:\d+\/)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited with ${code}:\n${output}`));
    });
  });
  return { child, url };
}

/** SIGTERM (so PGlite's lock is released), SIGKILL after 10 s. */
export async function stopDemo(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Headless Chromium as root on this kind of machine: the system browser, never a download. */
export const chromiumArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: [...chromiumArgs, ...extraArgs] });
}

/** Polls `probe` every 250 ms until it answers something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Where the e2e tests leave their screenshots. */
export const shots = path.join(root, 'test-results');

export interface DemoWorld {
  url: string;
  /** The demo's data folder (PGlite, the captured outbox). */
  dataDir: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Stops the demo (its data folder stays until `close()`), so a test can open the data itself. */
  stopServer(): Promise<void>;
  /** Closes the browser, stops the demo and removes its data folder. */
  close(): Promise<void>;
}

/**
 * The demo (`npm start` on PGlite in a fresh data folder, with `env`) and a 1280×900 Chromium page
 * on it whose `window.cspViolations` records what the portal's Content-Security-Policy blocked.
 * What started is stopped again when a later step fails.
 */
export async function openDemo(name: string, env: NodeJS.ProcessEnv, contextOptions: BrowserContextOptions = {}): Promise<DemoWorld> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `portico-e2e-${name}-`));
  fs.mkdirSync(shots, { recursive: true });
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    if (child) await stopDemo(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const demo = await startDemo({ DATABASE_URL: '', PORTICO_DATA_DIR: dataDir, ...env });
    child = demo.child;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
    await context.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const server = demo.child;
    return { url: demo.url, dataDir, browser, context, page: await context.newPage(), stopServer: () => stopDemo(server), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A request to the demo's BFF made by `page`, with a session of `persona` (the MSP admin by
 * default); a JSON body is sent as JSON, the answer's body is parsed as JSON (null when empty).
 */
export function demoApi<T>(page: Page, pathname: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; persona?: string } = {}): Promise<{ status: number; etag: string | null; body: T }> {
  return page.evaluate(
    async ({ p, method, headers, body, persona }) => {
      const session = (await (await fetch(`/demo/session?persona=${persona}`)).json()) as { token: string };
      const res = await fetch(p, {
        method,
        headers: { ...headers, authorization: `Bearer ${session.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, etag: res.headers.get('etag'), body: (text ? JSON.parse(text) : null) as T };
    },
    { p: pathname, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body, persona: init.persona ?? 'msp-admin' },
  );
}
