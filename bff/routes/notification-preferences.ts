import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { eq } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import type { Tx } from '../db/client.js';
import { readSettings, settingsPage, settingsSubject, writeSettings, type NotificationSettings, type SettingsSubject } from '../db/queries/notifications.js';
import { auditLog, orgs } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import {
  categoryInfo,
  knownCategories,
  DIGEST_TIME,
  managesNotificationSettings,
  nextDigestSlot,
  notificationCategories,
  notificationFrequencies,
  receivesNotifications,
} from '../domain/notifications.js';
import { dbPrincipal, type AppEnv, type SessionPrincipal } from '../http/env.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, json, notFoundError, Problem, problem, Timestamp, Uuid } from './schemas.js';

/**
 * Notification settings (docs/notifications.md): how often a user hears about notifications —
 * each as it happens, or a daily or weekly digest at 08:00 in its organisation's time zone — and
 * which categories it leaves out. Every user who receives notifications manages its own at
 * `/v1/me/notification-preferences`; admins (MSP admins, customer admins) manage anyone's they
 * can see at `/v1/users/{userId}/notification-preferences` and list them. Which users an admin
 * can see is RLS's: a user outside its scope answers 404 like an unknown one. Without a saved
 * row a user hears about everything as it happens (version 0). Saves need `If-Match`.
 */

const Category = z.enum(notificationCategories).openapi('NotificationCategory');
const Frequency = z.enum(notificationFrequencies).openapi('NotificationFrequency');

const MutedCategories = z
  .array(Category)
  .superRefine((ids, ctx) => {
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `names ${id} more than once` });
    });
  })
  .describe('Categories left out; empty hears about everything');

const CategoryJson = z
  .object({ id: Category, label: z.string(), description: z.string() })
  .openapi('NotificationCategoryInfo');

const Settings = z
  .object({
    userId: Uuid,
    frequency: Frequency.describe('immediate: an email as notifications happen; daily or weekly: a digest'),
    mutedCategories: z.array(Category),
    version: z.number().int().min(0).describe('0 until the first save; the ETag is this number in quotes'),
    updatedAt: Timestamp.nullable().describe('null until the first save'),
    receivesNotifications: z.boolean().describe("Whether the user's role receives notifications at all (MSP admins, analysts and account managers, customer admins)"),
    timeZone: z.string().describe("The user's organisation's time zone, which digests follow"),
    digestTime: z.string().describe('Local time digests go out (HH:MM); weekly digests on Mondays'),
    nextDigestAt: Timestamp.nullable().describe('When the next digest goes out; null for immediate delivery'),
    categories: z.array(CategoryJson).describe('Every category, in display order'),
  })
  .openapi('NotificationPreferences');
type SettingsJson = z.infer<typeof Settings>;
/** What the settings endpoints answer (for the widget, which imports the types only). */
export type NotificationSettingsJson = SettingsJson;

const SettingsUpdate = z
  .object({ frequency: Frequency, mutedCategories: MutedCategories })
  .openapi('NotificationPreferencesUpdate');
export type NotificationSettingsUpdate = z.infer<typeof SettingsUpdate>;

const SettingsConflict = Problem.extend({
  current: Settings.describe('What is saved now; re-apply the change to it and send its version'),
}).openapi('NotificationPreferencesConflict');

const UserSettings = z
  .object({
    id: Uuid.describe('The user'),
    name: z.string(),
    email: z.string(),
    role: z.string().nullable(),
    tenantId: Uuid.describe("The user's organisation"),
    orgName: z.string(),
    frequency: Frequency,
    mutedCategories: z.array(Category),
    version: z.number().int().min(0),
    updatedAt: Timestamp.nullable(),
  })
  .openapi('UserNotificationPreferences');
export type UserNotificationSettingsJson = z.infer<typeof UserSettings>;
const UserSettingsPage = z.object({ items: z.array(UserSettings), nextCursor: z.string().nullable() }).openapi('UserNotificationPreferencesPage');

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be the nextCursor of a previous page' })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

