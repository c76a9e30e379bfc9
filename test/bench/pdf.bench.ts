import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPdf } from '../helpers/pdf.js';
import { benchmarkReport } from './executive-report-fixture.js';
import { cpuModel, loadAverage, positiveInt, writeGeneratedSection } from './report.js';
import { ms, stats, type Stats } from './stats.js';

/**
 * `npm run bench:pdf`: the executive report as a ten-page PDF, drawn by pdfkit on the server
 * (bff/outputs/pdf/executive-report.ts) against the same report as print HTML
 * (bff/outputs/html/executive-report.ts) printed to PDF by headless Chromium — what a team
 * without a PDF library would do. Each route runs in a child process of its own so its peak
 * memory is its own; the parent prints the comparison and writes its section of
 * docs/benchmarks.md. No database. Run `npm run bench:pdf -- --help` for the options.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const usage = `Usage: npm run bench:pdf -- [options]

  --iterations N   timed renders per route after the warm-up (default 20)
  --warmup N       untimed renders first (default 3)
  --cold N         Chromium launches timed end to end: launch, print, close (default 5)
  --risks N        findings in the top-risks table (default 200, the report's limit: 10 pages)
  --no-write       print results only; leave docs/benchmarks.md alone`;

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    cold: { type: 'string', default: '5' },
    risks: { type: 'string', default: '200' },
    child: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const GOAL = 10;
const MiB = 1024 * 1024;

/** Pages of a PDF by its page objects (`/Type /Page`, not `/Pages`): pdfkit and Skia both write them plainly. */
export function pageCount(pdf: Uint8Array): number {
  return Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

// ---------------------------------------------------------------------------------------
// Memory of a process tree, from /proc (Linux)

/** Every descendant of `pid`, from the parent ids in /proc/<pid>/stat. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** One field of /proc/<pid>/<file> in KiB (`Pss:` in smaps_rollup, `VmHWM:` in status); 0 when gone. */
function kib(pid: number, file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples the memory of the browser's processes (every descendant of this process) until
 * stopped: the peak of the summed proportional set size (PSS: shared pages split between the
 * processes sharing them, so nothing is counted twice) and of the summed RSS (shared pages
 * counted once per process: an upper bound), plus the sum of each process's own peak RSS
 * (VmHWM) read when stopped.
 */
function treeMemorySampler(intervalMs: number) {
  let peakPss = 0;
  let peakRss = 0;
  let samples = 0;
  const sample = () => {
    const pids = descendants(process.pid);
    peakPss = Math.max(peakPss, pids.reduce((a, p) => a + kib(p, 'smaps_rollup', 'Pss'), 0));
    peakRss = Math.max(peakRss, pids.reduce((a, p) => a + kib(p, 'status', 'VmRSS'), 0));
    samples++;
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const pids = descendants(process.pid);
      return { peakPssMiB: peakPss / 1024, peakRssMiB: peakRss / 1024, sumHwmMiB: pids.reduce((a, p) => a + kib(p, 'status', 'VmHWM'), 0) / 1024, processes: pids.length, samples };
    },
  };
}

// ---------------------------------------------------------------------------------------
// The two routes, each in its own process

interface RouteResult {
  route: 'pdfkit' | 'chromium';
  pages: number;
  bytes: number;
  /** The first render in a fresh process (fonts read, code compiled). */
  firstMs: number;
  warm: Stats;
  /** pdfkit: the same renders with the process's cache of shaped words emptied before each. */
  unshaped?: Stats;
  /** RSS of this Node process once the modules are loaded and the report is built, before any render. */
  baselineRssMiB: number;
  /** Peak RSS of this Node process (process.resourceUsage().maxRSS). */
  maxRssMiB: number;
  chromium?: {
    version: string;
    launchMs: number;
    htmlMs: Stats;
    cold: Stats;
    tree: { peakPssMiB: number; peakRssMiB: number; sumHwmMiB: number; processes: number; samples: number };
  };
}

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
};

// Each route imports only its own renderer (and Chromium's driver), so neither process carries
// the other's modules in its memory.

