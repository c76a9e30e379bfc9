import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { and, eq, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Tx } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { dbPrincipal, type AppEnv } from './env.js';
import { fieldPointer, HttpProblem } from './problem.js';

/**
 * `Idempotency-Key` for creating POSTs: a client that retries a request it never saw the
 * answer to (a timeout, a dropped connection) sends the same key and gets the first answer
 * again instead of a second object.
 *
 * The key row is inserted in the same transaction as the work it guards, before the work. A
 * second request with the same key blocks on the primary key until the first commits (then
 * replays its answer) or rolls back (then does the work itself), so two simultaneous requests
 * create one object. A failed request stores nothing: its retry runs again.
 */

const KEY_TTL_MS = 24 * 3_600_000;
const HEADER = 'idempotency-key';
export const idempotencyKeyPointer = fieldPointer('header', [HEADER]);

/** The header as routes declare it in `request.headers` (merge it into theirs). */
export const IdempotencyKeyHeader = z.object({
  [HEADER]: z
    .string()
    .regex(/^[\x20-\x7e]{1,200}$/, { error: 'must be 1 to 200 printable ASCII characters' })
    .optional()
    .openapi({
      param: { name: HEADER, in: 'header', required: false },
      description:
        'Makes a retry safe: the same key with the same body answers the first response again (for 24 hours) ' +
        'instead of creating a second object; the same key with another body answers 422 `idempotency-key-reused`.',
      example: '4f9d2c6e-create-acme',
    }),
});

export interface IdempotentResponse<T> {
  status: ContentfulStatusCode;
  body: T;
  headers?: Record<string, string>;
}

/** Stable JSON: object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

async function requestHash(c: Context<AppEnv>): Promise<string> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    body = await c.req.text().catch(() => '');
  }
  return createHash('sha256').update(canonical(body)).digest('hex');
}

/**
 * Runs `work` in the caller's scoped transaction (tenant = the principal's home org, user =
 * the principal) and, when the request carries `Idempotency-Key`, stores its response there
 * too. Answers `replayed: true` with the stored response when the key was used before with
 * the same method, path and body; throws 422 when it was used with different ones. Keys
 * older than 24 hours are forgotten: the request runs again and replaces them.
 *
 * Work that must wait for the commit (sending queued email) belongs after this returns, and
 * only when `replayed` is false.
 */
export async function idempotent<T>(
  c: Context<AppEnv>,
  work: (tx: Tx) => Promise<IdempotentResponse<T>>,
): Promise<IdempotentResponse<T> & { replayed: boolean }> {
  const s = c.var.session;
  const key = c.req.header(HEADER);
  if (key !== undefined && !/^[\x20-\x7e]{1,200}$/.test(key)) {
    const detail = 'must be 1 to 200 printable ASCII characters';
    throw new HttpProblem(400, 'invalid_request', `The request is not valid: header/${HEADER} ${detail}.`, [{ pointer: idempotencyKeyPointer, detail }]);
  }
  const hash = key === undefined ? '' : await requestHash(c);
  const method = c.req.method;
  const path = c.req.path;
  const now = c.var.deps.now?.() ?? new Date();

  return withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
    if (key === undefined) return { ...(await work(tx)), replayed: false };
    const mine = and(eq(idempotencyKeys.tenantId, s.orgId), eq(idempotencyKeys.userId, s.userId), eq(idempotencyKeys.key, key));
    // Claims the key, or takes over one that has expired; blocks while another request holds it.
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ tenantId: s.orgId, userId: s.userId, key, method, path, requestHash: hash, status: 0, response: {}, createdAt: now })
      .onConflictDoUpdate({
        target: [idempotencyKeys.tenantId, idempotencyKeys.userId, idempotencyKeys.key],
        set: { method, path, requestHash: hash, status: 0, response: {}, createdAt: now },
        setWhere: lt(idempotencyKeys.createdAt, new Date(now.getTime() - KEY_TTL_MS)),
      })
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [stored] = await tx.select().from(idempotencyKeys).where(mine);
      if (!stored) throw new Error('idempotency key vanished while held');
      if (stored.method !== method || stored.path !== path || stored.requestHash !== hash) {
        throw new HttpProblem(
          422,
          'idempotency_key_reused',
          `This Idempotency-Key was used for ${stored.method} ${stored.path} with another body; use a new key for a new request.`,
          [{ pointer: idempotencyKeyPointer, detail: 'was used before for a different request' }],
        );
      }
      const response = stored.response as { body: T; headers?: Record<string, string> };
      return { status: stored.status as ContentfulStatusCode, body: response.body, headers: { ...response.headers, 'idempotent-replayed': 'true' }, replayed: true };
    }
    const result = await work(tx);
    await tx
      .update(idempotencyKeys)
      .set({ status: result.status, response: { body: result.body, headers: result.headers ?? {} } })
      .where(mine);
    return { ...result, replayed: false };
  });
}
