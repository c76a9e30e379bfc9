import { sql } from 'drizzle-orm';
import type { Job } from 'pg-boss';
import { queryRows, type Database } from '../db/client.js';
import { recordNotification } from '../db/queries/licences.js';
import { auditLog } from '../db/schema.js';
import { queueEmail, sendQueued } from '../outputs/email/queue.js';
import type { Worker, WorkerContext } from './index.js';
import { requestNotificationFanout } from './notifications.js';
import { jobsOf } from './queue.js';

/**
 * The 'tenant-purge' job: removes a customer marked `deleting` (and its sub-organisations) with
 * every row they own. It runs as the database owner, outside any request scope.
 *
 * Rows go table by table in bounded batches, each batch its own transaction, so a purge of a
 * large tenant never holds one huge transaction and a crash loses nothing: the retry finds
 * fewer rows and carries on. The profile and the org rows go last, in one transaction with the
 * audit record in the managing org and the confirmation email, so until then the tenant is
 * still known as `deleting` (and the start-up sweep re-queues it).
 */

export interface PurgeData {
  tenantId: string;
  /** Who asked; the profile records it too (the start-up sweep has only that). */
  requestedBy: string | null;
}

export interface PurgeOptions {
  /** Rows per delete statement. */
  batchSize?: number;
  /**
   * Fault injection for tests: called after each committed batch with the count so far; a
   * throw fails the job there, as a crash would.
   */
  afterBatch?: (batches: number) => void;
}

/** The tenant and the facts the final record and email need, or null when nothing is left. */
async function loadDeleting(db: Database, tenantId: string) {
  const [row] = await queryRows<{ name: string; parent_id: string; parent_name: string; status: string; requested_at: Date | string | null; requested_by: string | null }>(
    db,
    sql`select o.name, o.parent_id, p.name as parent_name, cp.status::text as status,
               cp.deletion_requested_at as requested_at, cp.deletion_requested_by as requested_by
          from orgs o join orgs p on p.id = o.parent_id join customer_profiles cp on cp.tenant_id = o.id
         where o.id = ${tenantId}::uuid`,
  );
  return row ?? null;
}

/**
 * The public tables holding tenant rows, those that reference another of them first, so a batch
 * never waits on (or cascades into) a table not yet emptied. The profile goes last, with the orgs.
 */
async function tenantTables(db: Database): Promise<string[]> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
          join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
         where c.relkind in ('r', 'p') and c.relname <> 'customer_profiles' order by 1`,
  );
  const refs = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select ch.relname as child, pa.relname as parent from pg_catalog.pg_constraint k
          join pg_catalog.pg_class ch on ch.oid = k.conrelid
          join pg_catalog.pg_class pa on pa.oid = k.confrelid
          join pg_catalog.pg_namespace n on n.oid = ch.relnamespace and n.nspname = 'public'
         where k.contype = 'f' and ch.oid <> pa.oid`,
  );
  const names = tables.map((t) => t.name);
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    // Tables that reference this one are emptied before it.
    for (const r of refs) if (r.parent === name && names.includes(r.child)) visit(r.child, path);
    ordered.push(name);
  };
  for (const name of names) visit(name, new Set());
  return ordered;
}

/** Deletes up to `limit` rows of `table` owned by `tenants`; answers how many. */
async function deleteBatch(db: Database, table: string, tenants: string[], limit: number): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`with gone as (
          delete from ${sql.identifier(table)} where ctid in (
            select ctid from ${sql.identifier(table)} where tenant_id = any(${sql.param(tenants)}::uuid[]) limit ${limit})
          returning 1)
        select count(*)::int as n from gone`,
  );
  return row?.n ?? 0;
}

