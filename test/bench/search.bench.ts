import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { SigningKeys } from '../../bff/auth/signing-keys.js';
import { loadConfig } from '../../bff/config.js';
import { openDatabase, queryRows, type Database } from '../../bff/db/client.js';
import { findingSearchQuery, searchFindings, type FindingSearch } from '../../bff/db/queries/search.js';
import { withScope, type Principal } from '../../bff/db/scope.js';
import { seeded } from '../../bff/db/seed.js';
import { prepareBenchDatabase } from './bench-db.js';
import { startBff } from './bff-process.js';
import { cpuModel, loadAverage, n, positiveInt, writeGeneratedSection } from './report.js';

/**
 * `npm run bench:search`: GET /v1/search/findings on real PostgreSQL with 1 000 customers and
 * about a million findings, as MSP A's admin (every customer) and its account manager (the
 * assigned ones): through the real BFF over HTTP, and the route's statement alone inside
 * withScope (RLS, no HTTP). p50/p95/p99 of sequential requests; EXPLAIN ANALYZE of each query.
 * Writes its section of docs/benchmarks.md. `npm run bench:search -- --help` for the options.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const ORIGIN = 'https://portal.northwind.example';
const TARGET_P95_MS = 100;

const usage = `Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:search -- [options]

  --reseed                     drop and re-seed the benchmark database even if it holds the same seed
  --database NAME              benchmark database (default portico_bench, shared with npm run bench)
  --customers N                customers to seed (default 1000)
  --findings-per-customer F    average findings per customer (default 1050 → about a million in all)
  --iterations N               sequential requests per query and caller (default 200)
  --no-write                   print results only; leave docs/benchmarks.md alone`;

const { values: args } = parseArgs({
  options: {
    reseed: { type: 'boolean', default: false },
    database: { type: 'string', default: 'portico_bench' },
    customers: { type: 'string', default: '1000' },
    'findings-per-customer': { type: 'string', default: '1050' },
    iterations: { type: 'string', default: '200' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const log = (line: string) => console.log(line);

interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a sample of milliseconds. */
function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] ?? NaN };
}

async function timeIt(iterations: number, fn: () => Promise<unknown>, warmup = 10): Promise<Percentiles> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return percentiles(samples);
}

const f1 = (v: number) => v.toFixed(1);

/** A typical question asked of the whole fleet. */
interface SearchCase {
  label: string;
  query: Record<string, string>;
  /** Part of the p95 target: a text query. Filter-only browsing is reported, not targeted. */
  target: boolean;
}

const cases: SearchCase[] = [
  { label: '"smtp"', query: { q: 'smtp' }, target: true },
  { label: '"openssh"', query: { q: 'openssh' }, target: true },
  { label: '"tls", severity critical,high', query: { q: 'tls', severity: 'critical,high' }, target: true },
  { label: 'two words: "tls certificate"', query: { q: 'tls certificate' }, target: true },
  { label: '"legacy smtp", open for 30+ days', query: { q: 'legacy smtp', olderThanDays: '30' }, target: true },
  { label: 'no text: severity critical', query: { severity: 'critical' }, target: false },
];

/** The route's defaults applied to a case's query, as the statement takes them. */
function searchOf(query: Record<string, string>): FindingSearch {
  return {
    q: query.q,
    severity: query.severity?.split(',') as FindingSearch['severity'],
    status: ['open'],
    olderThanDays: query.olderThanDays ? Number(query.olderThanDays) : undefined,
    limit: 20,
    top: 5,
  };
}

interface Caller {
  label: string;
  principal: Principal;
  token: string;
  customers: number;
}

interface Row {
  caller: string;
  label: string;
  target: boolean;
  customers: number;
  findings: number;
  http: Percentiles;
  sql: Percentiles;
  /** Server CPU per search (the backend's user + system time), or null when it cannot be read. */
  cpuMs: number | null;
}

/**
 * CPU milliseconds the PostgreSQL backend spends per search: its user + system time from
 * /proc/<pid>/stat (the server on this machine) around `n` searches on one connection. Unlike
 * wall-clock latency it does not grow when other processes compete for the cores.
 */
async function backendCpuPerSearch(db: Database, principal: Principal, search: FindingSearch, n = 50): Promise<number | null> {
  const [row] = await queryRows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`);
  const ticks = () => {
    try {
      const fields = fs.readFileSync(`/proc/${row!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
    } catch {
      return null;
    }
  };
  for (let i = 0; i < 5; i++) await withScope(db, principal, (tx) => searchFindings(tx, search));
  const before = ticks();
  for (let i = 0; i < n; i++) await withScope(db, principal, (tx) => searchFindings(tx, search));
  const after = ticks();
  if (before === null || after === null) return null;
  const hz = 100; // USER_HZ on Linux
  return ((after - before) * 1000) / hz / n;
}

