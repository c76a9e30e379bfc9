import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { recordNotification } from '../db/queries/licences.js';
import { emailMessages } from '../db/schema.js';
import { sendQueued, type EmailKind } from '../outputs/email/queue.js';
import { EmailDataError, renderEmail, secretDataFields } from '../outputs/email/templates.js';
import { isPermanentFailure, smtpTransport, type MailTransport, type OutgoingEmail } from '../outputs/email/transport.js';
import { readLogoImage } from '../domain/logo.js';
import type { Tx } from '../db/client.js';
import type { Worker, WorkerContext } from './index.js';
import { requestNotificationFanout } from './notifications.js';
import { jobsOf } from './queue.js';

/**
 * The 'email-send' worker: delivers one recorded email_messages row per job over SMTP.
 *
 * It runs as the database owner (the row's tenant has no session here) and moves a row
 * queued → sending → sent, or → failed when the server refuses the message for good, the stored
 * data no longer renders, or the last retry fails. Between retries the row is `queued` again
 * with the last error recorded.
 *
 * Delivery is at least once, not exactly once. The row is marked `sent` only after the SMTP
 * server has answered 250; if the process dies between that answer and the update, the row
 * stays `sending`, the job expires and runs again, and the message is sent a second time.
 * Every attempt carries the same Message-ID, `<row id@portico>`, so a receiving system or mail
 * client that deduplicates by Message-ID (Gmail and most archives do) shows it once, and a
 * person comparing headers can tell a repeat from a second message. The opposite choice — mark
 * `sent` before talking to SMTP — would lose mail on the same crash, which is worse for an
 * invite or a deletion confirmation.
 */

export interface EmailJob {
  tenantId: string;
  id: string;
}

/** Stable across attempts, so a repeat after a crash is recognisable as the same message. */
export const messageIdOf = (id: string) => `<${id}@portico>`;

type Outcome = 'sent' | 'skipped' | 'failed' | 'retry';

type Message = typeof emailMessages.$inferSelect;

/**
 * Gives a message up for good. A report email that could not be delivered is news for those
 * who may see its customer: a `report-email-failed` notification (category `reports`),
 * recorded in the same transaction. True when one was recorded.
 */
async function markFailed(ctx: Pick<WorkerContext, 'database'>, message: Message, reason: string): Promise<boolean> {
  return ctx.database.db.transaction(async (tx) => {
    await tx
      .update(emailMessages)
      .set({ status: 'failed', error: reason.slice(0, 2000) })
      .where(and(eq(emailMessages.tenantId, message.tenantId), eq(emailMessages.id, message.id)));
    if (message.kind !== 'executive-summary') return false;
    const customer = (message.data as { customerName?: unknown }).customerName;
    return recordNotification(tx, {
      tenantId: message.tenantId,
      kind: 'report-email-failed',
      category: 'reports',
      dedupeKey: message.id,
      title: `A report email${typeof customer === 'string' ? ` for ${customer}` : ''} could not be delivered to ${message.to.join(', ')}: ${reason.slice(0, 300)}`,
      data: { emailId: message.id, subject: message.subject, to: message.to, reason: reason.slice(0, 2000) },
    });
  });
}

/**
 * One attempt at one message. Returns what happened; throws (after recording the error) when
 * the queue should try again later.
 */
