import assert from 'node:assert/strict';
import { createPublicKey, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { SigningKeys, MAX_TOKEN_TTL_SECONDS } from '../../../bff/auth/signing-keys.js';
import { queryRows } from '../../../bff/db/client.js';
import { backends, customerWithDelegation, ORIGIN, seededWorld, type World } from '../../helpers/db.js';
import { loadOpenApi, urlOf } from '../../helpers/openapi.js';
import { expectProblem } from '../../helpers/problem.js';

/**
 * Embed-session tokens: everything but an ES256 token signed by a published key, for our
 * issuer and audience, inside its lifetime (30 s clock tolerance) and carrying every claim
 * the BFF relies on, answers 401 problem+json. Tokens are forged with jose and the real
 * private key (read from the database), so each case differs from a valid token in one way.
 */

const TOLERANCE = 30;

interface Forge {
  world: World;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** A customer of MSP A whose viewer may sign in. */
  viewerCustomer: string;
  /** The claims of a valid MSP A admin session, `now` in seconds. */
  claims(now?: number): JWTPayload & Record<string, unknown>;
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>, key?: CryptoKey | Uint8Array): Promise<string>;
}

const now = () => Math.floor(Date.now() / 1000);
const enc = (value: unknown) => base64url.encode(JSON.stringify(value));
const without = (payload: Record<string, unknown>, claim: string) => Object.fromEntries(Object.entries(payload).filter(([k]) => k !== claim));

/** Replaces one character in the middle of a segment (the last one can hold only padding bits). */
function flipMiddle(segment: string): string {
  const i = Math.floor(segment.length / 2);
  return segment.slice(0, i) + (segment[i] === 'A' ? 'B' : 'A') + segment.slice(i + 1);
}

type Case = { name: string; token: (f: Forge) => Promise<string>; type?: 'authentication-error' | 'session-expired' };

