import { and, desc, eq, sql } from 'drizzle-orm';
import { countAssets, type AssetKind } from '../../domain/assets.js';
import { categoryOfKind } from '../../domain/notifications.js';
import { queryRows, type Tx } from '../client.js';
import { auditLog, notifications, users } from '../schema.js';

/**
 * What the licence, usage and activity routes read. No tenant filter of their own beyond naming
 * the customer: run them inside `withScope` and RLS decides what exists. A customer's licences
 * cover its sub-organisations (an enterprise's), so assets and scans are read over its subtree.
 */

export interface LicenceSubject {
  name: string;
  status: string;
  /** False when the customer revoked its MSP's access: its data is hidden from the caller. */
  dataVisible: boolean;
  /** The MSP's time zone, which billing periods and usage days follow. */
  timeZone: string;
}

/** The customer as the caller may see it, or undefined (unknown, or not managed by the caller). */
export async function licenceSubject(tx: Tx, id: string): Promise<LicenceSubject | undefined> {
  const [row] = await queryRows<{ name: string; status: string; visible: boolean; mspZone: string | null; ownZone: string }>(
    tx,
    sql`select o.name, cp.status::text as status, ${id}::uuid = any(portico.visible_tenants()) as visible,
               portico.msp_time_zone(${id}::uuid) as "mspZone", o.time_zone as "ownZone"
          from customer_profiles cp join orgs o on o.id = cp.tenant_id
         where cp.tenant_id = ${id}::uuid`,
  );
  if (!row) return undefined;
  return { name: row.name, status: row.status, dataVisible: row.visible === true, timeZone: row.mspZone ?? row.ownZone };
}

export interface SubscriptionTerms {
  plan: 'trial' | 'purchased';
  model: 'per_asset' | 'per_scan' | 'unlimited';
  quota: number | null;
  trialEndsAt: Date | null;
  cancelledAt: Date | null;
}

/** The customer's current subscription: the newest one. */
export async function currentSubscription(tx: Tx, id: string): Promise<SubscriptionTerms | undefined> {
  const [row] = await queryRows<{ plan: SubscriptionTerms['plan']; model: SubscriptionTerms['model']; quota: number | null; trialEndsAt: unknown; cancelledAt: unknown }>(
    tx,
    sql`select plan::text as plan, licence_model::text as model, licence_quota as quota,
               trial_ends_at as "trialEndsAt", cancelled_at as "cancelledAt"
          from subscriptions where tenant_id = ${id}::uuid order by started_at desc limit 1`,
  );
  if (!row) return undefined;
  const date = (v: unknown) => (v == null ? null : new Date(v as string | Date));
  return { plan: row.plan, model: row.model, quota: row.quota == null ? null : Number(row.quota), trialEndsAt: date(row.trialEndsAt), cancelledAt: date(row.cancelledAt) };
}

const subtree = (id: string) => sql`any(array(select portico.subtree(${id}::uuid)))`;

/** Distinct assets of the customer and its sub-organisations, normalised as the domain rule says. */
export async function assetsInUse(tx: Tx, id: string): Promise<number> {
  const rows = await queryRows<{ kind: AssetKind; value: string }>(
    tx,
    sql`select kind::text as kind, value from assets where tenant_id = ${subtree(id)}`,
  );
  return countAssets(rows);
}

/** Scans of the customer and its sub-organisations started in [start, end). */
export async function scansBetween(tx: Tx, id: string, start: Date, end: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from scans
         where tenant_id = ${subtree(id)}
           and started_at >= ${start.toISOString()}::timestamptz and started_at < ${end.toISOString()}::timestamptz`,
  );
  return Number(row?.n ?? 0);
}

/** Scans per profile and day on the given clock, for [start, end). */
export async function scansPerProfileAndDay(
  tx: Tx,
  id: string,
  start: Date,
  end: Date,
  timeZone: string,
): Promise<{ profile: string; day: string; scans: number }[]> {
  const rows = await queryRows<{ profile: string; day: string; scans: number }>(
    tx,
    sql`select profile, to_char((started_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day, count(*)::int as scans
          from scans
         where tenant_id = ${subtree(id)}
           and started_at >= ${start.toISOString()}::timestamptz and started_at < ${end.toISOString()}::timestamptz
         group by 1, 2`,
  );
  return rows.map((r) => ({ ...r, scans: Number(r.scans) }));
}

/**
 * Records a notification once per key: of any number of requests observing the same crossing,
 * concurrently or not, exactly one inserts (the others wait on the unique index, then find the
 * row). True when this call recorded it. `category` is what users opt in to or out of
 * (`scans`, `findings`, …; by default the one the kind belongs to, domain/notifications.ts).
 */
export async function recordNotification(
  tx: Tx,
  n: { tenantId: string; kind: string; category?: string; dedupeKey: string; title: string; data: Record<string, unknown> },
): Promise<boolean> {
  const inserted = await tx
    .insert(notifications)
    .values({ ...n, category: n.category ?? categoryOfKind(n.kind) })
    .onConflictDoNothing({ target: [notifications.tenantId, notifications.kind, notifications.dedupeKey] })
    .returning({ id: notifications.id });
  return inserted.length > 0;
}

export interface ActivityRow {
  id: string;
  at: Date;
  /** The timestamp at full (microsecond) precision, for the keyset cursor. */
  atKey: string;
  actorId: string | null;
  actorName: string | null;
  role: string;
  action: string;
  before: unknown;
  after: unknown;
}

/**
 * A page of a tenant's audit log, newest first, after the cursor `(at, id)`. The actor's name
 * comes from the users the caller may see: null for a deleted user, or one outside its scope.
 */
export async function activityPage(tx: Tx, id: string, limit: number, after?: { at: string; id: string }): Promise<ActivityRow[]> {
  const rows = await tx
    .select({
      id: sql<string>`${auditLog.id}::text`,
      at: auditLog.at,
      atKey: sql<string>`to_char(${auditLog.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      actorId: users.id,
      actorName: users.name,
      role: auditLog.actorRole,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.tenantId, id),
        after ? sql`(${auditLog.at}, ${auditLog.id}) < (${after.at}::timestamptz, ${after.id}::bigint)` : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  return rows;
}