/** Purges one tenant. Safe to run again at any point; a tenant already gone is a no-op. */
export async function purgeTenant(ctx: WorkerContext, data: PurgeData, options: PurgeOptions = {}): Promise<void> {
  const db = ctx.database.db;
  const tenant = await loadDeleting(db, data.tenantId);
  // Purged already, or not marked for deletion (nothing may be removed then).
  if (!tenant || tenant.status !== 'deleting') return;

  const subtree = await queryRows<{ id: string; depth: number }>(
    db,
    sql`select descendant_id as id, depth from portico.org_closure where ancestor_id = ${data.tenantId}::uuid order by depth desc`,
  );
  const tenants = subtree.map((o) => o.id);

  // The rows each table held when the purge began, recorded once in the managing org, so a
  // resumed purge still reports every row it removed.
  const [started] = await queryRows<{ after: Record<string, number> }>(
    db,
    sql`select after from audit_log where tenant_id = ${tenant.parent_id}::uuid and target_id = ${data.tenantId}::uuid
         and action = 'customer.purge_started' order by id desc limit 1`,
  );
  const tables = await tenantTables(db);
  let counts = started?.after;
  if (!counts) {
    counts = {};
    for (const table of [...tables, 'customer_profiles']) {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = any(${sql.param(tenants)}::uuid[])`,
      );
      if (row?.n) counts[table] = row.n;
    }
    await db.insert(auditLog).values({
      tenantId: tenant.parent_id,
      actorId: null,
      actorRole: 'system',
      action: 'customer.purge_started',
      targetId: data.tenantId,
      after: counts,
    });
  }

  const batchSize = options.batchSize ?? 5000;
  let batches = 0;
  for (const table of tables) {
    for (;;) {
      const n = await deleteBatch(db, table, tenants, batchSize);
      if (n === 0) break;
      batches++;
      options.afterBatch?.(batches);
      if (n < batchSize) break;
    }
  }

  const requestedBy = tenant.requested_by ?? data.requestedBy;
  const purgedAt = ctx.now();
  const requestedAt = tenant.requested_at ? new Date(tenant.requested_at).toISOString() : null;
  const rowsDeleted = Object.values(counts).reduce((a, n) => a + n, 0);
  const email = await db.transaction(async (tx) => {
    await tx.execute(sql`delete from customer_profiles where tenant_id = any(${sql.param(tenants)}::uuid[])`);
    // Deepest first: an org's parent outlives it to the end.
    for (const org of subtree) await tx.execute(sql`delete from orgs where id = ${org.id}::uuid`);
    await tx.insert(auditLog).values({
      tenantId: tenant.parent_id,
      at: purgedAt,
      actorId: requestedBy,
      actorRole: 'system',
      action: 'customer.purged',
      targetId: data.tenantId,
      before: { name: tenant.name, requestedAt },
      after: { name: tenant.name, orgs: tenants.length, rowsDeleted, counts },
    });
    const [requester] = requestedBy
      ? await queryRows<{ email: string; name: string }>(tx, sql`select email, name from users where id = ${requestedBy}::uuid`)
      : [];
    // The customer is gone: those who may see the managing org hear about it (category `lifecycle`).
    await recordNotification(tx, {
      tenantId: tenant.parent_id,
      kind: 'customer-deleted',
      category: 'lifecycle',
      dedupeKey: data.tenantId,
      title: requester ? `${tenant.name} was deleted with all its data, as ${requester.name} asked` : `${tenant.name} was deleted with all its data`,
      data: { customerId: data.tenantId, customerName: tenant.name, requestedAt, purgedAt: purgedAt.toISOString(), orgs: tenants.length, rowsDeleted },
    });
    if (!requester) return null;
    return queueEmail(tx, {
      tenantId: tenant.parent_id,
      kind: 'tenant-deleted',
      to: [requester.email],
      subject: `${tenant.name} has been deleted`,
      data: { customerName: tenant.name, mspName: tenant.parent_name, requestedAt, purgedAt: purgedAt.toISOString(), rowsDeleted },
    });
  });
  if (email) await sendQueued(jobsOf(ctx.boss), [email]);
  await requestNotificationFanout(ctx.boss);
}

export function purgeWorker(options: PurgeOptions = {}): Worker {
  return {
    async register(ctx) {
      await ctx.boss.work<PurgeData>('tenant-purge', async (jobs: Job<PurgeData>[]) => {
        for (const job of jobs) await purgeTenant(ctx, job.data, options);
      });
    },
    async sweep(ctx) {
      const deleting = await queryRows<{ tenant_id: string; requested_by: string | null }>(
        ctx.database.db,
        sql`select tenant_id, deletion_requested_by as requested_by from customer_profiles where status = 'deleting'`,
      );
      const jobs = jobsOf(ctx.boss);
      for (const t of deleting) {
        await jobs.send('tenant-purge', { tenantId: t.tenant_id, requestedBy: t.requested_by }, { singletonKey: t.tenant_id });
      }
    },
  };
}
