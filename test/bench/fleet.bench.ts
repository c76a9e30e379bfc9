import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Result as CannonResult } from 'autocannon';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { SigningKeys } from '../../bff/auth/signing-keys.js';
import { loadConfig } from '../../bff/config.js';
import { openDatabase, queryRows, type Database } from '../../bff/db/client.js';
import {
  fleetPage,
  fleetSelect,
  fleetSummary,
  fleetSummarySelect,
  withScopePlan,
  type FleetQuery,
} from '../../bff/db/queries/fleet.js';
import { withScope, type Principal } from '../../bff/db/scope.js';
import { seeded } from '../../bff/db/seed.js';
import { prepareBenchDatabase } from './bench-db.js';
import { startBff } from './bff-process.js';
import { ms, stats, timeConcurrent, timeSequential, type Stats } from './stats.js';
import { cpuModel, loadAverage, n, positiveInt, writeGeneratedSection } from './report.js';

/**
 * `npm run bench`: the fleet API on real PostgreSQL with 1 000 customers and about a million
 * findings, through the real BFF (HTTP, JWT, rate limit, RLS) and, in the same run, the same
 * SQL straight to the database as the owner without RLS. Writes docs/benchmarks.md.
 * Run `npm run bench -- --help` for the options.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const ORIGIN = 'https://portal.northwind.example';

const usage = `Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- [options]

  --reseed                     drop and re-seed the benchmark database even if it holds the same seed
  --database NAME              benchmark database (default portico_bench; created on the server of DATABASE_URL)
  --customers N                customers to seed (default 1000)
  --findings-per-customer F    average findings per customer (default 1050 → about a million in all)
  --duration S                 seconds per autocannon run and per concurrent SQL run (default 10)
  --connections C              autocannon connections / concurrent SQL workers (default 8)
  --iterations N               sequential SQL iterations per variant (default 300)
  --no-write                   print results only; leave docs/benchmarks.md alone`;

const { values: args } = parseArgs({
  options: {
    reseed: { type: 'boolean', default: false },
    database: { type: 'string', default: 'portico_bench' },
    customers: { type: 'string', default: '1000' },
    'findings-per-customer': { type: 'string', default: '1050' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    iterations: { type: 'string', default: '300' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const log = (line: string) => console.log(line);

// ---------------------------------------------------------------------------------------
// Machine

interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  pgSettings: Record<string, string>;
  loadBefore: string;
  loadAfter?: string;
}

// ---------------------------------------------------------------------------------------
// SQL helpers

const dialect = new PgDialect();

/**
 * The same statement without RLS: rendered exactly as the BFF sends it, with one explicit
 * tenant filter added to the outer `where` (the org's subtree, from the closure table).
 */
function withTenantFilter(query: SQL, orgId: string): { text: string; params: unknown[] } {
  if (!/^[0-9a-f-]{36}$/i.test(orgId)) throw new Error(`not a uuid: ${orgId}`);
  const { sql: text, params } = dialect.sqlToQuery(query);
  const anchor = "where o.kind in ('customer', 'enterprise')";
  const parts = text.split(anchor);
  if (parts.length !== 2) throw new Error(`expected one "${anchor}" in the fleet SQL, found ${parts.length - 1}`);
  const filter = `where o.id in (select c.descendant_id from portico.org_closure c where c.ancestor_id = '${orgId}'::uuid) and o.kind in ('customer', 'enterprise')`;
  return { text: parts.join(filter), params };
}

type RawClient = postgres.Sql;
const runRaw = (client: RawClient, q: { text: string; params: unknown[] }) =>
  client.unsafe(q.text, q.params as postgres.ParameterOrJSON<never>[]);

