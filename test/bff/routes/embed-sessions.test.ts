import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { backends, ORIGIN, seededWorld, type World } from '../../helpers/db.js';

/**
 * POST /v1/embed-sessions as DESIGN.md's Embedding protocol describes it: an MSP's server
 * presents its API key and gets a short-lived ES256 token for one of its users, provisioned
 * just in time, in a role the key, the tenant's kind and the tenant's delegation allow.
 */

type Problem = { status: number; type: string; errors?: { pointer: string; detail: string }[] };
type Session = { token: string; expiresAt: string; userId: string; tenantId: string };

let serial = 0;
/** A user the seed does not know, so each test provisions its own. */
const newUser = (label: string) => {
  const n = ++serial;
  return { externalId: `ext-${label}-${n}`, email: `${label}.${n}@portal.example`, name: `Test ${label} ${n}` };
};

for (const backend of backends) {
  describe(`POST /v1/embed-sessions (${backend})`, () => {
    let world: World;
    before(async () => {
      world = await seededWorld(backend);
    });
    after(() => world?.close());

    async function mint(body: unknown, key = world.apiKeys.A.key) {
      const res = await world.request('/v1/embed-sessions', {
        method: 'POST',
        token: key,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { res, body: (await res.json()) as Session & Problem };
    }
    async function minted(body: unknown): Promise<Session> {
      const { res, body: session } = await mint(body);
      assert.equal(res.status, 201, `mint: ${JSON.stringify(session)}`);
      return session;
    }
    /** The request was refused with `status`, naming `pointer` when given. */
    async function refused(body: unknown, status: number, pointer?: string) {
      const { res, body: problem } = await mint(body);
      assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(problem)}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal(problem.status, status);
      if (pointer) assert.deepEqual(problem.errors?.map((e) => e.pointer), [pointer]);
      return problem;
    }
    const me = (token: string) => world.request('/v1/me', { token });
    async function fleetIds(token: string): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await world.request(`/v1/fleet?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { token });
        assert.equal(res.status, 200);
        const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids.sort();
    }
    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const auditCount = async () =>
      (await owner<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'embed_session.create'`))[0]!.n;

    /** Customers below MSP A (directly or through the sub-partner) with this delegation and status. */
    async function customerOfA(where: { delegation?: string; status?: string; revoked?: boolean }): Promise<string> {
      const rows = await owner<{ id: string }>(
        sql`select cp.tenant_id as id from customer_profiles cp join orgs o on o.id = cp.tenant_id
             where o.parent_id in (select id from orgs where slug in (${seeded.mspA}, ${seeded.partner}))
               and o.kind = 'customer'
               and (${where.delegation ?? null}::text is null or cp.access_delegation::text = ${where.delegation ?? null}::text)
               and (${where.status ?? null}::text is null or cp.status::text = ${where.status ?? null}::text)
               and (cp.revoked_at is not null) = ${where.revoked ?? false}
             order by cp.tenant_id limit 1`,
      );
      assert.ok(rows[0], `no customer of MSP A with ${JSON.stringify(where)}`);
      return rows[0].id;
    }

    test('returns 201 {token, expiresAt, userId, tenantId} with an ES256 token carrying every claim', async () => {
      const user = newUser('admin');
      const before = Math.floor(Date.now() / 1000);
      const { res, body } = await mint({ user, role: 'msp_admin', origins: [ORIGIN, 'http://localhost:5173'] });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.deepEqual(Object.keys(body).sort(), ['expiresAt', 'tenantId', 'token', 'userId']);
      assert.equal(body.tenantId, world.orgs.mspA, 'the tenant defaults to the key\'s org');
      const [row] = await owner<{ id: string }>(
        sql`select id from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = ${user.externalId}`,
      );
      assert.equal(body.userId, row?.id);

      const header = decodeProtectedHeader(body.token);
      assert.equal(header.alg, 'ES256');
      assert.equal(header.kid, world.deps.keys.activeKid());
      const claims = decodeJwt(body.token);
      assert.equal(claims.iss, world.config.issuer);
      assert.equal(claims.aud, world.config.audience);
      assert.equal(claims.sub, body.userId);
      assert.equal(claims.org, world.orgs.mspA);
      assert.equal(claims.role, 'msp_admin');
      assert.deepEqual(claims.origins, [ORIGIN, 'http://localhost:5173']);
      assert.ok(typeof claims.exp === 'number' && typeof claims.iat === 'number');
      assert.equal(claims.exp - claims.iat, 900, 'default lifetime is 15 minutes');
      assert.ok(claims.exp - before <= 3600 + 1);
      assert.equal(new Date(body.expiresAt).getTime(), claims.exp * 1000);
      assert.equal(body.expiresAt, new Date(claims.exp * 1000).toISOString());

      // It verifies against the published key set.
      const jwks = (await (await world.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
      assert.ok(jwks.keys.some((k) => k.kid === header.kid));
      const verified = await jwtVerify(body.token, createLocalJWKSet(jwks), {
        issuer: world.config.issuer,
        audience: world.config.audience,
        algorithms: ['ES256'],
      });
      assert.equal(verified.payload.sub, body.userId);
    });

    test('ttlSeconds is honoured up to one hour and refused beyond it', async () => {
      for (const ttl of [60, 120, 3600]) {
        const { token, expiresAt } = await minted({ user: newUser('ttl'), role: 'msp_analyst', origins: [ORIGIN], ttlSeconds: ttl });
        const claims = decodeJwt(token);
        assert.equal(claims.exp! - claims.iat!, ttl);
        assert.equal(new Date(expiresAt).getTime(), claims.exp! * 1000);
      }
      for (const ttl of [3601, 86_400, 59, 0, -1, 1.5]) {
        await refused({ user: newUser('ttl'), role: 'msp_analyst', origins: [ORIGIN], ttlSeconds: ttl }, 400, '#/body/ttlSeconds');
      }
      await refused({ user: newUser('ttl'), role: 'msp_analyst', origins: [ORIGIN], ttlSeconds: '600' }, 400, '#/body/ttlSeconds');
    });

    test('provisions a user just in time, once, and updates its name and email', async () => {
      const user = newUser('jit');
      const first = await minted({ user, role: 'msp_analyst', origins: [ORIGIN] });
      const renamed = { ...user, email: `renamed.${user.email}`, name: `${user.name} (renamed)` };
      const second = await minted({ user: renamed, role: 'msp_analyst', origins: [ORIGIN] });
      assert.equal(second.userId, first.userId);
      const rows = await owner<{ id: string; email: string; name: string; status: string }>(
        sql`select id, email, name, status::text from users where external_id = ${user.externalId}`,
      );
      assert.deepEqual([...rows], [{ id: first.userId, email: renamed.email, name: renamed.name, status: 'active' }]);
      const res = await me(second.token);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { user: { id: string; externalId: string; email: string; name: string } };
      assert.deepEqual(body.user, { id: first.userId, externalId: user.externalId, email: renamed.email, name: renamed.name });
      // The same external id in another tenant is another user.
      const elsewhere = await minted({ user, role: 'msp_analyst', tenantId: seeded.partner, origins: [ORIGIN] });
      assert.notEqual(elsewhere.userId, first.userId);
    });

    test("changing a user's role replaces the old assignment; the old token stops working", async () => {
      const user = newUser('rolechange');
      const asAnalyst = await minted({ user, role: 'msp_analyst', origins: [ORIGIN] });
      assert.equal((await me(asAnalyst.token)).status, 200);
      const asMarketing = await minted({ user, role: 'msp_marketing', origins: [ORIGIN] });
      assert.equal(asMarketing.userId, asAnalyst.userId);
      const roles = await owner<{ role: string }>(sql`select role::text from role_assignments where user_id = ${asAnalyst.userId}::uuid`);
      assert.deepEqual(roles.map((r) => r.role), ['msp_marketing']);

      const old = await me(asAnalyst.token);
      assert.equal(old.status, 401);
      assert.equal(old.headers.get('content-type'), 'application/problem+json');
      assert.deepEqual(await fleetIds(asAnalyst.token), [], 'the old analyst token lists nothing');
      const current = await me(asMarketing.token);
      assert.equal(current.status, 200);
      assert.equal(((await current.json()) as { role: string }).role, 'msp_marketing');
      assert.equal((await world.request('/v1/fleet', { token: asMarketing.token })).status, 403);

      // Minting the same role again keeps one assignment.
      await minted({ user, role: 'msp_marketing', origins: [ORIGIN] });
      const again = await owner<{ n: number }>(sql`select count(*)::int as n from role_assignments where user_id = ${asAnalyst.userId}::uuid`);
      assert.equal(again[0]?.n, 1);
    });

    test('customerIds is only for msp_account_manager', async () => {
      const [customer] = world.orgs.customersA;
      for (const role of ['msp_admin', 'msp_analyst', 'msp_marketing'] as const) {
        await refused({ user: newUser('cids'), role, customerIds: [customer], origins: [ORIGIN] }, 400, '#/body/customerIds');
        await refused({ user: newUser('cids'), role, customerIds: [], origins: [ORIGIN] }, 400, '#/body/customerIds');
      }
      const viewerTenant = await customerOfA({ delegation: 'full', status: 'active' });
      await refused(
        { user: newUser('cids'), role: 'customer_viewer', tenantId: viewerTenant, customerIds: [viewerTenant], origins: [ORIGIN] },
        400,
        '#/body/customerIds',
      );
      await refused({ user: newUser('cids'), role: 'msp_account_manager', customerIds: ['not-a-uuid'], origins: [ORIGIN] }, 400, '#/body/customerIds/0');
    });

    test('customerIds must be customers of the tenant; the error names the index at fault', async () => {
      const [a1, a2] = world.orgs.customersA;
      const [b1] = world.orgs.customersB;
      const [sub] = await owner<{ id: string }>(
        sql`select o.id from orgs o where o.parent_id = ${world.orgs.enterprise}::uuid order by o.id limit 1`,
      );
      const foreign = [
        [[a1, b1], 1, "MSP B's customer"],
        [[b1], 0, "MSP B's customer"],
        [[a1, a2, world.orgs.mspB], 2, 'another MSP'],
        [[world.orgs.partner], 0, 'a sub-partner (not a customer)'],
        [[world.orgs.mspA], 0, 'the MSP itself'],
        [[sub!.id], 0, 'an enterprise sub-organisation without a customer profile'],
        [['00000000-0000-4000-8000-000000000000'], 0, 'an id that does not exist'],
        [[a1, a1, b1], 2, 'a foreign id after a repeated one'],
      ] as const;
      const countBefore = await auditCount();
      for (const [ids, index, what] of foreign) {
        const problem = await refused({ user: newUser('am'), role: 'msp_account_manager', customerIds: ids, origins: [ORIGIN] }, 400);
        assert.deepEqual(problem.errors?.map((e) => e.pointer), [`#/body/customerIds/${index}`], what);
      }
      assert.equal(await auditCount(), countBefore, 'refused mints write no audit record');
      // MSP B's key cannot assign MSP A's customers either.
      const { res, body } = await mint({ user: newUser('am'), role: 'msp_account_manager', customerIds: [a1], origins: [ORIGIN] }, world.apiKeys.B.key);
      assert.equal(res.status, 400);
      assert.deepEqual(body.errors?.map((e) => e.pointer), ['#/body/customerIds/0']);
    });

    test('an account manager sees exactly the customers it was minted with, and a new mint replaces them', async () => {
      const [a1, a2, a3] = world.orgs.customersA;
      const [p1] = world.orgs.customersPartner;
      const user = newUser('am');
      const first = await minted({ user, role: 'msp_account_manager', customerIds: [a1, a2, p1], origins: [ORIGIN] });
      assert.deepEqual(await fleetIds(first.token), [a1!, a2!, p1!].sort());
      const assigned = async () =>
        (await owner<{ id: string }>(sql`select tenant_id as id from account_manager_assignments where user_id = ${first.userId}::uuid`))
          .map((r) => r.id)
          .sort();
      assert.deepEqual(await assigned(), [a1!, a2!, p1!].sort());

      // Upper-case ids and repeats name the same customers.
      const second = await minted({ user, role: 'msp_account_manager', customerIds: [a3!.toUpperCase(), a3], origins: [ORIGIN] });
      assert.equal(second.userId, first.userId);
      assert.deepEqual(await assigned(), [a3]);
      assert.deepEqual(await fleetIds(second.token), [a3]);
      assert.deepEqual(await fleetIds(first.token), [a3], 'assignments are read live, not from the token');
      assert.equal((await world.request(`/v1/customers/${a1}`, { token: second.token })).status, 404);

      // Without customerIds the assignments stay as they are; an empty list clears them.
      await minted({ user, role: 'msp_account_manager', origins: [ORIGIN] });
      assert.deepEqual(await assigned(), [a3]);
      const cleared = await minted({ user, role: 'msp_account_manager', customerIds: [], origins: [ORIGIN] });
      assert.deepEqual(await assigned(), []);
      assert.deepEqual(await fleetIds(cleared.token), []);
    });

    test('customer roles need a delegation that allows them', async () => {
      const cases = [
        ['disabled', 'customer_admin', 403],
        ['disabled', 'customer_viewer', 403],
        ['read_only', 'customer_admin', 403],
        ['read_only', 'customer_viewer', 201],
        ['full', 'customer_admin', 201],
        ['full', 'customer_viewer', 201],
      ] as const;
      for (const [delegation, role, status] of cases) {
        const tenantId = await customerOfA({ delegation, status: 'active' });
        const user = newUser(role);
        const countBefore = await auditCount();
        const { res, body } = await mint({ user, role, tenantId, origins: [ORIGIN] });
        assert.equal(res.status, status, `${role} with delegation ${delegation}: ${JSON.stringify(body)}`);
        const provisioned = await owner<{ n: number }>(sql`select count(*)::int as n from users where external_id = ${user.externalId}`);
        if (status === 201) {
          assert.equal(body.tenantId, tenantId);
          assert.equal(provisioned[0]?.n, 1);
          const m = await me(body.token);
          assert.equal(m.status, 200);
          assert.equal(((await m.json()) as { org: { id: string } }).org.id, tenantId);
          assert.deepEqual(await fleetIds(body.token), [tenantId]);
          assert.equal(await auditCount(), countBefore + 1);
        } else {
          assert.equal(body.type, 'https://portico.dev/problems/forbidden');
          assert.equal(provisioned[0]?.n, 0, 'a refused mint provisions nobody');
          assert.equal(await auditCount(), countBefore);
        }
      }
    });

    test('customer roles are refused for locked customers and for a customer that revoked its MSP', async () => {
      const locked = await customerOfA({ status: 'locked' });
      const [profile] = await owner<{ delegation: string }>(sql`select access_delegation::text as delegation from customer_profiles where tenant_id = ${locked}::uuid`);
      assert.notEqual(profile?.delegation, 'disabled', 'the locked customer should delegate access, so only the lock refuses');
      for (const role of ['customer_admin', 'customer_viewer'] as const) {
        await refused({ user: newUser('locked'), role, tenantId: locked, origins: [ORIGIN] }, 403);
        await refused({ user: newUser('revoked'), role, tenantId: seeded.revoked, origins: [ORIGIN] }, 403);
      }
      // The revoked customer's own (seeded) viewer is not re-provisioned by the MSP either.
      await refused({ user: { externalId: `${seeded.revoked}-viewer`, email: 'x@y.example', name: 'X' }, role: 'customer_viewer', tenantId: world.orgs.revoked, origins: [ORIGIN] }, 403);
    });

    test('an MSP role for a customer tenant, or a customer role for an MSP tenant, is a 400 on role', async () => {
      const customer = await customerOfA({ delegation: 'full', status: 'active' });
      for (const role of ['msp_admin', 'msp_analyst', 'msp_account_manager', 'msp_marketing'] as const) {
        await refused({ user: newUser('kind'), role, tenantId: customer, origins: [ORIGIN] }, 400, '#/body/role');
        await refused({ user: newUser('kind'), role, tenantId: seeded.enterprise, origins: [ORIGIN] }, 400, '#/body/role');
      }
      for (const role of ['customer_admin', 'customer_viewer'] as const) {
        await refused({ user: newUser('kind'), role, origins: [ORIGIN] }, 400, '#/body/role');
        await refused({ user: newUser('kind'), role, tenantId: seeded.partner, origins: [ORIGIN] }, 400, '#/body/role');
      }
      await refused({ user: newUser('kind'), role: 'msp_owner', origins: [ORIGIN] }, 400, '#/body/role');
    });

    test('tenantId accepts a slug or an id inside the key\'s subtree, and 404s outside it', async () => {
      const bySlug = await minted({ user: newUser('slug'), role: 'msp_admin', tenantId: seeded.partner, origins: [ORIGIN] });
      assert.equal(bySlug.tenantId, world.orgs.partner);
      assert.equal(decodeJwt(bySlug.token).org, world.orgs.partner);
      assert.deepEqual(await fleetIds(bySlug.token), [...world.orgs.customersPartner].sort());
      const byId = await minted({ user: newUser('slug'), role: 'msp_admin', tenantId: world.orgs.partner, origins: [ORIGIN] });
      assert.equal(byId.tenantId, world.orgs.partner);
      const enterprise = await minted({ user: newUser('slug'), role: 'customer_admin', tenantId: seeded.enterprise, origins: [ORIGIN] });
      assert.equal(enterprise.tenantId, world.orgs.enterprise);

      for (const tenantId of [seeded.mspB, world.orgs.mspB, world.orgs.customersB[0]!, 'no-such-org', '00000000-0000-4000-8000-000000000000']) {
        const problem = await refused({ user: newUser('slug'), role: 'msp_admin', tenantId, origins: [ORIGIN] }, 404);
        assert.equal(problem.type, 'https://portico.dev/problems/not-found');
      }
      // MSP B's key cannot reach MSP A or anything below it, by slug or by id.
      for (const tenantId of [seeded.mspA, seeded.partner, world.orgs.customersA[0]!]) {
        const { res } = await mint({ user: newUser('slug'), role: 'msp_admin', tenantId, origins: [ORIGIN] }, world.apiKeys.B.key);
        assert.equal(res.status, 404, `B's key for ${tenantId}`);
      }
    });

    test('every mint writes an audit record naming the key, the user, the role and the origins', async () => {
      const [a1] = world.orgs.customersA;
      const customer = await customerOfA({ delegation: 'full', status: 'active' });
      const requests = [
        { user: newUser('audit'), role: 'msp_admin', origins: [ORIGIN] },
        { user: newUser('audit'), role: 'msp_account_manager', customerIds: [a1], origins: [ORIGIN, 'https://psa.example'] },
        { user: newUser('audit'), role: 'customer_viewer', tenantId: customer, origins: [ORIGIN] },
      ];
      for (const request of requests) {
        const countBefore = await auditCount();
        const session = await minted(request);
        assert.equal(await auditCount(), countBefore + 1);
        const rows = await owner<{ tenantId: string; actorId: string | null; actorRole: string; after: Record<string, unknown>; requestId: string | null }>(
          sql`select tenant_id as "tenantId", actor_id as "actorId", actor_role as "actorRole", after, request_id as "requestId"
                from audit_log where action = 'embed_session.create' and target_id = ${session.userId}::uuid`,
        );
        assert.equal(rows.length, 1);
        const row = rows[0]!;
        assert.equal(row.tenantId, session.tenantId);
        assert.equal(row.actorRole, 'api_key');
        assert.ok(row.requestId, 'the audit record carries the request id');
        const after = typeof row.after === 'string' ? (JSON.parse(row.after) as Record<string, unknown>) : row.after;
        assert.equal(after.apiKeyId, world.apiKeys.A.id);
        assert.equal(after.role, request.role);
        assert.deepEqual(after.origins, request.origins);
        assert.deepEqual(after.customerIds, request.customerIds ?? null);
      }
    });

    test('the minted token works against GET /v1/fleet from its origin, and only from there', async () => {
      const session = await minted({ user: newUser('fleet'), role: 'msp_admin', origins: [ORIGIN] });
      const expected = [...world.orgs.customersA, ...world.orgs.customersPartner, world.orgs.enterprise, world.orgs.revoked];
      const fromOrigin = await world.request('/v1/fleet?limit=200', { token: session.token, headers: { origin: ORIGIN } });
      assert.equal(fromOrigin.status, 200);
      assert.equal(fromOrigin.headers.get('access-control-allow-origin'), ORIGIN);
      const page = (await fromOrigin.json()) as { items: { id: string }[] };
      assert.deepEqual(page.items.map((i) => i.id).sort(), [...new Set(expected)].sort());

      const elsewhere = await world.request('/v1/fleet', { token: session.token, headers: { origin: 'https://evil.example' } });
      assert.equal(elsewhere.status, 403);
      assert.equal(elsewhere.headers.get('access-control-allow-origin'), null);
    });

    test('the API key is required, and a session token is not an API key', async () => {
      const body = { user: newUser('auth'), role: 'msp_admin', origins: [ORIGIN] };
      const none = await world.request('/v1/embed-sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(none.status, 401);
      const session = await minted({ user: newUser('auth'), role: 'msp_admin', origins: [ORIGIN] });
      assert.equal((await mint(body, session.token)).res.status, 401);
      assert.equal((await mint(body, `${world.apiKeys.A.key}x`)).res.status, 401);
    });

    test('a malformed body names each field at fault', async () => {
      const problem = await refused({ user: { externalId: '', email: 'nope', name: 'X' }, role: 'msp_admin', origins: ['https://portal.example/path'] }, 400);
      assert.deepEqual(problem.errors?.map((e) => e.pointer).sort(), ['#/body/origins/0', '#/body/user/email', '#/body/user/externalId']);
      await refused({ user: newUser('bad'), role: 'msp_admin', origins: [] }, 400, '#/body/origins');
    });
  });
}
