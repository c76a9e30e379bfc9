import type PgBoss from 'pg-boss';
import { and, eq, lt, sql } from 'drizzle-orm';
import { activePrincipal } from '../auth/report-links.js';
import { can, delegationAllows, type Role } from '../auth/roles.js';
import type { Database } from '../db/client.js';
import { recordNotification } from '../db/queries/licences.js';
import { queueNewAssetScans, recordScanResult, scanAssets, type RecordedScan, type ScanRef, type ScanRow } from '../db/queries/scans.js';
import { auditLog, customerProfiles, orgs, scans, scanSchedules } from '../db/schema.js';
import { withScope, type Principal } from '../db/scope.js';
import type { ScanResult } from '../scanner/adapter.js';
import type { Worker, WorkerContext } from './index.js';
import { requestNotificationFanout } from './notifications.js';
import { jobsOf, type Jobs } from './queue.js';
import type { ScannerAdapter } from '../scanner/adapter.js';
import { scannerFor } from '../scanner/index.js';

/**
 * The 'scan-run' worker: runs one queued scan through the scanner adapter and records what it
 * found, in the scope of the user who created the schedule — RLS decides what the scan may read
 * and write exactly as for that user. A scan is claimed once (`queued` → `running`), so a job
 * delivered twice runs it once; the adapter is called outside any transaction (a real scan takes
 * minutes), and its result is written in one transaction that only a still-running scan accepts.
 *
 * A creator who is no longer active, may no longer schedule scans, or no longer sees the
 * customer gets the scan marked failed with the reason (and a notification), as does a scanner
 * error. After the write the customer's fleet figures are refreshed, new assets fire the
 * customer's `new_asset` schedules, and the notification fan-out is asked to deliver.
 *
 * No trigger loops: a run that a new asset started does not fire `new_asset` for assets it
 * discovers itself (the next scheduled scan covers them); each asset fires each schedule at
 * most once (run key `asset:<id>`), so a chain of discoveries ends after one step.
 */

export const SCAN_RUN_QUEUE = 'scan-run';

/** What the scan jobs need; tests build one directly to drive a tick or a run. */
export interface ScanJobContext {
  db: Database;
  scanner: ScannerAdapter;
  /** Where runs are handed on; without it they stay queued for the worker's sweep. */
  jobs?: Jobs | null;
}

export function scanJobContext(ctx: WorkerContext): ScanJobContext {
  return { db: ctx.database.db, scanner: scannerFor(ctx.config, ctx.database.db), jobs: jobsOf(ctx.boss) };
}

/** A profile id's display name (what scans record), the id itself when the scanner has no such profile. */
export async function profileNames(scanner: ScannerAdapter): Promise<(id: string) => string> {
  const profiles = await scanner.profiles();
  return (id) => profiles.find((p) => p.id === id)?.name ?? id;
}

/** A scan `running` for longer than this belonged to a process that died; the sweep fails it. */
const STUCK_MS = 60 * 60_000;

/** Hands queued scans to the worker, after the transaction that queued them committed. */
export async function startScanRuns(jobs: Jobs | null | undefined, refs: readonly ScanRef[]): Promise<void> {
  if (!jobs) return;
  for (const ref of refs) {
    try {
      await jobs.send(SCAN_RUN_QUEUE, { tenantId: ref.tenantId, id: ref.id }, { singletonKey: ref.id });
    } catch (error) {
      // The scan is recorded `queued`; the worker's start-up sweep picks it up.
      console.warn(`[scan-run] could not queue ${ref.tenantId}/${ref.id}:`, error instanceof Error ? error.message : error);
    }
  }
}

export type RunOutcome =
  | { status: 'completed'; recorded: RecordedScan; triggered: ScanRef[] }
  | { status: 'failed'; reason: string }
  | { status: 'skipped' };

/** The creator's principal if it may still run scans of the customer; else why not. */
async function scanPrincipal(db: Database, userId: string): Promise<Principal | string> {
  const principal = await activePrincipal(db, userId);
  const gone = "the schedule's creator is no longer active";
  if (!principal || principal.kind !== 'user') return gone;
  if (!can(principal.role as Role, 'scans:schedule')) return "the schedule's creator may no longer schedule scans";
  // A customer's own users act only under the delegation their tenant grants.
  const [profile] = await db.select({ delegation: customerProfiles.accessDelegation }).from(customerProfiles).where(eq(customerProfiles.tenantId, principal.orgId));
  if (profile && !delegationAllows(principal.role as Role, profile.delegation)) return "the schedule's creator's organisation no longer delegates access";
  return principal;
}

async function fail(ctx: ScanJobContext, scan: ScanRow, actorId: string | null, reason: string, now: Date): Promise<RunOutcome> {
  const notified = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(scans)
      .set({ status: 'failed', finishedAt: now, error: reason })
      .where(and(eq(scans.tenantId, scan.tenantId), eq(scans.id, scan.id), eq(scans.status, 'running')))
      .returning({ id: scans.id });
    if (!row) return false;
    await tx.insert(auditLog).values({ tenantId: scan.tenantId, actorId, actorRole: 'system', action: 'scan.failed', targetId: scan.id, after: { scheduleId: scan.scheduleId, trigger: scan.trigger, reason } });
    const [org] = await tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, scan.tenantId));
    return recordNotification(tx, { tenantId: scan.tenantId, kind: 'scan-failed', category: 'scans', dedupeKey: scan.id, title: `A scan of ${org?.name ?? 'a customer'} failed: ${reason}`, data: { scanId: scan.id, scheduleId: scan.scheduleId, reason } });
  });
  if (notified) await requestNotificationFanout(ctx.jobs);
  return { status: 'failed', reason };
}

