import { randomUUID } from 'node:crypto';
import { max } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import {
  advanceDigestCursor,
  claimDeliveries,
  lockRecipient,
  pendingNotifications,
  readSettings,
  recipients,
  type PendingNotification,
  type Recipient,
} from '../db/queries/notifications.js';
import { emailMessages, notifications } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { digestDue, windowStart, type NotificationFrequency } from '../domain/notifications.js';
import { sendQueued } from '../outputs/email/queue.js';
import { emailContent } from '../outputs/email/templates.js';
import type { Worker } from './index.js';
import { jobsOf, type Jobs } from './queue.js';

/**
 * The 'notifications-fanout' job: tells each user who may hear about notifications, by email,
 * as its settings ask (docs/notifications.md). Requested after a notification is recorded
 * (`requestNotificationFanout`), and run every minute (a pg-boss cron entry) and once at
 * start-up, which sends daily and weekly digests when their local time has come.
 *
 * Whom it looks at is read as the owner: active users holding a role that receives
 * notifications (domain/notifications.ts). What each of them hears about is read in that
 * user's own scope (`withScope` with its principal and role), so Row-Level Security decides:
 * an account manager is only ever told about its assigned customers, a customer admin about
 * its own organisation, whatever the notification.
 *
 * Exactly once: every notification told to a user gets a `notification_deliveries` row, whose
 * primary key allows one per user and notification, inserted in the same transaction as the
 * `email_messages` row that carries it; a per-user advisory lock makes racing fan-outs (two
 * workers, a request overlapping the minute tick) take turns, and the second finds nothing left
 * to tell. Delivery then follows the email worker: at most once per message row.
 */
export const NOTIFICATIONS_FANOUT_QUEUE = 'notifications-fanout';

/** At most this many notifications go into one email; a digest with more continues on the next tick. */
const MAX_PER_EMAIL = 200;

/**
 * After commit: asks the fan-out worker to deliver the notifications just recorded. Safe to
 * call with no queue (nothing happens) or before any worker runs (the job waits; the worker's
 * minute tick and start-up sweep would find the notifications anyway). A failure to enqueue is
 * logged, never thrown: the notification is recorded and the next tick delivers it.
 */
export async function requestNotificationFanout(boss: PgBoss | Jobs | null | undefined): Promise<void> {
  if (!boss) return;
  const jobs: Jobs = 'work' in boss ? jobsOf(boss) : boss;
  try {
    await jobs.send(NOTIFICATIONS_FANOUT_QUEUE, {}, { singletonKey: 'fanout' });
  } catch (error) {
    console.warn('[notifications] could not request a fan-out; the next tick delivers:', error instanceof Error ? error.message : error);
  }
}

export interface FanoutContext {
  database: { db: Database };
  config: Pick<Config, 'portalUrl'>;
  now: () => Date;
  /** Hands queued emails to the sender after commit; without it they wait for its sweep. */
  jobs?: Jobs | undefined;
}

export interface FanoutOutcome {
  userId: string;
  frequency: NotificationFrequency;
  emailId: string;
  notificationIds: string[];
}

/** Links into the portal: an organisation's page (not the MSP's own), and the settings page. */
const customerUrl = (config: FanoutContext['config'], n: PendingNotification) =>
  n.orgKind === 'msp' ? undefined : `${config.portalUrl}/#/customers/${n.tenantId}`;
const settingsUrl = (config: FanoutContext['config']) => `${config.portalUrl}/#/settings/notifications`;

/**
 * One user's turn, in its own scope: what it can see and has not been told, outside its muted
 * categories, into one email (immediately, or as its digest when due). Undefined when there is
 * nothing to send.
 */