async function runPdfkit(iterations: number, warmup: number, risks: number): Promise<RouteResult> {
  const { executiveReportPdf } = await import('../../bff/outputs/pdf/executive-report.js');
  const { clearShapingCache } = await import('../../bff/outputs/pdf/fonts.js');
  const report = benchmarkReport(risks);
  const baseline = process.memoryUsage().rss;
  const render = () => buffer(executiveReportPdf(report));
  const [first, firstMs] = await timed(render);
  for (let i = 0; i < warmup; i++) await render();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push((await timed(render))[1]);
  // Every report here is the same one, so the warm renders find every word already shaped; a
  // report of another customer shares most words (labels, check titles, dates) but not all
  // (names, assets). These renders shape every word again, the worst case.
  const unshaped: number[] = [];
  for (let i = 0; i < iterations; i++) {
    clearShapingCache();
    unshaped.push((await timed(render))[1]);
  }
  const pages = readPdf(first).length;
  if (pages !== pageCount(first)) throw new Error(`page count disagrees: ${pages} read, ${pageCount(first)} page objects`);
  return { route: 'pdfkit', pages, bytes: first.length, firstMs, warm: stats(samples), unshaped: stats(unshaped), baselineRssMiB: baseline / MiB, maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB };
}

async function runChromium(iterations: number, warmup: number, cold: number, risks: number): Promise<RouteResult> {
  const { chromium } = await import('playwright-core');
  const { chromiumArgs } = await import('../helpers/demo-server.js');
  const { executiveReportHtml } = await import('../../bff/outputs/html/executive-report.js');
  const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  const report = benchmarkReport(risks);
  const baseline = process.memoryUsage().rss;
  const htmlSamples: number[] = [];
  const html = () => {
    const t0 = performance.now();
    const out = executiveReportHtml(report);
    htmlSamples.push(performance.now() - t0);
    return out;
  };
  const pdfOptions = { format: 'A4', printBackground: true } as const;

  const memory = treeMemorySampler(100);
  const [[browser, page], launchMs] = await timed(async () => {
    const b = await chromium.launch({ executablePath, args: chromiumArgs });
    return [b, await b.newPage()] as const;
  });
  const render = async () => {
    await page.setContent(html());
    return page.pdf(pdfOptions);
  };
  const [first, firstMs] = await timed(render);
  for (let i = 0; i < warmup; i++) await render();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push((await timed(render))[1]);
  const tree = memory.stop();
  const version = browser.version();
  await browser.close();

  const coldSamples: number[] = [];
  for (let i = 0; i < cold; i++) {
    const [, t] = await timed(async () => {
      const b = await chromium.launch({ executablePath, args: chromiumArgs });
      const p = await b.newPage();
      await p.setContent(html());
      await p.pdf(pdfOptions);
      await b.close();
    });
    coldSamples.push(t);
  }
  return {
    route: 'chromium',
    pages: pageCount(first),
    bytes: first.length,
    firstMs,
    warm: stats(samples),
    baselineRssMiB: baseline / MiB,
    maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
    chromium: { version, launchMs, htmlMs: stats(htmlSamples), cold: stats(coldSamples), tree },
  };
}

