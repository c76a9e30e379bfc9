import { z } from 'zod';
import { executiveSummarySchema, LOGO_CID, renderExecutiveSummary, summarySubject, type ExecutiveSummaryData, type LogoSource } from './executive-summary.js';
import { notificationContent, notificationEmailSchema } from './notification-email.js';
import { neutralTheme, renderContent, type EmailContent, type EmailTheme, type RenderedEmail } from './layout.js';
import type { EmailKind } from './queue.js';

/**
 * What each email says, rendered from the `data` recorded with the message. The data is
 * stored as JSON when a request queues the email and read back by the sender, possibly after a
 * restart or an upgrade, so each kind's shape is checked here before rendering.
 *
 * Callers build a message with `emailContent(kind, data)`: it checks the data against the same
 * schema and gives the subject the message will be sent with.
 */

const isoDate = z.iso.datetime({ offset: true });

const common = {
  /** The MSP the email comes from: the sender line and the From name. */
  mspName: z.string().min(1).max(200),
  /** IANA zone dates are written in (the MSP's); UTC when absent. */
  timeZone: z.string().min(1).optional(),
};

export const emailDataSchemas = {
  invite: z.object({
    ...common,
    /** The organisation the invitee joins. */
    customerName: z.string().min(1).max(200),
    /** Who sent the invitation, when known. */
    inviterName: z.string().min(1).max(200).optional(),
    inviteeName: z.string().min(1).max(200).optional(),
    /** `<portalUrl>/accept-invite?token=…` */
    inviteUrl: z.url({ protocol: /^https?$/ }),
    expiresAt: isoDate,
  }),
  'tenant-deleted': z.object({
    ...common,
    /** The deleted customer, sub-partner or enterprise. */
    customerName: z.string().min(1).max(200),
    requestedByName: z.string().min(1).max(200).optional(),
    requestedAt: isoDate.nullable().optional(),
    purgedAt: isoDate,
    /** How many rows the purge removed, for the record. */
    rowsDeleted: z.number().int().min(0).optional(),
  }),
  'licence-threshold': z.object({
    ...common,
    customerName: z.string().min(1).max(200),
    model: z.enum(['per_asset', 'per_scan']),
    used: z.number().int().min(0),
    quota: z.number().int().min(1),
    level: z.enum(['warning', 'exhausted']),
    /** The share of the quota that triggers the warning (0.9 per asset, 0.8 per scan). */
    warnAt: z.number().gt(0).lte(1),
    /** Per-scan quotas count scans in this period. */
    period: z.object({ start: isoDate, end: isoDate }).nullable().optional(),
    /** Where the MSP sees the customer, if the portal has such a page. */
    customerUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  /** The executive report's summary (executive-summary.ts); rendered by its own layout. */
  'executive-summary': executiveSummarySchema,
  /** Notifications as they happen, or a daily or weekly digest (notification-email.ts). */
  notification: notificationEmailSchema,
} satisfies Record<EmailKind, z.ZodType>;

export type EmailData = { [K in EmailKind]: z.infer<(typeof emailDataSchemas)[K]> };

/**
 * Fields that only the sent message needs; the sender removes them from the stored row once the
 * message is out (an invite link is a credential, and the invites table keeps only its hash).
 */
export const secretDataFields: Record<EmailKind, readonly string[]> = {
  invite: ['inviteUrl'],
  'tenant-deleted': [],
  'licence-threshold': [],
  // The signed link to the PDF works for days; the record keeps the figures, not the credential.
  'executive-summary': ['reportUrl'],
  notification: [],
};

export class EmailDataError extends Error {
  override name = 'EmailDataError';
}

function parseData<K extends EmailKind>(kind: K, data: unknown): EmailData[K] {
  const schema = (emailDataSchemas as Partial<Record<string, z.ZodType>>)[kind];
  if (!schema) throw new EmailDataError(`unknown email kind ${JSON.stringify(kind)}`);
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new EmailDataError(`${kind} email data is invalid: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  return result.data as EmailData[K];
}

/** "Saturday, 28 November 2026 at 14:00 UTC" — written out, so no reader guesses the date order. */
export function longDateTime(iso: string, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

function longDate(iso: string, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(new Date(iso));
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

type BlockKind = Exclude<EmailKind, 'executive-summary'>;

const contents: { [K in BlockKind]: (d: EmailData[K]) => EmailContent } = {
  invite: (d) => {
    const expires = longDateTime(d.expiresAt, d.timeZone);
    const inviter = d.inviterName ? `${d.inviterName} of ${d.mspName}` : d.mspName;
    return {
      subject: `${d.mspName} invited you to ${d.customerName}`,
      preheader: `Accept the invitation to the security portal of ${d.customerName}. The link works until ${expires}.`,
      heading: `Join ${d.customerName}`,
      blocks: [
        { type: 'paragraph', text: d.inviteeName ? `Hello ${d.inviteeName},` : 'Hello,' },
        {
          type: 'paragraph',
          text: `${inviter} has invited you to the security portal of ${d.customerName}. Accept the invitation to set up your access before ${expires}.`,
        },
        { type: 'button', label: 'Accept invitation', url: d.inviteUrl },
        {
          type: 'note',
          text: `The invitation expires on ${expires}; after that, ask ${d.mspName} to send a new one. If you did not expect it, ignore this email: nothing happens until the link is used.`,
        },
      ],
      footer: `Sent by ${d.mspName} because ${d.inviterName ?? 'someone there'} invited you to ${d.customerName}.`,
    };
  },
  'tenant-deleted': (d) => ({
    subject: `${d.customerName} has been deleted`,
    preheader: `Every record of ${d.customerName} has been removed from the portal.`,
    heading: `${d.customerName} has been deleted`,
    blocks: [
      {
        type: 'paragraph',
        text: `The deletion you requested is complete. ${d.customerName}, its users and all of its data have been removed from the portal. This cannot be undone.`,
      },
      {
        type: 'facts',
        items: [
          ['Organisation', d.customerName],
          ...(d.requestedByName ? [['Requested by', d.requestedByName] as const] : []),
          ...(d.requestedAt ? [['Requested', longDateTime(d.requestedAt, d.timeZone)] as const] : []),
          ['Completed', longDateTime(d.purgedAt, d.timeZone)],
          ...(d.rowsDeleted !== undefined ? [['Records removed', new Intl.NumberFormat('en-GB').format(d.rowsDeleted)] as const] : []),
        ],
      },
      { type: 'note', text: `Keep this email as your confirmation. If you did not request this deletion, contact ${d.mspName} at once.` },
    ],
    footer: `Sent by ${d.mspName} to the person who requested the deletion.`,
  }),
  'licence-threshold': (d) => {
    const unit = d.model === 'per_asset' ? 'licences' : 'scans';
    const share = d.used / d.quota;
    const exhausted = d.level === 'exhausted';
    const periodText = d.period ? ` between ${longDate(d.period.start, d.timeZone)} and ${longDate(d.period.end, d.timeZone)}` : '';
    const headline = exhausted
      ? `${d.customerName} has used all of its ${unit}`
      : `${d.customerName} has used ${percent(share)} of its ${unit}`;
    return {
      subject: exhausted ? `${d.customerName}: no ${unit} left` : `${d.customerName}: ${percent(share)} of ${unit} used`,
      preheader: `${d.used} of ${d.quota} ${unit} used${periodText}.`,
      heading: headline,
      blocks: [
        {
          type: 'paragraph',
          text: exhausted
            ? `${d.customerName} has reached its quota of ${d.quota} ${unit}${periodText}. ${d.model === 'per_asset' ? 'New assets' : 'Further scans'} are not covered until the quota is raised.`
            : `${d.customerName} has passed the ${percent(d.warnAt)} warning level of its ${unit}${periodText}. Consider raising the quota before it runs out.`,
        },
        {
          type: 'facts',
          items: [
            ['Customer', d.customerName],
            ['Licence model', d.model === 'per_asset' ? 'Per asset' : 'Per scan'],
            ['Used', `${d.used} of ${d.quota} (${percent(share)})`],
          ],
        },
        ...(d.customerUrl ? [{ type: 'button', label: 'Open customer', url: d.customerUrl } as const] : []),
      ],
      footer: `Sent by ${d.mspName} to its administrators; you get one alert per threshold and period.`,
    };
  },
  notification: notificationContent,
};

export interface RenderOptions {
  /** Overrides of the neutral look (branding); the sender line is always the MSP's name. */
  theme?: Partial<Omit<EmailTheme, 'senderName'>>;
  /**
   * How an email with a logo shows it: by default attached inline (`cid:`, see
   * `RenderedEmail.inline`); a preview in a browser passes the logo's public URL instead, and a
   * sender that could not read the logo's bytes passes `none`.
   */
  logo?: LogoSource;
}

/** Renders a stored message. Throws `EmailDataError` when the stored data does not fit its kind. */
export function renderEmail(kind: EmailKind, data: unknown, options: RenderOptions = {}): RenderedEmail {
  const parsed = parseData(kind, data);
  if (kind === 'executive-summary') {
    const d = parsed as ExecutiveSummaryData;
    const logo: LogoSource = d.logoId ? (options.logo ?? { kind: 'cid', cid: LOGO_CID }) : { kind: 'none' };
    const rendered = renderExecutiveSummary(d, logo);
    return logo.kind === 'cid' && d.logoId ? { ...rendered, inline: { cid: logo.cid, logoId: d.logoId } } : rendered;
  }
  const content = (contents[kind as BlockKind] as (d: EmailData[BlockKind]) => EmailContent)(parsed as EmailData[BlockKind]);
  return renderContent(content, { ...neutralTheme, ...options.theme, senderName: parsed.mspName });
}

function subjectOf(kind: EmailKind, parsed: EmailData[EmailKind]): string {
  if (kind === 'executive-summary') return summarySubject(parsed as ExecutiveSummaryData);
  return (contents[kind as BlockKind] as (d: EmailData[BlockKind]) => EmailContent)(parsed as EmailData[BlockKind]).subject;
}

/**
 * The kind, subject and data to pass to `queueEmail`, checked now rather than when the sender
 * runs: `queueEmail(tx, { tenantId, to, ...emailContent('invite', {...}) })`.
 */
export function emailContent<K extends EmailKind>(kind: K, data: EmailData[K]): { kind: K; subject: string; data: EmailData[K] } {
  const parsed = parseData(kind, data);
  return { kind, subject: subjectOf(kind, parsed), data: parsed };
}