const UserParam = z.object({
  userId: Uuid.openapi({ param: { name: 'userId', in: 'path' }, example: '0f6d2b9e-4c1a-4e8b-9d3f-5a7c1e2b4d60' }),
});

const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^"\d{1,9}"$/, { error: 'must be the ETag of the settings as read, such as "3"' })
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header', required: true },
      description: 'The ETag (`"<version>"`) of the settings this update replaces; `"0"` when nothing is saved yet',
      example: '"0"',
    }),
});

const security = [{ embedSession: [] }];
const body = { required: true, content: { 'application/json': { schema: SettingsUpdate } } } as const;
const putErrors = {
  ...commonErrors,
  412: problem('`If-Match` names a version that is no longer current; `current` holds what is saved now', SettingsConflict),
  428: problem('`If-Match` is missing: read the settings first and send their ETag'),
};

const getMine = createRoute({
  method: 'get',
  path: '/v1/me/notification-preferences',
  tags: ['notifications'],
  summary: "The signed-in user's notification settings, or the defaults (version 0)",
  security,
  middleware: sessionRoute(),
  responses: { 200: json(Settings, 'The settings; `ETag` carries their version'), ...commonErrors },
});

const putMine = createRoute({
  method: 'put',
  path: '/v1/me/notification-preferences',
  tags: ['notifications'],
  summary: "Replace the signed-in user's notification settings (If-Match required)",
  security,
  middleware: sessionRoute(),
  request: { headers: IfMatch, body },
  responses: { 200: json(Settings, 'Saved; `ETag` carries the new version'), ...putErrors },
});

const listUsers = createRoute({
  method: 'get',
  path: '/v1/notification-preferences',
  tags: ['notifications'],
  summary: 'Admins: the users who receive notifications that the caller can see, with their settings',
  security,
  middleware: sessionRoute(),
  request: { query: ListQuery },
  responses: { 200: json(UserSettingsPage, 'A page of users, by id'), ...commonErrors },
});

const getUser = createRoute({
  method: 'get',
  path: '/v1/users/{userId}/notification-preferences',
  tags: ['notifications'],
  summary: "Admins: a user's notification settings, or the defaults (version 0)",
  security,
  middleware: sessionRoute(),
  request: { params: UserParam },
  responses: { 200: json(Settings, 'The settings; `ETag` carries their version'), ...commonErrors, ...notFoundError },
});

const putUser = createRoute({
  method: 'put',
  path: '/v1/users/{userId}/notification-preferences',
  tags: ['notifications'],
  summary: "Admins: replace a user's notification settings (If-Match required)",
  security,
  middleware: sessionRoute(),
  request: { params: UserParam, headers: IfMatch, body },
  responses: { 200: json(Settings, 'Saved; `ETag` carries the new version'), ...putErrors, ...notFoundError },
});

const etag = (version: number) => `"${version}"`;
const now = (c: Context<AppEnv>) => c.var.deps.now?.() ?? new Date();

function requireRecipient(s: SessionPrincipal): void {
  if (!receivesNotifications(s.role)) throw new HttpProblem(403, 'forbidden', `The role ${s.role} receives no notifications.`);
}

function requireAdmin(s: SessionPrincipal): void {
  if (!managesNotificationSettings(s.role)) throw new HttpProblem(403, 'forbidden', "Only admins manage other users' notification settings.");
}

/** The user as the caller's scope shows it; 401 for the caller itself (its access is gone), else 404. */
async function subjectOf(tx: Tx, s: SessionPrincipal, userId: string): Promise<SettingsSubject> {
  const subject = await settingsSubject(tx, userId);
  if (subject) return subject;
  if (userId === s.userId) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
  throw notFound('user');
}

