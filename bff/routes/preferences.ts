import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import type { Tx } from '../db/client.js';
import { auditLog, userPreferences, users } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { defaultFleetColumns, fleetColumnIds } from '../domain/fleet-columns.js';
import { dbPrincipal, type SessionPrincipal } from '../http/env.js';
import { fieldErrors, HttpProblem } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, json, Problem, problem, Timestamp, Uuid } from './schemas.js';

/**
 * Settings a user keeps on the server, one document per key: `GET` answers the saved value or
 * the default (version 0, never 404); `PUT` replaces it when `If-Match` names the version read,
 * so two tabs (or two people sharing a login) never silently overwrite each other.
 */

const FleetColumnId = z.enum(fleetColumnIds).openapi('FleetColumnId');

const columnList = z
  .array(FleetColumnId)
  .max(fleetColumnIds.length)
  .superRefine((ids, ctx) => {
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice) ctx.addIssue({ code: 'custom', message: `names column ${twice} more than once` });
  });

const FleetColumnsPreference = z
  .object({
    visible: columnList.min(1).describe('The columns shown'),
    order: columnList.optional().describe('Display order; columns it leaves out follow in the default order'),
  })
  .openapi('FleetColumnsPreference', { description: "The fleet table's column choice (column ids of the fleet view)" });

/** At most this many customers stay open as tabs. */
const MAX_CUSTOMER_TABS = 12;

const OpenCustomers = z
  .array(z.object({ id: Uuid, name: z.string().min(1).max(200) }))
  .max(MAX_CUSTOMER_TABS)
  .superRefine((tabs, ctx) => {
    const twice = tabs.find((t, i) => tabs.findIndex((o) => o.id === t.id) !== i);
    if (twice) ctx.addIssue({ code: 'custom', message: `opens customer ${twice.id} more than once` });
  })
  .describe('The open customers, in tab order');
const ActiveCustomer = Uuid.nullable().describe('The customer shown, one of `open`; null shows none');

const CustomerTabsPreference = z
  .object({ open: OpenCustomers, active: ActiveCustomer })
  .superRefine((v, ctx) => {
    if (v.active && !v.open.some((t) => t.id === v.active)) ctx.addIssue({ code: 'custom', path: ['active'], message: 'must be one of the open customers' });
  })
  .openapi('CustomerTabsPreference', { description: 'The customers a user has open as tabs, kept across reloads' });

/** Each key with the schema its value must satisfy and the value a user who never saved sees. */
const preferences = {
  'fleet-columns': { schema: FleetColumnsPreference, defaults: defaultFleetColumns },
  'customer-tabs': { schema: CustomerTabsPreference, defaults: { open: [], active: null } },
} satisfies Record<string, { schema: z.ZodType; defaults: unknown }>;

type PreferenceKey = keyof typeof preferences;
export const preferenceKeys = Object.keys(preferences) as [PreferenceKey, ...PreferenceKey[]];

/** The value of any key; which one a key takes is checked per key (so errors point into it). */
const PreferenceValue = z.union([FleetColumnsPreference, CustomerTabsPreference]);

const KeyParam = z.object({
  key: z.enum(preferenceKeys).openapi({ param: { name: 'key', in: 'path' }, example: 'fleet-columns' }),
});

const Preference = z
  .object({
    key: z.enum(preferenceKeys),
    value: PreferenceValue,
    version: z.number().int().min(0).describe('0 until the first save; the ETag is this number in quotes'),
    updatedAt: Timestamp.nullable().describe('null until the first save'),
  })
  .openapi('Preference');
type PreferenceJson = z.infer<typeof Preference>;

// The body takes the fields of every key, each checked as its key checks it; the handler then
// checks the value against its own key's schema (which fields it needs, and rules across them).
const PreferenceUpdate = z
  .object({
    value: z
      .object({
        visible: FleetColumnsPreference.shape.visible.optional(),
        order: FleetColumnsPreference.shape.order,
        open: OpenCustomers.optional(),
        active: ActiveCustomer.optional(),
      })
      .describe('fleet-columns takes `visible` and `order` (FleetColumnsPreference); customer-tabs takes `open` and `active` (CustomerTabsPreference)'),
  })
  .openapi('PreferenceUpdate');

const PreferenceConflict = Problem.extend({
  current: Preference.describe('What is saved now; re-apply the change to it and send its version'),
}).openapi('PreferenceConflict');

const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^"\d{1,9}"$/, { error: 'must be the ETag of the preference as read, such as "3"' })
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header', required: true },
      description: 'The ETag (`"<version>"`) of the value this update replaces; `"0"` when nothing is saved yet',
      example: '"0"',
    }),
});

const get = createRoute({
  method: 'get',
  path: '/v1/me/preferences/{key}',
  tags: ['preferences'],
  summary: "The signed-in user's saved preference, or its default (version 0)",
  security: [{ embedSession: [] }],
  middleware: sessionRoute(),
  request: { params: KeyParam },
  responses: { 200: json(Preference, 'The preference; `ETag` carries its version'), ...commonErrors },
});