const cases: Case[] = [
  // The algorithm is ours to choose, not the token's.
  { name: 'alg none, no signature', token: async (f) => `${enc({ alg: 'none', typ: 'JWT' })}.${enc(f.claims())}.` },
  { name: 'alg none with a known kid', token: async (f) => `${enc({ alg: 'none', kid: f.kid })}.${enc(f.claims())}.` },
  {
    name: 'alg none carrying a genuine ES256 signature',
    token: async (f) => {
      const [, payload, signature] = (await f.sign(f.claims())).split('.');
      return `${enc({ alg: 'none', kid: f.kid })}.${payload}.${signature}`;
    },
  },
  { name: 'HS256 keyed with the public JWK', token: async (f) => f.sign(f.claims(), { alg: 'HS256', kid: f.kid }, new TextEncoder().encode(JSON.stringify(f.publicJwk))) },
  {
    name: 'HS256 keyed with the public key PEM',
    token: async (f) => {
      const pem = createPublicKey({ key: f.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      return f.sign(f.claims(), { alg: 'HS256', kid: f.kid }, new TextEncoder().encode(String(pem)));
    },
  },
  { name: 'HS256 keyed with the public x coordinate', token: async (f) => f.sign(f.claims(), { alg: 'HS256', kid: f.kid }, base64url.decode(f.publicJwk.x!)) },
  { name: 'HS256 keyed with the kid', token: async (f) => f.sign(f.claims(), { alg: 'HS256', kid: f.kid }, new TextEncoder().encode(f.kid)) },
  { name: 'HS256 keyed with a guessable secret', token: async (f) => f.sign(f.claims(), { alg: 'HS256', kid: f.kid }, new TextEncoder().encode('secret')) },
  { name: 'HS512 keyed with a secret', token: async (f) => f.sign(f.claims(), { alg: 'HS512', kid: f.kid }, new TextEncoder().encode('x'.repeat(64))) },
  {
    name: 'RS256 from another key under a known kid',
    token: async (f) => f.sign(f.claims(), { alg: 'RS256', kid: f.kid }, (await generateKeyPair('RS256')).privateKey),
  },
  {
    name: 'ES384 from another key under a known kid',
    token: async (f) => f.sign(f.claims(), { alg: 'ES384', kid: f.kid }, (await generateKeyPair('ES384')).privateKey),
  },
  // The key must be one we publish.
  { name: 'unknown kid', token: async (f) => f.sign(f.claims(), { alg: 'ES256', kid: 'not-a-published-kid' }, (await generateKeyPair('ES256')).privateKey) },
  { name: 'a known kid but another ES256 key', token: async (f) => f.sign(f.claims(), { alg: 'ES256', kid: f.kid }, (await generateKeyPair('ES256')).privateKey) },
  { name: 'no kid', token: async (f) => f.sign(f.claims(), { alg: 'ES256' }) },
  {
    name: 'the signing key embedded in the header (jwk)',
    token: async (f) => {
      const attacker = await generateKeyPair('ES256', { extractable: true });
      return f.sign(f.claims(), { alg: 'ES256', kid: f.kid, jwk: await exportJWK(attacker.publicKey) }, attacker.privateKey);
    },
  },
  {
    // jose will not sign this, so the signature is made with WebCrypto (ES256 = ECDSA P-256 over SHA-256).
    name: 'an unknown critical header',
    token: async (f) => {
      const input = `${enc({ alg: 'ES256', kid: f.kid, crit: ['x-portico'], 'x-portico': 1 })}.${enc(f.claims())}`;
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, f.privateKey, new TextEncoder().encode(input));
      return `${input}.${base64url.encode(new Uint8Array(signature))}`;
    },
  },
  // Issuer and audience.
  { name: 'wrong iss', token: async (f) => f.sign({ ...f.claims(), iss: 'someone-else' }) },
  { name: 'missing iss', token: async (f) => f.sign(without(f.claims(), 'iss')) },
  { name: 'wrong aud', token: async (f) => f.sign({ ...f.claims(), aud: 'another-service' }) },
  { name: 'aud list without ours', token: async (f) => f.sign({ ...f.claims(), aud: ['another-service', 'portico'] }) },
  { name: 'missing aud', token: async (f) => f.sign(without(f.claims(), 'aud')) },
  // Time.
  {
    name: `expired more than ${TOLERANCE} s ago`,
    type: 'session-expired',
    token: async (f) => f.sign({ ...f.claims(now() - 900), exp: now() - TOLERANCE - 10 }),
  },
  {
    name: `issued more than ${MAX_TOKEN_TTL_SECONDS} s (+ tolerance) ago, whatever its exp says`,
    type: 'session-expired',
    token: async (f) => f.sign({ ...f.claims(now() - MAX_TOKEN_TTL_SECONDS - TOLERANCE - 60), exp: now() + 86_400 }),
  },
  { name: `not valid for another ${TOLERANCE + 30} s (nbf)`, token: async (f) => f.sign({ ...f.claims(), nbf: now() + TOLERANCE + 30 }) },
  { name: `issued ${TOLERANCE + 60} s in the future (iat)`, token: async (f) => f.sign({ ...f.claims(), iat: now() + TOLERANCE + 60 }) },
  { name: 'exp that is not a number', token: async (f) => f.sign({ ...f.claims(), exp: String(now() + 600) }) },
  // Claims the BFF relies on.
  ...['exp', 'iat', 'nbf', 'sub', 'org', 'role', 'origins'].map((claim): Case => ({
    name: `missing ${claim}`,
    token: async (f) => f.sign(without(f.claims(), claim)),
  })),
  { name: 'sub that is not a user id', token: async (f) => f.sign({ ...f.claims(), sub: 'admin' }) },
  { name: 'sub that is a number', token: async (f) => f.sign({ ...f.claims(), sub: 42 }) },
  { name: 'org that is not an org id', token: async (f) => f.sign({ ...f.claims(), org: 'northwind' }) },
  { name: 'a role that does not exist', token: async (f) => f.sign({ ...f.claims(), role: 'superuser' }) },
  { name: 'origins that is a string', token: async (f) => f.sign({ ...f.claims(), origins: ORIGIN }) },
  { name: 'origins holding a number', token: async (f) => f.sign({ ...f.claims(), origins: [42] }) },
  // Tampering with a genuine token.
  {
    name: 'payload changed (role raised to msp_admin) under the original signature',
    token: async (f) => {
      const genuine = await f.world.customerToken(f.viewerCustomer, 'customer_viewer');
      const [header, payload, signature] = genuine.split('.');
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
      return `${header}.${enc({ ...claims, role: 'msp_admin' })}.${signature}`;
    },
  },
  {
    name: "payload of another session (MSP B's admin) under MSP A's signature",
    token: async (f) => {
      const [header, , signature] = (await f.world.staffToken('A', 'admin')).split('.');
      const [, payload] = (await f.world.staffToken('B', 'admin')).split('.');
      return `${header}.${payload}.${signature}`;
    },
  },
  {
    name: 'signature altered',
    token: async (f) => {
      const [header, payload, signature] = (await f.world.staffToken('A', 'admin')).split('.');
      return `${header}.${payload}.${flipMiddle(signature!)}`;
    },
  },
  {
    name: 'signature truncated',
    token: async (f) => {
      const token = await f.world.staffToken('A', 'admin');
      return token.slice(0, -10);
    },
  },
  {
    name: 'signature stripped',
    token: async (f) => {
      const [header, payload] = (await f.world.staffToken('A', 'admin')).split('.');
      return `${header}.${payload}.`;
    },
  },
  { name: 'not a JWT at all', token: async () => 'not-a-token' },
  { name: 'two segments only', token: async (f) => `${enc({ alg: 'ES256', kid: f.kid })}.${enc(f.claims())}` },
];

for (const backend of backends) {
  describe(`embed-session token verification (${backend})`, () => {
    let world: World;
    let forge: Forge;
    let adminUserId: string;

    before(async () => {
      world = await seededWorld(backend);
      const [key] = await queryRows<{ kid: string; private_jwk: JWK; public_jwk: JWK }>(
        world.database.db,
        sql`select kid, private_jwk, public_jwk from portico.signing_keys where rotated_at is null`,
      );
      assert.ok(key, 'an active signing key');
      const privateKey = (await importJWK(key.private_jwk, 'ES256')) as CryptoKey;
      adminUserId = decodeJwt(await world.staffToken('A', 'admin')).sub!;
      forge = {
        world,
        kid: key.kid,
        privateKey,
        publicJwk: key.public_jwk,
        viewerCustomer: await customerWithDelegation(world, 'read_only', world.orgs.customersA),
        claims: (at = now()) => ({
          sub: adminUserId,
          org: world.orgs.mspA,
          role: 'msp_admin',
          origins: [ORIGIN],
          iss: world.config.issuer,
          aud: world.config.audience,
          iat: at,
          nbf: at,
          exp: at + 600,
          jti: randomUUID(),
        }),
        sign: (payload, header = { alg: 'ES256', kid: key.kid, typ: 'JWT' }, signingKey = privateKey) =>
          new SignJWT(payload).setProtectedHeader(header as never).sign(signingKey),
      };
    });
    after(() => world?.close());

    const me = (token: string) => world.request('/v1/me', { token });

    test('a session minted by the BFF reads GET /v1/me', async () => {
      const res = await me(await world.staffToken('A', 'admin'));
      assert.equal(res.status, 200);
      const body = (await res.json()) as { user: { id: string; externalId: string }; role: string; org: { id: string } };
      assert.equal(body.user.id, adminUserId);
      assert.equal(body.user.externalId, 'admin');
      assert.equal(body.role, 'msp_admin');
      assert.equal(body.org.id, world.orgs.mspA);
    });

    test('a token forged here with the real key and every claim is accepted (so each case below fails for one reason)', async () => {
      const res = await me(await forge.sign(forge.claims()));
      assert.equal(res.status, 200, await res.text());
    });

    test(`exp up to ${TOLERANCE} s in the past and nbf up to ${TOLERANCE} s in the future are within the clock tolerance`, async () => {
      const lateExp = await forge.sign({ ...forge.claims(now() - 600), exp: now() - TOLERANCE + 15 });
      assert.equal((await me(lateExp)).status, 200);
      const earlyNbf = await forge.sign({ ...forge.claims(), nbf: now() + TOLERANCE - 15 });
      assert.equal((await me(earlyNbf)).status, 200);
    });

    for (const c of cases) {
      const type = c.type ?? 'authentication-error';
      test(`rejects ${c.name} → 401 ${type}`, async () => {
        const res = await me(await c.token(forge));
        await expectProblem(res, 401, type, c.name);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      });
    }

    test('rejects a request without a bearer token → 401', async () => {
      await expectProblem(await world.request('/v1/me'), 401, 'authentication-error', 'no header');
      const basic = await world.request('/v1/me', { headers: { authorization: `Basic ${btoa('admin:admin')}` } });
      await expectProblem(basic, 401, 'authentication-error', 'basic auth');
      const key = await world.request('/v1/me', { token: world.apiKeys.A.key });
      await expectProblem(key, 401, 'authentication-error', 'an API key is not a session');
    });

    test('every session route in the OpenAPI document rejects forged and expired tokens before anything else', async () => {
      const { operations } = await loadOpenApi(world);
      const sessionRoutes = operations.filter((o) => o.security === 'embedSession');
      assert.ok(sessionRoutes.length >= 4);
      const attacks = cases.filter((c) => ['alg none, no signature', 'HS256 keyed with the public JWK', 'unknown kid', 'signature altered', `expired more than ${TOLERANCE} s ago`].includes(c.name));
      assert.equal(attacks.length, 5);
      for (const op of sessionRoutes) {
        const url = urlOf(op, Object.fromEntries(op.pathParams.map((p) => [p.name, randomUUID()])));
        for (const attack of attacks) {
          const res = await world.request(url, { method: op.method.toUpperCase(), token: await attack.token(forge) });
          await expectProblem(res, 401, attack.type ?? 'authentication-error', `${op.name}: ${attack.name}`);
        }
      }
    });

    test('the JWKS publishes the active key as a public ES256 key only', async () => {
      const res = await world.request('/.well-known/jwks.json');
      assert.equal(res.status, 200);
      const { keys } = (await res.json()) as { keys: JWK[] };
      assert.deepEqual(keys.map((k) => k.kid), [forge.kid]);
      for (const k of keys) {
        assert.equal(k.kty, 'EC');
        assert.equal(k.crv, 'P-256');
        assert.equal(k.alg, 'ES256');
        assert.equal(k.use, 'sig');
        assert.equal(k.d, undefined, 'the private part must never be published');
        assert.equal(k.x, forge.publicJwk.x);
      }
    });

    // Rotation changes the keys of this world, so it runs last.
    test('after rotation, earlier tokens still verify, new ones carry the new kid, and the JWKS lists both', async () => {
      const before = await world.staffToken('A', 'admin');
      assert.equal(decodeProtectedHeader(before).kid, forge.kid);

      const newKid = await world.deps.keys.rotate();
      assert.notEqual(newKid, forge.kid);

      const old = await me(before);
      assert.equal(old.status, 200, await old.text());
      const forgedWithOldKey = await me(await forge.sign(forge.claims()));
      assert.equal(forgedWithOldKey.status, 200, 'the previous key verifies until its tokens have expired');

      const after = await world.staffToken('A', 'admin');
      assert.equal(decodeProtectedHeader(after).kid, newKid);
      assert.equal((await me(after)).status, 200);

      const jwks = (await (await world.request('/.well-known/jwks.json')).json()) as { keys: JWK[] };
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [forge.kid, newKid].sort());
      assert.ok(jwks.keys.every((k) => k.d === undefined));

      // Once every token the old key could have signed has expired, it is no longer published.
      const later = new Date(Date.now() + (MAX_TOKEN_TTL_SECONDS + TOLERANCE + 60) * 1000);
      const instanceLater = await SigningKeys.fromDatabase(world.database.db, { issuer: world.config.issuer, audience: world.config.audience, now: () => later });
      assert.deepEqual(instanceLater.jwks().keys.map((k) => k.kid), [newKid]);
      await assert.rejects(instanceLater.verify(before));
    });
  });
}
