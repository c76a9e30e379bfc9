import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import type { Permission } from '../auth/roles.js';
import { queryRows, type Tx } from '../db/client.js';
import { IdempotencyKeyHeader } from '../http/idempotency.js';
import { HttpProblem } from '../http/problem.js';
import { commonErrors, IdParam, json, notFoundError, problem, Uuid } from './schemas.js';

/**
 * What the report and scan schedules of a customer share: the path of one schedule, the If-Match
 * header of its PUT and DELETE with its version check and 412 answer, which creators a caller may
 * see, and the five routes of the collection (list, read, create, replace, delete).
 */

export const ScheduleParams = z.object({
  id: Uuid.openapi({ param: { name: 'id', in: 'path' }, example: '7b0e3c1a-5a7c-4c57-9a57-7f1c6f1f1b11' }),
  scheduleId: Uuid.openapi({ param: { name: 'scheduleId', in: 'path' }, example: '3d5b8e2f-1c7a-4f0e-9b1d-2a6c4e8f0a13' }),
});

/** The If-Match header of a schedule's PUT and DELETE (report and scan schedules). */
export const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^"\d{1,9}"$/, { error: 'must be the ETag of the schedule as read, such as "3"' })
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header', required: true }, description: 'The ETag of the schedule as read', example: '"1"' }),
});

export const etag = (version: number) => `"${version}"`;

/** The version an If-Match header names; a 428 when it is missing. */
export function versionOf(ifMatch: string | undefined): number {
  if (ifMatch === undefined) throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the schedule you read.');
  return Number(ifMatch.slice(1, -1));
}

/** The 412 when a schedule is at another version than `expected`; `current` is the schedule as it is now. */
export function versionConflict(version: number, expected: number, current: unknown): HttpProblem {
  return new HttpProblem(412, 'precondition_failed', `The schedule is at version ${version}, not ${expected}: someone changed it in the meantime.`, undefined, { etag: etag(version) }, { current });
}

/** The users among `ids` the caller may see: an MSP's staff are not named to a customer's users. */
export async function visibleUsers(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await queryRows<{ id: string }>(tx, sql`select id from users where id = any(${sql.param([...new Set(ids)])}::uuid[])`);
  return new Set(rows.map((r) => r.id));
}

/**
 * The list, read, create, replace and delete routes of a customer's schedules at `collection`:
 * reading needs `read`, changing `write`; PUT and DELETE need If-Match and answer a 412 with
 * `conflict` (the schedule as it is now).
 */
export function scheduleRouteDefs<S extends z.ZodType, I extends z.ZodType, L extends z.ZodType>(o: {
  collection: string;
  tags: string[];
  read: Permission;
  write: Permission;
  schedule: S;
  input: I;
  list: L;
  conflict: z.ZodType;
  summaries: { list: string; get: string; create: string; put: string; delete: string };
}) {
  const { collection, tags, schedule, input, conflict, summaries } = o;
  const item = `${collection}/{scheduleId}`;
  const security = [{ embedSession: [] }];
  const ifMatchErrors = {
    ...commonErrors,
    ...notFoundError,
    412: problem('`If-Match` names a version that is no longer current; `current` holds the schedule now', conflict),
    428: problem('`If-Match` is missing'),
  };
  return {
    item,
    listRoute: createRoute({
      method: 'get', path: collection, tags, security, middleware: sessionRoute(o.read),
      summary: summaries.list,
      request: { params: IdParam },
      responses: { 200: json(o.list, 'Oldest first'), ...commonErrors, ...notFoundError },
    }),
    getRoute: createRoute({
      method: 'get', path: item, tags, security, middleware: sessionRoute(o.read),
      summary: summaries.get,
      request: { params: ScheduleParams },
      responses: { 200: json(schedule, 'The schedule'), ...commonErrors, ...notFoundError },
    }),
    createRouteDef: createRoute({
      method: 'post', path: collection, tags, security, middleware: sessionRoute(o.write),
      summary: summaries.create,
      request: { params: IdParam, headers: IdempotencyKeyHeader, body: { required: true, content: { 'application/json': { schema: input } } } },
      responses: { 201: json(schedule, 'Created; `Location` and `ETag` name it'), ...commonErrors, ...notFoundError, 422: problem('`idempotency-key-reused`') },
    }),
    putRoute: createRoute({
      method: 'put', path: item, tags, security, middleware: sessionRoute(o.write),
      summary: summaries.put,
      request: { params: ScheduleParams, headers: IfMatch, body: { required: true, content: { 'application/json': { schema: input } } } },
      responses: { 200: json(schedule, 'Saved; `ETag` carries the new version'), ...ifMatchErrors },
    }),
    deleteRoute: createRoute({
      method: 'delete', path: item, tags, security, middleware: sessionRoute(o.write),
      summary: summaries.delete,
      request: { params: ScheduleParams, headers: IfMatch },
      responses: { 200: json(schedule, 'Deleted; the schedule as it was, its version counting the deletion (also in `ETag`)'), ...ifMatchErrors },
    }),
  };
}
