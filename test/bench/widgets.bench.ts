import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { queryRows } from '../../bff/db/client.js';
import { prepareBenchDatabase } from './bench-db.js';
import { ms, stats, type Stats } from './stats.js';
import { cpuModel, loadAverage, n, positiveInt, writeGeneratedSection } from './report.js';
import { launchChromium, startDemo, stopDemo } from '../helpers/demo-server.js';

/**
 * `npm run bench:widgets`: <msp-fleet-table> in headless Chromium against the demo server
 * (`demo/start.ts`) on real PostgreSQL with 10 000 seeded customers, signed in as the MSP admin.
 * Measures time to first rows after the session is ready, sort and filter round trips, and the
 * main thread's long tasks while scrolling through the whole list. Writes its own section of
 * docs/benchmarks.md. Run `npm run bench:widgets -- --help` for the options.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const usage = `Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:widgets -- [options]

  --reseed             drop and re-seed the benchmark database even if it holds the same seed
  --database NAME      benchmark database (default portico_bench_widgets; created on the server of DATABASE_URL)
  --customers N        customers to seed (default 10000)
  --repetitions N      page loads, sort clicks and filter changes measured (default 7, after one warm-up each)
  --scroll-seconds S   stop scrolling after this long (default 180)
  --no-write           print results only; leave docs/benchmarks.md alone`;

const { values: args } = parseArgs({
  options: {
    reseed: { type: 'boolean', default: false },
    database: { type: 'string', default: 'portico_bench_widgets' },
    customers: { type: 'string', default: '10000' },
    repetitions: { type: 'string', default: '7' },
    'scroll-seconds': { type: 'string', default: '180' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const log = (line: string) => console.log(line);

const GOALS = { firstRows: 300, sort: 150, filter: 150, longTask: 50 };

// ---------------------------------------------------------------------------------------
// Machine (the same description as `npm run bench`, plus the browser)

interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  browser: string;
  loadBefore: string;
  loadAfter?: string;
}

// ---------------------------------------------------------------------------------------
// The demo server

// ---------------------------------------------------------------------------------------
// In the page. Plain JavaScript strings: the page gets exactly this code, untouched by the
// TypeScript compiler (which would wrap named functions in a helper the page lacks).

/** Installed before every navigation: records the session event, the first row and every long task. */
const INIT_SCRIPT = `(() => {
  localStorage.setItem('northwind-portal.persona', 'msp-admin');
  const b = (window.__bench = { sessionAt: null, firstRowAt: null, firstRowFrameAt: null, longTasks: [], frames: [] });
  document.addEventListener('msp-session', () => { if (b.sessionAt === null) b.sessionAt = performance.now(); }, true);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { b.longTaskError = String(e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration < 50) continue;
        b.frames.push({
          start: e.startTime, duration: e.duration, blocking: e.blockingDuration, renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: (e.scripts || []).map((s) => ({ invoker: s.invoker, fn: s.sourceFunctionName, url: s.sourceURL, pos: s.sourceCharPosition, duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) { b.frameError = String(e); }
  const watch = () => {
    const root = document.querySelector('msp-fleet-table')?.shadowRoot;
    if (!root) { requestAnimationFrame(watch); return; }
    const found = () => {
      if (b.firstRowAt !== null || !root.querySelector('[role="row"][data-id]')) return false;
      b.firstRowAt = performance.now();
      requestAnimationFrame(() => { b.firstRowFrameAt = performance.now(); });
      return true;
    };
    if (found()) return;
    const observer = new MutationObserver(() => { if (found()) observer.disconnect(); });
    observer.observe(root, { childList: true, subtree: true });
  };
  watch();
})();`;

/**
 * Runs `act` (a statement using \`root\`) and resolves once the table has been busy and is
 * settled again with rows: the time from the action to the updated rows in the DOM, the next
 * frame after that, and the /v1/fleet request it made.
 */