/** Runs this file again as `--child <route>` and reads the JSON it prints last. */
function child(route: 'pdfkit' | 'chromium', iterations: number, warmup: number, cold: number, risks: number): Promise<RouteResult> {
  return new Promise((resolve, reject) => {
    const argv = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', route, '--iterations', String(iterations), '--warmup', String(warmup), '--cold', String(cold), '--risks', String(risks)];
    const p = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${route} run exited with ${code}`));
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as RouteResult);
      } catch {
        reject(new Error(`${route} run printed no result:\n${out}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------
// Report

interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  pdfkit: string;
  loadBefore: string;
  loadAfter?: string;
}

const mib = (v: number) => `${v.toFixed(0)} MiB`;
const times = (v: number) => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×`;

function renderResults(m: Machine, pdf: RouteResult, web: RouteResult, opts: { iterations: number; warmup: number; cold: number; risks: number }, startedAt: Date, seconds: number): string {
  const c = web.chromium!;
  const warmRatio = web.warm.p50 / pdf.warm.p50;
  const coldRatio = c.cold.p50 / pdf.warm.p50;
  const L: string[] = [];
  L.push(`Generated by \`npm run bench:pdf\` on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (${(seconds / 60).toFixed(1)} min in all).`);
  L.push('', '### Machine', '', '| | |', '|---|---|');
  L.push(`| CPU | ${m.cpuModel}, ${m.cores} cores (nproc) |`);
  L.push(`| Memory | ${m.memoryGiB.toFixed(1)} GiB |`);
  L.push(`| OS | ${m.kernel} |`);
  L.push(`| Node.js | ${m.node} |`);
  L.push(`| pdfkit | ${m.pdfkit} |`);
  L.push(`| Browser | Chromium ${c.version} (headless=new, flags as in test/e2e), driven by playwright-core |`);
  L.push(`| Load average (1/5/15 min) | before ${m.loadBefore}; after ${m.loadAfter ?? '–'} |`);
  L.push('', '### The report', '');
  L.push(`${opts.risks} top risks (the report's limit), 30 days of posture, 5 weeks of scans, a brand of its own. pdfkit: **${pdf.pages} pages**, ${(pdf.bytes / 1024).toFixed(0)} KiB (fonts embedded and subset, streams compressed). Chromium: **${web.pages} pages**, ${(web.bytes / 1024).toFixed(0)} KiB.`);
  L.push('', `### Time per report (ms; ${opts.iterations} renders each after ${opts.warmup} untimed)`, '');
  L.push('| Route | p50 | p99 | mean | min | max | first render in a fresh process |', '|---|---:|---:|---:|---:|---:|---:|');
  L.push(`| pdfkit → Buffer | ${ms(pdf.warm.p50)} | ${ms(pdf.warm.p99)} | ${ms(pdf.warm.mean)} | ${ms(pdf.warm.min)} | ${ms(pdf.warm.max)} | ${ms(pdf.firstMs)} |`);
  const u = pdf.unshaped!;
  L.push(`| pdfkit → Buffer, every word shaped again (cache of shaped words emptied before each render) | ${ms(u.p50)} | ${ms(u.p99)} | ${ms(u.mean)} | ${ms(u.min)} | ${ms(u.max)} | – |`);
  L.push(`| Chromium, warm: \`setContent(html)\` + \`page.pdf()\` | ${ms(web.warm.p50)} | ${ms(web.warm.p99)} | ${ms(web.warm.mean)} | ${ms(web.warm.min)} | ${ms(web.warm.max)} | ${ms(web.firstMs)} |`);
  L.push(`| Chromium, cold: launch + page + print + close (${c.cold.n} runs) | ${ms(c.cold.p50)} | ${ms(c.cold.p99)} | ${ms(c.cold.mean)} | ${ms(c.cold.min)} | ${ms(c.cold.max)} | – |`);
  L.push('', `Chromium launch and first page, once: ${ms(c.launchMs)} ms. Building the HTML string is part of each Chromium render: p50 ${ms(c.htmlMs.p50)} ms.`);
  L.push('', '### Peak memory', '');
  L.push('| Route | Node process: peak RSS (before rendering) | Browser processes | Total |', '|---|---:|---:|---:|');
  L.push(`| pdfkit | ${mib(pdf.maxRssMiB)} (${mib(pdf.baselineRssMiB)}) | – | ${mib(pdf.maxRssMiB)} |`);
  L.push(`| Chromium | ${mib(web.maxRssMiB)} (${mib(web.baselineRssMiB)}) | peak Σ PSS ${mib(c.tree.peakPssMiB)}; peak Σ RSS ${mib(c.tree.peakRssMiB)}; Σ VmHWM ${mib(c.tree.sumHwmMiB)} (${c.tree.processes} processes) | ${mib(web.maxRssMiB + c.tree.peakPssMiB)} (Node + Σ PSS) |`);
  L.push('', '### Against the goal (at least 10× faster than the browser route)', '');
  L.push('| Comparison | Speed-up | Goal met |', '|---|---:|---|');
  L.push(`| Warm browser (p50 / p50) | ${times(warmRatio)} | ${warmRatio >= GOAL ? 'yes' : '**no**'} |`);
  const unshapedRatio = web.warm.p50 / pdf.unshaped!.p50;
  L.push(`| Warm browser, pdfkit shaping every word again (p50 / p50) | ${times(unshapedRatio)} | ${unshapedRatio >= GOAL ? 'yes' : '**no**'} |`);
  L.push(`| Browser launched per report (cold p50 / pdfkit p50) | ${times(coldRatio)} | ${coldRatio >= GOAL ? 'yes' : '**no**'} |`);
  L.push(`| Memory (Chromium total / pdfkit) | ${times((web.maxRssMiB + c.tree.peakPssMiB) / pdf.maxRssMiB)} less | – |`);
  return L.join('\n');
}

