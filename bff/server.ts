import { pathToFileURL } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.js';
import { SigningKeys } from './auth/signing-keys.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Db } from './db/client.js';
import { DataDirInUseError } from './db/lock.js';
import { assertRequestRoleIsSafe, UnsafeRequestRoleError } from './db/scope.js';
import type { Deps } from './http/env.js';
import { startJobs, type JobRunner } from './jobs/index.js';

/**
 * Opens the database (PGlite in PORTICO_DATA_DIR unless DATABASE_URL is set), applies
 * migrations, refuses to go on if request transactions could bypass RLS, loads the signing
 * keys (generating the first one on first start) and, unless PORTICO_JOBS=off, starts the
 * background jobs (purges, email) on the same database.
 */
export async function prepare(config: Config): Promise<{ database: Db; deps: Deps; jobs: JobRunner | null }> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    await assertRequestRoleIsSafe(database.db);
    const opts = { issuer: config.issuer, audience: config.audience };
    const keys = process.env.PORTICO_SIGNING_KEYS
      ? await SigningKeys.fromJwks(JSON.parse(process.env.PORTICO_SIGNING_KEYS) as { keys: [] }, opts)
      : await SigningKeys.fromDatabase(database.db, opts);
    const jobs = config.runJobs ? await startJobs(database, config) : null;
    return { database, deps: { db: database.db, keys, config, ...(jobs ? { jobs: jobs.jobs } : {}) }, jobs };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export function listen(fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * Stops cleanly on Ctrl-C / SIGTERM so the PGlite lock is released: the job runner first (it
 * lets running jobs finish and needs the database for that), then the database.
 */
export function closeOnSignal(server: ServerType, database: Db, jobs: JobRunner | null = null): void {
  const stop = () => {
    server.close();
    (jobs?.stop() ?? Promise.resolve())
      .catch((error: unknown) => console.error('[jobs] stopping:', error))
      .finally(() => database.close().finally(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function explainStartupError(error: unknown): string {
  if (error instanceof DataDirInUseError || error instanceof UnsafeRequestRoleError) return error.message;
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    return 'The port is already in use; set PORT to another port or stop the process that holds it.';
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main() {
  const config = loadConfig();
  const { database, deps, jobs } = await prepare(config);
  const server = await listen(createApp(deps).fetch, config.port);
  closeOnSignal(server, database, jobs);
  console.log(`Portico BFF on http://localhost:${config.port} (${database.kind}: ${database.location})`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(explainStartupError(error));
    process.exit(1);
  });
}
