import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { createApp } from '../bff/app.js';
import { loadConfig } from '../bff/config.js';
import { queryRows } from '../bff/db/client.js';
import { seed } from '../bff/db/seed.js';
import { closeOnSignal, explainStartupError, listen, prepare } from '../bff/server.js';
import { outboxRoutes, startMailCapture } from './mail-capture.js';
import { demoRoutes, ensureDemoKeys, loadPersonas } from './msp-server.js';

/**
 * `npm start`: the BFF and the demo MSP portal on one port. Builds the portal (vite) when its
 * sources changed, migrates, seeds on first run, and creates the demo's API keys.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist/demo');
const stampFile = path.join(outDir, '.build-inputs');
/** What the portal bundle is made of; a change to any of these rebuilds it on the next start. */
const buildInputs = ['demo', 'components', 'themes', 'package-lock.json'];

/**
 * The portal page's own Content-Security-Policy: what docs/embedding.md asks of a host page,
 * applied to the demo so the widgets are shown to work under it.
 */
const strictPortalCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  // The report viewer's email preview frames a signed BFF URL; the BFF is this origin here.
  "frame-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const portalCsp = strictPortalCsp;

function listFiles(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.') && d.name !== 'node_modules')
    .flatMap((d) => listFiles(path.join(entry, d.name)));
}

/** A fingerprint of the sources (paths, sizes, modification times). */
function inputsFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of buildInputs.flatMap(listFiles).sort()) {
    const stat = fs.statSync(path.join(root, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

async function buildPortal(): Promise<void> {
  const fingerprint = inputsFingerprint();
  const upToDate =
    fs.existsSync(path.join(outDir, 'index.html')) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint;
  if (upToDate) return;
  console.log('Building the demo portal (vite)…');
  const started = Date.now();
  // Loaded only here: `npm run serve` and the BFF never need vite.
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'demo/vite.config.ts'), logLevel: 'warn' });
  fs.writeFileSync(stampFile, fingerprint);
  console.log(`Built dist/demo in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function portalRoutes() {
  const app = new Hono();
  // One page; the portal routes with the URL hash (#/customers/<id>). "/accept-invite" serves it
  // too: invite emails link to `<portalUrl>/accept-invite?token=…`, a path rather than a hash.
  // Read per request: another `npm start` (the e2e test's) may have rebuilt dist/demo since.
  const page = (c: Context) =>
    c.html(fs.readFileSync(path.join(outDir, 'index.html'), 'utf8'), 200, {
      'cache-control': 'no-cache',
      'content-security-policy': portalCsp,
      // The token in the address stays on this page.
      'referrer-policy': 'no-referrer',
    });
  app.get('/', page);
  app.get('/accept-invite', page);
  app.use(
    '/assets/*',
    serveStatic({
      root: path.relative(process.cwd(), outDir),
      onFound: (_path, c) => {
        // File names carry a content hash.
        c.header('cache-control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  return app;
}

async function main() {
  await buildPortal();
  const config = loadConfig();
  // No SMTP relay configured: the demo catches its own email (see the portal's Outbox page).
  const capture = config.smtpUrl ? null : await startMailCapture(path.join(config.dataDir, 'outbox'));
  if (capture) config.smtpUrl = capture.url;
  const { database, deps, jobs } = await prepare(config);
  const [orgCount] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from orgs`);
  if (!orgCount?.n) {
    const customers = Number(process.env.PORTICO_SEED_CUSTOMERS ?? 60);
    console.log(`First run: seeding ${customers} demo customers…`);
    await seed(database.db, { customers });
  }
  const keys = await ensureDemoKeys(database.db, config.dataDir);
  const personas = await loadPersonas(database.db);

  const app = new Hono();
  app.route('/', createApp(deps));
  app.route('/', demoRoutes({ bffUrl: `http://127.0.0.1:${config.port}`, keys, personas }));
  if (capture) app.route('/', outboxRoutes(capture.dir));
  app.route('/', portalRoutes());

  const server = await listen(app.fetch, config.port);
  closeOnSignal(server, database, jobs);
  console.log(`\nPortico demo: open http://localhost:${config.port}/\n(BFF API under /v1, database: ${database.kind} ${database.location})`);
  if (capture) console.log(`Email is captured, not sent (SMTP_URL is unset): ${capture.dir} — the portal's Outbox page shows it.`);
}

main().catch((error: unknown) => {
  console.error(explainStartupError(error));
  process.exit(1);
});