const SECTION = `## PDF reports: pdfkit against headless Chromium

The executive report (issue 6) as a ten-page PDF, drawn by pdfkit in the BFF
(\`bff/outputs/pdf/executive-report.ts\`) against printing the same report's HTML
(\`bff/outputs/html/executive-report.ts\`: same sections, figures and colours, inline CSS and SVG
charts, A4 with the PDF's margins, running header and "Page N of M", the findings table's header
repeated on every page) to PDF with headless Chromium — what a team without a PDF library would
do. Goal: at least 10× faster than the browser route.

\`\`\`sh
npm run bench:pdf
\`\`\`

- No database and no network. Needs Chromium (\`CHROME_PATH\` or \`/usr/bin/chromium\`). About a
  minute here. Options (\`npm run bench:pdf -- --help\`): \`--iterations\` (20), \`--warmup\` (3),
  \`--cold\` (5), \`--risks\` (200), \`--no-write\`.
- The report is synthetic and deterministic (\`test/bench/executive-report-fixture.ts\`): 200 top
  risks, the most the report lists, with realistic titles and asset names, which pdfkit lays out
  on exactly ten pages; the run fails if it does not. Pages are counted from the page objects of
  each PDF (and, for pdfkit, cross-checked with the tests' PDF reader).
- Each route runs in a child process of its own (the same file with \`--child\`), one after the
  other, so neither's memory or garbage collection shows in the other's numbers.
- **pdfkit**: \`executiveReportPdf(report)\` read to a Buffer, with compression on, as the route
  streams it. One render untimed as "first render" (fonts read and subset for the first time,
  code not yet optimised), then the warm-up, then the timed renders; then as many again with
  the process's cache of shaped words emptied before each (\`clearShapingCache()\`), since the
  timed renders draw the same report and find every word shaped already.
- **Chromium**: playwright-core launches Chromium once with the e2e flags (\`--no-sandbox
  --headless=new --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync\`) and opens one page (timed as "launch"); each render builds the HTML,
  \`page.setContent(html)\` and \`page.pdf({ format: 'A4', printBackground: true })\`. The cold
  variant times launch, page, print and close together, as a job that starts a browser per
  report would.
- **Memory**: for each Node process, \`process.resourceUsage().maxRSS\` (peak resident set) and its
  RSS before the first render (Node, tsx and the modules). For Chromium, while the warm runs go,
  the browser's process tree (every descendant of the Node process, from \`/proc/*/stat\`) is
  sampled every 100 ms: the peak of the summed PSS (\`/proc/<pid>/smaps_rollup\`: shared pages
  divided among the processes sharing them — the headline figure), the peak of the summed RSS
  (shared pages counted once per process: an upper bound), and at the end the sum of each
  process's own peak (\`VmHWM\`). The cold runs are not sampled.
- Code: \`test/bench/pdf.bench.ts\`.`;

function writeDoc(results: string): void {
  writeGeneratedSection(path.join(root, 'docs', 'benchmarks.md'), '<!-- bench:pdf:start -->', '<!-- bench:pdf:end -->', results, { empty: '# Benchmarks\n', preamble: SECTION });
}

async function main(): Promise<void> {
  if (args.help) {
    console.log(usage);
    return;
  }
  const iterations = positiveInt('iterations', args.iterations, usage);
  const warmup = positiveInt('warmup', args.warmup, usage);
  const cold = positiveInt('cold', args.cold, usage);
  const risks = positiveInt('risks', args.risks, usage);

  if (args.child === 'pdfkit' || args.child === 'chromium') {
    const result = args.child === 'pdfkit' ? await runPdfkit(iterations, warmup, risks) : await runChromium(iterations, warmup, cold, risks);
    console.log(JSON.stringify(result));
    return;
  }

  const startedAt = new Date();
  const machine: Machine = {
    cpuModel: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    pdfkit: (JSON.parse(fs.readFileSync(path.join(root, 'node_modules/pdfkit/package.json'), 'utf8')) as { version: string }).version,
    loadBefore: loadAverage(),
  };
  console.log(`pdfkit: ${iterations} renders after ${warmup} warm-up, ${risks} top risks…`);
  const pdf = await child('pdfkit', iterations, warmup, cold, risks);
  if (pdf.pages !== 10) throw new Error(`pdfkit drew ${pdf.pages} pages, not 10: adjust --risks or the fixture`);
  console.log(`Chromium: launch, ${iterations} renders after ${warmup} warm-up, ${cold} cold runs…`);
  const web = await child('chromium', iterations, warmup, cold, risks);
  if (Math.abs(web.pages - pdf.pages) > 1) console.warn(`warning: Chromium printed ${web.pages} pages against pdfkit's ${pdf.pages}`);
  machine.loadAfter = loadAverage();

  const results = renderResults(machine, pdf, web, { iterations, warmup, cold, risks }, startedAt, (Date.now() - startedAt.getTime()) / 1000);
  console.log(`\n${results}\n`);
  if (!args['no-write']) {
    writeDoc(results);
    console.log('Wrote docs/benchmarks.md');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
