import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows, type Db } from '../../bff/db/client.js';
import { seed } from '../../bff/db/seed.js';

/**
 * The benchmark's own database: created, migrated and seeded once, then reused while the
 * seed parameters, the seed code and the migrations stay the same. A small table in a private `bench`
 * schema records what was seeded, so a re-run can tell whether the data still fits.
 */

export interface BenchSeed {
  customers: number;
  findingsPerCustomer: number;
  seed: number;
}

export interface BenchDatabase {
  database: Db;
  url: string;
  name: string;
  reused: boolean;
  seedSeconds: number | null;
  counts: Record<string, number>;
}

const dbDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bff/db');

/**
 * Changes whenever a migration or the seed code changes, so an edited migration or a different
 * generator forces a fresh database.
 */
export function codeFingerprint(): string {
  const hash = createHash('sha256');
  const migrations = fs.readdirSync(path.join(dbDir, 'migrations')).filter((f) => f.endsWith('.sql')).sort();
  for (const file of [...migrations.map((f) => path.join('migrations', f)), 'seed.ts']) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(dbDir, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function storedFingerprint(url: string): Promise<string | null> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await client<{ fingerprint: string }[]>`
      select fingerprint from bench.seed_info where complete`.catch(() => []);
    return rows[0]?.fingerprint ?? null;
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function prepareBenchDatabase(
  baseUrl: string,
  name: string,
  wanted: BenchSeed,
  opts: { reseed: boolean; log: (line: string) => void },
): Promise<BenchDatabase> {
  const { log } = opts;
  const url = withDatabase(baseUrl, name);
  const fingerprint = `v1:${wanted.customers}:${wanted.findingsPerCustomer}:${wanted.seed}:${codeFingerprint()}`;

  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  let exists: boolean;
  try {
    exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await admin.end({ timeout: 5 });
  }

  let reused = false;
  if (exists && !opts.reseed) {
    const found = await storedFingerprint(url);
    if (found === fingerprint) reused = true;
    else log(`Database ${name} holds ${found ? `another seed (${found})` : 'no complete seed'}; recreating it.`);
  } else if (exists) {
    log(`--reseed: recreating ${name}.`);
  }

  if (!reused) {
    const admin2 = postgres(baseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin2.unsafe(`drop database if exists "${name}" with (force)`);
      await admin2.unsafe(`create database "${name}"`);
    } finally {
      await admin2.end({ timeout: 5 });
    }
  }

  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  let seedSeconds: number | null = null;
  try {
    await database.migrate();
    if (!reused) {
      log(`Seeding ${wanted.customers} customers × ~${wanted.findingsPerCustomer} findings (one transaction; a few minutes)…`);
      const started = Date.now();
      await seed(database.db, { ...wanted, log: (l) => log(l) });
      seedSeconds = (Date.now() - started) / 1000;
      log(`Seeded in ${seedSeconds.toFixed(1)} s; running VACUUM ANALYZE…`);
      const client = postgres(url, { max: 1, onnotice: () => {} });
      try {
        // VACUUM sets the visibility map so index-only scans are possible, as on a settled database.
        await client.unsafe('vacuum (analyze)');
        await client.unsafe('create schema if not exists bench');
        await client.unsafe('create table if not exists bench.seed_info (fingerprint text not null, seeded_at timestamptz not null default now(), seed_seconds float8, complete boolean not null)');
        await client`insert into bench.seed_info (fingerprint, seed_seconds, complete) values (${fingerprint}, ${seedSeconds}, true)`;
      } finally {
        await client.end({ timeout: 5 });
      }
    } else {
      log(`Reusing ${name} (same seed and migrations; pass --reseed to rebuild). Running ANALYZE…`);
      await database.db.execute(sql`analyze`);
    }
    const counts: Record<string, number> = {};
    for (const table of ['orgs', 'customer_profiles', 'subscriptions', 'customer_metrics', 'assets', 'scans', 'findings', 'posture_snapshots', 'users']) {
      const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
      counts[table] = row?.n ?? 0;
    }
    return { database, url, name, reused, seedSeconds, counts };
  } catch (error) {
    await database.close();
    throw error;
  }
}
