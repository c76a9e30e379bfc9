import { z } from 'zod';
import { categoryInfo, categoryLabel } from '../../domain/notifications.js';
import type { EmailBlock, EmailContent } from './layout.js';

/**
 * The notification email: one notification as it happens, several that arrived together, or a
 * daily or weekly digest. Each entry names the organisation it is about and links to it in the
 * portal; digests group entries by category, in the order the settings list them.
 */

const isoDate = z.iso.datetime({ offset: true });

export const notificationEmailSchema = z.object({
  /** The MSP the email comes from (the sender line). Older rows may lack it. */
  mspName: z.string().min(1).max(200).default('Portico'),
  /** IANA zone dates are written in: the recipient's home organisation's. */
  timeZone: z.string().min(1).optional(),
  recipientName: z.string().min(1).max(200).optional(),
  frequency: z.enum(['immediate', 'daily', 'weekly']).default('immediate'),
  notifications: z
    .array(
      z.object({
        tenantId: z.uuid(),
        id: z.uuid(),
        title: z.string().min(1).max(500),
        category: z.string().min(1).max(50).optional(),
        /** The organisation it is about. */
        customerName: z.string().min(1).max(200).optional(),
        createdAt: isoDate.optional(),
        /** Where the portal shows it. */
        url: z.url({ protocol: /^https?$/ }).optional(),
      }),
    )
    .min(1)
    .max(500),
  /** The notification settings page. */
  settingsUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type NotificationEmailData = z.infer<typeof notificationEmailSchema>;
type Entry = NotificationEmailData['notifications'][number];

function when(iso: string, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso));
}

const detailOf = (n: Entry, timeZone: string | undefined) => [n.customerName, n.createdAt ? when(n.createdAt, timeZone) : undefined].filter(Boolean).join(' · ') || undefined;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Entries grouped by category, in the settings' order (unknown categories last, as "Other"). */
function groups(entries: readonly Entry[]): { label: string; items: Entry[] }[] {
  const order = categoryInfo.map((c) => c.id as string);
  const rank = (c: string | undefined) => {
    const i = order.indexOf(c ?? 'general');
    return i < 0 ? order.length : i;
  };
  const byLabel = new Map<string, { rank: number; items: Entry[] }>();
  for (const e of entries) {
    const label = categoryLabel(e.category ?? 'general');
    const group = byLabel.get(label) ?? { rank: rank(e.category), items: [] };
    group.items.push(e);
    byLabel.set(label, group);
  }
  return [...byLabel.entries()].sort((a, b) => a[1].rank - b[1].rank).map(([label, g]) => ({ label, items: g.items }));
}

export function notificationContent(d: NotificationEmailData): EmailContent {
  const n = d.notifications.length;
  const settings = d.settingsUrl ? ` Change what you receive and how often: ${d.settingsUrl}` : '';
  const greeting: EmailBlock[] = d.recipientName ? [{ type: 'paragraph', text: `Hello ${d.recipientName},` }] : [];
  if (d.frequency === 'immediate' && n === 1) {
    const [only] = d.notifications as [Entry];
    return {
      subject: only.title,
      preheader: detailOf(only, d.timeZone) ?? only.title,
      heading: only.title,
      blocks: [
        ...greeting,
        {
          type: 'facts',
          items: [
            ...(only.customerName ? [['Organisation', only.customerName] as const] : []),
            ['Category', categoryLabel(only.category ?? 'general')],
            ...(only.createdAt ? [['When', when(only.createdAt, d.timeZone)] as const] : []),
          ],
        },
        ...(only.url ? [{ type: 'button', label: only.customerName ? `Open ${only.customerName}` : 'Open in the portal', url: only.url } as const] : []),
      ],
      footer: `Sent by ${d.mspName} because you receive notifications as they happen.${settings}`,
    };
  }
  const digest = d.frequency === 'daily' ? 'daily digest' : d.frequency === 'weekly' ? 'weekly digest' : undefined;
  const count = plural(n, 'notification');
  const customers = new Set(d.notifications.map((e) => e.customerName).filter(Boolean)).size;
  const about = customers > 0 ? ` about ${plural(customers, 'organisation')}` : '';
  return {
    subject: digest ? `Your ${digest}: ${count}` : `${count} for you`,
    preheader: `${count}${about}: ${d.notifications.slice(0, 3).map((e) => e.title).join('; ')}`,
    heading: digest ? `Your ${digest}` : `${count}`,
    blocks: [
      ...greeting,
      { type: 'paragraph', text: digest ? `Here is what happened since your last ${digest}: ${count}${about}.` : `${count}${about} arrived together.` },
      ...groups(d.notifications).map((g): EmailBlock => ({
        type: 'list',
        heading: `${g.label} (${g.items.length})`,
        items: g.items.map((e) => ({ title: e.title, ...(detailOf(e, d.timeZone) ? { detail: detailOf(e, d.timeZone)! } : {}), ...(e.url ? { url: e.url } : {}) })),
      })),
    ],
    footer: digest
      ? `Sent by ${d.mspName} because you chose a ${digest} of your notifications.${settings}`
      : `Sent by ${d.mspName} because you receive notifications as they happen.${settings}`,
  };
}