const MEASURE_ACTION = `async (action) => {
  const table = document.querySelector('msp-fleet-table');
  const root = table.shadowRoot;
  const grid = root.querySelector('[role="grid"]');
  return await new Promise((resolve) => {
    let sawBusy = false;
    let t0 = 0;
    const timer = setTimeout(() => { observer.disconnect(); resolve({ ms: NaN, frameMs: NaN, fetchMs: NaN, rows: 0, timedOut: true }); }, 15000);
    const observer = new MutationObserver(() => {
      if (grid.getAttribute('aria-busy') === 'true') { sawBusy = true; return; }
      if (!sawBusy || !root.querySelector('[role="row"][data-id]')) return;
      const t1 = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => {
        const t2 = performance.now();
        const fetches = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/fleet?') && e.startTime >= t0);
        const f = fetches[0];
        resolve({ ms: t1 - t0, frameMs: t2 - t0, fetchMs: f ? f.responseEnd - f.startTime : NaN, rows: table.rows.length, timedOut: false });
      });
    });
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
    if (action.kind === 'sort') {
      const header = root.querySelector('[role="columnheader"][data-column="' + action.column + '"]');
      t0 = performance.now();
      header.click();
    } else {
      const select = root.querySelector('select[name="status"]');
      select.value = action.value;
      t0 = performance.now();
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
}`;

/** Scrolls the table body to the end in steps of 3/4 of its height, letting paging load every page. */
const SCROLL = `async (maxMs) => {
  const table = document.querySelector('msp-fleet-table');
  const root = table.shadowRoot;
  const grid = root.querySelector('[role="grid"]');
  const b = window.__bench;
  const start = performance.now();
  let steps = 0;
  let waits = 0;
  let maxRowIndex = 0;
  let complete = false;
  const pageLoads = [];
  let lastCount = table.rows.length;
  while (performance.now() - start < maxMs) {
    const body = root.querySelector('.body');
    for (const row of Array.from(root.querySelectorAll('[role="row"][data-id]'))) maxRowIndex = Math.max(maxRowIndex, Number(row.getAttribute('aria-rowindex')));
    if (table.rows.length !== lastCount) { pageLoads.push({ at: performance.now(), rows: table.rows.length }); lastCount = table.rows.length; }
    const atEnd = body.scrollTop + body.clientHeight >= body.scrollHeight - 2;
    complete = grid.getAttribute('aria-rowcount') !== '-1';
    if (complete && atEnd && maxRowIndex - 2 >= table.rows.length) break;
    if (atEnd && !complete) waits++;
    body.scrollTop = atEnd ? body.scrollHeight : body.scrollTop + Math.max(40, body.clientHeight * 0.75);
    steps++;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
  }
  const end = performance.now();
  const fetches = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/fleet?') && e.startTime >= start && e.startTime <= end);
  return {
    start, end, steps, waits, complete, rowsLoaded: table.rows.length, lastRowShown: maxRowIndex - 2,
    longTasks: b.longTasks.filter((t) => t.start >= start && t.start <= end),
    frames: b.frames.filter((f) => f.start >= start && f.start <= end),
    pageLoads,
    fetchMs: fetches.map((e) => e.responseEnd - e.startTime),
  };
}`;

interface BenchState {
  sessionAt: number | null;
  firstRowAt: number | null;
  firstRowFrameAt: number | null;
  longTasks: { start: number; duration: number }[];
  longTaskError?: string;
}

interface ActionResult {
  ms: number;
  frameMs: number;
  fetchMs: number;
  rows: number;
  timedOut: boolean;
}

interface FrameScript {
  invoker: string;
  fn: string;
  url: string;
  pos: number;
  duration: number;
  forcedLayout: number;
}

interface LongFrame {
  start: number;
  duration: number;
  blocking: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: FrameScript[];
}

interface ScrollResult {
  start: number;
  end: number;
  steps: number;
  waits: number;
  complete: boolean;
  rowsLoaded: number;
  lastRowShown: number;
  longTasks: { start: number; duration: number }[];
  frames: LongFrame[];
  pageLoads: { at: number; rows: number }[];
  fetchMs: number[];
}

const call = <T>(page: Page, fn: string, arg: unknown): Promise<T> => page.evaluate(`(${fn})(${JSON.stringify(arg)})`) as Promise<T>;