async function explain(db: Database, principal: Principal, search: FindingSearch): Promise<string> {
  return withScope(db, principal, async (tx) => {
    const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain (analyze, buffers) ${findingSearchQuery(search)}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** The plan lines worth quoting: scans of findings with their conditions, and the totals. */
function keyLines(plan: string): string {
  const lines = plan.split('\n');
  return lines
    .filter((l) => /Scan.* on findings|Scan using \S+ on findings|Index Cond|Heap Fetches|Execution Time|Planning Time/.test(l))
    .map((l) => l.replace(/\(cost=[^)]*\) /, ''))
    .join('\n');
}

async function main() {
  if (args.help) {
    console.log(usage);
    return;
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    console.error('npm run bench:search needs a real PostgreSQL server: set DATABASE_URL to a role that may create databases,\n' +
      'e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:search');
    process.exit(2);
  }
  const customers = positiveInt('customers', args.customers, usage);
  const findingsPerCustomer = positiveInt('findings-per-customer', args['findings-per-customer'], usage);
  const iterations = positiveInt('iterations', args.iterations, usage);
  const started = Date.now();
  const loadBefore = loadAverage();

  const bench = await prepareBenchDatabase(baseUrl, args.database!, { customers, findingsPerCustomer, seed: 42 }, { reseed: args.reseed!, log });
  const db = bench.database.db;
  let bff: { child: ChildProcess; port: number } | undefined;
  try {
    // The planner's statistics for the catalogue and the title index, as after autovacuum.
    await db.execute(sql`analyze findings`);
    const [version] = await queryRows<{ v: string; sb: string }>(db, sql`select version() as v, current_setting('shared_buffers') as sb`);
    const [sizes] = await queryRows<{ findings: string; idx: string; titles: number }>(
      db,
      sql`select pg_size_pretty(pg_relation_size('findings')) as findings,
                 pg_size_pretty(pg_relation_size('findings_title_tenant_idx')) as idx,
                 (select count(*)::int from portico.finding_titles) as titles`,
    );

    const staff = await queryRows<{ id: string; org: string; role: string; external_id: string }>(
      db,
      sql`select u.id, u.tenant_id as org, r.role::text as role, u.external_id from users u
            join orgs o on o.id = u.tenant_id join role_assignments r on r.user_id = u.id
           where o.slug = ${seeded.mspA} and u.external_id in (${seeded.staff.admin}, ${seeded.staff.accountManager})`,
    );
    const config = loadConfig();
    const keys = process.env.PORTICO_SIGNING_KEYS
      ? await SigningKeys.fromJwks(JSON.parse(process.env.PORTICO_SIGNING_KEYS) as { keys: [] }, { issuer: config.issuer, audience: config.audience })
      : await SigningKeys.fromDatabase(db, { issuer: config.issuer, audience: config.audience });
    const callers: Caller[] = [];
    for (const who of [seeded.staff.admin, seeded.staff.accountManager]) {
      const u = staff.find((s) => s.external_id === who);
      if (!u) throw new Error(`the seed has no ${who} of MSP A`);
      const principal: Principal = { kind: 'user', userId: u.id, role: u.role, orgId: u.org };
      const [scope] = await withScope(db, principal, (tx) => queryRows<{ n: number }>(tx, sql`select cardinality(portico.visible_tenants()) as n`));
      const { token } = await keys.sign({ sub: u.id, org: u.org, role: u.role, origins: [ORIGIN] }, 3600);
      callers.push({ label: u.role === 'msp_admin' ? 'MSP admin' : 'account manager', principal, token, customers: scope?.n ?? 0 });
    }
    log(`Findings: ${n(bench.counts.findings ?? 0)} (${sizes?.findings}; findings_title_tenant_idx ${sizes?.idx}); catalogue titles: ${sizes?.titles}.`);
    for (const c of callers) log(`${c.label} sees ${c.customers} tenants.`);

    bff = await startBff(bench.url);
    const base = `http://127.0.0.1:${bff.port}`;
    const get = async (c: Caller, query: Record<string, string>) => {
      const res = await fetch(`${base}/v1/search/findings?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${c.token}`, origin: ORIGIN } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${JSON.stringify(query)} answered ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as { total: { customers: number; findings: number } };
    };

    // One connection of its own, so the server process doing the work can be named.
    const single = await openDatabase({ databaseUrl: bench.url, poolSize: 1 });
    const rows: Row[] = [];
    const plans: { title: string; plan: string }[] = [];
    const loads: string[] = [];
    for (const c of callers) {
      for (const k of cases) {
        const { total } = await get(c, k.query);
        const http = await timeIt(iterations, () => get(c, k.query));
        const search = searchOf(k.query);
        const sqlOnly = await timeIt(iterations, () => withScope(db, c.principal, (tx) => searchFindings(tx, search)));
        const cpuMs = await backendCpuPerSearch(single.db, c.principal, search);
        rows.push({ caller: c.label, label: k.label, target: k.target, customers: total.customers, findings: total.findings, http, sql: sqlOnly, cpuMs });
        loads.push(loadAverage());
        log(`${c.label} ${k.label}: ${total.customers} customers, ${total.findings} findings — HTTP p50 ${f1(http.p50)} p95 ${f1(http.p95)} p99 ${f1(http.p99)} ms; SQL p50 ${f1(sqlOnly.p50)} p95 ${f1(sqlOnly.p95)} p99 ${f1(sqlOnly.p99)} ms; server CPU ${cpuMs === null ? '?' : f1(cpuMs)} ms per search`);
        if (c === callers[0] || k === cases[0]) plans.push({ title: `${c.label}, ${k.label}`, plan: await explain(db, c.principal, search) });
      }
    }
    const loadAfter = loadAverage();
    await single.close();

    const missed = rows.filter((r) => r.target && r.http.p95 >= TARGET_P95_MS);
    const lines: string[] = [];
    lines.push(`Recorded ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${Math.round((Date.now() - started) / 1000)} s. ` +
      `Machine: ${cpuModel()}, ${os.availableParallelism()} cores (\`nproc\`), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB; ` +
      `load average (1 / 5 / 15 min) ${loadBefore} before, ${loadAfter} after; ${version?.v.split(' on ')[0]}, shared_buffers ${version?.sb}.`);
    lines.push('');
    lines.push(`Data: ${n(bench.counts.findings ?? 0)} findings (${sizes?.findings}) of ${n(bench.counts.customer_profiles ?? 0)} customers, ${sizes?.titles} catalogue titles, ` +
      `findings_title_tenant_idx ${sizes?.idx}. Callers: MSP A's admin (${callers[0]?.customers} visible tenants) and its account manager (${callers[1]?.customers}). ` +
      `${iterations} sequential requests per row after 10 warm-ups; status open, 20 customers per page, 5 findings each.`);
    lines.push('');
    lines.push('| caller | query | customers | findings | HTTP p50 | HTTP p95 | HTTP p99 | SQL p50 | SQL p95 | SQL p99 | server CPU |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      lines.push(`| ${r.caller} | ${r.label}${r.target ? '' : ' (not targeted)'} | ${n(r.customers)} | ${n(r.findings)} | ${f1(r.http.p50)} | ${f1(r.http.p95)} | ${f1(r.http.p99)} | ${f1(r.sql.p50)} | ${f1(r.sql.p95)} | ${f1(r.sql.p99)} | ${r.cpuMs === null ? '—' : f1(r.cpuMs)} |`);
    }
    lines.push('');
    lines.push(`Milliseconds. HTTP: \`GET /v1/search/findings\` from this process to the BFF in its own process (JWT, rate limit, RLS transaction, JSON). ` +
      `SQL: the route's statement (\`searchFindings\`) inside \`withScope\` as the request role, without HTTP. ` +
      `Server CPU: user + system time of the PostgreSQL backend per search (mean of 50 on one connection), which other load does not inflate. ` +
      `Load average after each row: ${loads.join('; ')}.`);
    lines.push('');
    lines.push(missed.length === 0
      ? `Target (text queries, HTTP p95 < ${TARGET_P95_MS} ms, both callers): **met**.`
      : `Target (text queries, HTTP p95 < ${TARGET_P95_MS} ms, both callers): **missed** by ${missed.map((r) => `${r.caller} ${r.label} (${f1(r.http.p95)} ms)`).join(', ')}.`);
    lines.push('');
    lines.push('<details><summary>EXPLAIN (ANALYZE, BUFFERS) as the request role, key lines</summary>');
    lines.push('');
    for (const p of plans) {
      lines.push(`${p.title}:`);
      lines.push('');
      lines.push('```');
      lines.push(keyLines(p.plan));
      lines.push('```');
      lines.push('');
    }
    lines.push('</details>');
    const results = lines.join('\n');
    console.log(`\n${results}`);
    if (!args['no-write']) {
      writeGeneratedSection(
        path.join(root, 'docs/benchmarks.md'),
        '<!-- bench:search:start -->',
        '<!-- bench:search:end -->',
        results,
        {
          empty: '# Benchmarks\n',
          preamble: '## Finding search (`npm run bench:search`)\n\nHow search works and why it is fast under RLS: docs/search.md. Numbers below are written by the benchmark.',
        },
      );
      log('Wrote docs/benchmarks.md');
    }
  } finally {
    if (bff) {
      bff.child.kill('SIGTERM');
      await new Promise((resolve) => bff!.child.once('exit', resolve));
    }
    await bench.database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
