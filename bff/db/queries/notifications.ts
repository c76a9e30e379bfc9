import { and, asc, eq, gt, gte, inArray, notExists, sql } from 'drizzle-orm';
import { queryRows, type Database, type Tx } from '../client.js';
import { notificationDeliveries, notificationPreferences, notifications, orgs, roleAssignments, users } from '../schema.js';
import { notificationRecipientRoles, type NotificationFrequency } from '../../domain/notifications.js';
import { roles, type Role } from '../../auth/roles.js';

/**
 * What the notification settings routes and the fan-out worker read and write. The route
 * functions run inside `withScope`, where Row-Level Security decides which users and
 * preferences exist; `recipients` runs as the owner (the worker has no session) and only picks
 * whom to look at, never what they see.
 */

export interface NotificationSettings {
  frequency: NotificationFrequency;
  mutedCategories: string[];
  /** 0 until the first save. */
  version: number;
  updatedAt: Date | null;
  digestCursor: Date | null;
}

export const defaultSettings = (): NotificationSettings => ({ frequency: 'immediate', mutedCategories: [], version: 0, updatedAt: null, digestCursor: null });

export interface SettingsSubject {
  id: string;
  tenantId: string;
  name: string;
  email: string;
  status: string;
  /** The first of its roles that receives notifications, else its first role (null: none). */
  role: Role | null;
}

/** Roles in the enum's order, those that receive notifications first. */
function pickRole(held: readonly string[]): Role | null {
  const sorted = [...held].sort((a, b) => roles.indexOf(a as Role) - roles.indexOf(b as Role)) as Role[];
  return sorted.find((r) => notificationRecipientRoles.includes(r)) ?? sorted[0] ?? null;
}

/** A user the caller may see (RLS), or undefined. */
export async function settingsSubject(tx: Tx, userId: string): Promise<SettingsSubject | undefined> {
  const rows = await tx
    .select({ id: users.id, tenantId: users.tenantId, name: users.name, email: users.email, status: users.status, role: roleAssignments.role })
    .from(users)
    .leftJoin(roleAssignments, and(eq(roleAssignments.tenantId, users.tenantId), eq(roleAssignments.userId, users.id)))
    .where(eq(users.id, userId));
  const [first] = rows;
  if (!first) return undefined;
  return { id: first.id, tenantId: first.tenantId, name: first.name, email: first.email, status: first.status, role: pickRole(rows.flatMap((r) => (r.role ? [r.role] : []))) };
}

/** The user's saved settings, or the defaults (version 0). `lock` takes the row for update. */
export async function readSettings(tx: Tx, tenantId: string, userId: string, lock = false): Promise<NotificationSettings> {
  const query = tx
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.tenantId, tenantId), eq(notificationPreferences.userId, userId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) return defaultSettings();
  return { frequency: row.frequency, mutedCategories: row.mutedCategories, version: row.version, updatedAt: row.updatedAt, digestCursor: row.digestCursor };
}

/**
 * Saves settings if the stored version is still `expected` (0: nothing saved yet). Answers the
 * new version and time, or undefined when someone saved in the meantime.
 */
export async function writeSettings(
  tx: Tx,
  tenantId: string,
  userId: string,
  expected: number,
  value: { frequency: NotificationFrequency; mutedCategories: string[] },
): Promise<{ version: number; updatedAt: Date } | undefined> {
  const returning = { version: notificationPreferences.version, updatedAt: notificationPreferences.updatedAt };
  if (expected === 0) {
    // Of two first saves racing, the second finds the first's row and gets nothing back.
    const [row] = await tx.insert(notificationPreferences).values({ tenantId, userId, ...value, version: 1 }).onConflictDoNothing().returning(returning);
    return row;
  }
  const [row] = await tx
    .update(notificationPreferences)
    .set({ ...value, version: expected + 1, updatedAt: sql`now()` })
    .where(and(eq(notificationPreferences.tenantId, tenantId), eq(notificationPreferences.userId, userId), eq(notificationPreferences.version, expected)))
    .returning(returning);
  return row;
}

/** A user who receives notifications, with its organisation and settings. */
export interface SettingsListRow extends SettingsSubject {
  orgName: string;
  createdAt: Date;
  /** The organisation's time zone: digests go out at 08:00 there. */
  timeZone: string;
  settings: NotificationSettings;
}

const settingsOf = (pref: typeof notificationPreferences.$inferSelect | null): NotificationSettings =>
  pref ? { frequency: pref.frequency, mutedCategories: pref.mutedCategories, version: pref.version, updatedAt: pref.updatedAt, digestCursor: pref.digestCursor } : defaultSettings();

/**
 * Active users holding a role that receives notifications, with their settings, ordered by id:
 * in a scope, those the caller may see (RLS); as the owner, everyone.
 */
async function recipientRows(q: Tx | Database, limit?: number, cursor?: string): Promise<SettingsListRow[]> {
  const query = (q as Tx)
    .select({
      id: users.id,
      tenantId: users.tenantId,
      name: users.name,
      email: users.email,
      status: users.status,
      createdAt: users.createdAt,
      orgName: orgs.name,
      timeZone: orgs.timeZone,
      roles: sql<string[]>`array_agg(${roleAssignments.role}::text order by ${roleAssignments.role})`,
      pref: notificationPreferences,
    })
    .from(users)
    .innerJoin(roleAssignments, and(eq(roleAssignments.tenantId, users.tenantId), eq(roleAssignments.userId, users.id)))
    .innerJoin(orgs, eq(orgs.id, users.tenantId))
    .leftJoin(notificationPreferences, and(eq(notificationPreferences.tenantId, users.tenantId), eq(notificationPreferences.userId, users.id)))
    .where(and(eq(users.status, 'active'), inArray(roleAssignments.role, [...notificationRecipientRoles]), cursor ? gt(users.id, cursor) : undefined))
    .groupBy(users.tenantId, users.id, orgs.id, notificationPreferences.tenantId, notificationPreferences.userId)
    .orderBy(asc(users.id));
  const rows = limit === undefined ? await query : await query.limit(limit);
  return rows.map(({ roles: held, pref, ...r }) => ({ ...r, role: pickRole(held), settings: settingsOf(pref) }));
}

