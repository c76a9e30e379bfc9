import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTVerifyResult,
  type CryptoKey,
} from 'jose';
import { desc, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { signingKeys } from '../db/schema.js';

export const ALG = 'ES256';
/** Longest life of an embed-session token; a rotated key stays published this long. */
export const MAX_TOKEN_TTL_SECONDS = 3600;
const CLOCK_TOLERANCE_SECONDS = 30;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey?: CryptoKey;
  /** Signs new tokens; older keys only verify. */
  active: boolean;
}

async function newKeyPair(): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    privateJwk: { ...privateJwk, kid, alg: ALG, use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: ALG, use: 'sig' },
  };
}

/**
 * The ES256 keys that sign embed-session tokens. They live in the database (private schema)
 * so every BFF instance signs and verifies with the same set, or come from
 * PORTICO_SIGNING_KEYS when an operator manages them. Rotation adds a key that signs from
 * then on; the previous key keeps verifying until the longest-lived token it signed expires.
 */
export class SigningKeys {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;

  private constructor(
    private readonly db: Database | undefined,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly now: () => Date,
  ) {}

  static async fromDatabase(
    db: Database,
    opts: { issuer: string; audience: string; now?: () => Date },
  ): Promise<SigningKeys> {
    const keys = new SigningKeys(db, opts.issuer, opts.audience, opts.now ?? (() => new Date()));
    await keys.reload();
    if (!keys.keys.some((k) => k.active)) {
      await keys.rotate();
    }
    return keys;
  }

  /** Keys given as a JWK set of private keys; the first one signs. */
  static async fromJwks(
    jwks: { keys: JWK[] },
    opts: { issuer: string; audience: string; now?: () => Date },
  ): Promise<SigningKeys> {
    const keys = new SigningKeys(undefined, opts.issuer, opts.audience, opts.now ?? (() => new Date()));
    if (!jwks.keys.length) throw new Error('PORTICO_SIGNING_KEYS holds no keys');
    keys.keys = await Promise.all(
      jwks.keys.map(async (jwk, i) => {
        const { d: _d, ...pub } = jwk;
        const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
        return {
          kid,
          publicJwk: { ...pub, kid, alg: ALG, use: 'sig' },
          publicKey: (await importJWK({ ...pub, alg: ALG }, ALG)) as CryptoKey,
          privateKey: (await importJWK({ ...jwk, alg: ALG }, ALG)) as CryptoKey,
          active: i === 0,
        };
      }),
    );
    return keys;
  }

  private async reload(): Promise<void> {
    if (!this.db) return;
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(sql`${signingKeys.retireAt} is null or ${signingKeys.retireAt} > ${this.now().toISOString()}::timestamptz`)
      .orderBy(desc(signingKeys.createdAt));
    this.keys = await Promise.all(
      rows.map(async (row) => ({
        kid: row.kid,
        publicJwk: row.publicJwk as JWK,
        publicKey: (await importJWK(row.publicJwk as JWK, ALG)) as CryptoKey,
        privateKey: (await importJWK(row.privateJwk as JWK, ALG)) as CryptoKey,
        active: row.rotatedAt === null,
      })),
    );
    this.loadedAt = Date.now();
  }

  /** Adds a new signing key; the old one verifies until its tokens have expired. */
  async rotate(): Promise<string> {
    if (!this.db) throw new Error('Keys from PORTICO_SIGNING_KEYS are rotated by changing that variable');
    const pair = await newKeyPair();
    const now = this.now();
    const retireAt = new Date(now.getTime() + (MAX_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS) * 1000);
    await this.db.transaction(async (tx) => {
      await tx
        .update(signingKeys)
        .set({ rotatedAt: now, retireAt })
        .where(isNull(signingKeys.rotatedAt));
      await tx.insert(signingKeys).values({
        kid: pair.kid,
        privateJwk: pair.privateJwk,
        publicJwk: pair.publicJwk,
        createdAt: now,
      });
    });
    await this.reload();
    return pair.kid;
  }

  /** The public keys to publish at /.well-known/jwks.json. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  activeKid(): string {
    const key = this.keys.find((k) => k.active);
    if (!key) throw new Error('no active signing key');
    return key.kid;
  }

  async sign(claims: JWTPayload & { sub: string }, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    return this.issue(claims, this.audience, Math.min(ttlSeconds, MAX_TOKEN_TTL_SECONDS));
  }

  /**
   * A token for another purpose than embed sessions (a report link): its own audience, so it
   * is never accepted as a session, and its own lifetime. Such tokens verify only while the
   * key that signed them is loaded: rotating the keys ends them after the rotation's grace
   * period, as it does sessions.
   */
  async signFor(audience: string, claims: JWTPayload & { sub: string }, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    if (audience === this.audience) throw new Error('signFor needs an audience other than the sessions\'');
    return this.issue(claims, audience, ttlSeconds);
  }

  private async issue(claims: JWTPayload & { sub: string }, audience: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    // Pick up rotations by other instances. With keys in hand the refresh is not awaited: a token
    // may be signed inside a request's transaction (a report link in an email), and on PGlite's one
    // connection a query awaited there on the pool would wait for that transaction forever.
    if (this.db && Date.now() - this.loadedAt > 60_000) {
      this.loadedAt = Date.now();
      const refresh = this.reload().catch((error: unknown) => console.error('signing keys could not be reloaded:', error));
      if (!this.keys.some((k) => k.active && k.privateKey)) await refresh;
    }
    const key = this.keys.find((k) => k.active && k.privateKey);
    if (!key?.privateKey) throw new Error('no active signing key');
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const exp = issuedAt + ttlSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(exp)
      .setJti(crypto.randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Verifies a token: ES256 only (so `none` and HS* fail), a known `kid`, our issuer and
   * audience, and a current `nbf`/`exp`. Throws on anything else.
   */
  async verify(token: string): Promise<JWTVerifyResult> {
    return this.check(token, this.audience, MAX_TOKEN_TTL_SECONDS);
  }

  /** Verifies a token made by `signFor` with the same audience, at most `maxTtlSeconds` old. */
  async verifyFor(token: string, audience: string, maxTtlSeconds: number): Promise<JWTVerifyResult> {
    return this.check(token, audience, maxTtlSeconds);
  }

  private async check(token: string, audience: string, maxTtlSeconds: number): Promise<JWTVerifyResult> {
    return jwtVerify(
      token,
      async (header) => {
        if (header.alg !== ALG) throw new Error(`unexpected alg ${header.alg}`);
        let key = this.keys.find((k) => k.kid === header.kid);
        if (!key && this.db && Date.now() - this.loadedAt > 1000) {
          await this.reload(); // another instance may have rotated
          key = this.keys.find((k) => k.kid === header.kid);
        }
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      {
        algorithms: [ALG],
        issuer: this.issuer,
        audience,
        requiredClaims: ['exp', 'iat', 'nbf', 'sub'],
        maxTokenAge: `${maxTtlSeconds + CLOCK_TOLERANCE_SECONDS}s`,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.now(),
      },
    );
  }
}

