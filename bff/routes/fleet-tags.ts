import { createRoute, z } from '@hono/zod-openapi';
import { eq, inArray, sql } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import { auditLog, customerProfiles, orgs } from '../db/schema.js';
import { queryRows } from '../db/client.js';
import { withScope } from '../db/scope.js';
import { dbPrincipal } from '../http/env.js';
import { router } from '../http/router.js';
import { commonErrors, json, Uuid } from './schemas.js';

/**
 * Bulk tagging of the fleet: add and remove tags on many customers at once, with a dry run
 * that answers exactly what applying would change. Which customers exist is RLS's decision:
 * one the caller cannot see counts as not found, like an id that names nothing.
 */

/** Letters, digits, spaces, `-`, `_` and `.`; compared case-insensitively, stored as given. */
export const Tag = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(40, { error: 'must be at most 40 characters' })
  .regex(/^[\p{L}\p{N} ._-]+$/u, { error: 'may hold only letters, digits, spaces, "-", "_" and "."' })
  .openapi({ example: 'Key account' });

const tagKey = (tag: string) => tag.toLocaleLowerCase('en-US');

const TagList = z.array(Tag).max(10, { error: 'at most 10 tags at once' });

/** The customers a fleet-wide change names: 1 to 500 ids, each once (in any case). */
export const FleetCustomerIds = z
  .array(Uuid)
  .min(1, { error: 'name at least one customer' })
  .max(500, { error: 'at most 500 customers at once' })
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      const key = id.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: 'is named twice' });
      seen.add(key);
    });
  });

export const FleetTagChange = z
  .object({
    customerIds: FleetCustomerIds,
    add: TagList.optional().describe('Tags to add; one a customer has already (in any case) is left as it is'),
    remove: TagList.optional().describe('Tags to remove, in any case'),
    dryRun: z.boolean().optional().describe('Answer what would change and write nothing'),
  })
  .superRefine((body, ctx) => {
    const add = body.add ?? [];
    const remove = body.remove ?? [];
    if (add.length === 0 && remove.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['add'], message: 'name at least one tag to add or to remove' });
      return;
    }
    const removed = new Set(remove.map(tagKey));
    const added = new Set(add.map(tagKey));
    add.forEach((tag, i) => {
      if (removed.has(tagKey(tag))) ctx.addIssue({ code: 'custom', path: ['add', i], message: `"${tag}" is also in remove` });
    });
    remove.forEach((tag, i) => {
      if (added.has(tagKey(tag))) ctx.addIssue({ code: 'custom', path: ['remove', i], message: `"${tag}" is also in add` });
    });
  })
  .openapi('FleetTagChange');

const TagChange = z
  .object({ customerId: Uuid, name: z.string(), before: z.array(z.string()), after: z.array(z.string()) })
  .openapi('FleetTagChangeItem');

export const FleetTagResult = z
  .object({
    dryRun: z.boolean(),
    matched: z.number().int().describe('Customers found (in scope)'),
    changed: z.number().int(),
    unchanged: z.number().int(),
    notFound: z.number().int().describe('Ids that name no customer the caller can see'),
    changes: z.array(TagChange).describe('The customers whose tags change, in the order their ids were sent'),
  })
  .openapi('FleetTagResult');

const route = createRoute({
  method: 'post',
  path: '/v1/fleet/tags',
  tags: ['fleet'],
  summary: 'Add and remove tags on many customers at once, or preview it (`dryRun`)',
  description:
    'Tags are compared case-insensitively and stored as first given. Ids of customers the caller ' +
    'cannot see count as `notFound`, like unknown ids. Applying writes one audit record ' +
    '(`customer.tags_changed`) per customer that changes, in one transaction with the change.',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:manage'),
  request: { body: { required: true, content: { 'application/json': { schema: FleetTagChange } } } },
  responses: { 200: json(FleetTagResult, 'What changed, or would change with `dryRun`'), ...commonErrors },
});