/** A page (one row more than `limit`, to tell whether another follows) of the users the caller may see, after `cursor`. */
export function settingsPage(tx: Tx, limit: number, cursor?: string): Promise<SettingsListRow[]> {
  return recipientRows(tx, limit + 1, cursor);
}

// --- Fan-out -----------------------------------------------------------------------------

/** A user who may hear about notifications, as the owner reads it (no session). */
export interface Recipient extends SettingsListRow {
  role: Role;
  /** The nearest MSP or partner at or above the user's organisation: the email's sender line. */
  mspName: string;
}

/**
 * Every active user holding a role that receives notifications, with its settings. Read as
 * the owner: it decides whom the worker looks at, and each user's notifications are then read
 * in that user's own scope.
 */
export async function recipients(db: Database): Promise<Recipient[]> {
  const rows = await recipientRows(db);
  // The nearest seller at or above each organisation: its own for MSP and partner staff, the one
  // that manages it for a customer's users (the closure is private to the owner).
  const senders = await queryRows<{ tenant: string; name: string }>(
    db,
    sql`select distinct on (c.descendant_id) c.descendant_id::text as tenant, m.name
          from portico.org_closure c join ${orgs} m on m.id = c.ancestor_id and m.kind in ('msp', 'partner')
         where c.descendant_id = any(${sql.param([...new Set(rows.map((r) => r.tenantId))])}::uuid[])
         order by c.descendant_id, c.depth`,
  );
  const senderOf = new Map(senders.map((s) => [s.tenant, s.name]));
  return rows.map((r) => ({ ...r, role: r.role!, mspName: senderOf.get(r.tenantId) ?? r.orgName }));
}

export interface PendingNotification {
  tenantId: string;
  id: string;
  kind: string;
  category: string;
  title: string;
  data: unknown;
  createdAt: Date;
  /** The organisation it is about, as the user's scope names it. */
  orgName: string;
  orgKind: string;
}

/**
 * In the user's own scope: the notifications it can see, created since `since`, outside its
 * muted categories and not yet delivered to it, oldest first. RLS decides which exist — an
 * account manager's scope holds only its assigned customers — so nothing here names tenants.
 */
export async function pendingNotifications(tx: Tx, user: { tenantId: string; userId: string }, since: Date, muted: readonly string[], limit: number): Promise<PendingNotification[]> {
  return tx
    .select({
      tenantId: notifications.tenantId,
      id: notifications.id,
      kind: notifications.kind,
      category: notifications.category,
      title: notifications.title,
      data: notifications.data,
      createdAt: notifications.createdAt,
      orgName: orgs.name,
      orgKind: sql<string>`${orgs.kind}::text`,
    })
    .from(notifications)
    .innerJoin(orgs, eq(orgs.id, notifications.tenantId))
    .where(
      and(
        gte(notifications.createdAt, since),
        muted.length ? sql`${notifications.category} <> all(${sql.param([...muted])}::text[])` : undefined,
        notExists(
          tx
            .select({ one: sql`1` })
            .from(notificationDeliveries)
            .where(
              and(
                eq(notificationDeliveries.tenantId, user.tenantId),
                eq(notificationDeliveries.userId, user.userId),
                eq(notificationDeliveries.notificationId, notifications.id),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(notifications.createdAt), asc(notifications.id))
    .limit(limit);
}

/**
 * Claims notifications for one email: inserts a delivery per notification, and answers those
 * this call inserted. A racing fan-out that inserted one first keeps it (the primary key allows
 * one row per user and notification), so each is told once.
 */
export async function claimDeliveries(
  tx: Tx,
  user: { tenantId: string; userId: string },
  frequency: NotificationFrequency,
  emailId: string,
  items: readonly { tenantId: string; id: string }[],
): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = await tx
    .insert(notificationDeliveries)
    .values(items.map((n) => ({ tenantId: user.tenantId, userId: user.userId, notificationTenantId: n.tenantId, notificationId: n.id, frequency, emailId })))
    .onConflictDoNothing()
    .returning({ id: notificationDeliveries.notificationId });
  return new Set(rows.map((r) => r.id));
}

/** One fan-out per user at a time: later ones wait, then see what the first delivered. */
export async function lockRecipient(tx: Tx, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`notifications:${userId}`}, 0))`);
}

/** Moves the digest cursor forward (never back); not a settings change, so the version stays. */
export async function advanceDigestCursor(tx: Tx, user: { tenantId: string; userId: string }, to: Date): Promise<void> {
  await tx
    .update(notificationPreferences)
    .set({ digestCursor: to })
    .where(
      and(
        eq(notificationPreferences.tenantId, user.tenantId),
        eq(notificationPreferences.userId, user.userId),
        sql`(${notificationPreferences.digestCursor} is null or ${notificationPreferences.digestCursor} < ${to.toISOString()}::timestamptz)`,
      ),
    );
}

/** Who did something, as a notification's title names them: the user's name (null when not visible). */
export async function actorName(tx: Tx, userId: string): Promise<string | null> {
  const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}
