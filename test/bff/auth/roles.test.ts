import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Role } from '../../../bff/auth/roles.js';
import { queryRows } from '../../../bff/db/client.js';
import { withScope } from '../../../bff/db/scope.js';
import { seeded } from '../../../bff/db/seed.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';

/**
 * Every role of the DESIGN.md Roles table sees exactly what the table says, checked through
 * GET /v1/fleet, GET /v1/customers/:id and GET /v1/me. The expected sets are worked out here
 * from the seeded rows (read as the owner, walking `orgs.parent_id` rather than the closure the
 * policies use), so a policy that lets one row too many or too few through fails.
 */

type Delegation = 'disabled' | 'read_only' | 'full';

interface SeedView {
  orgs: { id: string; slug: string; kind: string; parentId: string | null }[];
  profiles: Map<string, { status: string; delegation: Delegation; revoked: boolean }>;
  users: { id: string; tenantId: string; externalId: string; status: string; roles: Role[] }[];
  assignments: { userId: string; customerId: string }[];
}

async function loadSeed(world: World): Promise<SeedView> {
  const db = world.database.db;
  const orgs = await queryRows<{ id: string; slug: string; kind: string; parentId: string | null }>(
    db,
    sql`select id, slug, kind::text as kind, parent_id as "parentId" from orgs`,
  );
  const profiles = await queryRows<{ id: string; status: string; delegation: Delegation; revoked: boolean }>(
    db,
    sql`select tenant_id as id, status::text as status, access_delegation::text as delegation, revoked_at is not null as revoked
          from customer_profiles`,
  );
  const users = await queryRows<{ id: string; tenantId: string; externalId: string; status: string; roles: Role[] | null }>(
    db,
    sql`select u.id, u.tenant_id as "tenantId", u.external_id as "externalId", u.status::text as status,
               (select array_agg(r.role::text order by r.role) from role_assignments r where r.user_id = u.id) as roles
          from users u`,
  );
  const assignments = await queryRows<{ userId: string; customerId: string }>(
    db,
    sql`select user_id as "userId", tenant_id as "customerId" from account_manager_assignments`,
  );
  return {
    orgs,
    profiles: new Map(profiles.map((p) => [p.id, { status: p.status, delegation: p.delegation, revoked: p.revoked }])),
    users: users.map((u) => ({ ...u, roles: u.roles ?? [] })),
    assignments,
  };
}

/** `root` and every org below it, found by walking parent ids. */
function subtree(view: SeedView, root: string): Set<string> {
  const out = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const o of view.orgs) {
      if (o.parentId && out.has(o.parentId) && !out.has(o.id)) {
        out.add(o.id);
        grew = true;
      }
    }
  }
  return out;
}

/** The customers (orgs with a customer profile) among `ids`. */
const customersAmong = (view: SeedView, ids: Iterable<string>) => new Set([...ids].filter((id) => view.profiles.has(id)));
const sorted = (ids: Iterable<string>) => [...ids].sort();

function delegationAllows(role: Role, delegation: Delegation): boolean {
  if (role === 'customer_admin') return delegation === 'full';
  if (role === 'customer_viewer') return delegation === 'read_only' || delegation === 'full';
  return false;
}

