import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createApp } from '../../../bff/app.js';
import { createApiKey, revokeApiKey, sessionScope } from '../../../bff/auth/api-keys.js';
import { roles, type Role } from '../../../bff/auth/roles.js';
import { queryRows } from '../../../bff/db/client.js';
import { backends, customerWithDelegation, ORIGIN, seededWorld, type World } from '../../helpers/db.js';
import { expectProblem } from '../../helpers/problem.js';

/**
 * API keys on POST /v1/embed-sessions: missing, wrong, revoked → 401; outside the key's IP
 * allowlist → 403; a role the key's scopes do not name → 403. Keys are stored only as hashes.
 * The world trusts X-Forwarded-For (as behind a proxy) so the allowlist can be exercised.
 */

let externalIds = 0;
const sessionBody = (role: Role, extra: Record<string, unknown> = {}) => ({
  user: { externalId: `api-key-suite-${++externalIds}`, email: `suite.${externalIds}@example.com`, name: 'Suite User' },
  role,
  origins: [ORIGIN],
  ...extra,
});

for (const backend of backends) {
  describe(`API keys (${backend})`, () => {
    let world: World;
    let fullCustomer: string;

    before(async () => {
      world = await seededWorld(backend, { config: { trustProxy: true } });
      fullCustomer = await customerWithDelegation(world, 'full', world.orgs.customersA);
    });
    after(() => world?.close());

    const mint = (key: string | undefined, body: unknown = sessionBody('msp_admin'), headers: Record<string, string> = {}) =>
      world.request('/v1/embed-sessions', {
        method: 'POST',
        ...(key === undefined ? {} : { token: key }),
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    const newKey = (name: string, opts: { scopes?: string[]; allowedIps?: string[] } = {}) =>
      createApiKey(world.database.db, { orgId: world.orgs.mspA, name, ...opts });

    test('a valid key mints a session for its org', async () => {
      const res = await mint(world.apiKeys.A.key);
      const text = await res.text();
      assert.equal(res.status, 201, text);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = JSON.parse(text) as { token: string; expiresAt: string; userId: string; tenantId: string };
      assert.equal(body.tenantId, world.orgs.mspA);
      assert.match(body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.ok(Date.parse(body.expiresAt) > Date.now());
      const me = await world.request('/v1/me', { token: body.token });
      assert.equal(me.status, 200);
    });

    test('no key → 401', async () => {
      for (const authorization of [undefined, 'Bearer', 'Bearer ', `Basic ${btoa(`${world.apiKeys.A.key}:`)}`, world.apiKeys.A.key]) {
        const res = await world.request('/v1/embed-sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
          body: JSON.stringify(sessionBody('msp_admin')),
        });
        await expectProblem(res, 401, 'authentication-error', `authorization: ${authorization}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    });

    test('a wrong key → 401, whatever is wrong with it', async () => {
      const real = world.apiKeys.A.key;
      const wrong = {
        'a made-up key': `pk_${randomBytes(32).toString('base64url')}`,
        'the real key with one character changed': real.slice(0, 20) + (real[20] === 'a' ? 'b' : 'a') + real.slice(21),
        'the real key truncated': real.slice(0, -1),
        'the real key with a character added': `${real}x`,
        'its visible prefix only': real.slice(0, 11),
        'the key without its prefix': real.slice(3),
        'the hash of the real key': createHash('sha256').update(real).digest('hex'),
        'an embed-session token': await world.staffToken('A', 'admin'),
      };
      let first: unknown;
      for (const [label, key] of Object.entries(wrong)) {
        const body = await expectProblem(await mint(key), 401, 'authentication-error', label);
        first ??= body;
        assert.deepEqual(body, first, `${label}: every wrong key gets the same answer`);
      }
    });

    test('a revoked key → 401', async () => {
      const key = await newKey('to be revoked');
      assert.equal((await mint(key.key)).status, 201);
      assert.equal(await revokeApiKey(world.database.db, key.id), true);
      const body = await expectProblem(await mint(key.key), 401, 'authentication-error', 'revoked');
      assert.match(body.detail, /revoked/);
      assert.equal(await revokeApiKey(world.database.db, key.id), false, 'revoking twice changes nothing');
      // Other keys of the same org keep working.
      assert.equal((await mint(world.apiKeys.A.key)).status, 201);
    });

    test('an IP allowlist admits listed addresses and ranges (IPv4, IPv6, mapped) and refuses the rest with 403', async () => {
      const key = await newKey('allowlisted', { allowedIps: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32'] });
      const allowed = ['203.0.113.77', '203.0.113.0', '198.51.100.7', '2001:db8::5', '2001:db8:ffff::1', '::ffff:203.0.113.5', '203.0.113.9, 10.0.0.1'];
      for (const ip of allowed) {
        const res = await mint(key.key, sessionBody('msp_admin'), { 'x-forwarded-for': ip });
        assert.equal(res.status, 201, `${ip}: ${await res.text()}`);
      }
      const refused = ['192.0.2.1', '198.51.100.8', '203.0.114.1', '2001:db9::1', '::1', '127.0.0.1', '10.0.0.1, 203.0.113.9', 'not-an-ip', ''];
      for (const ip of refused) {
        const res = await mint(key.key, sessionBody('msp_admin'), { 'x-forwarded-for': ip });
        await expectProblem(res, 403, 'forbidden', `from ${JSON.stringify(ip)}`);
      }
      // No forwarded address and no socket (in-process request): the address is unknown.
      await expectProblem(await mint(key.key), 403, 'forbidden', 'unknown address');
      // A key without an allowlist works from anywhere.
      assert.equal((await mint(world.apiKeys.A.key, sessionBody('msp_admin'), { 'x-forwarded-for': '192.0.2.1' })).status, 201);
    });

    test('without trustProxy, X-Forwarded-For is ignored and the socket address decides', async () => {
      const app = createApp({ ...world.deps, config: { ...world.config, trustProxy: false } });
      const server: ServerType = await new Promise((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      try {
        const { port } = server.address() as AddressInfo;
        const call = (key: string, forwarded?: string) =>
          fetch(`http://127.0.0.1:${port}/v1/embed-sessions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) },
            body: JSON.stringify(sessionBody('msp_admin')),
          });
        const loopback = await newKey('loopback only', { allowedIps: ['127.0.0.1'] });
        const remote = await newKey('documentation range only', { allowedIps: ['203.0.113.0/24'] });
        const ok = await call(loopback.key, '192.0.2.1');
        assert.equal(ok.status, 201, await ok.text());
        await expectProblem(await call(remote.key, '203.0.113.9'), 403, 'forbidden', 'spoofed X-Forwarded-For');
        await expectProblem(await call(remote.key), 403, 'forbidden', 'loopback caller');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('keys are stored hashed: the plaintext is in no table, before or after use', async () => {
      const key = await newKey('hashed');
      assert.match(key.key, /^pk_[\w-]{40,}$/);
      const [row] = await queryRows<{ hash: string; prefix: string; row: string }>(
        world.database.db,
        sql`select hash, prefix, row_to_json(k)::text as row from api_keys k where id = ${key.id}::uuid`,
      );
      assert.ok(row);
      assert.equal(row.hash, createHash('sha256').update(key.key).digest('hex'));
      assert.equal(row.prefix, key.key.slice(0, 11));
      assert.ok(key.key.length - row.prefix.length >= 32, 'the visible prefix gives away little of the key');
      assert.ok(!row.row.includes(key.key));

      assert.equal((await mint(key.key)).status, 201);
      const tables = await queryRows<{ schema: string; name: string }>(
        world.database.db,
        sql`select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname in ('public', 'portico') and c.relkind in ('r', 'p') order by 1, 2`,
      );
      assert.ok(tables.length > 10);
      for (const t of tables) {
        const [hit] = await queryRows<{ n: number }>(
          world.database.db,
          sql`select count(*)::int as n from ${sql.identifier(t.schema)}.${sql.identifier(t.name)} x where strpos(row_to_json(x)::text, ${key.key}) > 0`,
        );
        assert.equal(hit?.n, 0, `${t.schema}.${t.name} holds the plaintext key`);
      }
    });

    test('a key mints only the roles its scopes name; any other role → 403', async () => {
      for (const role of roles) {
        const key = await newKey(`only ${role}`, { scopes: [sessionScope(role)] });
        const customerSide = role === 'customer_admin' || role === 'customer_viewer';
        const ok = await mint(key.key, sessionBody(role, customerSide ? { tenantId: fullCustomer } : {}));
        assert.equal(ok.status, 201, `${role} with its own scope: ${await ok.text()}`);
        for (const other of roles) {
          if (other === role) continue;
          const otherCustomerSide = other === 'customer_admin' || other === 'customer_viewer';
          const res = await mint(key.key, sessionBody(other, otherCustomerSide ? { tenantId: fullCustomer } : {}));
          const body = await expectProblem(res, 403, 'forbidden', `key for ${role} minting ${other}`);
          assert.match(body.detail, new RegExp(other));
        }
      }
    });
  });
}