export async function deliverEmail(
  ctx: Pick<WorkerContext, 'database' | 'now'> & { boss?: PgBoss },
  transport: MailTransport,
  job: { data: EmailJob; retryCount: number; retryLimit: number },
): Promise<Outcome> {
  const db = ctx.database.db;
  const { tenantId, id } = job.data;
  const row = and(eq(emailMessages.tenantId, tenantId), eq(emailMessages.id, id));
  // Claiming and counting the attempt is one statement: a row already sent (the job ran twice)
  // or failed is left alone, and so is a row that no longer exists.
  const [message] = await db
    .update(emailMessages)
    .set({ status: 'sending', attempts: sql`${emailMessages.attempts} + 1` })
    .where(and(row, inArray(emailMessages.status, ['queued', 'sending'])))
    .returning();
  if (!message) return 'skipped';

  const kind = message.kind as EmailKind;
  let rendered;
  let inlineImages: OutgoingEmail['inlineImages'];
  try {
    rendered = renderEmail(kind, message.data);
    if (rendered.inline) {
      // The logo is read when the message goes out (logos are immutable, so these are the bytes
      // the report named); one deleted since is left out rather than failing the message.
      const logo = await readLogoImage(db as unknown as Tx, rendered.inline.logoId);
      if (logo) inlineImages = [{ cid: rendered.inline.cid, filename: 'logo.png', contentType: 'image/png', content: logo.raster }];
      else rendered = renderEmail(kind, message.data, { logo: { kind: 'none' } });
    }
  } catch (error) {
    if (!(error instanceof EmailDataError)) throw error;
    if (await markFailed(ctx, message, error.message)) await requestNotificationFanout(ctx.boss);
    return 'failed';
  }

  const messageId = messageIdOf(message.id);
  try {
    // The subject recorded with the row (what lists and the audit show) is the one sent.
    await transport.send({ html: rendered.html, text: rendered.text, subject: message.subject, fromName: rendered.senderName, to: message.to, messageId, ...(inlineImages ? { inlineImages } : {}) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const final = isPermanentFailure(error) || job.retryCount >= job.retryLimit;
    if (!final) await db.update(emailMessages).set({ status: 'queued', error: reason.slice(0, 2000) }).where(row);
    else if (await markFailed(ctx, message, reason)) await requestNotificationFanout(ctx.boss);
    if (isPermanentFailure(error)) return 'failed';
    throw error;
  }

  // The credential in an invite link is needed only for the message itself.
  const secrets = secretDataFields[kind] ?? [];
  await db
    .update(emailMessages)
    .set({
      status: 'sent',
      messageId,
      sentAt: ctx.now(),
      error: null,
      ...(secrets.length ? { data: sql`${emailMessages.data} - ${sql.param(secrets)}::text[]` } : {}),
    })
    .where(row);
  return 'sent';
}

let warnedUnconfigured = false;

function mailConfigured(ctx: WorkerContext): ctx is WorkerContext & { config: { smtpUrl: string } } {
  if (ctx.config.smtpUrl) return true;
  if (!warnedUnconfigured) {
    warnedUnconfigured = true;
    console.warn('[email] SMTP_URL is not set: email is recorded and stays queued until a sender with SMTP_URL starts.');
  }
  return false;
}

export const emailWorker: Worker = {
  async register(ctx) {
    if (!mailConfigured(ctx)) return;
    const transport = smtpTransport(ctx.config.smtpUrl, ctx.config.mailFrom);
    // A batch per poll (pg-boss waits its polling interval between fetches). A failed message
    // is failed on its own, so the queue retries exactly that one; the rest of the batch
    // completes when the handler returns.
    await ctx.boss.work<EmailJob>('email-send', { includeMetadata: true, batchSize: 10 }, async (jobs: PgBoss.JobWithMetadata<EmailJob>[]) => {
      for (const job of jobs) {
        try {
          await deliverEmail(ctx, transport, job);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          console.warn(`[email] attempt ${job.retryCount + 1} of ${job.retryLimit + 1} for ${job.data.id} failed: ${message}`);
          await ctx.boss.fail('email-send', job.id, { message });
        }
      }
    });
  },

  /**
   * Queues every message that has no job: rows recorded while no sender ran, and rows left
   * `sending` by a process that died mid-attempt (older than a job's expiry, after which
   * pg-boss gives up on that attempt). A row that already has a job waiting may get a second
   * one; that is harmless, because the claim above sends a row only while it is unsent and
   * the queue's `stately` policy runs one job per message at a time.
   */
  async sweep(ctx) {
    if (!mailConfigured(ctx)) return;
    const queue = await ctx.boss.getQueue('email-send');
    const expiry = new Date(ctx.now().getTime() - (queue?.expireInSeconds ?? 15 * 60) * 1000);
    const rows = await ctx.database.db
      .select({ tenantId: emailMessages.tenantId, id: emailMessages.id })
      .from(emailMessages)
      .where(
        or(
          eq(emailMessages.status, 'queued'),
          and(eq(emailMessages.status, 'sending'), lt(emailMessages.createdAt, expiry)),
        ),
      )
      .orderBy(emailMessages.createdAt);
    await sendQueued(jobsOf(ctx.boss), rows);
  },
};