/**
 * Runs one queued scan to its end (completed or failed) at `now`. Callable directly (tests, a
 * single-process setup); the worker calls it per job. A scan that is not `queued` any more is
 * left alone (`skipped`).
 */
export async function runScan(ctx: ScanJobContext, ref: ScanRef, now: Date = new Date()): Promise<RunOutcome> {
  const db = ctx.db;
  const [scan] = await db
    .update(scans)
    .set({ status: 'running', startedAt: now })
    .where(and(eq(scans.tenantId, ref.tenantId), eq(scans.id, ref.id), eq(scans.status, 'queued')))
    .returning();
  if (!scan) return { status: 'skipped' };
  const [schedule] = scan.scheduleId
    ? await db.select().from(scanSchedules).where(and(eq(scanSchedules.tenantId, scan.tenantId), eq(scanSchedules.id, scan.scheduleId)))
    : [];
  if (!schedule) return fail(ctx, scan, null, 'the schedule was deleted before the scan ran', now);
  const principal = await scanPrincipal(db, schedule.createdBy);
  if (typeof principal === 'string') return fail(ctx, scan, schedule.createdBy, principal, now);

  const profiles = await ctx.scanner.profiles();
  const profile = profiles.find((p) => p.id === schedule.profile);
  if (!profile) return fail(ctx, scan, schedule.createdBy, `the scanner has no profile ${schedule.profile}`, now);
  const scope = await withScope(db, principal, async (tx) => {
    const [customer] = await tx.select({ id: orgs.id }).from(orgs).where(and(eq(orgs.id, scan.tenantId), sql`${orgs.id} = any(portico.visible_tenants())`));
    if (!customer) return null;
    return scanAssets(tx, scan.tenantId, scan.targets, profile.kinds);
  });
  if (!scope) return fail(ctx, scan, schedule.createdBy, "the schedule's creator can no longer see this customer", now);

  let result: ScanResult;
  try {
    result = await ctx.scanner.run({ customerId: scan.tenantId, scanId: scan.id, profile: profile.id, targets: scan.targets, assets: scope.map(({ id, kind, value }) => ({ id, kind, value })) });
  } catch (error) {
    return fail(ctx, scan, schedule.createdBy, `the scanner failed: ${error instanceof Error ? error.message : String(error)}`, now);
  }

  const nameOf = await profileNames(ctx.scanner);
  const written = await withScope(db, principal, async (tx) => {
    // Only a scan still running takes results (the sweep may have failed it meanwhile).
    const [still] = await tx.select({ id: scans.id }).from(scans).where(and(eq(scans.tenantId, scan.tenantId), eq(scans.id, scan.id), eq(scans.status, 'running'))).for('update');
    if (!still) return null;
    const recorded = await recordScanResult(tx, { scan, scheduleName: schedule.name, actorId: schedule.createdBy, scanned: scope, result, now });
    // A run started by a new asset does not start more: its own discoveries wait for the next slot.
    const triggered = scan.trigger === 'new_asset' ? [] : await queueNewAssetScans(tx, scan.tenantId, recorded.newAssets, now, nameOf);
    return { recorded, triggered };
  });
  if (!written) return { status: 'skipped' };
  // The fleet's figures (last scan, open priority findings, assets) as the owner, like the seed.
  await db.execute(sql`select portico.refresh_customer_metrics(array[${scan.tenantId}]::uuid[])`);
  await startScanRuns(ctx.jobs, written.triggered);
  if (written.recorded.notified) await requestNotificationFanout(ctx.jobs);
  return { status: 'completed', ...written };
}

interface ScanJob {
  tenantId: string;
  id: string;
}

export function scanRunWorker(): Worker {
  return {
    async register(ctx) {
      const scanCtx = scanJobContext(ctx);
      await ctx.boss.work<ScanJob>(SCAN_RUN_QUEUE, { batchSize: 1 }, async (jobs: PgBoss.Job<ScanJob>[]) => {
        for (const job of jobs) await runScan(scanCtx, job.data, ctx.now());
      });
    },
    /** Queues every scan left `queued` without a job; fails scans a dead process left `running`. */
    async sweep(ctx) {
      const scanCtx = scanJobContext(ctx);
      const now = ctx.now();
      const stuck = await ctx.database.db
        .select()
        .from(scans)
        .where(and(eq(scans.status, 'running'), lt(scans.startedAt, new Date(now.getTime() - STUCK_MS)), sql`${scans.scheduleId} is not null`));
      for (const scan of stuck) await fail(scanCtx, scan, null, 'the scan was interrupted (its process stopped)', now);
      const queued = await ctx.database.db.select({ tenantId: scans.tenantId, id: scans.id }).from(scans).where(eq(scans.status, 'queued')).orderBy(scans.startedAt);
      await startScanRuns(scanCtx.jobs, queued);
    },
  };
}
