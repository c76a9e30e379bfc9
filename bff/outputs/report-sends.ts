import { sql } from 'drizzle-orm';
import { signReportLink } from '../auth/report-links.js';
import type { SigningKeys } from '../auth/signing-keys.js';
import type { Config } from '../config.js';
import { queryRows, type Tx } from '../db/client.js';
import { auditLog, reportSends } from '../db/schema.js';
import { logoRasterPath } from '../domain/logo.js';
import { renderEmail } from './email/templates.js';
import { summaryData, summarySubject, type ExecutiveSummaryData } from './email/executive-summary.js';
import { queueEmail } from './email/queue.js';
import { executiveReport, type ExecutiveReport, type ReportPeriod } from './report-data.js';

/**
 * Sending a customer's executive-report summary: the report is read in the caller's scoped
 * transaction (so RLS decides what the email may say), a signed link to its PDF is made for the
 * same user, and one `report_sends` row and one `email_messages` row are written in that
 * transaction. The email worker delivers the message (at most once per row; transient SMTP
 * failures retried), so a rolled-back request sends nothing and a committed one is never sent
 * twice by Portico.
 */

export interface SummaryInput {
  customerId: string;
  period: ReportPeriod;
  /** The user the report is read as and the link borrows access from. */
  userId: string;
  now: Date;
}

/** The customer's time zone (dates in the email are written in it); UTC when unknown. */
async function customerZone(tx: Tx, customerId: string): Promise<string> {
  const [row] = await queryRows<{ time_zone: string | null }>(tx, sql`select time_zone from orgs where id = ${customerId}::uuid`);
  return row?.time_zone || 'UTC';
}

/** The summary's data for a customer, or null when the customer is not visible in this scope. */
export async function buildSummary(tx: Tx, keys: SigningKeys, config: Config, input: SummaryInput): Promise<{ report: ExecutiveReport; data: ExecutiveSummaryData } | null> {
  const report = await executiveReport(tx, input.customerId, input.period, input.now);
  if (!report) return null;
  const link = await signReportLink(keys, config, { customerId: input.customerId, period: report.period, userId: input.userId });
  const mspName = report.preparedBy ?? report.msp?.name ?? report.customer.name;
  return { report, data: summaryData(report, link, mspName, await customerZone(tx, input.customerId)) };
}

/** The preview a sender sees: the same email, with the logo by its public URL (no attachment). */
export function previewSummary(config: Config, data: ExecutiveSummaryData): { subject: string; html: string; text: string } {
  const rendered = renderEmail('executive-summary', data, data.logoId ? { logo: { kind: 'url', url: `${config.portalUrl}${logoRasterPath(data.logoId)}` } } : {});
  return { subject: rendered.subject, html: rendered.html, text: rendered.text };
}

export interface SendRecord {
  id: string;
  customerId: string;
  scheduleId: string | null;
  runAt: Date;
  period: ReportPeriod;
  recipients: string[];
  emailId: string | null;
  requestedBy: string | null;
  createdAt: Date;
}

/**
 * Records a send and queues its email in `tx`. For a schedule's slot the row is unique per
 * (customer, schedule, slot): when another tick recorded the slot first, nothing is written and
 * null comes back. The caller hands `email` to `sendQueued` after commit.
 */
export async function queueSummary(
  tx: Tx,
  keys: SigningKeys,
  config: Config,
  input: SummaryInput & { recipients: string[]; scheduleId?: string; runAt?: Date; actorRole: string; requestId?: string },
): Promise<{ send: SendRecord; email: { tenantId: string; id: string } } | 'not_found' | 'duplicate'> {
  const summary = await buildSummary(tx, keys, config, input);
  if (!summary) return 'not_found';
  const [send] = await tx
    .insert(reportSends)
    .values({
      tenantId: input.customerId,
      scheduleId: input.scheduleId ?? null,
      runAt: input.runAt ?? input.now,
      periodFrom: summary.report.period.from,
      periodTo: summary.report.period.to,
      recipients: input.recipients,
      requestedBy: input.userId,
      createdAt: input.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!send) return 'duplicate';
  const email = await queueEmail(tx, {
    tenantId: input.customerId,
    kind: 'executive-summary',
    to: input.recipients,
    subject: summarySubject(summary.data),
    data: summary.data,
  });
  await tx.execute(sql`update report_sends set email_id = ${email.id}::uuid where tenant_id = ${send.tenantId}::uuid and id = ${send.id}::uuid`);
  await tx.insert(auditLog).values({
    tenantId: input.customerId,
    actorId: input.userId,
    actorRole: input.actorRole,
    action: input.scheduleId ? 'report.scheduled_send' : 'report.send',
    targetId: send.id,
    after: { scheduleId: input.scheduleId ?? null, period: summary.report.period, recipients: input.recipients, emailId: email.id },
    ...(input.requestId ? { requestId: input.requestId } : {}),
  });
  return {
    send: {
      id: send.id,
      customerId: send.tenantId,
      scheduleId: send.scheduleId,
      runAt: send.runAt,
      period: { from: send.periodFrom, to: send.periodTo },
      recipients: send.recipients,
      emailId: email.id,
      requestedBy: send.requestedBy,
      createdAt: send.createdAt,
    },
    email,
  };
}