export const FleetTagList = z
  .object({
    tags: z
      .array(z.object({ tag: z.string(), customers: z.number().int().describe('Customers in scope with the tag, in any case') }))
      .describe('The most used first; each tag once, spelt as most of its customers spell it'),
  })
  .openapi('FleetTagList');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/fleet/tags',
  tags: ['fleet'],
  summary: 'The tags in use on the customers the caller can see, for suggestions',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('fleet:read'),
  responses: { 200: json(FleetTagList, 'Tags with the number of customers that have each'), ...commonErrors },
});

/** How many distinct tags the list answers at most. */
const LIST_LIMIT = 200;

/** The tags after removing `remove` and adding `add`, without case-insensitive duplicates. */
export function retag(before: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(remove.map(tagKey));
  const seen = new Set<string>();
  const after: string[] = [];
  for (const tag of [...before, ...add]) {
    const key = tagKey(tag);
    if (removed.has(key) || seen.has(key)) continue;
    seen.add(key);
    after.push(tag);
  }
  return after;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

export function fleetTagRoutes() {
  return router()
    .openapi(listRoute, async (c) => {
      const { deps, session } = c.var;
      const tags = await withScope(deps.db, dbPrincipal(session), (tx) =>
        queryRows<{ tag: string; customers: number }>(
          tx,
          sql`select mode() within group (order by t.tag) as tag, count(distinct cp.tenant_id)::int as customers
                from customer_profiles cp, unnest(cp.tags) as t(tag)
               group by lower(t.tag)
               order by customers desc, lower(t.tag)
               limit ${LIST_LIMIT}`,
        ),
      );
      c.header('cache-control', 'no-store');
      return c.json({ tags }, 200);
    })
    .openapi(route, async (c) => {
      const body = c.req.valid('json');
      const add = body.add ?? [];
      const remove = body.remove ?? [];
      const dryRun = body.dryRun ?? false;
      const ids = body.customerIds.map((id) => id.toLowerCase());
      const { deps, session, requestId } = c.var;
      const result = await withScope(deps.db, dbPrincipal(session), async (tx) => {
        const rows = await tx
          .select({
            id: customerProfiles.tenantId,
            tags: customerProfiles.tags,
            revokedAt: customerProfiles.revokedAt,
            name: orgs.name,
            parentId: orgs.parentId,
          })
          .from(customerProfiles)
          .innerJoin(orgs, eq(orgs.id, customerProfiles.tenantId))
          .where(inArray(customerProfiles.tenantId, ids))
          .orderBy(customerProfiles.tenantId)
          .for('update', { of: customerProfiles });
        const byId = new Map(rows.map((r) => [r.id, r]));
        const changes: z.infer<typeof TagChange>[] = [];
        for (const id of ids) {
          const row = byId.get(id);
          if (!row) continue;
          const after = retag(row.tags, add, remove);
          if (sameList(row.tags, after)) continue;
          changes.push({ customerId: id, name: row.name, before: row.tags, after });
          if (dryRun) continue;
          await tx.update(customerProfiles).set({ tags: after }).where(eq(customerProfiles.tenantId, id));
          // A revoked customer's tenant no longer accepts the MSP's rows; its audit goes to the
          // org that manages it.
          await tx.insert(auditLog).values({
            tenantId: row.revokedAt !== null && row.parentId ? row.parentId : id,
            actorId: session.userId,
            actorRole: session.role,
            action: 'customer.tags_changed',
            targetId: id,
            before: { tags: row.tags },
            after: { tags: after },
            requestId,
          });
        }
        return {
          dryRun,
          matched: rows.length,
          changed: changes.length,
          unchanged: rows.length - changes.length,
          notFound: ids.length - rows.length,
          changes,
        };
      });
      c.header('cache-control', 'no-store');
      return c.json(result, 200);
    });
}
