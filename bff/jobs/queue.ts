import PgBoss from 'pg-boss';
import type { Db } from '../db/client.js';

/** The queues Portico runs. Each worker module registers one (see `startJobs`). */
export const queueNames = ['tenant-purge', 'email-send', 'report-schedules-due', 'scan-schedules-due', 'scan-run', 'notifications-fanout'] as const;
export type QueueName = (typeof queueNames)[number];

export interface SendOptions {
  /** One job per key while one is queued or running (pg-boss `singletonKey`). */
  singletonKey?: string;
  startAfterSeconds?: number;
}

/** What routes use to start background work after their transaction committed. */
export interface Jobs {
  send(name: QueueName, data: object, options?: SendOptions): Promise<string | null>;
}

/** Retries: a job that fails (or whose process died, after `expireInSeconds`) runs again. */
const queueOptions = { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 15 * 60 } as const;

/** Opens pg-boss on the application database, in the `pgboss` schema (created on first start). */
export async function openQueue(database: Db): Promise<PgBoss> {
  const boss = new PgBoss({
    ...database.jobsConnection,
    schema: 'pgboss',
    application_name: 'portico-jobs',
    max: 3,
    // Cron: the report- and scan-schedules ticks (bff/jobs/report-schedules.ts, scan-schedules.ts) run every minute.
    schedule: true,
  } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (error: unknown) => console.error('[jobs]', error));
  await boss.start();
  for (const name of queueNames) {
    // `stately`: at most one queued and one active job per singleton key.
    await boss.createQueue(name, { name, policy: 'stately', ...queueOptions });
  }
  return boss;
}

export function jobsOf(boss: PgBoss): Jobs {
  return {
    async send(name, data, options = {}) {
      return boss.send(name, data, {
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      });
    },
  };
}
