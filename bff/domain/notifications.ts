import type { Role } from '../auth/roles.js';
import { nextRun } from './report-schedule.js';

/**
 * Notifications and who hears about them (docs/notifications.md). Pure rules, no I/O: the
 * categories a user opts in to or out of, which roles receive notifications and which manage
 * other people's settings, and when a daily or weekly digest is due.
 */

/** What a user opts in to or out of; every notification carries one (`notifications.category`). */
export const notificationCategories = ['licences', 'scans', 'findings', 'lifecycle', 'billing', 'reports', 'general'] as const;
export type NotificationCategory = (typeof notificationCategories)[number];

export interface CategoryInfo {
  id: NotificationCategory;
  label: string;
  description: string;
}

/** In the order settings show them. */
export const categoryInfo: readonly CategoryInfo[] = [
  { id: 'licences', label: 'Licences', description: 'A customer passes its licence warning level or has used its whole quota.' },
  { id: 'scans', label: 'Scans', description: 'A scheduled or triggered scan has finished or failed.' },
  { id: 'findings', label: 'Findings', description: 'A scan found new vulnerabilities or misconfigurations.' },
  { id: 'lifecycle', label: 'Customer lifecycle', description: 'Customers locked, cancelled, reactivated, converted or deleted.' },
  { id: 'billing', label: 'Billing', description: 'Subscription and quota changes that affect what is invoiced.' },
  { id: 'reports', label: 'Reports', description: 'Scheduled report emails that could not be sent.' },
  { id: 'general', label: 'Other', description: 'Anything else the portal tells you about.' },
];

const labels = new Map(categoryInfo.map((c) => [c.id, c.label]));
export const categoryLabel = (category: string): string => labels.get(category as NotificationCategory) ?? 'Other';

/** The category of each notification kind that code records; unknown kinds count as `general`. */
const kindCategories: Record<string, NotificationCategory> = {
  'licence-threshold': 'licences',
  'scan-completed': 'scans',
  'scan-failed': 'scans',
  'findings-new': 'findings',
  'customer-locked': 'lifecycle',
  'customer-unlocked': 'lifecycle',
  'customer-cancelled': 'lifecycle',
  'customer-reactivated': 'lifecycle',
  'customer-converted': 'lifecycle',
  'customer-converted-to-managed': 'lifecycle',
  'customer-deletion-requested': 'lifecycle',
  'customer-deleted': 'lifecycle',
  'ips-changed': 'billing',
  'ips-decrease-scheduled': 'billing',
  'ips-decrease-cancelled': 'billing',
  'report-send-failed': 'reports',
  'report-email-failed': 'reports',
};

/** Every kind of notification the BFF records. */
export const notificationKinds: readonly string[] = Object.keys(kindCategories);

export function categoryOfKind(kind: string): NotificationCategory {
  return kindCategories[kind] ?? 'general';
}

export const isCategory = (value: string): value is NotificationCategory => (notificationCategories as readonly string[]).includes(value);

/** The categories of a stored list that still exist (a retired one reads as not muted). */
export const knownCategories = (values: readonly string[]): NotificationCategory[] => values.filter(isCategory);

export const notificationFrequencies = ['immediate', 'daily', 'weekly'] as const;
export type NotificationFrequency = (typeof notificationFrequencies)[number];

/**
 * Who hears about notifications: MSP staff who work with customer data (admins, analysts,
 * account managers) and customer admins. Marketing sees no customer data and customer viewers
 * only read dashboards, so neither receives notifications. What each recipient hears about is
 * decided by Row-Level Security in that user's own scope: an account manager only ever hears
 * about its assigned customers, a customer admin about its own organisation.
 */
export const notificationRecipientRoles: readonly Role[] = ['msp_admin', 'msp_analyst', 'msp_account_manager', 'customer_admin'];
/** Who manages other users' settings: the admins (the database grants them the same, `portico.principal_is_admin()`). */
export const notificationAdminRoles: readonly Role[] = ['msp_admin', 'customer_admin'];

export const receivesNotifications = (role: string): boolean => (notificationRecipientRoles as readonly string[]).includes(role);
export const managesNotificationSettings = (role: string): boolean => (notificationAdminRoles as readonly string[]).includes(role);

/** Digests go out at this local time in the user's home organisation's time zone … */
export const DIGEST_TIME = '08:00';
/** … every day, or on Mondays (ISO weekday 1) for weekly digests. */
export const DIGEST_WEEKDAY = 1;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How far back a fan-out looks for notifications a user has not been told about: a day for
 * immediate delivery (a worker that was down longer does not flood inboxes with stale news),
 * eight days for digests (a weekly digest covers its week even if one run was missed).
 */
export const LOOKBACK_MS: Record<NotificationFrequency, number> = { immediate: DAY, daily: 8 * DAY, weekly: 8 * DAY };
/**
 * A notification's `created_at` is its transaction's start; one committed a little after a
 * digest read may carry an earlier time than the digest's cursor. The next digest looks this
 * far behind the cursor (deliveries keep anything from being told twice).
 */
export const CURSOR_GRACE_MS = 10 * 60_000;

const ruleOf = (frequency: 'daily' | 'weekly', timeZone: string) =>
  frequency === 'daily'
    ? { frequency, sendTime: DIGEST_TIME, timeZone }
    : { frequency, weekday: DIGEST_WEEKDAY, sendTime: DIGEST_TIME, timeZone };

/** The latest digest slot at or before `now` (08:00 local, Mondays for weekly digests). */
export function lastDigestSlot(frequency: 'daily' | 'weekly', timeZone: string, now: Date): Date {
  const rule = ruleOf(frequency, timeZone);
  let slot = nextRun(rule, new Date(now.getTime() - 8 * DAY));
  for (let next = nextRun(rule, slot); next.getTime() <= now.getTime(); next = nextRun(rule, slot)) slot = next;
  return slot;
}

/** The next digest slot strictly after `now`. */
export function nextDigestSlot(frequency: 'daily' | 'weekly', timeZone: string, now: Date): Date {
  return nextRun(ruleOf(frequency, timeZone), now);
}

/**
 * Whether a digest is due: a slot has come since the last digest (`cursor`), or — before the
 * first one — since the user chose digests (`since`, when the settings were saved).
 */
export function digestDue(frequency: 'daily' | 'weekly', timeZone: string, cursor: Date | null, since: Date, now: Date): boolean {
  const slot = lastDigestSlot(frequency, timeZone, now);
  return slot.getTime() > (cursor ?? since).getTime();
}

/** Where a fan-out starts looking for a user's notifications. */
export function windowStart(frequency: NotificationFrequency, now: Date, userCreatedAt: Date, cursor: Date | null): Date {
  const bounds = [now.getTime() - LOOKBACK_MS[frequency], userCreatedAt.getTime()];
  if (frequency !== 'immediate' && cursor) bounds.push(cursor.getTime() - CURSOR_GRACE_MS);
  return new Date(Math.max(...bounds));
}
