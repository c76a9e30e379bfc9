import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';

export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- both drivers' result kinds
export type Database = PgDatabase<any, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, Record<string, never>> | Database;

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Db {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a redacted URL or a directory. */
  location: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * How pg-boss reaches the same database: its own small pool for PostgreSQL, or the one
   * embedded connection for PGlite (which serialises pg-boss's statements with the app's).
   */
  jobsConnection: { connectionString: string } | { db: SqlExecutor };
}

/** The one method pg-boss needs from a database it does not connect to itself. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Rows of a raw query, whichever driver ran it. */
export async function queryRows<T>(tx: Tx | Database, query: SQL): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite directory; `memory://` (or undefined with no URL) keeps everything in memory. */
  dataDir?: string | undefined;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

async function openPostgres(url: string, max: number): Promise<Db> {
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'portico' } });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    location: redact(url),
    async migrate() {
      // One migrator at a time per database, however many instances start together: the
      // lock is held on a connection of its own while the migrator uses the pool.
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(hashtext('portico.migrate'))`;
        await migratePostgres(db as never, { migrationsFolder });
      } finally {
        await lock`select pg_advisory_unlock(hashtext('portico.migrate'))`.catch(() => {});
        lock.release();
      }
    },
    close: () => client.end({ timeout: 5 }),
    jobsConnection: { connectionString: url },
  };
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const inMemory = !dataDir || dataDir === 'memory://';
  let lock: DataDirLock | undefined;
  if (!inMemory) {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
  }
  let client: PGlite;
  try {
    // pg_trgm backs finding search (migrations/0021_fleet_operations_rls.sql).
    const extensions = { pg_trgm };
    client = inMemory ? new PGlite({ extensions }) : new PGlite(path.join(dataDir, 'pglite'), { extensions });
    await client.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    location: inMemory ? 'memory' : path.join(dataDir, 'pglite'),
    async migrate() {
      await migratePglite(db as never, { migrationsFolder });
    },
    async close() {
      await client.close();
      lock?.release();
    },
    jobsConnection: {
      db: {
        // pg-boss sends its schema scripts as several statements without parameters.
        async executeSql(text, values) {
          if (values?.length) return client.query(text, values);
          const results = await client.exec(text);
          return results[results.length - 1] ?? { rows: [] };
        },
      },
    },
  };
}

/** True when the connected role can bypass RLS, as seeding and migrations require. */
export async function ownerBypassesRls(db: Database): Promise<boolean> {
  const rows = await queryRows<{ bypass: boolean }>(
    db,
    sql`select (rolsuper or rolbypassrls) as bypass from pg_roles where rolname = current_user`,
  );
  return rows[0]?.bypass === true;
}
