import { and, arrayContains, eq, lte } from 'drizzle-orm';
import { queueScan, type ScanRef } from '../db/queries/scans.js';
import { orgs, scanSchedules, settings } from '../db/schema.js';
import { nextScanRun, slotKey, vulnDbKey } from '../domain/scan-schedule.js';
import type { ScannerAdapter } from '../scanner/adapter.js';
import type { Worker } from './index.js';
import { jobsOf } from './queue.js';
import { profileNames, startScanRuns, scanJobContext, type ScanJobContext } from './scan-run.js';

/**
 * The 'scan-schedules-due' job: every minute (a pg-boss cron schedule), and once at start-up,
 * it queues the scans whose time has come and hands each to the 'scan-run' worker.
 *
 * - Slots: every enabled schedule whose `next_run_at` has passed gets one scan row with run key
 *   `slot:<instant>`; the row is unique per (customer, schedule, run key), so two ticks racing
 *   on a slot (two processes, the start-up sweep overlapping the cron) queue it once. The
 *   schedule then moves to its first slot after now (compare-and-set on the old slot). Missed
 *   slots are not made up in a burst: the latest due one runs once.
 * - Vulnerability-database updates: the tick asks the scanner for its database version; when it
 *   differs from the last one seen (kept in `portico.settings`), every enabled schedule with the
 *   `vulnerability_db_update` trigger gets a scan keyed `vulndb:<version>`, once per version.
 *
 * It reads schedules as the database owner (no session); what a scan may touch is decided when
 * it runs, in the scope of the schedule's creator (scan-run.ts).
 */

export const SCAN_SCHEDULES_QUEUE = 'scan-schedules-due';
/** How many due schedules one tick takes on; the rest wait for the next minute. */
const BATCH = 200;

const seenKey = (scanner: ScannerAdapter) => `scanner.${scanner.name}.vulnerability_database_seen`;

/**
 * Queues a run keyed by the scanner's database version for every schedule that asks for one,
 * when the version changed since the last tick. The first version ever seen only is recorded.
 */
export async function queueVulnDbScans(ctx: ScanJobContext, now: Date): Promise<ScanRef[]> {
  const version = await ctx.scanner.vulnerabilityDatabaseVersion();
  const key = seenKey(ctx.scanner);
  const [seen] = await ctx.db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  const last = (seen?.value as { version?: string } | undefined)?.version;
  if (last === version) return [];
  const refs: ScanRef[] = [];
  if (last !== undefined) {
    const nameOf = await profileNames(ctx.scanner);
    const schedules = await ctx.db.select().from(scanSchedules).where(and(eq(scanSchedules.enabled, true), arrayContains(scanSchedules.triggers, ['vulnerability_db_update'])));
    for (const schedule of schedules) {
      const ref = await queueScan(ctx.db, { schedule, profileName: nameOf(schedule.profile), trigger: 'vulnerability_db_update', runKey: vulnDbKey(version), now });
      if (ref) refs.push(ref);
    }
  }
  await ctx.db.insert(settings).values({ key, value: { version } }).onConflictDoUpdate({ target: settings.key, set: { value: { version } } });
  return refs;
}

/**
 * One tick at `now`: queues every due slot and every database-update run, then hands the
 * queued scans to the 'scan-run' queue. Safe to run concurrently. Answers the scans this tick
 * queued (a racing tick's are not among them).
 */
export async function runDueScanSchedules(ctx: ScanJobContext, now: Date): Promise<ScanRef[]> {
  const nameOf = await profileNames(ctx.scanner);
  const due = await ctx.db
    .select({ schedule: scanSchedules, customerZone: orgs.timeZone })
    .from(scanSchedules)
    .innerJoin(orgs, eq(orgs.id, scanSchedules.tenantId))
    .where(and(eq(scanSchedules.enabled, true), lte(scanSchedules.nextRunAt, now)))
    .orderBy(scanSchedules.nextRunAt)
    .limit(BATCH);
  const queued: ScanRef[] = [];
  for (const { schedule, customerZone } of due) {
    try {
      const slot = schedule.nextRunAt!;
      const ref = await ctx.db.transaction(async (tx) => {
        const inserted = await queueScan(tx, { schedule, profileName: nameOf(schedule.profile), trigger: 'schedule', runKey: slotKey(slot), now });
        // Compare-and-set on the slot: a tick that lost the race leaves the winner's advance alone.
        const after = new Date(Math.max(now.getTime(), slot.getTime()));
        await tx
          .update(scanSchedules)
          .set({ nextRunAt: nextScanRun(schedule, customerZone, after), lastRunAt: slot })
          .where(and(eq(scanSchedules.tenantId, schedule.tenantId), eq(scanSchedules.id, schedule.id), eq(scanSchedules.nextRunAt, slot)));
        return inserted;
      });
      if (ref) queued.push(ref);
    } catch (error) {
      // One broken schedule must not hold up the others; it is due again on the next tick.
      console.error(`[scan-schedules] ${schedule.tenantId}/${schedule.id}:`, error);
    }
  }
  try {
    queued.push(...(await queueVulnDbScans(ctx, now)));
  } catch (error) {
    console.error('[scan-schedules] vulnerability database check:', error instanceof Error ? error.message : error);
  }
  await startScanRuns(ctx.jobs, queued);
  return queued;
}

export function scanSchedulesWorker(): Worker {
  return {
    async register(ctx) {
      const scanCtx = scanJobContext(ctx);
      await ctx.boss.work(SCAN_SCHEDULES_QUEUE, async () => {
        await runDueScanSchedules(scanCtx, ctx.now());
      });
      // Every minute; pg-boss keeps one cron entry per name whichever instance sets it.
      await ctx.boss.schedule(SCAN_SCHEDULES_QUEUE, '* * * * *', {}, { tz: 'UTC', singletonKey: 'tick' });
    },
    async sweep(ctx) {
      await jobsOf(ctx.boss).send(SCAN_SCHEDULES_QUEUE, {}, { singletonKey: 'tick' });
    },
  };
}