async function signedIn(page: Page): Promise<void> {
  await page.waitForSelector('main[data-state="ready"]', { timeout: 60_000 });
  await page.waitForSelector('msp-fleet-table [role="row"][data-id]', { timeout: 60_000 });
}

const settle = (page: Page, msDelay = 400) => page.waitForTimeout(msDelay);

// ---------------------------------------------------------------------------------------

interface FirstRowsRun {
  sessionToRows: number;
  sessionToFrame: number;
  sessionResponseToRows: number;
  navigationToRows: number;
  longestTask: number;
}

interface Results {
  when: Date;
  minutes: number;
  machine: Machine;
  database: string;
  customers: number;
  reused: boolean;
  seedSeconds: number | null;
  adminCustomers: number;
  repetitions: number;
  firstRows: FirstRowsRun[];
  sorts: (ActionResult & { column: string })[];
  filters: (ActionResult & { value: string })[];
  scroll: ScrollResult;
  scrollSeconds: number;
}

async function main() {
  if (args.help) {
    console.log(usage);
    return;
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    console.error(
      'npm run bench:widgets needs a real PostgreSQL server: set DATABASE_URL to a role that may create databases,\n' +
        'e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:widgets\n' +
        '(it creates and seeds its own database, portico_bench_widgets, and reuses it on later runs).',
    );
    process.exit(2);
  }
  const customers = positiveInt('customers', args.customers, usage);
  const repetitions = positiveInt('repetitions', args.repetitions, usage);
  const scrollSeconds = positiveInt('scroll-seconds', args['scroll-seconds'], usage);
  const started = Date.now();

  const machine: Machine = {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: '',
    browser: '',
    loadBefore: loadAverage(),
  };

  // The same data as `npm run cli -- seed --customers 10000` (seed 42, ~24 findings per customer).
  const bench = await prepareBenchDatabase(baseUrl, args.database!, { customers, findingsPerCustomer: 24, seed: 42 }, { reseed: args.reseed!, log });
  let adminCustomers: number;
  try {
    const [version] = await queryRows<{ v: string }>(bench.database.db, sql`select version() as v`);
    machine.postgres = version?.v ?? '';
  } finally {
    await bench.database.close();
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-widgets-'));
  let demo: { child: ChildProcess; url: string } | undefined;
  let browser: Browser | undefined;
  try {
    log('Starting the demo server (demo/start.ts)…');
    demo = await startDemo({
      DATABASE_URL: bench.url,
      PORTICO_DATA_DIR: dataDir,
      // Paging through ~8 500 rows plus repeated sign-ins is a few hundred requests a minute.
      PORTICO_RATE_LIMIT: '100000000',
    });
    const url = demo.url.replace('localhost', '127.0.0.1');
    // Only 127.0.0.1 / localhost: every other host name fails to resolve (no request interception, which would add to the timings).
    browser = await launchChromium(['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1']);
    machine.browser = `Chromium ${browser.version()} (headless)`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: INIT_SCRIPT });
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));

    // (a) First rows after the session is ready: one warm-up load, then `repetitions` loads.
    const firstRows: FirstRowsRun[] = [];
    for (let i = 0; i <= repetitions; i++) {
      await page.goto(url);
      await signedIn(page);
      await page.waitForFunction('window.__bench.firstRowFrameAt !== null');
      const r = await page.evaluate(`(() => {
        const b = window.__bench;
        const s = performance.getEntriesByType('resource').find((e) => e.name.includes('/demo/session'));
        const within = b.longTasks.filter((t) => t.start >= b.sessionAt && t.start <= b.firstRowAt);
        return { b, sessionResponseEnd: s ? s.responseEnd : NaN, longest: Math.max(0, ...within.map((t) => t.duration)) };
      })()`) as { b: BenchState; sessionResponseEnd: number; longest: number };
      if (r.b.sessionAt === null || r.b.firstRowAt === null || r.b.firstRowFrameAt === null) throw new Error('no msp-session event or no first row recorded');
      if (i === 0) continue;
      firstRows.push({
        sessionToRows: r.b.firstRowAt - r.b.sessionAt,
        sessionToFrame: r.b.firstRowFrameAt - r.b.sessionAt,
        sessionResponseToRows: r.b.firstRowAt - r.sessionResponseEnd,
        navigationToRows: r.b.firstRowAt,
        longestTask: r.longest,
      });
      log(`first rows ${i}/${repetitions}: ${ms(r.b.firstRowAt - r.b.sessionAt)} ms after msp-session`);
    }
    adminCustomers = Number(
      await page.waitForFunction(() => {
        const dd = document.querySelector('msp-fleet-table')?.shadowRoot?.querySelector('[part="total"] dd');
        const text = dd?.textContent?.replace(/[^\d]/g, '') ?? '';
        return text.length > 0 ? text : false;
      }).then((h) => h.jsonValue()),
    );
    log(`The MSP admin's table counts ${adminCustomers} customers.`);

    // (b) Sort clicks and status filter changes.
    const sortable = (await page.evaluate(`Array.from(document.querySelector('msp-fleet-table').shadowRoot.querySelectorAll('[role="columnheader"].sortable')).map((h) => h.dataset.column)`)) as string[];
    const sorts: Results['sorts'] = [];
    for (let i = 0; i <= repetitions; i++) {
      const column = sortable[(i + 1) % sortable.length]!;
      await settle(page);
      const r = await call<ActionResult>(page, MEASURE_ACTION, { kind: 'sort', column });
      if (i > 0) sorts.push({ ...r, column });
      log(`sort by ${column}: ${ms(r.ms)} ms (request ${ms(r.fetchMs)} ms)`);
    }
    // Back to the default order before filtering and scrolling.
    await page.goto(url);
    await signedIn(page);
    const filterValues = ['active', '', 'invited', '', 'connection_lost', ''];
    const filters: Results['filters'] = [];
    for (let i = 0; i <= repetitions; i++) {
      const value = filterValues[i % filterValues.length]!;
      await settle(page);
      const r = await call<ActionResult>(page, MEASURE_ACTION, { kind: 'filter', value });
      if (i > 0) filters.push({ ...r, value });
      log(`status filter "${value || 'all'}": ${ms(r.ms)} ms (request ${ms(r.fetchMs)} ms, ${r.rows} rows loaded)`);
    }

    // (c) Scrolling through the whole list.
    await page.goto(url);
    await signedIn(page);
    await settle(page, 1000);
    log(`Scrolling through the list (at most ${scrollSeconds} s)…`);
    const scroll = await call<ScrollResult>(page, SCROLL, scrollSeconds * 1000);
    const longest = Math.max(0, ...scroll.longTasks.map((t) => t.duration));
    log(
      `scrolled ${((scroll.end - scroll.start) / 1000).toFixed(1)} s, ${scroll.steps} steps, ${scroll.rowsLoaded} rows loaded, last row shown ${scroll.lastRowShown}, ` +
        `${scroll.complete ? 'every page loaded' : 'NOT every page loaded'}; ${scroll.longTasks.length} long tasks, longest ${ms(longest)} ms`,
    );
    await context.close();

    machine.loadAfter = loadAverage();
    const results: Results = {
      when: new Date(),
      minutes: (Date.now() - started) / 60_000,
      machine,
      database: bench.name,
      customers,
      reused: bench.reused,
      seedSeconds: bench.seedSeconds,
      adminCustomers,
      repetitions,
      firstRows,
      sorts,
      filters,
      scroll,
      scrollSeconds,
    };
    const text = renderResults(results);
    if (args['no-write']) console.log(`\n${text}`);
    else {
      writeDoc(text);
      log(`\nWrote docs/benchmarks.md (${results.minutes.toFixed(1)} min in all).`);
    }
  } finally {
    await browser?.close();
    if (demo) await stopDemo(demo.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Report

const START = '<!-- bench:widgets:start -->';
const END = '<!-- bench:widgets:end -->';

function goalCell(value: number, goal: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < goal ? `yes (< ${goal} ms)` : `**no** (goal < ${goal} ms)`;
}

function row(label: string, s: Stats, goal?: number, extra = ''): string {
  return `| ${label} | ${ms(s.p50)} | ${ms(s.max)} | ${s.n} | ${goal ? goalCell(s.max, goal) : '–'} |${extra ? ` ${extra} |` : ''}`;
}

function renderResults(r: Results): string {
  const m = r.machine;
  const sc = r.scroll;
  const tasks = sc.longTasks;
  const longest = Math.max(0, ...tasks.map((t) => t.duration));
  const tbt = tasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
  const seconds = (sc.end - sc.start) / 1000;

  // Long tasks by how many rows the table held when they happened.
  const rowsAt = (t: number) => {
    let rows = 50;
    for (const p of sc.pageLoads) if (p.at <= t) rows = p.rows;
    return rows;
  };
  const buckets = new Map<number, number[]>();
  const bucketSize = 1000;
  for (const t of tasks) {
    const b = Math.floor(rowsAt(t.start) / bucketSize) * bucketSize;
    buckets.set(b, [...(buckets.get(b) ?? []), t.duration]);
  }

  const lines: string[] = [];
  lines.push(`Generated by \`npm run bench:widgets\` on ${r.when.toISOString().slice(0, 16).replace('T', ' ')} UTC (${r.minutes.toFixed(1)} min in all).`, '');
  lines.push('### Machine', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| CPU | ${m.cpuModel}, ${m.cores} cores (nproc) |`);
  lines.push(`| Memory | ${m.memoryGiB.toFixed(1)} GiB |`);
  lines.push(`| OS | ${m.kernel} |`);
  lines.push(`| PostgreSQL | ${m.postgres} |`);
  lines.push(`| Node.js | ${m.node} |`);
  lines.push(`| Browser | ${m.browser}, viewport 1280×900, flags as in test/e2e |`);
  lines.push(`| Load average (1/5/15 min) | before ${m.loadBefore}; after ${m.loadAfter ?? '?'} |`);
  lines.push('', 'Everything ran on this one machine: PostgreSQL, the demo server (`demo/start.ts`, its own Node process, production build of the portal) and Chromium.', '');

  lines.push('### Setup', '');
  lines.push(
    `Database \`${r.database}\`: seed 42, ${n(r.customers)} customers, ~24 findings each (as \`npm run cli -- seed --customers ${r.customers}\`), ` +
      (r.reused ? 'reused from an earlier run with the same seed, seed code and migrations.' : `seeded in ${r.seedSeconds?.toFixed(0)} s, then VACUUM ANALYZE.`) +
      ` Signed in as the demo's MSP admin (Northwind), whose table counts ${n(r.adminCustomers)} customers; page size 50 (the default). ` +
      'Rate limit raised out of the way; only 127.0.0.1 traffic (Chromium resolves no other host name).',
    '',
  );

  lines.push('### Results', '');
  lines.push(`Median and maximum of ${r.repetitions} runs each, after one warm-up run. "DOM" is when the rows are in the table's shadow DOM (MutationObserver); "frame" is the next animation frame after that.`, '');
  lines.push('| measurement | median ms | max ms | n | goal met (max)? |', '|---|---:|---:|---:|---|');
  const fr = r.firstRows;
  lines.push(row('first rows: `msp-session` event → first row in the DOM', stats(fr.map((f) => f.sessionToRows)), GOALS.firstRows));
  lines.push(row('first rows: `msp-session` event → next frame', stats(fr.map((f) => f.sessionToFrame))));
  lines.push(row('first rows: `/demo/session` response end → first row in the DOM', stats(fr.map((f) => f.sessionResponseToRows))));
  lines.push(row('first rows: navigation start → first row in the DOM', stats(fr.map((f) => f.navigationToRows))));
  lines.push(row('sort header click → new rows in the DOM', stats(r.sorts.map((s) => s.ms)), GOALS.sort));
  lines.push(row('sort header click → next frame', stats(r.sorts.map((s) => s.frameMs))));
  lines.push(row('… of which the `/v1/fleet` request', stats(r.sorts.map((s) => s.fetchMs))));
  lines.push(row('status filter change → new rows in the DOM', stats(r.filters.map((s) => s.ms)), GOALS.filter));
  lines.push(row('status filter change → next frame', stats(r.filters.map((s) => s.frameMs))));
  lines.push(row('… of which the `/v1/fleet` request', stats(r.filters.map((s) => s.fetchMs))));
  lines.push('');
  lines.push(`Sort clicks, in order: ${r.sorts.map((s) => `${s.column} ${ms(s.ms)}`).join(', ')}. Filter changes: ${r.filters.map((f) => `${f.value || 'all'} ${ms(f.ms)}`).join(', ')}. ` +
    `Timed out: ${[...r.sorts, ...r.filters].filter((x) => x.timedOut).length}.`, '');

  lines.push('### Scrolling through the whole list', '');
  lines.push(
    `The table body scrolled by 3/4 of its height per step (one animation frame + 30 ms between steps), paging as the widget does (50 rows per request when the last 15 loaded rows come into view), stopping at the end or after ${r.scrollSeconds} s. ` +
      `Long tasks from \`PerformanceObserver('longtask')\`; total blocking time = Σ (task − 50 ms).`,
    '',
  );
  const fetch = stats(sc.fetchMs);
  lines.push('| | |', '|---|---|');
  lines.push(`| reached the end | ${sc.complete && sc.lastRowShown >= sc.rowsLoaded ? 'yes' : '**no**'} — ${n(sc.rowsLoaded)} rows loaded of ${n(r.adminCustomers)}, last row shown ${n(sc.lastRowShown)} |`);
  lines.push(`| time | ${seconds.toFixed(1)} s, ${n(sc.steps)} steps, ${sc.pageLoads.length} pages appended |`);
  lines.push(`| \`/v1/fleet\` page requests | ${fetch.n}, median ${ms(fetch.p50)} ms, max ${ms(fetch.max)} ms |`);
  lines.push(`| long tasks (> 50 ms) | ${tasks.length} |`);
  lines.push(`| longest task | ${ms(longest)} ms — ${tasks.length === 0 ? `yes (none over ${GOALS.longTask} ms)` : `**no** (goal: no task over ${GOALS.longTask} ms)`} |`);
  lines.push(`| total blocking time | ${n(Math.round(tbt))} ms (${seconds > 0 ? ((tbt / 1000 / seconds) * 100).toFixed(1) : '–'} % of the scroll time) |`);
  lines.push('');
  if (buckets.size) {
    lines.push('Long tasks by the number of rows the table held at the time:', '');
    lines.push('| rows loaded | long tasks | median ms | longest ms |', '|---|---:|---:|---:|');
    for (const [b, ds] of [...buckets].sort((a, c) => a[0] - c[0])) {
      const s = stats(ds);
      lines.push(`| ${n(b)}–${n(b + bucketSize - 1)} | ${s.n} | ${ms(s.p50)} | ${ms(s.max)} |`);
    }
    lines.push('');
  }
  const worst = [...sc.frames].sort((a, b) => b.duration - a.duration).slice(0, 3);
  if (worst.length) {
    lines.push('The longest animation frames (`long-animation-frame`), with what ran in them:', '');
    lines.push('| frame ms | blocking ms | script ms | style + layout ms | scripts (invoker, duration) |', '|---:|---:|---:|---:|---|');
    for (const f of worst) {
      const script = f.scripts.reduce((s, x) => s + x.duration, 0);
      const layoutStart = f.styleAndLayoutStart || f.renderStart;
      const layout = layoutStart ? f.start + f.duration - layoutStart : NaN;
      const who = f.scripts
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 3)
        .map((x) => `${x.invoker || '?'} ${ms(x.duration)} ms${x.forcedLayout ? ` (forced layout ${ms(x.forcedLayout)})` : ''}`)
        .join('; ');
      lines.push(`| ${ms(f.duration)} | ${ms(f.blocking)} | ${ms(script)} | ${ms(layout)} | ${who.replace(/\|/g, '\\|') || '–'} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const SECTION = `## Fleet table in the browser

Generated section: \`npm run bench:widgets\` rewrites what lies between the markers below.`;

function writeDoc(results: string): void {
  writeGeneratedSection(path.join(root, 'docs', 'benchmarks.md'), START, END, results, { empty: '# Benchmarks\n', preamble: SECTION });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
