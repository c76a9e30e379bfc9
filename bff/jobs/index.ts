import type PgBoss from 'pg-boss';
import type { Db } from '../db/client.js';
import type { Config } from '../config.js';
import { emailWorker } from './email.js';
import { purgeWorker } from './purge.js';
import { reportSchedulesWorker } from './report-schedules.js';
import { scanRunWorker } from './scan-run.js';
import { scanSchedulesWorker } from './scan-schedules.js';
import { notificationsWorker } from './notifications.js';
import type { SigningKeys } from '../auth/signing-keys.js';
import { jobsOf, openQueue, type Jobs, type QueueName } from './queue.js';

export interface JobRunner {
  jobs: Jobs;
  boss: PgBoss;
  stop(): Promise<void>;
}

export interface WorkerContext {
  boss: PgBoss;
  database: Db;
  config: Config;
  now: () => Date;
  /** The keys report links are signed with; loaded from the database or PORTICO_SIGNING_KEYS when absent. */
  keys?: SigningKeys;
}

/**
 * A background worker: `register` subscribes to its queue; `sweep` re-queues work recorded in
 * the database that has no job (the process died between commit and send, or the work was
 * recorded while no queue ran). Both run at start-up.
 */
export interface Worker {
  register(ctx: WorkerContext): Promise<void>;
  sweep(ctx: WorkerContext): Promise<void>;
}

const workers: [QueueName, Worker][] = [
  ['email-send', emailWorker],
  ['tenant-purge', purgeWorker()],
  ['report-schedules-due', reportSchedulesWorker()],
  ['scan-schedules-due', scanSchedulesWorker()],
  ['scan-run', scanRunWorker()],
  ['notifications-fanout', notificationsWorker()],
];

export interface StartOptions {
  /**
   * Which workers run: all of them (the default), none (`false`: the process only enqueues, a
   * web node when workers run elsewhere), or those of the queues named. Leaving out
   * 'report-schedules-due' also leaves out its minute cron and start-up tick: this process sends
   * no scheduled report unless its caller ticks (`runDueSchedules`).
   */
  work?: boolean | readonly QueueName[];
  now?: () => Date;
  keys?: SigningKeys;
}

/** Starts pg-boss and the workers `options.work` names (see `StartOptions`). */
export async function startJobs(database: Db, config: Config, options: StartOptions = {}): Promise<JobRunner> {
  const boss = await openQueue(database);
  const ctx: WorkerContext = { boss, database, config, now: options.now ?? (() => new Date()), ...(options.keys ? { keys: options.keys } : {}) };
  const { work = true } = options;
  const started = workers.filter(([name]) => work === true || (work !== false && work.includes(name))).map(([, worker]) => worker);
  for (const worker of started) await worker.register(ctx);
  for (const worker of started) await worker.sweep(ctx);
  return {
    jobs: jobsOf(boss),
    boss,
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
  };
}
