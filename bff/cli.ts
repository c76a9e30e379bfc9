import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { loadConfig } from './config.js';
import { createApiKey, revokeApiKey, sessionScope } from './auth/api-keys.js';
import { roles, type Role } from './auth/roles.js';
import { SigningKeys } from './auth/signing-keys.js';
import { openDatabase, type Database } from './db/client.js';
import { DataDirInUseError } from './db/lock.js';
import { apiKeys, orgs } from './db/schema.js';
import { seed } from './db/seed.js';
import { isUuid } from './domain/ids.js';
import { scannerFor } from './scanner/index.js';
import { SimulatedScanner } from './scanner/simulated.js';

const usage = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                                   Apply database migrations
  seed --customers N [--seed S] [--findings-per-customer F]
                                            Fill an empty database with demo data (deterministic per S)
  orgs [--json]                             List orgs: id, slug, kind, parentId, name
  api-key create --org <id|slug> [--name NAME] [--roles r1,r2] [--allow-ip IP/CIDR ...] [--json]
                                            Create an API key; the key is printed once
  api-key list --org <id|slug> [--json]     List an org's keys (prefixes only)
  api-key revoke <key-id>                   Revoke a key
  keys rotate                               Start signing with a new key (old tokens stay valid until they expire)
  scanner bump-vulndb                       Publish the simulated scanner's next vulnerability-database version
                                            (the next scan-schedules tick runs schedules with that trigger)

Environment: DATABASE_URL (PostgreSQL; unset = embedded PGlite in PORTICO_DATA_DIR, default .data/)`;

class UsageError extends Error {}

async function resolveOrg(db: Database, ref: string | undefined): Promise<{ id: string; slug: string }> {
  if (!ref) throw new UsageError('--org is required (an org id or slug; see `npm run cli -- orgs`)');
  const byId = isUuid(ref);
  const [org] = await db
    .select({ id: orgs.id, slug: orgs.slug })
    .from(orgs)
    .where(byId ? eq(orgs.id, ref) : eq(orgs.slug, ref));
  if (!org) throw new UsageError(`No org ${ref}; see \`npm run cli -- orgs\``);
  return org;
}

function print(json: boolean, value: unknown, text: string) {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      customers: { type: 'string' },
      seed: { type: 'string' },
      'findings-per-customer': { type: 'string' },
      org: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      'allow-ip': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command ? 0 : 2;
  }
  const known = ['migrate', 'seed', 'orgs', 'api-key', 'keys', 'scanner'];
  if (!known.includes(command)) throw new UsageError(`Unknown command ${command}`);

  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    const db = database.db;
    switch (command) {
      case 'migrate':
        console.log(`Migrations applied (${database.kind}: ${database.location}).`);
        return 0;
      case 'seed': {
        const customers = Number(values.customers ?? 50);
        if (!Number.isInteger(customers) || customers < 3) throw new UsageError('--customers must be an integer of at least 3');
        const seedValue = Number(values.seed ?? 42);
        const findings = Number(values['findings-per-customer'] ?? 24);
        if (!Number.isInteger(seedValue)) throw new UsageError('--seed must be an integer');
        if (!Number.isFinite(findings) || findings < 0) throw new UsageError('--findings-per-customer must be a number ≥ 0');
        const started = Date.now();
        const result = await seed(db, { customers, seed: seedValue, findingsPerCustomer: findings, log: (l) => console.log(l) });
        console.log(`Seeded ${result.customers} customers, ${result.findings} findings in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
        return 0;
      }
      case 'orgs': {
        const rows = await db
          .select({ id: orgs.id, slug: orgs.slug, kind: orgs.kind, parentId: orgs.parentId, name: orgs.name })
          .from(orgs)
          .orderBy(sql`${orgs.kind} <> 'msp'`, orgs.name);
        print(values.json, rows, rows.map((o) => `${o.id}  ${o.kind.padEnd(10)} ${o.slug.padEnd(36)} ${o.name}`).join('\n'));
        return 0;
      }
      case 'api-key': {
        if (sub === 'create') {
          const org = await resolveOrg(db, values.org);
          const chosen = values.roles ? values.roles.split(',').map((r) => r.trim()) : [...roles];
          for (const role of chosen) if (!roles.includes(role as Role)) throw new UsageError(`Unknown role ${role}; known: ${roles.join(', ')}`);
          const key = await createApiKey(db, {
            orgId: org.id,
            name: values.name ?? `${org.slug} server`,
            scopes: chosen.map((r) => sessionScope(r as Role)),
            allowedIps: values['allow-ip'] ?? [],
          });
          print(values.json, { id: key.id, key: key.key }, `API key ${key.id} for ${org.slug}:\n\n  ${key.key}\n\nIt is shown only now; store it in your server's secrets.`);
          return 0;
        }
        if (sub === 'list') {
          const org = await resolveOrg(db, values.org);
          const rows = await db
            .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes, allowedIps: apiKeys.allowedIps, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
            .from(apiKeys)
            .where(eq(apiKeys.tenantId, org.id));
          print(values.json, rows, rows.map((k) => `${k.id}  ${k.prefix}…  ${k.name}${k.revokedAt ? '  (revoked)' : ''}`).join('\n') || 'No keys.');
          return 0;
        }
        if (sub === 'revoke') {
          if (!arg) throw new UsageError('api-key revoke needs the key id');
          const done = await revokeApiKey(db, arg);
          console.log(done ? `Revoked ${arg}.` : `No active key ${arg}.`);
          return done ? 0 : 1;
        }
        throw new UsageError('api-key needs create, list or revoke');
      }
      case 'keys': {
        if (sub !== 'rotate') throw new UsageError('keys needs rotate');
        const keys = await SigningKeys.fromDatabase(db, { issuer: config.issuer, audience: config.audience });
        const kid = await keys.rotate();
        console.log(`Now signing with ${kid}; the previous key verifies until its tokens expire.`);
        return 0;
      }
      case 'scanner': {
        if (sub !== 'bump-vulndb') throw new UsageError('scanner needs bump-vulndb');
        const scanner = scannerFor(config, db);
        if (!(scanner instanceof SimulatedScanner)) throw new UsageError(`the ${scanner.name} scanner's database is its vendor's; only the simulated one is bumped here`);
        console.log(`Vulnerability database now at ${await scanner.bumpVulnerabilityDatabase()}.`);
        return 0;
      }
    }
    return 2;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      process.exit(2);
    }
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

