import { createHash, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { apiKeys, orgs } from '../db/schema.js';
import { roles, type Role } from './roles.js';

/** Scopes an API key can hold: `sessions:<role>` lets it mint embed sessions for that role. */
export const sessionScope = (role: Role) => `sessions:${role}`;
export const allSessionScopes = roles.map(sessionScope);

const KEY_PREFIX = 'pk_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Accepts single addresses and CIDR ranges, IPv4 or IPv6. */
export function parseIpAllowlist(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (!address || !family) throw new Error(`not an IP address or CIDR range: ${entry}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
        throw new Error(`not a CIDR range: ${entry}`);
      }
      list.addSubnet(address, prefix, type);
    }
  }
  return list;
}

export function ipAllowed(allowlist: string[] | null, address: string | undefined): boolean {
  if (!allowlist || allowlist.length === 0) return true;
  if (!address) return false;
  const normalized = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(normalized);
  if (!family) return false;
  return parseIpAllowlist(allowlist).check(normalized, family === 6 ? 'ipv6' : 'ipv4');
}

export interface CreateApiKeyInput {
  orgId: string;
  name: string;
  scopes?: string[];
  allowedIps?: string[];
}

/**
 * Creates a key and returns it in full exactly once; only its SHA-256 is stored. Runs as the
 * database owner: keys are issued by operators (CLI), not by requests.
 */
export async function createApiKey(db: Database, input: CreateApiKeyInput): Promise<{ id: string; key: string; prefix: string }> {
  const scopes = input.scopes ?? allSessionScopes;
  for (const scope of scopes) {
    if (!allSessionScopes.includes(scope)) throw new Error(`unknown scope ${scope}; known: ${allSessionScopes.join(', ')}`);
  }
  if (input.allowedIps?.length) parseIpAllowlist(input.allowedIps);
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const prefix = key.slice(0, 11);
  const [row] = await db
    .insert(apiKeys)
    .values({
      tenantId: input.orgId,
      name: input.name,
      prefix,
      hash: hashApiKey(key),
      scopes,
      allowedIps: input.allowedIps?.length ? input.allowedIps : null,
    })
    .returning({ id: apiKeys.id });
  if (!row) throw new Error('API key was not created');
  return { id: row.id, key, prefix };
}

export async function revokeApiKey(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export type ApiKeyCheck =
  | { ok: true; id: string; orgId: string; scopes: string[] }
  | { ok: false; reason: 'unknown' | 'revoked' | 'ip_not_allowed' };

/** Looks a presented key up by its hash (as the owner: no principal exists yet). */
export async function checkApiKey(db: Database, key: string, clientIp: string | undefined): Promise<ApiKeyCheck> {
  if (!key.startsWith(KEY_PREFIX)) return { ok: false, reason: 'unknown' };
  const [row] = await db
    .select({
      id: apiKeys.id,
      orgId: apiKeys.tenantId,
      scopes: apiKeys.scopes,
      allowedIps: apiKeys.allowedIps,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .innerJoin(orgs, eq(orgs.id, apiKeys.tenantId))
    .where(eq(apiKeys.hash, hashApiKey(key)));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  if (!ipAllowed(row.allowedIps, clientIp)) return { ok: false, reason: 'ip_not_allowed' };
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  return { ok: true, id: row.id, orgId: row.orgId, scopes: row.scopes };
}
