import { emailMessages } from '../../db/schema.js';
import type { Tx } from '../../db/client.js';
import type { Jobs } from '../../jobs/queue.js';

/** The emails Portico sends; each has a template in `templates.ts`. */
export type EmailKind = 'invite' | 'tenant-deleted' | 'licence-threshold' | 'executive-summary' | 'notification';

export interface QueuedEmail {
  /** The org the message is about (for a purged tenant: the org that managed it). */
  tenantId: string;
  kind: EmailKind;
  to: string[];
  subject: string;
  /** What the template needs; stored as JSON and rendered when the message is sent. */
  data: Record<string, unknown>;
}

/**
 * Records an email in the caller's transaction. Nothing is sent until the transaction has
 * committed and `sendQueued` (or the sender's start-up sweep) hands it to the queue, so a
 * rolled-back request never sends mail.
 */
export async function queueEmail(tx: Tx, email: QueuedEmail): Promise<{ tenantId: string; id: string }> {
  const [row] = await tx
    .insert(emailMessages)
    .values({ tenantId: email.tenantId, kind: email.kind, to: email.to, subject: email.subject, data: email.data })
    .returning({ tenantId: emailMessages.tenantId, id: emailMessages.id });
  if (!row) throw new Error('email was not recorded');
  return row;
}

/** After commit: asks the sender to deliver these messages now. */
export async function sendQueued(jobs: Jobs | undefined, emails: readonly { tenantId: string; id: string }[]): Promise<void> {
  if (!jobs) return;
  for (const email of emails) await jobs.send('email-send', email, { singletonKey: email.id });
}