async function explainScoped(db: Database, principal: Principal, query: SQL, scopePlan: boolean): Promise<string> {
  return withScope(db, principal, async (tx) => {
    const run = () => queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain (analyze, buffers) ${query}`);
    const rows = scopePlan ? await withScopePlan(tx, run) : await run();
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

async function explainRaw(client: RawClient, q: { text: string; params: unknown[] }): Promise<string> {
  const rows = await runRaw(client, { text: `explain (analyze, buffers) ${q.text}`, params: q.params });
  return (rows as unknown as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}

interface PlanCheck {
  initPlans: number;
  tenantIndexes: string[];
  otherIndexes: string[];
  seqScans: string[];
  nestedLoops: number;
  executionMs: number | null;
}

function checkPlan(plan: string, tenantIndexNames: Set<string>): PlanCheck {
  const indexes = [...plan.matchAll(/(?:Bitmap Index Scan on|Index Only Scan(?: Backward)? using|Index Scan(?: Backward)? using) (\S+)/g)].map((m) => m[1]!);
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    initPlans: (plan.match(/InitPlan \d+/g) ?? []).length,
    tenantIndexes: unique(indexes.filter((i) => tenantIndexNames.has(i))),
    otherIndexes: unique(indexes.filter((i) => !tenantIndexNames.has(i))),
    seqScans: unique([...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1]!)),
    nestedLoops: (plan.match(/Nested Loop/g) ?? []).length,
    executionMs: Number(plan.match(/Execution Time: ([\d.]+) ms/)?.[1] ?? NaN) || null,
  };
}

/** The lines of a plan worth quoting: the InitPlans, every scan with its conditions, the joins. */
function keyLines(plan: string): string {
  const keep = /InitPlan|Scan|Index Cond|Recheck Cond|Filter: \(|Join|Nested Loop|Hash Cond|Merge Cond|Execution Time|Planning Time|Rows Removed by Filter|loops=\d{2,}/;
  const lines = plan.split('\n');
  return lines
    .filter((l, i) => keep.test(l) || /InitPlan/.test(lines[i - 1] ?? '')) // an InitPlan's timing is on the next line
    .map((l) => l.replace(/\(cost=[^)]*\) /, ''))
    .join('\n');
}

// ---------------------------------------------------------------------------------------
// HTTP

interface HttpRun {
  label: string;
  path: string;
  connections: number;
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  cannonP50: number;
  cannonP99: number;
  non2xx: number;
  errors: number;
}

function cannon(url: string, token: string, connections: number, duration: number, record?: number[]): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration, headers: { authorization: `Bearer ${token}`, origin: ORIGIN }, timeout: 30 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (record) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode === 200) record.push(responseTime);
      });
    }
  });
}

async function loadTest(base: string, token: string, label: string, p: string, connections: number, duration: number): Promise<HttpRun> {
  await cannon(base + p, token, connections, Math.min(2, duration)); // warm every pooled connection
  const samples: number[] = [];
  const result = await cannon(base + p, token, connections, duration, samples);
  const s = stats(samples);
  return {
    label,
    path: p,
    connections,
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: s.p50,
    p99: s.p99,
    cannonP50: result.latency.p50,
    cannonP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

// ---------------------------------------------------------------------------------------

interface SqlRow {
  group: string;
  label: string;
  stats: Stats;
}

interface Explained {
  title: string;
  plan: string;
  check: PlanCheck;
}

async function main() {
  if (args.help) {
    console.log(usage);
    return;
  }
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    console.error(
      'npm run bench needs a real PostgreSQL server: set DATABASE_URL to a role that may create databases,\n' +
        'e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench\n' +
        '(it creates and seeds its own database, portico_bench, and reuses it on later runs).',
    );
    process.exit(2);
  }
  const customers = positiveInt('customers', args.customers, usage);
  const findingsPerCustomer = positiveInt('findings-per-customer', args['findings-per-customer'], usage);
  const duration = positiveInt('duration', args.duration, usage);
  const connections = positiveInt('connections', args.connections, usage);
  const iterations = positiveInt('iterations', args.iterations, usage);
  const started = Date.now();

  const machine: Machine = {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: '',
    pgSettings: {},
    loadBefore: loadAverage(),
  };

  const load1 = os.loadavg()[0] ?? 0;
  if (load1 > machine.cores * 0.5) {
    log(`Note: the 1-minute load average is ${load1.toFixed(2)} on ${machine.cores} cores; other work on this machine will show in the numbers.`);
  }

  const bench = await prepareBenchDatabase(baseUrl, args.database!, { customers, findingsPerCustomer, seed: 42 }, { reseed: args.reseed!, log });
  const db = bench.database.db;
  const raw = postgres(bench.url, { max: connections, onnotice: () => {}, connection: { application_name: 'portico-bench-raw' } });
  let bff: { child: ChildProcess; port: number } | undefined;
  try {
    const [version] = await queryRows<{ v: string }>(db, sql`select version() as v`);
    machine.postgres = version?.v ?? '';
    for (const name of ['shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit', 'synchronous_commit', 'max_parallel_workers_per_gather']) {
      const [row] = await queryRows<{ v: string }>(db, sql`select current_setting(${name}) as v`);
      machine.pgSettings[name] = row?.v ?? '';
    }

    // Who the benchmark acts as.
    const [admin] = await queryRows<{ id: string; org: string }>(
      db,
      sql`select u.id, u.tenant_id as org from users u join orgs o on o.id = u.tenant_id
           join role_assignments r on r.user_id = u.id and r.role = 'msp_admin'
          where o.slug = ${seeded.mspA} and u.external_id = ${seeded.staff.admin}`,
    );
    const [customerUser] = await queryRows<{ id: string; org: string; name: string }>(
      db,
      sql`select u.id, u.tenant_id as org, o.name from users u
           join role_assignments r on r.user_id = u.id and r.tenant_id = u.tenant_id and r.role = 'customer_admin'
           join customer_profiles cp on cp.tenant_id = u.tenant_id
           join orgs o on o.id = u.tenant_id
          where cp.access_delegation = 'full' and cp.status = 'active' and cp.revoked_at is null
            and o.kind = 'customer' and u.status = 'active'
            and o.parent_id = (select id from orgs where slug = ${seeded.mspA})
          order by o.slug limit 1`,
    );
    if (!admin || !customerUser) throw new Error('the seed has no MSP A admin or no customer admin with full delegation');
    const mspAdmin: Principal = { kind: 'user', userId: admin.id, role: 'msp_admin', orgId: admin.org };
    const customer: Principal = { kind: 'user', userId: customerUser.id, role: 'customer_admin', orgId: customerUser.org };
    const scopeSize = async (p: Principal) =>
      (
        await withScope(db, p, (tx) =>
          queryRows<{ managed: number; visible: number }>(
            tx,
            sql`select cardinality(portico.managed_tenants()) as managed, cardinality(portico.visible_tenants()) as visible`,
          ),
        )
      )[0]!;
    const adminScope = await scopeSize(mspAdmin);
    const customerScope = await scopeSize(customer);
    const [findingsInScope] = await queryRows<{ all: number; openCritical: number }>(
      db,
      sql`select count(*)::int as all, (count(*) filter (where status = 'open' and severity = 'critical'))::int as "openCritical"
            from findings where tenant_id in (select descendant_id from portico.org_closure where ancestor_id = ${admin.org}::uuid)`,
    );
    log(`MSP A admin manages ${adminScope.managed} orgs, sees data of ${adminScope.visible}; customer user sees ${customerScope.visible}.`);

    const tenantIndexNames = new Set(
      (
        await queryRows<{ name: string }>(
          db,
          sql`select ic.relname as name
                from pg_index i
                join pg_class ic on ic.oid = i.indexrelid
                join pg_class tc on tc.oid = i.indrelid
                join pg_namespace n on n.oid = tc.relnamespace
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
               where n.nspname = 'public' and (a.attname = 'tenant_id' or (tc.relname = 'orgs' and a.attname = 'id'))`,
        )
      ).map((r) => r.name),
    );

    // -------------------------------------------------------------------------------------
    // HTTP through the real BFF.
    const config = loadConfig();
    const opts = { issuer: config.issuer, audience: config.audience };
    const keys = process.env.PORTICO_SIGNING_KEYS
      ? await SigningKeys.fromJwks(JSON.parse(process.env.PORTICO_SIGNING_KEYS) as { keys: [] }, opts)
      : await SigningKeys.fromDatabase(db, opts); // creates the first key before the BFF starts
    const { token } = await keys.sign({ sub: admin.id, org: admin.org, role: 'msp_admin', origins: [ORIGIN] }, 3600);
    bff = await startBff(bench.url);
    const base = `http://127.0.0.1:${bff.port}`;
    log(`BFF listening on ${base}`);

    const endpoints = [
      { label: 'fleet, default sort (name)', path: '/v1/fleet?limit=50' },
      { label: 'fleet, sort=postureScore desc, status=active', path: '/v1/fleet?limit=50&sort=postureScore&order=desc&status=active' },
      { label: 'fleet summary', path: '/v1/fleet/summary' },
    ];
    for (const e of endpoints) {
      const res = await fetch(base + e.path, { headers: { authorization: `Bearer ${token}`, origin: ORIGIN } });
      const body = (await res.json()) as { items?: unknown[] };
      if (res.status !== 200) throw new Error(`${e.path} answered ${res.status}: ${JSON.stringify(body)}`);
      if (e.path.startsWith('/v1/fleet?') && body.items?.length !== 50) throw new Error(`${e.path} returned ${body.items?.length} items, expected 50`);
    }
    const http: HttpRun[] = [];
    // The pipeline's fixed cost (JWT, rate limit, one small RLS transaction), for scale.
    const meRun = await loadTest(base, token, 'GET /v1/me (pipeline baseline)', '/v1/me', 1, duration);
    http.push(meRun);
    log(`autocannon /v1/me — 1 connection: p50 ${ms(meRun.p50)} ms, ${meRun.requestsPerSecond.toFixed(1)} req/s`);
    for (const e of endpoints) {
      for (const c of [1, connections]) {
        log(`autocannon ${e.path} — ${c} connection(s), ${duration} s`);
        const run = await loadTest(base, token, e.label, e.path, c, duration);
        http.push(run);
        log(`  ${run.requestsPerSecond.toFixed(1)} req/s, p50 ${ms(run.p50)} ms, p99 ${ms(run.p99)} ms, non-2xx ${run.non2xx}, errors ${run.errors}`);
      }
    }
    // autocannon drops its sockets at the deadline; let the BFF finish those requests first.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    bff.child.kill('SIGTERM');
    await new Promise((resolve) => bff!.child.once('exit', resolve));
    bff = undefined;

    // -------------------------------------------------------------------------------------
    // The same SQL, directly, in the same run.
    const sqlRows: SqlRow[] = [];
    const maxSeconds = Math.max(5, duration);
    const time = async (group: string, label: string, fn: () => Promise<unknown>) => {
      const s = await timeSequential(iterations, fn, 10, maxSeconds);
      sqlRows.push({ group, label, stats: s });
      log(`  ${group} — ${label}: p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms (n=${s.n})`);
    };

    const byName: FleetQuery = { sort: 'name', order: 'asc', limit: 50 };
    const byScore: FleetQuery = { sort: 'postureScore', order: 'desc', limit: 50, status: ['active'] };
    log('SQL timings');
    // The fixed cost of the RLS path's round trips: begin, principal, plan settings, restore, commit.
    await time('transaction overhead', 'withScope + withScopePlan around `select 1`', () =>
      withScope(db, mspAdmin, (tx) => withScopePlan(tx, () => queryRows(tx, sql`select 1`))),
    );
    await time('transaction overhead', 'raw `select 1`', () => raw.unsafe('select 1'));
    for (const [group, q] of [['fleet, sort=name', byName], ['fleet, sort=postureScore desc, status=active', byScore]] as const) {
      const rawQuery = withTenantFilter(fleetSelect(q), admin.org);
      await time(group, 'raw: owner, no RLS, explicit subtree filter', () => runRaw(raw, rawQuery));
      await time(group, 'RLS: same SQL, planner defaults', () => withScope(db, mspAdmin, (tx) => queryRows(tx, fleetSelect(q))));
      await time(group, 'RLS: fleetPage as the route runs it', () => withScope(db, mspAdmin, (tx) => fleetPage(tx, q)));
    }
    const now = new Date();
    const summarySql = fleetSummarySelect(now);
    const rawSummary = withTenantFilter(summarySql, admin.org);
    await time('fleet summary', 'raw: owner, no RLS, explicit subtree filter', () => runRaw(raw, rawSummary));
    await time('fleet summary', 'RLS: same SQL, planner defaults', () => withScope(db, mspAdmin, (tx) => queryRows(tx, summarySql)));
    await time('fleet summary', 'RLS: fleetSummary as the route runs it', () => withScope(db, mspAdmin, (tx) => fleetSummary(tx, now)));

    const openCritical = sql`select count(*)::int as n from findings where status = 'open' and severity = 'critical'`;
    const rawOpenCritical = {
      text: `select count(*)::int as n from findings where status = 'open' and severity = 'critical'
               and tenant_id in (select descendant_id from portico.org_closure where ancestor_id = $1::uuid)`,
      params: [admin.org],
    };
    const rawOpenCriticalCustomer = {
      text: `select count(*)::int as n from findings where status = 'open' and severity = 'critical' and tenant_id = $1::uuid`,
      params: [customerUser.org],
    };
    await time('open critical findings (count)', 'raw: MSP A subtree, no RLS', () => runRaw(raw, rawOpenCritical));
    await time('open critical findings (count)', 'RLS: MSP A admin', () => withScope(db, mspAdmin, (tx) => queryRows(tx, openCritical)));
    await time('open critical findings (count)', 'raw: one customer, no RLS', () => runRaw(raw, rawOpenCriticalCustomer));
    await time('open critical findings (count)', 'RLS: customer admin', () => withScope(db, customer, (tx) => queryRows(tx, openCritical)));

    log(`Concurrent SQL — ${connections} workers, ${duration} s each`);
    const rawByName = withTenantFilter(fleetSelect(byName), admin.org);
    const concurrentRaw = await timeConcurrent(connections, duration, () => runRaw(raw, rawByName));
    log(`  raw fleet SQL: ${concurrentRaw.perSecond.toFixed(1)}/s, p50 ${ms(concurrentRaw.p50)} ms`);
    const concurrentRls = await timeConcurrent(connections, duration, () => withScope(db, mspAdmin, (tx) => fleetPage(tx, byName)));
    log(`  RLS route transaction: ${concurrentRls.perSecond.toFixed(1)}/s, p50 ${ms(concurrentRls.p50)} ms`);

    // -------------------------------------------------------------------------------------
    // Plans.
    log('EXPLAIN (ANALYZE, BUFFERS)');
    const explained: Explained[] = [];
    const explain = async (title: string, plan: Promise<string>) => {
      const text = await plan;
      explained.push({ title, plan: text, check: checkPlan(text, tenantIndexNames) });
    };
    // One connection, warmed first (the policy functions keep their plans per connection),
    // so the plans show a running BFF's steady state rather than a first call.
    const one = await openDatabase({ databaseUrl: bench.url, poolSize: 1 });
    const oneRaw = postgres(bench.url, { max: 1, onnotice: () => {} });
    try {
      for (let i = 0; i < 3; i++) {
        await withScope(one.db, mspAdmin, (tx) => fleetPage(tx, byName));
        await withScope(one.db, mspAdmin, (tx) => queryRows(tx, openCritical));
        await withScope(one.db, customer, (tx) => queryRows(tx, openCritical));
        await runRaw(oneRaw, rawByName);
      }
      await explain('Fleet page (sort=name) under RLS as the MSP A admin, as the route runs it', explainScoped(one.db, mspAdmin, fleetSelect(byName), true));
      await explain('The same statement under RLS with planner defaults', explainScoped(one.db, mspAdmin, fleetSelect(byName), false));
      await explain('The same statement as the owner without RLS (explicit subtree filter)', explainRaw(oneRaw, rawByName));
      await explain('Open critical findings (count) under RLS as the MSP A admin', explainScoped(one.db, mspAdmin, openCritical, false));
      await explain('Open critical findings (count) as the owner without RLS (explicit subtree filter)', explainRaw(oneRaw, rawOpenCritical));
      await explain(`Open critical findings (count) under RLS as a customer admin (${customerUser.name})`, explainScoped(one.db, customer, openCritical, false));
    } finally {
      await oneRaw.end({ timeout: 5 });
      await one.close();
    }
    for (const e of explained) {
      const c = e.check;
      log(`  ${e.title}: ${c.initPlans} InitPlan(s); tenant indexes: ${c.tenantIndexes.join(', ') || 'none'}; seq scans: ${c.seqScans.join(', ') || 'none'}; ${c.executionMs ?? '?'} ms`);
    }
    machine.loadAfter = loadAverage();

    // -------------------------------------------------------------------------------------
    const result = {
      when: new Date(),
      minutes: (Date.now() - started) / 60_000,
      machine,
      dataset: {
        database: bench.name,
        reused: bench.reused,
        seedSeconds: bench.seedSeconds,
        customers,
        findingsPerCustomer,
        counts: bench.counts,
        adminScope,
        customerScope,
        findingsInScope: findingsInScope!,
        customerName: customerUser.name,
      },
      options: { duration, connections, iterations },
      http,
      sqlRows,
      concurrent: { raw: concurrentRaw, rls: concurrentRls },
      explained,
    };
    const markdown = renderResults(result);
    console.log('\n' + markdown);
    if (!args['no-write']) {
      writeDoc(markdown);
      log(`\nWrote docs/benchmarks.md (${result.minutes.toFixed(1)} min in all).`);
    }
  } finally {
    if (bff) bff.child.kill('SIGTERM');
    await raw.end({ timeout: 5 });
    await bench.database.close();
  }
}

// ---------------------------------------------------------------------------------------
// Report

type Results = {
  when: Date;
  minutes: number;
  machine: Machine;
  dataset: {
    database: string;
    reused: boolean;
    seedSeconds: number | null;
    customers: number;
    findingsPerCustomer: number;
    counts: Record<string, number>;
    adminScope: { managed: number; visible: number };
    customerScope: { managed: number; visible: number };
    findingsInScope: { all: number; openCritical: number };
    customerName: string;
  };
  options: { duration: number; connections: number; iterations: number };
  http: HttpRun[];
  sqlRows: SqlRow[];
  concurrent: { raw: Stats & { perSecond: number }; rls: Stats & { perSecond: number } };
  explained: Explained[];
};

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');

function renderResults(r: Results): string {
  const m = r.machine;
  const d = r.dataset;
  const sqlP50 = (group: string, labelStart: string) =>
    r.sqlRows.find((s) => s.group === group && s.label.startsWith(labelStart))?.stats.p50 ?? NaN;
  const httpRun = (p: string, c: number) => r.http.find((h) => h.path === p && h.connections === c);
  const fleetHttp1 = httpRun('/v1/fleet?limit=50', 1);
  const fleetHttpC = httpRun('/v1/fleet?limit=50', r.options.connections);
  const sortedHttp1 = httpRun('/v1/fleet?limit=50&sort=postureScore&order=desc&status=active', 1);
  const summaryHttp1 = httpRun('/v1/fleet/summary', 1);
  const rawName = sqlP50('fleet, sort=name', 'raw: owner');
  const rlsName = sqlP50('fleet, sort=name', 'RLS: fleetPage');
  const rlsDefaults = sqlP50('fleet, sort=name', 'RLS: same SQL');
  const rawScore = sqlP50('fleet, sort=postureScore desc, status=active', 'raw: owner');
  const rlsScore = sqlP50('fleet, sort=postureScore desc, status=active', 'RLS: fleetPage');
  const rawSummary = sqlP50('fleet summary', 'raw: owner');
  const rlsSummary = sqlP50('fleet summary', 'RLS: fleetSummary');
  const goal = (x: number) => (Number.isFinite(x) ? (x <= 1.5 ? 'yes' : '**no**') : '–');
  const ratios: [string, number, number][] = [
    ['GET /v1/fleet p50, 1 connection ÷ raw fleet SQL p50', fleetHttp1?.p50 ?? NaN, rawName],
    [`raw fleet SQL per second ÷ GET /v1/fleet per second (${r.options.connections} concurrent)`, r.concurrent.raw.perSecond, fleetHttpC?.requestsPerSecond ?? NaN],
    ['fleet SQL under RLS (fleetPage) p50 ÷ raw p50 — the database part alone', rlsName, rawName],
    ['the same SQL under RLS with planner defaults p50 ÷ raw p50', rlsDefaults, rawName],
    ['GET /v1/fleet?sort=postureScore… p50, 1 connection ÷ raw SQL p50', sortedHttp1?.p50 ?? NaN, rawScore],
    ['sorted/filtered fleet SQL under RLS p50 ÷ raw p50', rlsScore, rawScore],
    ['GET /v1/fleet/summary p50, 1 connection ÷ raw summary SQL p50', summaryHttp1?.p50 ?? NaN, rawSummary],
    ['summary SQL under RLS p50 ÷ raw p50', rlsSummary, rawSummary],
  ];

  const lines: string[] = [];
  lines.push(`## Results of the last run`, '');
  lines.push(`Generated by \`npm run bench\` on ${r.when.toISOString().slice(0, 16).replace('T', ' ')} UTC (${r.minutes.toFixed(1)} min in all).`, '');
  lines.push('### Machine', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| CPU | ${m.cpuModel}, ${m.cores} cores (nproc) |`);
  lines.push(`| Memory | ${m.memoryGiB.toFixed(1)} GiB |`);
  lines.push(`| OS | ${m.kernel} |`);
  lines.push(`| PostgreSQL | ${m.postgres} |`);
  lines.push(`| PostgreSQL settings | ${Object.entries(m.pgSettings).map(([k, v]) => `${k}=${v}`).join(', ')} |`);
  lines.push(`| Node.js | ${m.node} |`);
  lines.push(`| Load average (1/5/15 min) | before ${m.loadBefore}; after ${m.loadAfter ?? '?'} |`);
  lines.push('', 'Everything ran on this one machine: PostgreSQL, the BFF (its own Node process), autocannon and the SQL timings (the benchmark process).', '');

  lines.push('### Dataset', '');
  lines.push(`Database \`${d.database}\`, seed 42, ${n(d.customers)} customers × ~${n(d.findingsPerCustomer)} findings on average (invited customers have none): ` +
    (d.reused ? 'reused from an earlier run with the same seed, seed code and migrations.' : `seeded in ${d.seedSeconds?.toFixed(0)} s, then VACUUM ANALYZE.`), '');
  lines.push('| table | rows |', '|---|---:|');
  for (const [table, count] of Object.entries(d.counts)) lines.push(`| ${table} | ${n(count)} |`);
  lines.push('');
  lines.push(`The benchmark acts as MSP A's admin (\`msp_admin\` of *${seeded.mspA}*): it manages ${n(d.adminScope.managed)} orgs (its own, the sub-partner, their customers and the enterprise's sub-orgs) and sees the data of ${n(d.adminScope.visible)} (one customer revoked its access). ` +
    `That scope holds ${n(d.findingsInScope.all)} findings, ${n(d.findingsInScope.openCritical)} of them open and critical. The single-customer case is the customer admin of *${d.customerName}* (scope: ${d.customerScope.visible} tenant).`, '');

  lines.push('### HTTP through the BFF (autocannon)', '');
  lines.push(`Each row: ${r.options.duration} s after a 2 s warm-up, \`127.0.0.1\` only, one MSP-admin session. p50/p99 are computed from every response's own time (autocannon's histogram rounds to whole milliseconds; its values are in brackets).`, '');
  lines.push('| endpoint | connections | req/s | p50 ms | p99 ms | non-2xx | errors |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const h of r.http) {
    lines.push(`| ${h.label} | ${h.connections} | ${h.requestsPerSecond.toFixed(1)} | ${ms(h.p50)} (${h.cannonP50}) | ${ms(h.p99)} (${h.cannonP99}) | ${h.non2xx} | ${h.errors} |`);
  }
  lines.push('');

  lines.push('### The same SQL straight to PostgreSQL, same run', '');
  lines.push(`Sequential, one statement (or transaction) at a time over postgres.js, ${r.options.iterations} iterations after 10 warm-ups (fewer when a variant would take longer than ${Math.max(5, r.options.duration)} s). ` +
    '"raw" runs as the owner (a superuser, so RLS does not apply) with an explicit tenant filter added to the outer `where`: `o.id in (select descendant_id from portico.org_closure where ancestor_id = <MSP A>)`. ' +
    '"RLS" runs in `withScope` as `portico_app` with the admin as principal, exactly as the BFF does.', '');
  lines.push('| query | path | p50 ms | p99 ms | mean ms | n |', '|---|---|---:|---:|---:|---:|');
  for (const s of r.sqlRows) lines.push(`| ${s.group} | ${s.label} | ${ms(s.stats.p50)} | ${ms(s.stats.p99)} | ${ms(s.stats.mean)} | ${s.stats.n} |`);
  lines.push('');
  lines.push(`Under load (${r.options.connections} concurrent workers, ${r.options.duration} s): raw fleet SQL ${r.concurrent.raw.perSecond.toFixed(1)}/s (p50 ${ms(r.concurrent.raw.p50)} ms, p99 ${ms(r.concurrent.raw.p99)} ms); ` +
    `the route's RLS transaction ${r.concurrent.rls.perSecond.toFixed(1)}/s (p50 ${ms(r.concurrent.rls.p50)} ms, p99 ${ms(r.concurrent.rls.p99)} ms); ` +
    `GET /v1/fleet ${fleetHttpC?.requestsPerSecond.toFixed(1) ?? '–'} req/s.`, '');

  lines.push('### Against the goal (BFF + RLS within 1.5× of the raw query)', '');
  lines.push('| comparison | ratio | within 1.5×? |', '|---|---:|---|');
  for (const [label, a, b] of ratios) lines.push(`| ${label} | ${ratio(a, b)} | ${goal(a / b)} |`);
  lines.push('');

  lines.push('### Plans', '');
  lines.push('`EXPLAIN (ANALYZE, BUFFERS)`, run once each after the benchmark (warm cache). Checks: the visible-tenant set must be an InitPlan, and the tables must be reached through their `tenant_id` indexes.', '');
  lines.push('| plan | InitPlans | indexes on tenant_id used | other indexes | seq scans | nested loops | execution ms |', '|---|---:|---|---|---|---:|---:|');
  for (const e of r.explained) {
    const c = e.check;
    lines.push(`| ${e.title} | ${c.initPlans} | ${c.tenantIndexes.map((i) => `\`${i}\``).join(', ') || '–'} | ${c.otherIndexes.map((i) => `\`${i}\``).join(', ') || '–'} | ${c.seqScans.join(', ') || '–'} | ${c.nestedLoops} | ${c.executionMs ?? '–'} |`);
  }
  lines.push('');
  for (const e of r.explained) {
    lines.push(`#### ${e.title}`, '', 'Key lines:', '', '```', keyLines(e.plan), '```', '');
    lines.push('<details><summary>Full plan</summary>', '', '```', e.plan, '```', '', '</details>', '');
  }
  return lines.join('\n');
}

const TEMPLATE = `# Benchmarks

How fast the fleet API answers on real PostgreSQL with row-level security, compared with the
same SQL sent straight to the database without it.

## How to run

\`\`\`sh
DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench
\`\`\`

The role in \`DATABASE_URL\` must be able to create databases. The benchmark creates its own database
(\`portico_bench\`), migrates it, seeds 1 000 customers with about a million findings, runs ANALYZE,
and reuses that database on later runs while the seed and the migrations are unchanged
(\`--reseed\` rebuilds it). \`npm run bench -- --help\` lists the options. It rewrites the results
section below; the rest of this page is written by hand.

${START}
${END}
`;

function writeDoc(results: string): void {
  writeGeneratedSection(path.join(root, 'docs', 'benchmarks.md'), START, END, results, { empty: TEMPLATE });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