async function fanoutTo(ctx: FanoutContext, r: Recipient, now: Date): Promise<FanoutOutcome | undefined> {
  const user = { tenantId: r.tenantId, userId: r.id };
  const principal = { kind: 'user' as const, userId: r.id, role: r.role, orgId: r.tenantId };
  return withScope(ctx.database.db, principal, async (tx) => {
    await lockRecipient(tx, r.id);
    // Read again under the lock: a save, or a racing digest that moved the cursor, wins.
    const settings = await readSettings(tx, r.tenantId, r.id);
    const { frequency } = settings;
    if (frequency !== 'immediate' && !digestDue(frequency, r.timeZone, settings.digestCursor, settings.updatedAt ?? r.createdAt, now)) return undefined;
    const since = windowStart(frequency, now, r.createdAt, settings.digestCursor);
    const pending = await pendingNotifications(tx, user, since, settings.mutedCategories, MAX_PER_EMAIL);
    if (frequency !== 'immediate') {
      // A full email leaves the rest for the next tick: the cursor stops at the last one told.
      await advanceDigestCursor(tx, user, pending.length === MAX_PER_EMAIL ? pending[pending.length - 1]!.createdAt : now);
    }
    if (pending.length === 0) return undefined;
    const emailId = randomUUID();
    const claimed = await claimDeliveries(tx, user, frequency, emailId, pending);
    const told = pending.filter((n) => claimed.has(n.id));
    if (told.length === 0) return undefined;
    const content = emailContent('notification', {
      mspName: r.mspName,
      timeZone: r.timeZone,
      recipientName: r.name,
      frequency,
      notifications: told.map((n) => {
        const url = customerUrl(ctx.config, n);
        return { tenantId: n.tenantId, id: n.id, title: n.title, category: n.category, customerName: n.orgName, createdAt: n.createdAt.toISOString(), ...(url ? { url } : {}) };
      }),
      settingsUrl: settingsUrl(ctx.config),
    });
    // The message is about the recipient's own organisation, where its row is visible to it.
    await tx.insert(emailMessages).values({ tenantId: r.tenantId, id: emailId, kind: content.kind, to: [r.email], subject: content.subject, data: content.data });
    return { userId: r.id, frequency, emailId, notificationIds: told.map((n) => n.id) };
  });
}

/**
 * One fan-out: every user who may hear about notifications, in turn. Safe to run
 * concurrently (see above). A user with nothing possibly new is skipped without opening its
 * scope: no notification since its window started, and no digest due.
 */
export async function runNotificationFanout(ctx: FanoutContext): Promise<FanoutOutcome[]> {
  const now = ctx.now();
  const db = ctx.database.db;
  const [latest] = await db.select({ at: max(notifications.createdAt) }).from(notifications);
  const newest = latest?.at ?? null;
  const outcomes: FanoutOutcome[] = [];
  for (const r of await recipients(db)) {
    const { frequency, digestCursor, updatedAt } = r.settings;
    const possible =
      frequency === 'immediate'
        ? newest !== null && newest.getTime() >= windowStart('immediate', now, r.createdAt, null).getTime()
        : digestDue(frequency, r.timeZone, digestCursor, updatedAt ?? r.createdAt, now);
    if (!possible) continue;
    try {
      const outcome = await fanoutTo(ctx, r, now);
      if (!outcome) continue;
      outcomes.push(outcome);
      await sendQueued(ctx.jobs, [{ tenantId: r.tenantId, id: outcome.emailId }]);
    } catch (error) {
      // One user's failure must not hold up the others; the next tick tries again.
      console.error(`[notifications] ${r.id}:`, error);
    }
  }
  return outcomes;
}

export function notificationsWorker(): Worker {
  return {
    async register(ctx) {
      const jobs = jobsOf(ctx.boss);
      await ctx.boss.work(NOTIFICATIONS_FANOUT_QUEUE, async () => {
        await runNotificationFanout({ ...ctx, jobs });
      });
      // Every minute (digests go out at their local time; missed immediate requests are caught).
      await ctx.boss.schedule(NOTIFICATIONS_FANOUT_QUEUE, '* * * * *', {}, { tz: 'UTC', singletonKey: 'fanout' });
    },
    async sweep(ctx) {
      await requestNotificationFanout(ctx.boss);
    },
  };
}