for (const backend of backends) {
  describe(`roles see exactly what DESIGN.md says (${backend})`, () => {
    let world: World;
    let view: SeedView;
    let allCustomers: string[];
    before(async () => {
      world = await seededWorld(backend);
      view = await loadSeed(world);
      allCustomers = sorted(view.profiles.keys());
    });
    after(() => world?.close());

    const org = (slug: string) => {
      const o = view.orgs.find((x) => x.slug === slug);
      assert.ok(o, `seed has no org ${slug}`);
      return o.id;
    };
    const userOf = (tenantId: string, externalId: string) => {
      const u = view.users.find((x) => x.tenantId === tenantId && x.externalId === externalId);
      assert.ok(u, `seed has no user ${externalId} in ${tenantId}`);
      return u;
    };
    const sign = async (userId: string, orgId: string, role: Role) =>
      (await world.deps.keys.sign({ sub: userId, org: orgId, role, origins: ['https://portal.example'] }, 900)).token;

    /** Every row of GET /v1/fleet, walking all pages; fails on a repeated row. */
    async function fleet(token: string): Promise<{ id: string; [k: string]: unknown }[]> {
      const rows: { id: string; [k: string]: unknown }[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const res = await world.request(`/v1/fleet?limit=5${cursor ? `&cursor=${cursor}` : ''}`, { token });
        assert.equal(res.status, 200, `GET /v1/fleet: ${await res.clone().text()}`);
        const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
        assert.ok(body.items.length <= 5);
        rows.push(...body.items);
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      assert.equal(cursor, null, 'the fleet never ended');
      assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'a customer appeared twice');
      return rows;
    }
    const fleetIds = async (token: string) => sorted((await fleet(token)).map((r) => r.id));

    /** GET /v1/customers/:id for every customer: the ids that answer 200; all others must be 404. */
    async function readableCustomers(token: string): Promise<string[]> {
      const ok: string[] = [];
      for (const id of allCustomers) {
        const res = await world.request(`/v1/customers/${id}`, { token });
        assert.ok(res.status === 200 || res.status === 404, `GET /v1/customers/${id} answered ${res.status}`);
        if (res.status === 200) {
          const body = (await res.json()) as { id: string };
          assert.equal(body.id, id);
          ok.push(id);
        }
      }
      return sorted(ok);
    }

    async function me(token: string) {
      const res = await world.request('/v1/me', { token });
      return { status: res.status, body: (await res.json()) as { role?: Role; org?: { id: string; slug: string; kind: string }; user?: { id: string }; permissions?: string[] } };
    }

    const staffRoles = [
      ['admin', 'msp_admin'],
      ['analyst', 'msp_analyst'],
    ] as const;
    // Only an admin onboards and manages customers, prices, bills and changes quotas; analysts
    // read users and the audit log and may ask for quotes.
    const expectedPermissions = {
      msp_admin: [
        'fleet:read', 'customers:read', 'customers:create', 'customers:manage', 'users:read', 'audit:read', 'assets:write',
        'pricing:manage', 'billing:read', 'quotas:write', 'quotes:read', 'themes:manage', 'reports:send', 'usage:read',
        'scans:schedule',
      ],
      msp_analyst: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write', 'quotes:read', 'usage:read', 'scans:schedule'],
    };

    for (const [msp, slug, other] of [['A', seeded.mspA, seeded.mspB], ['B', seeded.mspB, seeded.mspA]] as const) {
      for (const [who, role] of staffRoles) {
        test(`${role} of MSP ${msp} sees every customer below it and none of the other MSP`, async () => {
          const mspId = org(slug);
          const expected = sorted(customersAmong(view, subtree(view, mspId)));
          const foreign = customersAmong(view, subtree(view, org(other)));
          assert.ok(expected.length > 3 && foreign.size > 3, 'the seed should give both MSPs customers');
          if (msp === 'A') {
            const partnerCustomers = customersAmong(view, subtree(view, org(seeded.partner)));
            assert.ok(partnerCustomers.size > 0, 'the sub-partner should have customers');
            for (const id of partnerCustomers) assert.ok(expected.includes(id), 'the sub-partner customers are below MSP A');
            assert.ok(expected.includes(org(seeded.revoked)), 'the revoked customer is still listed for its MSP');
          }
          const user = userOf(mspId, seeded.staff[who]);
          const token = await sign(user.id, mspId, role);

          assert.deepEqual(await fleetIds(token), expected);
          assert.deepEqual(await readableCustomers(token), expected);
          for (const id of foreign) assert.ok(!expected.includes(id));

          const m = await me(token);
          assert.equal(m.status, 200);
          assert.equal(m.body.role, role);
          assert.equal(m.body.org?.id, mspId);
          assert.equal(m.body.org?.slug, slug);
          assert.equal(m.body.org?.kind, 'msp');
          assert.equal(m.body.user?.id, user.id);
          assert.deepEqual(m.body.permissions, expectedPermissions[role]);
        });
      }

      test(`msp_account_manager of MSP ${msp} sees only its assigned customers`, async () => {
        const mspId = org(slug);
        const user = userOf(mspId, seeded.staff.accountManager);
        const assigned = view.assignments.filter((a) => a.userId === user.id).map((a) => a.customerId);
        assert.ok(assigned.length > 0, 'the seed assigns customers to the account manager');
        // An assignment covers the assigned customer's own subtree (an enterprise's sub-orgs).
        const expected = sorted(customersAmong(view, assigned.flatMap((id) => [...subtree(view, id)])));
        const all = customersAmong(view, subtree(view, mspId));
        assert.ok(expected.length < all.size, 'the account manager must see fewer customers than the admin');
        const token = await sign(user.id, mspId, 'msp_account_manager');

        assert.deepEqual(await fleetIds(token), expected);
        assert.deepEqual(await readableCustomers(token), expected);
        const m = await me(token);
        assert.equal(m.status, 200);
        assert.equal(m.body.role, 'msp_account_manager');
        assert.equal(m.body.org?.id, mspId);

        const summary = await world.request('/v1/fleet/summary', { token });
        assert.equal(summary.status, 200);
        assert.equal(((await summary.json()) as { customers: number }).customers, expected.length);
      });

      test(`msp_marketing of MSP ${msp} gets 403 on customer data and RLS gives it no customer rows`, async () => {
        const mspId = org(slug);
        const user = userOf(mspId, seeded.staff.marketing);
        const token = await sign(user.id, mspId, 'msp_marketing');
        for (const path of ['/v1/fleet', '/v1/fleet/summary', `/v1/customers/${allCustomers[0]}`, `/v1/customers/${[...customersAmong(view, subtree(view, mspId))][0]}`]) {
          const res = await world.request(path, { token });
          assert.equal(res.status, 403, `${path} for msp_marketing`);
          assert.equal(res.headers.get('content-type'), 'application/problem+json');
        }
        const m = await me(token);
        assert.equal(m.status, 200);
        assert.equal(m.body.role, 'msp_marketing');
        assert.deepEqual(m.body.permissions, []);

        // Underneath the permission check, the database itself shows marketing no customer.
        const principal = { kind: 'user' as const, userId: user.id, role: 'msp_marketing', orgId: mspId };
        const counts = await withScope(world.database.db, principal, (tx) =>
          queryRows<{ t: string; n: number }>(
            tx,
            sql`select 'orgs' as t, count(*)::int as n from orgs where kind in ('customer', 'enterprise')
                union all select 'customer_profiles', count(*)::int from customer_profiles
                union all select 'subscriptions', count(*)::int from subscriptions
                union all select 'assets', count(*)::int from assets
                union all select 'scans', count(*)::int from scans
                union all select 'findings', count(*)::int from findings
                union all select 'posture_snapshots', count(*)::int from posture_snapshots
                union all select 'customer_metrics', count(*)::int from customer_metrics
                union all select 'users of customers', count(*)::int from users where tenant_id <> ${mspId}::uuid`,
          ),
        );
        assert.deepEqual([...counts].filter((c) => c.n !== 0), [], 'rows msp_marketing can see');
        const ownOrg = await withScope(world.database.db, principal, (tx) => queryRows<{ id: string }>(tx, sql`select id from orgs`));
        assert.deepEqual(ownOrg.map((o) => o.id), [mspId]);
      });
    }

    for (const [who, role] of staffRoles) {
      test(`${role} of the sub-partner sees only the sub-partner's customers`, async () => {
        const partnerId = org(seeded.partner);
        const expected = sorted(customersAmong(view, subtree(view, partnerId)));
        assert.ok(expected.length > 0);
        const directOfA = [...customersAmong(view, view.orgs.filter((o) => o.parentId === org(seeded.mspA)).map((o) => o.id))];
        assert.ok(directOfA.length > 0 && directOfA.every((id) => !expected.includes(id)));
        const user = userOf(partnerId, seeded.staff[who]);
        const token = await sign(user.id, partnerId, role);

        assert.deepEqual(await fleetIds(token), expected);
        assert.deepEqual(await readableCustomers(token), expected);
        const m = await me(token);
        assert.equal(m.status, 200);
        assert.equal(m.body.org?.slug, seeded.partner);
      });
    }

    test('customer users see only their own tenant, and only when delegation and status allow', async () => {
      const seen = new Map<string, number>();
      const customerUsers = view.users.filter((u) => view.profiles.has(u.tenantId) && u.roles.length > 0);
      assert.ok(customerUsers.length > 20);
      for (const user of customerUsers) {
        for (const role of user.roles) {
          const profile = view.profiles.get(user.tenantId)!;
          const allowed =
            delegationAllows(role, profile.delegation) && user.status === 'active' && !['locked', 'deleting'].includes(profile.status);
          const key = `${role}/${profile.delegation}/${allowed ? 'sees' : 'blind'}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const token = await sign(user.id, user.tenantId, role);
          const expected = allowed ? sorted(customersAmong(view, subtree(view, user.tenantId))) : [];
          if (allowed) assert.ok(expected.includes(user.tenantId));
          const label = `${role} of ${user.tenantId} (delegation ${profile.delegation}, status ${profile.status})`;

          assert.deepEqual(await fleetIds(token), expected, label);
          const m = await me(token);
          assert.equal(m.status, allowed ? 200 : 401, `${label}: /v1/me`);
          if (allowed) assert.equal(m.body.org?.id, user.tenantId);
          const own = await world.request(`/v1/customers/${user.tenantId}`, { token });
          assert.equal(own.status, allowed ? 200 : 404, `${label}: own customer`);
          const neighbour = allCustomers.find((id) => id !== user.tenantId && !expected.includes(id))!;
          assert.equal((await world.request(`/v1/customers/${neighbour}`, { token })).status, 404, `${label}: another customer`);
        }
      }
      // The seed must have exercised every branch of the delegation rule.
      for (const key of [
        'customer_admin/full/sees',
        'customer_admin/read_only/blind',
        'customer_admin/disabled/blind',
        'customer_viewer/full/sees',
        'customer_viewer/read_only/sees',
        'customer_viewer/disabled/blind',
      ]) {
        assert.ok(seen.get(key), `no seeded case for ${key}: ${JSON.stringify(Object.fromEntries(seen))}`);
      }
    });

    test('changing a customer\'s delegation changes what its users see at once', async () => {
      // An active customer of MSP A with both an admin and a viewer.
      const customer = [...view.profiles.entries()].find(
        ([id, p]) =>
          p.status === 'active' &&
          !p.revoked &&
          view.orgs.find((o) => o.id === id)?.kind === 'customer' &&
          view.users.some((u) => u.tenantId === id && u.roles.includes('customer_admin') && u.status === 'active') &&
          view.users.some((u) => u.tenantId === id && u.roles.includes('customer_viewer') && u.status === 'active'),
      )?.[0];
      assert.ok(customer);
      const admin = view.users.find((u) => u.tenantId === customer && u.roles.includes('customer_admin'))!;
      const viewer = view.users.find((u) => u.tenantId === customer && u.roles.includes('customer_viewer'))!;
      const adminToken = await sign(admin.id, customer, 'customer_admin');
      const viewerToken = await sign(viewer.id, customer, 'customer_viewer');
      const original = view.profiles.get(customer)!.delegation;
      const setDelegation = (d: Delegation) =>
        world.database.db.execute(sql`update customer_profiles set access_delegation = ${d}::access_delegation where tenant_id = ${customer}::uuid`);
      try {
        for (const delegation of ['disabled', 'read_only', 'full'] as const) {
          await setDelegation(delegation);
          for (const [role, token] of [['customer_admin', adminToken], ['customer_viewer', viewerToken]] as const) {
            const allowed = delegationAllows(role, delegation);
            const label = `${role} with delegation ${delegation}`;
            assert.equal((await me(token)).status, allowed ? 200 : 401, `${label}: /v1/me`);
            assert.deepEqual(await fleetIds(token), allowed ? [customer] : [], `${label}: fleet`);
            assert.equal((await world.request(`/v1/customers/${customer}`, { token })).status, allowed ? 200 : 404, `${label}: customer`);
          }
        }
        // A locked customer's users see nothing, whatever the delegation.
        await world.database.db.execute(sql`update customer_profiles set status = 'locked' where tenant_id = ${customer}::uuid`);
        for (const token of [adminToken, viewerToken]) {
          assert.equal((await me(token)).status, 401);
          assert.deepEqual(await fleetIds(token), []);
        }
      } finally {
        await world.database.db.execute(
          sql`update customer_profiles set access_delegation = ${original}::access_delegation, status = 'active' where tenant_id = ${customer}::uuid`,
        );
      }
    });

    test('the revoked customer shows as connection lost for its MSP, with no data', async () => {
      const revoked = org(seeded.revoked);
      assert.equal(view.profiles.get(revoked)?.revoked, true);
      const mspId = org(seeded.mspA);
      for (const who of ['admin', 'analyst'] as const) {
        const token = await sign(userOf(mspId, seeded.staff[who]).id, mspId, who === 'admin' ? 'msp_admin' : 'msp_analyst');
        const row = (await fleet(token)).find((r) => r.id === revoked);
        assert.ok(row, 'the revoked customer is listed in the fleet');
        assert.equal(row.status, 'connection_lost');
        assert.equal(row.name, 'Kestrel Logistics');
        for (const field of ['posture', 'licences', 'acv', 'plan', 'monthlyPrice', 'averageIpPrice', 'ips', 'lastScanAt', 'openPriorityFindings', 'renewsAt', 'trialEndsAt']) {
          assert.equal(row[field], null, `fleet ${field} of a revoked customer`);
        }
        const others = (await fleet(token)).filter((r) => r.id !== revoked);
        assert.ok(others.every((r) => r.status !== 'connection_lost'));

        const res = await world.request(`/v1/customers/${revoked}`, { token });
        assert.equal(res.status, 200);
        const detail = (await res.json()) as Record<string, unknown>;
        assert.equal(detail.status, 'connection_lost');
        for (const field of ['openFindings', 'assets', 'posture', 'licences', 'acv', 'lastScanAt', 'openPriorityFindings', 'mainUser']) {
          assert.equal(detail[field], null, `detail ${field} of a revoked customer`);
        }
      }
      // MSP B never sees it at all.
      const bId = org(seeded.mspB);
      const bToken = await sign(userOf(bId, seeded.staff.admin).id, bId, 'msp_admin');
      assert.equal((await world.request(`/v1/customers/${revoked}`, { token: bToken })).status, 404);
    });

    test("the revoked customer's own users still see their data", async () => {
      const revoked = org(seeded.revoked);
      const [truth] = await queryRows<{ score: number; open: Record<string, number>; assets: Record<string, number> }>(
        world.database.db,
        sql`select (select score from posture_snapshots where tenant_id = ${revoked}::uuid order by day desc limit 1)::int as score,
                   (select coalesce(jsonb_object_agg(severity, n), '{}') from (select severity::text, count(*)::int as n from findings
                     where tenant_id = ${revoked}::uuid and status = 'open' group by 1) f) as open,
                   (select coalesce(jsonb_object_agg(kind, n), '{}') from (select kind::text, count(*)::int as n from assets
                     where tenant_id = ${revoked}::uuid group by 1) a) as assets`,
      );
      assert.ok(truth && Object.keys(truth.assets).length > 0, 'the revoked customer has data of its own');
      const users = view.users.filter((u) => u.tenantId === revoked && u.roles.length > 0);
      assert.ok(users.length >= 2);
      for (const user of users) {
        const role = user.roles[0]!;
        const token = await sign(user.id, revoked, role);
        assert.equal((await me(token)).status, 200, `${role} of the revoked customer`);
        const rows = await fleet(token);
        assert.deepEqual(rows.map((r) => r.id), [revoked]);
        assert.equal((rows[0]!.posture as { score: number } | null)?.score, truth.score);
        const res = await world.request(`/v1/customers/${revoked}`, { token });
        assert.equal(res.status, 200);
        const detail = (await res.json()) as { openFindings: Record<string, number> | null; assets: Record<string, number> | null };
        const full = (counts: Record<string, number>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]));
        assert.deepEqual(detail.openFindings, full(truth.open, ['critical', 'high', 'medium', 'low', 'info']));
        assert.deepEqual(detail.assets, full(truth.assets, ['domain', 'subdomain', 'ip_address', 'web_app_url', 'api_base_url']));
      }
    });

    test('a session whose role the user no longer holds sees nothing', async () => {
      const mspId = org(seeded.mspA);
      const analyst = userOf(mspId, seeded.staff.analyst);
      // The analyst holds msp_analyst only; a token claiming msp_admin for the same user grants nothing.
      const token = await sign(analyst.id, mspId, 'msp_admin');
      assert.equal((await me(token)).status, 401);
      assert.deepEqual(await fleetIds(token), []);
    });
  });
}
