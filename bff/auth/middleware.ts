import { getConnInfo } from '@hono/node-server/conninfo';
import { sql } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { errors as joseErrors } from 'jose';
import { queryRows } from '../db/client.js';
import type { AppEnv, SessionPrincipal } from '../http/env.js';
import { HttpProblem } from '../http/problem.js';
import { checkApiKey } from './api-keys.js';
import { can, roles, type Permission, type Role } from './roles.js';
import { isUuid } from '../domain/ids.js';

function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

const unauthenticated = (detail: string) =>
  new HttpProblem(401, 'authentication_error', detail, undefined, { 'www-authenticate': 'Bearer' });

export function clientAddress(c: Context<AppEnv>): string | undefined {
  if (c.var.deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by @hono/node-server (e.g. app.request in tests)
  }
}

/**
 * Verifies the embed-session token, then holds the request to the origins the session was
 * minted for: a browser request from any other origin is refused, and only allowed origins
 * are told (Access-Control-Allow-Origin) that they may read the response.
 */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c);
  if (!token) throw unauthenticated('Send the embed-session token as `Authorization: Bearer <token>`.');
  let payload;
  try {
    ({ payload } = await c.var.deps.keys.verify(token));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new HttpProblem(401, 'session_expired', 'The session has expired; fetch a new one.', undefined, {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
    throw unauthenticated('The session token is not valid.');
  }
  const role = payload.role as Role;
  const origins = payload.origins;
  // `sub` and `org` are bound into SQL as uuids; anything else is not a token this BFF signed.
  if (
    typeof payload.sub !== 'string' ||
    !isUuid(payload.sub) ||
    typeof payload.org !== 'string' ||
    !isUuid(payload.org) ||
    !roles.includes(role) ||
    !Array.isArray(origins) ||
    !origins.every((o) => typeof o === 'string')
  ) {
    throw unauthenticated('The session token is missing claims.');
  }
  const session: SessionPrincipal = {
    kind: 'user',
    userId: payload.sub,
    orgId: payload.org,
    role,
    origins: origins as string[],
    expiresAt: new Date((payload.exp ?? 0) * 1000),
  };
  const origin = c.req.header('origin');
  if (origin) {
    if (!session.origins.includes(origin)) {
      throw new HttpProblem(403, 'forbidden', `Origin ${origin} is not allowed for this session.`);
    }
    c.header('access-control-allow-origin', origin);
    c.header('vary', 'Origin', { append: true });
  }
  c.set('session', session);
  await next();
};

export const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = bearer(c);
  if (!key) throw unauthenticated('Send the API key as `Authorization: Bearer <key>` from your server.');
  const check = await checkApiKey(c.var.deps.db, key, clientAddress(c));
  if (!check.ok) {
    if (check.reason === 'ip_not_allowed') {
      throw new HttpProblem(403, 'forbidden', 'This API key may not be used from this IP address.');
    }
    throw unauthenticated(check.reason === 'revoked' ? 'The API key has been revoked.' : 'The API key is not valid.');
  }
  c.set('apiKey', { kind: 'api_key', apiKeyId: check.id, orgId: check.orgId, scopes: check.scopes });
  await next();
};

/**
 * Fixed one-minute windows counted in Postgres, so every BFF instance shares one budget per
 * principal.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, config } = c.var.deps;
  const who = c.var.session?.userId ?? c.var.apiKey?.apiKeyId ?? clientAddress(c) ?? 'anonymous';
  const bucket = `${c.var.session ? 'user' : 'key'}:${who}`;
  const [row] = await queryRows<{ hits: number; reset: number }>(
    db,
    sql`insert into portico.rate_limits as r (bucket, window_start, hits)
        values (${bucket}, date_trunc('minute', now()), 1)
        on conflict (bucket, window_start) do update set hits = r.hits + 1
        returning r.hits, (60 - extract(second from now()))::int as reset`,
  );
  const hits = row?.hits ?? 0;
  if (hits === 1) {
    await db.execute(sql`delete from portico.rate_limits where bucket = ${bucket} and window_start < date_trunc('minute', now())`);
  }
  const limit = config.rateLimitPerMinute;
  c.header('ratelimit-limit', String(limit));
  c.header('ratelimit-remaining', String(Math.max(0, limit - hits)));
  if (hits > limit) {
    throw new HttpProblem(429, 'rate_limit_error', `More than ${limit} requests in a minute; slow down.`, undefined, {
      'retry-after': String(row?.reset ?? 60),
    });
  }
  await next();
};

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!can(c.var.session.role, permission)) {
      throw new HttpProblem(403, 'forbidden', `The ${c.var.session.role} role cannot ${permission.replace(':', ' ')}.`);
    }
    await next();
  };
}

/** The middleware every session-authenticated route runs before validation. */
export const sessionRoute = (permission?: Permission): MiddlewareHandler<AppEnv>[] =>
  permission ? [requireSession, rateLimit, requirePermission(permission)] : [requireSession, rateLimit];
export const apiKeyRoute: MiddlewareHandler<AppEnv>[] = [requireApiKey, rateLimit];
