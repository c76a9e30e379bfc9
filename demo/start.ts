import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { createApp } from '../bff/app.js';
import { loadConfig } from '../bff/config.js';
import { queryRows } from '../bff/db/client.js';
import { seed } from '../bff/db/seed.js';
import { closeOnSignal, explainStartupError, listen, prepare } from '../bff/server.js';
import { demoRoutes, ensureDemoKeys, loadPersonas } from './msp-server.js';

/**
 * `npm start`: the BFF and the demo MSP portal on one port. Migrates, seeds on first run,
 * and creates the demo's API keys.
 */
async function main() {
  const config = loadConfig();
  const { database, deps } = await prepare(config);
  const [orgCount] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from orgs`);
  if (!orgCount?.n) {
    const customers = Number(process.env.PORTICO_SEED_CUSTOMERS ?? 60);
    console.log(`First run: seeding ${customers} demo customers…`);
    await seed(database.db, { customers });
  }
  const keys = await ensureDemoKeys(database.db, config.dataDir);
  const personas = await loadPersonas(database.db);

  const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
  const app = new Hono();
  app.route('/', createApp(deps));
  app.route('/', demoRoutes({ bffUrl: `http://127.0.0.1:${config.port}`, keys, personas }));
  app.get('/', (c) => c.html(fs.readFileSync(path.join(publicDir, 'index.html'), 'utf8')));

  const server = await listen(app.fetch, config.port);
  closeOnSignal(server, database);
  console.log(`\nPortico demo: open http://localhost:${config.port}/\n(BFF API under /v1, database: ${database.kind} ${database.location})`);
}

main().catch((error: unknown) => {
  console.error(explainStartupError(error));
  process.exit(1);
});
