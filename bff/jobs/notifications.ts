import type PgBoss from 'pg-boss';
import { jobsOf, type Jobs } from './queue.js';

/**
 * The 'notifications-fanout' job: tells each user who may hear about a notification, by email,
 * as their preferences ask (docs/notifications.md).
 */
export const NOTIFICATIONS_FANOUT_QUEUE = 'notifications-fanout';

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