async function settingsJson(tx: Tx, subject: SettingsSubject, settings: NotificationSettings, at: Date): Promise<SettingsJson> {
  const [org] = await tx.select({ timeZone: orgs.timeZone }).from(orgs).where(eq(orgs.id, subject.tenantId));
  const timeZone = org?.timeZone ?? 'UTC';
  return {
    userId: subject.id,
    frequency: settings.frequency,
    mutedCategories: knownCategories(settings.mutedCategories),
    version: settings.version,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
    receivesNotifications: subject.role !== null && receivesNotifications(subject.role),
    timeZone,
    digestTime: DIGEST_TIME,
    nextDigestAt: settings.frequency === 'immediate' ? null : nextDigestSlot(settings.frequency, timeZone, at).toISOString(),
    categories: categoryInfo.map((c) => ({ ...c })),
  };
}

async function read(c: Context<AppEnv>, userId: string) {
  const s = c.var.session;
  const result = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
    const subject = await subjectOf(tx, s, userId);
    return settingsJson(tx, subject, await readSettings(tx, subject.tenantId, subject.id), now(c));
  });
  c.header('etag', etag(result.version));
  c.header('cache-control', 'no-store');
  return c.json(result, 200);
}

async function write(c: Context<AppEnv>, userId: string, ifMatch: string | undefined, value: z.infer<typeof SettingsUpdate>) {
  const s = c.var.session;
  if (ifMatch === undefined) {
    throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the settings you read (GET them first; "0" when nothing is saved).');
  }
  const expected = Number(ifMatch.slice(1, -1));
  const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
    const subject = await subjectOf(tx, s, userId);
    // Locks the row, so of two writers holding the same version exactly one succeeds.
    const before = await readSettings(tx, subject.tenantId, subject.id, true);
    const row = before.version === expected ? await writeSettings(tx, subject.tenantId, subject.id, expected, value) : undefined;
    if (!row) {
      const current = await settingsJson(tx, subject, await readSettings(tx, subject.tenantId, subject.id), now(c));
      throw new HttpProblem(
        412,
        'precondition_failed',
        `The settings are at version ${current.version}, not ${expected}: someone saved them in the meantime.`,
        undefined,
        { etag: etag(current.version) },
        { current },
      );
    }
    await tx.insert(auditLog).values({
      tenantId: subject.tenantId,
      actorId: s.userId,
      actorRole: s.role,
      action: 'notification_preferences.update',
      targetId: subject.id,
      before: before.version === 0 ? null : { frequency: before.frequency, mutedCategories: before.mutedCategories, version: before.version },
      after: { ...value, version: row.version },
      requestId: c.var.requestId,
    });
    return settingsJson(tx, subject, { ...before, ...value, version: row.version, updatedAt: row.updatedAt }, now(c));
  });
  c.header('etag', etag(saved.version));
  c.header('cache-control', 'no-store');
  return c.json(saved, 200);
}

export function notificationPreferencesRoutes() {
  return router()
    .openapi(getMine, async (c) => {
      requireRecipient(c.var.session);
      return read(c, c.var.session.userId);
    })
    .openapi(putMine, async (c) => {
      requireRecipient(c.var.session);
      return write(c, c.var.session.userId, c.req.valid('header')['if-match'], c.req.valid('json'));
    })
    .openapi(listUsers, async (c) => {
      const s = c.var.session;
      requireAdmin(s);
      const { limit, cursor } = c.req.valid('query');
      const rows = await withScope(c.var.deps.db, dbPrincipal(s), (tx) => settingsPage(tx, limit, cursor));
      const page = rows.slice(0, limit);
      c.header('cache-control', 'no-store');
      return c.json(
        {
          items: page.map((r) => ({
            id: r.id,
            name: r.name,
            email: r.email,
            role: r.role,
            tenantId: r.tenantId,
            orgName: r.orgName,
            frequency: r.settings.frequency,
            mutedCategories: knownCategories(r.settings.mutedCategories),
            version: r.settings.version,
            updatedAt: r.settings.updatedAt?.toISOString() ?? null,
          })),
          nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
        },
        200,
      );
    })
    .openapi(getUser, async (c) => {
      requireAdmin(c.var.session);
      return read(c, c.req.valid('param').userId);
    })
    .openapi(putUser, async (c) => {
      requireAdmin(c.var.session);
      return write(c, c.req.valid('param').userId, c.req.valid('header')['if-match'], c.req.valid('json'));
    });
}
