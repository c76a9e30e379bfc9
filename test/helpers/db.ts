import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp } from '../../bff/app.js';
import { createApiKey } from '../../bff/auth/api-keys.js';
import { SigningKeys } from '../../bff/auth/signing-keys.js';
import type { Role } from '../../bff/auth/roles.js';
import { loadConfig, type Config } from '../../bff/config.js';
import { openDatabase, queryRows, type Db } from '../../bff/db/client.js';
import { seed, seeded } from '../../bff/db/seed.js';
import type { Deps } from '../../bff/http/env.js';

/**
 * Database suites run once per backend: always on embedded PGlite, and on real PostgreSQL too
 * when DATABASE_URL is set (CI sets it). Each suite gets a database of its own.
 */
export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

let counter = 0;

export async function freshDatabase(backend: Backend): Promise<Db> {
  if (backend === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.migrate();
    return db;
  }
  const base = process.env.DATABASE_URL!;
  const name = `portico_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  await db.migrate();
  return {
    ...db,
    async close() {
      await db.close();
      const cleanup = postgres(base, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

export const ORIGIN = 'https://portal.northwind.example';

export interface World {
  database: Db;
  deps: Deps;
  config: Config;
  app: ReturnType<typeof createApp>;
  /** API keys of the two MSPs, allowed every role. */
  apiKeys: { A: { id: string; key: string }; B: { id: string; key: string } };
  /** Org ids by seeded slug, plus a few picked customers. */
  orgs: {
    mspA: string;
    mspB: string;
    partner: string;
    enterprise: string;
    revoked: string;
    /** Customers of MSP A (direct), B and the sub-partner, in seed order. */
    customersA: string[];
    customersB: string[];
    customersPartner: string[];
    /** Customers assigned to MSP A's account manager. */
    assignedA: string[];
  };
  /** A signed session for a seeded user. */
  token(externalId: string, orgId: string, role: Role, origins?: string[]): Promise<string>;
  /** Same as `token`, for the seeded MSP staff. */
  staffToken(msp: 'A' | 'B', who: keyof typeof seeded.staff): Promise<string>;
  /** Sessions for the main user (customer_admin) or the viewer of a customer. */
  customerToken(customerId: string, role: 'customer_admin' | 'customer_viewer'): Promise<string>;
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  close(): Promise<void>;
}

async function orgId(database: Db, slug: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(database.db, sql`select id from orgs where slug = ${slug}`);
  if (!row) throw new Error(`seed has no org ${slug}`);
  return row.id;
}

export async function seededWorld(backend: Backend, opts: { customers?: number; config?: Partial<Config> } = {}): Promise<World> {
  const database = await freshDatabase(backend);
  try {
    return await buildWorld(database, opts);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function buildWorld(database: Db, opts: { customers?: number; config?: Partial<Config> }): Promise<World> {
  await seed(database.db, { customers: opts.customers ?? 24, seed: 7 });
  const apiKeys = {
    A: await createApiKey(database.db, { orgId: (await orgId(database, seeded.mspA)), name: 'MSP A server' }),
    B: await createApiKey(database.db, { orgId: (await orgId(database, seeded.mspB)), name: 'MSP B server' }),
  };
  const config: Config = { ...loadConfig({}), rateLimitPerMinute: 100_000, ...opts.config };
  const keys = await SigningKeys.fromDatabase(database.db, { issuer: config.issuer, audience: config.audience });
  const deps: Deps = { db: database.db, keys, config };
  const app = createApp(deps);

  const orgRows = await queryRows<{ id: string; slug: string; kind: string; parent: string | null; parent_slug: string | null; profile: boolean }>(
    database.db,
    sql`select o.id, o.slug, o.kind::text, o.parent_id as parent, p.slug as parent_slug,
               exists(select 1 from customer_profiles cp where cp.tenant_id = o.id) as profile
          from orgs o left join orgs p on p.id = o.parent_id order by o.created_at, o.id`,
  );
  const bySlug = (slug: string) => {
    const row = orgRows.find((o) => o.slug === slug);
    if (!row) throw new Error(`seed has no org ${slug}`);
    return row.id;
  };
  const customersOf = (slug: string) => orgRows.filter((o) => o.parent_slug === slug && o.profile && o.slug !== seeded.revoked).map((o) => o.id);
  const mspA = bySlug(seeded.mspA);
  const users = await queryRows<{ id: string; tenant_id: string; external_id: string; role: string | null }>(
    database.db,
    sql`select u.id, u.tenant_id, u.external_id, r.role::text as role
          from users u left join role_assignments r on r.user_id = u.id`,
  );
  const assigned = await queryRows<{ tenant_id: string }>(
    database.db,
    sql`select a.tenant_id from account_manager_assignments a join users u on u.id = a.user_id
         where u.tenant_id = ${mspA}::uuid`,
  );

  const token: World['token'] = async (externalId, orgId, role, origins = [ORIGIN]) => {
    const user = users.find((u) => u.external_id === externalId && u.tenant_id === orgId);
    if (!user) throw new Error(`seed has no user ${externalId} in ${orgId}`);
    return (await keys.sign({ sub: user.id, org: orgId, role, origins }, 900)).token;
  };
  const staffRoles = { admin: 'msp_admin', analyst: 'msp_analyst', accountManager: 'msp_account_manager', marketing: 'msp_marketing' } as const;
  const world: World = {
    database,
    deps,
    config,
    app,
    apiKeys,
    orgs: {
      mspA,
      mspB: bySlug(seeded.mspB),
      partner: bySlug(seeded.partner),
      enterprise: bySlug(seeded.enterprise),
      revoked: bySlug(seeded.revoked),
      customersA: customersOf(seeded.mspA),
      customersB: customersOf(seeded.mspB),
      customersPartner: customersOf(seeded.partner),
      assignedA: assigned.map((a) => a.tenant_id),
    },
    token,
    staffToken: (msp, who) =>
      token(seeded.staff[who], msp === 'A' ? mspA : bySlug(seeded.mspB), staffRoles[who]),
    customerToken: async (customerId, role) => {
      const user = users.find((u) => u.tenant_id === customerId && u.role === role);
      if (!user) throw new Error(`seeded customer ${customerId} has no ${role}`);
      return (await keys.sign({ sub: user.id, org: customerId, role, origins: [ORIGIN] }, 900)).token;
    },
    request: (path, init = {}) => {
      const { token: t, headers, ...rest } = init;
      const h = new Headers(headers);
      if (t) h.set('authorization', `Bearer ${t}`);
      return Promise.resolve(app.request(path, { ...rest, headers: h }));
    },
    close: () => database.close(),
  };
  return world;
}

/** Matches a database error by message, looking through the query wrapper drizzle adds. */
export function dbError(pattern: RegExp) {
  return (error: unknown) => {
    const e = error as { message?: string; cause?: { message?: string } };
    return pattern.test(e.cause?.message ?? '') || pattern.test(e.message ?? '');
  };
}

/** Customers of `orgs` whose delegation and status let their users sign in. */
export async function customerWithDelegation(world: World, delegation: 'disabled' | 'read_only' | 'full', among: string[]): Promise<string> {
  const rows = await queryRows<{ id: string }>(
    world.database.db,
    sql`select cp.tenant_id as id from customer_profiles cp
         where cp.tenant_id = any(${sql.param(among)}::uuid[]) and cp.access_delegation = ${delegation}
           and cp.status = 'active' and cp.revoked_at is null
           and exists (select 1 from users u join role_assignments r on r.user_id = u.id where u.tenant_id = cp.tenant_id and r.role = 'customer_viewer')
         order by cp.tenant_id limit 1`,
  );
  if (!rows[0]) throw new Error(`no seeded customer with delegation ${delegation}`);
  return rows[0].id;
}
