import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { createApiKey, hashApiKey } from '../bff/auth/api-keys.js';
import type { Role } from '../bff/auth/roles.js';
import { queryRows, type Database } from '../bff/db/client.js';
import { apiKeys } from '../bff/db/schema.js';
import { seeded } from '../bff/db/seed.js';

/**
 * The demo's stand-in for an MSP's own server. It holds an API key per MSP, as a real MSP's
 * backend would, and mints embed sessions for whoever is "signed in" to the demo portal by
 * calling the BFF's POST /v1/embed-sessions over HTTP.
 */

export interface Persona {
  id: string;
  label: string;
  msp: 'northwind' | 'bluefin';
  role: Role;
  tenantId: string;
  user: { externalId: string; email: string; name: string };
}

type DemoKeys = Record<'northwind' | 'bluefin', string>;

const portalNames: Record<Persona['msp'], string> = { northwind: 'Northwind Cyber', bluefin: 'Bluefin Security' };

/** Keys are kept beside the data (never in the repo); recreated if the database was reset. */
export async function ensureDemoKeys(db: Database, dataDir: string): Promise<DemoKeys> {
  const file = path.join(dataDir, 'demo-api-keys.json');
  let stored: Partial<DemoKeys> = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DemoKeys>;
  } catch {
    // first start
  }
  const keys: Partial<DemoKeys> = {};
  for (const msp of [seeded.mspA, seeded.mspB] as const) {
    const existing = stored[msp];
    if (existing) {
      const [row] = await db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.hash, hashApiKey(existing)), sql`${apiKeys.revokedAt} is null`));
      if (row) {
        keys[msp] = existing;
        continue;
      }
    }
    const [org] = await queryRows<{ id: string }>(db, sql`select id from orgs where slug = ${msp}`);
    if (!org) throw new Error(`The demo needs the seeded org ${msp}; reset ${dataDir} and start again.`);
    keys[msp] = (await createApiKey(db, { orgId: org.id, name: 'Demo portal server' })).key;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys as DemoKeys;
}

/** The people a visitor can act as, looked up in the seeded data. */
export async function loadPersonas(db: Database): Promise<Persona[]> {
  const staff = await queryRows<{ msp: string; tenant: string; external_id: string; email: string; name: string }>(
    db,
    sql`select o.slug as msp, o.id as tenant, u.external_id, u.email, u.name
          from users u join orgs o on o.id = u.tenant_id
         where o.slug in (${seeded.mspA}, ${seeded.mspB})`,
  );
  const customer = await queryRows<{ tenant: string; org: string; external_id: string; email: string; name: string; role: string }>(
    db,
    sql`select o.id as tenant, o.name as org, u.external_id, u.email, u.name, r.role::text as role
          from orgs o
          join customer_profiles cp on cp.tenant_id = o.id
          join orgs msp on msp.id = o.parent_id and msp.slug = ${seeded.mspA}
          join users u on u.tenant_id = o.id
          join role_assignments r on r.user_id = u.id
         where cp.access_delegation = 'full' and cp.status = 'active' and cp.revoked_at is null and o.kind = 'customer'
         order by o.created_at, o.id`,
  );
  const find = (msp: string, externalId: string) => staff.find((s) => s.msp === msp && s.external_id === externalId);
  const personas: Persona[] = [];
  const add = (id: string, label: string, msp: 'northwind' | 'bluefin', role: Role, row?: { tenant: string; external_id: string; email: string; name: string }) => {
    if (row) personas.push({ id, label, msp, role, tenantId: row.tenant, user: { externalId: row.external_id, email: row.email, name: row.name } });
  };
  add('msp-admin', 'Northwind — MSP admin', 'northwind', 'msp_admin', find(seeded.mspA, seeded.staff.admin));
  add('msp-analyst', 'Northwind — analyst', 'northwind', 'msp_analyst', find(seeded.mspA, seeded.staff.analyst));
  add('account-manager', 'Northwind — account manager', 'northwind', 'msp_account_manager', find(seeded.mspA, seeded.staff.accountManager));
  const owner = customer.find((c) => c.role === 'customer_admin');
  const viewer = customer.find((c) => c.role === 'customer_viewer' && c.tenant === owner?.tenant) ?? customer.find((c) => c.role === 'customer_viewer');
  if (owner) add('customer-admin', `${owner.org} — customer admin`, 'northwind', 'customer_admin', owner);
  if (viewer) add('customer-viewer', `${customer.find((c) => c.tenant === viewer.tenant)?.org ?? 'Customer'} — viewer`, 'northwind', 'customer_viewer', viewer);
  add('other-msp-admin', 'Bluefin (another MSP) — admin', 'bluefin', 'msp_admin', find(seeded.mspB, seeded.staff.admin));
  return personas;
}

export function demoRoutes(opts: { bffUrl: string; keys: DemoKeys; personas: Persona[] }) {
  const app = new Hono();
  // The portal a persona signs in to belongs to its MSP; the page brands itself after it.
  app.get('/demo/personas', (c) =>
    c.json(opts.personas.map(({ id, label, role, msp }) => ({ id, label, role, msp, portal: portalNames[msp] }))),
  );
  // "GET /portal/session" of a real MSP: who is signed in decides which session is minted.
  app.get('/demo/session', async (c) => {
    const persona = opts.personas.find((p) => p.id === c.req.query('persona')) ?? opts.personas[0];
    if (!persona) return c.json({ error: 'no personas: seed the database' }, 500);
    const origin = new URL(c.req.url).origin;
    const res = await fetch(`${opts.bffUrl}/v1/embed-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.keys[persona.msp]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: persona.user, role: persona.role, tenantId: persona.tenantId, origins: [origin] }),
    });
    return c.body(await res.text(), res.status as 200, { 'content-type': res.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
  });
  return app;
}
