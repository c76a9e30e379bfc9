import { serve } from '@hono/node-server';
import { createApp } from '../../bff/app.js';
import { loadConfig } from '../../bff/config.js';
import { explainStartupError, prepare } from '../../bff/server.js';

/**
 * The BFF as the benchmark runs it: its own process (as in production), the real `prepare`
 * (migrations, request-role check, signing keys from the database) and `createApp`, bound to
 * 127.0.0.1 only, on a free port. Prints `{"port": N}` once it listens; stops on SIGTERM.
 * Environment: DATABASE_URL (the benchmark database), PORTICO_RATE_LIMIT.
 */
async function main() {
  // The benchmark measures the request path; background jobs would only add noise.
  const config = { ...loadConfig(), port: 0, runJobs: false };
  if (!config.databaseUrl) throw new Error('bff-server needs DATABASE_URL');
  const { database, deps } = await prepare(config);
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(JSON.stringify({ port: info.port }) + '\n');
  });
  // Let requests in flight finish before the pool closes (at most 5 s).
  const stop = () => {
    let closing = false;
    const exit = () => {
      if (closing) return;
      closing = true;
      void database.close().finally(() => process.exit(0));
    };
    setTimeout(exit, 5000).unref();
    server.close(exit);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(explainStartupError(error));
  process.exit(1);
});