const put = createRoute({
  method: 'put',
  path: '/v1/me/preferences/{key}',
  tags: ['preferences'],
  summary: "Replace the signed-in user's preference (If-Match required)",
  security: [{ embedSession: [] }],
  middleware: sessionRoute(),
  request: {
    params: KeyParam,
    headers: IfMatch,
    body: { required: true, content: { 'application/json': { schema: PreferenceUpdate } } },
  },
  responses: {
    200: json(Preference, 'Saved; `ETag` carries the new version'),
    ...commonErrors,
    412: problem('`If-Match` names a version that is no longer current; `current` holds what is saved now', PreferenceConflict),
    428: problem('`If-Match` is missing: read the preference first and send its ETag'),
  },
});

const etag = (version: number) => `"${version}"`;

/** RLS hides the user once its access is gone (role changed, delegation withdrawn, locked). */
async function assertUserVisible(tx: Tx, s: SessionPrincipal): Promise<void> {
  const [me] = await tx.select({ id: users.id }).from(users).where(eq(users.id, s.userId));
  if (!me) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
}

async function readPreference(tx: Tx, s: SessionPrincipal, key: PreferenceKey, lock = false): Promise<PreferenceJson> {
  // The user_id condition is also enforced by the restrictive RLS policy; here it picks the row.
  const query = tx
    .select({ value: userPreferences.value, version: userPreferences.version, updatedAt: userPreferences.updatedAt })
    .from(userPreferences)
    .where(and(eq(userPreferences.tenantId, s.orgId), eq(userPreferences.userId, s.userId), eq(userPreferences.key, key)));
  const [row] = lock ? await query.for('update') : await query;
  const { schema, defaults } = preferences[key];
  if (!row) return { key, value: defaults, version: 0, updatedAt: null };
  // A value saved under an older schema (a column id since retired) reads as the default, at
  // its saved version, so the next save still replaces it.
  const parsed = schema.safeParse(row.value);
  return { key, value: parsed.success ? parsed.data : defaults, version: row.version, updatedAt: row.updatedAt.toISOString() };
}

export function preferencesRoutes() {
  return router()
    .openapi(get, async (c) => {
      const s = c.var.session;
      const { key } = c.req.valid('param');
      const pref = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        await assertUserVisible(tx, s);
        return readPreference(tx, s, key);
      });
      c.header('etag', etag(pref.version));
      c.header('cache-control', 'no-store');
      return c.json(pref, 200);
    })
    .openapi(put, async (c) => {
      const s = c.var.session;
      const { key } = c.req.valid('param');
      const ifMatch = c.req.valid('header')['if-match'];
      const body = c.req.valid('json');
      const parsed = preferences[key].schema.safeParse(body.value);
      if (!parsed.success) {
        const errors = fieldErrors('json', parsed.error).map((e) => ({ ...e, pointer: e.pointer.replace('#/body', '#/body/value') }));
        throw new HttpProblem(400, 'invalid_request', `The request is not valid: check the value of ${key}.`, errors);
      }
      if (ifMatch === undefined) {
        throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the preference you read (GET it first; "0" when nothing is saved).');
      }
      const expected = Number(ifMatch.slice(1, -1));
      const value = parsed.data;

      const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        await assertUserVisible(tx, s);
        // Locks the row, so of two writers holding the same version exactly one succeeds.
        const before = await readPreference(tx, s, key, true);
        let row: { version: number; updatedAt: Date } | undefined;
        if (before.version === expected && expected === 0) {
          // Nothing saved yet: of two first saves racing, the second finds the first's row.
          [row] = await tx
            .insert(userPreferences)
            .values({ tenantId: s.orgId, userId: s.userId, key, value, version: 1 })
            .onConflictDoNothing()
            .returning({ version: userPreferences.version, updatedAt: userPreferences.updatedAt });
        } else if (before.version === expected) {
          [row] = await tx
            .update(userPreferences)
            .set({ value, version: expected + 1, updatedAt: sql`now()` })
            .where(and(eq(userPreferences.tenantId, s.orgId), eq(userPreferences.userId, s.userId), eq(userPreferences.key, key), eq(userPreferences.version, expected)))
            .returning({ version: userPreferences.version, updatedAt: userPreferences.updatedAt });
        }
        if (!row) {
          const current = await readPreference(tx, s, key);
          throw new HttpProblem(
            412,
            'precondition_failed',
            `The preference is at version ${current.version}, not ${expected}: someone saved it in the meantime.`,
            undefined,
            { etag: etag(current.version) },
            { current },
          );
        }
        await tx.insert(auditLog).values({
          tenantId: s.orgId,
          actorId: s.userId,
          actorRole: s.role,
          action: 'preference.update',
          targetId: s.userId,
          before: before.version === 0 ? null : { key, value: before.value, version: before.version },
          after: { key, value, version: row.version },
          requestId: c.var.requestId,
        });
        return { key, value, version: row.version, updatedAt: row.updatedAt.toISOString() } satisfies PreferenceJson;
      });
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    });
}
