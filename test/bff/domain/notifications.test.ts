import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  categoryOfKind,
  CURSOR_GRACE_MS,
  digestDue,
  knownCategories,
  lastDigestSlot,
  nextDigestSlot,
  notificationCategories,
  notificationKinds,
  receivesNotifications,
  managesNotificationSettings,
  windowStart,
} from '../../../bff/domain/notifications.js';

/**
 * When digests go out (08:00 local, weekly on Mondays, whatever daylight saving does), when one
 * is due, how far back a fan-out looks, and the category and role rules.
 */

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('notification rules', () => {
  test('daily digests go out at 08:00 local time, on both sides of a daylight-saving change', () => {
    // Berlin: CET (UTC+1) until 29 March 2026 02:00, then CEST (UTC+2).
    assert.equal(lastDigestSlot('daily', 'Europe/Berlin', at('2026-03-28T12:00:00Z')).toISOString(), '2026-03-28T07:00:00.000Z');
    assert.equal(nextDigestSlot('daily', 'Europe/Berlin', at('2026-03-28T12:00:00Z')).toISOString(), '2026-03-29T06:00:00.000Z');
    // Back to CET on 25 October 2026.
    assert.equal(nextDigestSlot('daily', 'Europe/Berlin', at('2026-10-24T12:00:00Z')).toISOString(), '2026-10-25T07:00:00.000Z');
    // A zone far from UTC: 08:00 in Sydney is the evening before in UTC.
    assert.equal(lastDigestSlot('daily', 'Australia/Sydney', at('2026-11-26T00:00:00Z')).toISOString(), '2026-11-25T21:00:00.000Z');
    // Exactly at the slot, the slot has come.
    assert.equal(lastDigestSlot('daily', 'UTC', at('2026-11-26T08:00:00Z')).toISOString(), '2026-11-26T08:00:00.000Z');
  });

  test('weekly digests go out on Mondays at 08:00', () => {
    // Thursday 26 November 2026: the last Monday was the 23rd, the next is the 30th.
    assert.equal(lastDigestSlot('weekly', 'Europe/Berlin', at('2026-11-26T12:00:00Z')).toISOString(), '2026-11-23T07:00:00.000Z');
    assert.equal(nextDigestSlot('weekly', 'Europe/Berlin', at('2026-11-26T12:00:00Z')).toISOString(), '2026-11-30T07:00:00.000Z');
    assert.equal(nextDigestSlot('weekly', 'America/New_York', at('2026-11-30T12:00:00Z')).toISOString(), '2026-11-30T13:00:00.000Z');
  });

  test('a digest is due once per slot: after the cursor, or before the first one after the settings were saved', () => {
    const tz = 'Europe/Berlin';
    const slot = at('2026-11-26T07:00:00Z');
    assert.equal(digestDue('daily', tz, at('2026-11-25T07:01:00Z'), at('2026-01-01T00:00:00Z'), new Date(slot.getTime() - 60_000)), false);
    assert.equal(digestDue('daily', tz, at('2026-11-25T07:01:00Z'), at('2026-01-01T00:00:00Z'), slot), true);
    assert.equal(digestDue('daily', tz, at('2026-11-26T07:01:00Z'), at('2026-01-01T00:00:00Z'), at('2026-11-26T09:00:00Z')), false, 'sent already');
    // Switched to digests at 10:00: the first digest is the next morning's, not one right away.
    assert.equal(digestDue('daily', tz, null, at('2026-11-26T09:00:00Z'), at('2026-11-26T09:01:00Z')), false);
    assert.equal(digestDue('daily', tz, null, at('2026-11-26T09:00:00Z'), at('2026-11-27T07:00:30Z')), true);
    // Weekly: Thursday's 08:00 is no slot.
    assert.equal(digestDue('weekly', tz, at('2026-11-23T07:01:00Z'), at('2026-01-01T00:00:00Z'), at('2026-11-26T07:01:00Z')), false);
  });

  test('the look-back: a day for immediate emails, eight days and the cursor (less a grace) for digests, never before the user existed', () => {
    const now = at('2026-11-26T12:00:00Z');
    const old = at('2020-01-01T00:00:00Z');
    assert.equal(windowStart('immediate', now, old, at('2026-11-26T11:00:00Z')).toISOString(), '2026-11-25T12:00:00.000Z', 'the cursor is for digests');
    assert.equal(windowStart('weekly', now, old, null).toISOString(), '2026-11-18T12:00:00.000Z');
    assert.equal(windowStart('daily', now, old, at('2026-11-26T07:01:00Z')).getTime(), at('2026-11-26T07:01:00Z').getTime() - CURSOR_GRACE_MS);
    const created = new Date(now.getTime() - HOUR);
    assert.equal(windowStart('daily', now, created, null).getTime(), created.getTime());
  });

  test('categories of kinds, stored lists, and who receives and manages settings', () => {
    assert.equal(categoryOfKind('licence-threshold'), 'licences');
    assert.equal(categoryOfKind('scan-completed'), 'scans');
    assert.equal(categoryOfKind('findings-new'), 'findings');
    assert.equal(categoryOfKind('something-new'), 'general');
    assert.equal(categoryOfKind('customer-locked'), 'lifecycle');
    assert.equal(categoryOfKind('ips-changed'), 'billing');
    assert.equal(categoryOfKind('report-send-failed'), 'reports');
    // Every category a user can mute is one something records (no option that never fires).
    const recorded = new Set(notificationKinds.map(categoryOfKind));
    assert.deepEqual(notificationCategories.filter((c) => c !== 'general' && !recorded.has(c)), []);
    assert.deepEqual(knownCategories(['scans', 'retired', 'findings']), ['scans', 'findings']);
    assert.deepEqual(['msp_admin', 'msp_analyst', 'msp_account_manager', 'msp_marketing', 'customer_admin', 'customer_viewer'].filter(receivesNotifications), ['msp_admin', 'msp_analyst', 'msp_account_manager', 'customer_admin']);
    assert.deepEqual(['msp_admin', 'msp_analyst', 'msp_account_manager', 'customer_admin', 'customer_viewer'].filter(managesNotificationSettings), ['msp_admin', 'customer_admin']);
  });
});
