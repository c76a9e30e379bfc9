import { and, eq, lte } from 'drizzle-orm';
import { activePrincipal } from '../auth/report-links.js';
import { can } from '../auth/roles.js';
import { recordNotification } from '../db/queries/licences.js';
import { auditLog, orgs, reportSchedules, reportSends } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { nextRun, reportPeriod, type ScheduleRule } from '../domain/report-schedule.js';
import { SigningKeys } from '../auth/signing-keys.js';
import { sendQueued } from '../outputs/email/queue.js';
import { queueSummary } from '../outputs/report-sends.js';
import type { Worker, WorkerContext } from './index.js';
import { requestNotificationFanout } from './notifications.js';
import { jobsOf } from './queue.js';

/**
 * The 'report-schedules-due' job: every minute (a pg-boss cron schedule), and once at start-up,
 * it sends the executive-report emails whose slot has come.
 *
 * It reads the schedules as the database owner (no session) and sends each due slot inside the
 * scope of the user who created the schedule, so RLS decides what the report may contain, just
 * as if that user had pressed "send". Exactly one `report_sends` row can exist per
 * (customer, schedule, slot): two ticks that race on a slot (two workers, or a tick overlapping
 * the start-up sweep) both try to insert it, one wins and queues the email, the other writes
 * nothing. Delivery then follows the email worker: at most once per message row, transient SMTP
 * failures retried.
 *
 * Missed slots (the process was down over a slot) are not sent in a burst: a tick sends the
 * latest due slot once and moves `next_run_at` to the first slot after now. A creator who is no
 * longer active or may no longer send reports (or see the customer) gets a send recorded without
 * an email, with the reason in the audit log, and the schedule moves on; it keeps failing until
 * someone with access re-creates it.
 */

export const REPORT_SCHEDULES_QUEUE = 'report-schedules-due';
/** How many due schedules one tick takes on; the rest wait for the next minute. */
const BATCH = 100;

type ScheduleRow = typeof reportSchedules.$inferSelect;

const ruleOf = (s: ScheduleRow): ScheduleRule => ({ frequency: s.frequency, weekday: s.weekday, dayOfMonth: s.dayOfMonth, sendTime: s.sendTime, timeZone: s.timeZone });

export type SlotOutcome = 'queued' | 'duplicate' | 'no_access';

/** Sends one schedule's due slot (if no one has yet) and advances it past now. */
async function runSlot(ctx: WorkerContext, keys: SigningKeys, schedule: ScheduleRow, now: Date): Promise<SlotOutcome> {
  const db = ctx.database.db;
  const slot = schedule.nextRunAt!;
  const rule = ruleOf(schedule);
  const period = reportPeriod(rule, slot);
  let outcome: SlotOutcome = 'no_access';
  const principal = await activePrincipal(db, schedule.createdBy);
  if (principal && principal.kind === 'user' && can(principal.role as Parameters<typeof can>[0], 'reports:send')) {
    const result = await withScope(db, principal, (tx) =>
      queueSummary(tx, keys, ctx.config, {
        customerId: schedule.tenantId,
        period,
        userId: schedule.createdBy,
        now,
        recipients: schedule.recipients,
        scheduleId: schedule.id,
        runAt: slot,
        actorRole: 'system',
      }),
    );
    if (typeof result === 'object') {
      await sendQueued(jobsOf(ctx.boss), [result.email]);
      outcome = 'queued';
    } else if (result === 'duplicate') outcome = 'duplicate';
  }
  if (outcome === 'no_access') {
    await db.transaction(async (tx) => {
      const [send] = await tx
        .insert(reportSends)
        .values({ tenantId: schedule.tenantId, scheduleId: schedule.id, runAt: slot, periodFrom: period.from, periodTo: period.to, recipients: schedule.recipients, requestedBy: schedule.createdBy, createdAt: now })
        .onConflictDoNothing()
        .returning({ id: reportSends.id });
      if (!send) {
        outcome = 'duplicate';
        return;
      }
      const reason = "the schedule's creator is no longer active or can no longer send this customer's reports";
      await tx.insert(auditLog).values({
        tenantId: schedule.tenantId,
        actorId: schedule.createdBy,
        actorRole: 'system',
        action: 'report.scheduled_send_failed',
        targetId: send.id,
        after: { scheduleId: schedule.id, runAt: slot.toISOString(), reason },
      });
      const [org] = await tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, schedule.tenantId));
      await recordNotification(tx, {
        tenantId: schedule.tenantId,
        kind: 'report-send-failed',
        category: 'reports',
        dedupeKey: send.id,
        title: `The scheduled report for ${org?.name ?? 'a customer'} could not be sent: ${reason}`,
        data: { scheduleId: schedule.id, sendId: send.id, runAt: slot.toISOString(), recipients: schedule.recipients, reason },
      });
    });
    if (outcome === 'no_access') await requestNotificationFanout(ctx.boss);
  }
  // Compare-and-set on the slot: a tick that lost the race leaves the winner's advance alone.
  const after = new Date(Math.max(now.getTime(), slot.getTime()));
  await db
    .update(reportSchedules)
    .set({ nextRunAt: nextRun(rule, after), lastRunAt: slot })
    .where(and(eq(reportSchedules.tenantId, schedule.tenantId), eq(reportSchedules.id, schedule.id), eq(reportSchedules.nextRunAt, slot)));
  return outcome;
}

/** One tick: every enabled schedule whose slot has come. Safe to run concurrently. */
export async function runDueSchedules(ctx: WorkerContext, keys: SigningKeys): Promise<SlotOutcome[]> {
  const now = ctx.now();
  const due = await ctx.database.db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.enabled, true), lte(reportSchedules.nextRunAt, now)))
    .orderBy(reportSchedules.nextRunAt)
    .limit(BATCH);
  const outcomes: SlotOutcome[] = [];
  for (const schedule of due) {
    try {
      outcomes.push(await runSlot(ctx, keys, schedule, now));
    } catch (error) {
      // One broken schedule must not hold up the others; it is due again on the next tick.
      console.error(`[report-schedules] ${schedule.tenantId}/${schedule.id}:`, error);
    }
  }
  return outcomes;
}

/** The keys links are signed with: the process's own, or loaded the way the server loads them. */
async function keysOf(ctx: WorkerContext): Promise<SigningKeys> {
  if (ctx.keys) return ctx.keys;
  const opts = { issuer: ctx.config.issuer, audience: ctx.config.audience, now: ctx.now };
  return process.env.PORTICO_SIGNING_KEYS
    ? SigningKeys.fromJwks(JSON.parse(process.env.PORTICO_SIGNING_KEYS) as { keys: [] }, opts)
    : SigningKeys.fromDatabase(ctx.database.db, opts);
}

export function reportSchedulesWorker(): Worker {
  return {
    async register(ctx) {
      const keys = await keysOf(ctx);
      await ctx.boss.work(REPORT_SCHEDULES_QUEUE, async () => {
        await runDueSchedules(ctx, keys);
      });
      // Every minute; pg-boss keeps one cron entry per name whichever instance sets it.
      await ctx.boss.schedule(REPORT_SCHEDULES_QUEUE, '* * * * *', {}, { tz: 'UTC', singletonKey: 'tick' });
    },
    async sweep(ctx) {
      await jobsOf(ctx.boss).send(REPORT_SCHEDULES_QUEUE, {}, { singletonKey: 'tick' });
    },
  };
}
