import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderEmail, emailContent, type EmailData } from '../../../bff/outputs/email/templates.js';

/**
 * The notification email: one notification as it happens, several together, and digests grouped
 * by category in the settings' order; both parts say the same, every value is escaped, and the
 * rows the seed recorded (without sender or times) still render.
 */

const portal = 'https://portal.northwind.example';
const entry = (i: number, title: string, category: string | undefined, customerName: string, createdAt: string) => ({
  tenantId: `00000000-0000-4000-8000-00000000000${i}`,
  id: `00000000-0000-4000-8000-0000000001${i}0`,
  title,
  ...(category ? { category } : {}),
  customerName,
  createdAt,
  url: `${portal}/#/customers/00000000-0000-4000-8000-00000000000${i}`,
});

const digest: EmailData['notification'] = {
  mspName: 'Northwind Cyber',
  timeZone: 'Europe/Berlin',
  recipientName: 'Casey',
  frequency: 'daily',
  settingsUrl: `${portal}/#/settings/notifications`,
  notifications: [
    entry(1, 'Acme: 92 % of licences used', 'licences', 'Acme', '2026-11-26T06:00:00.000Z'),
    entry(2, '<b>2 new</b> critical findings at Globex', 'findings', 'Globex & Sons', '2026-11-26T05:00:00.000Z'),
    entry(3, 'Weekly scan of Initech finished', 'scans', 'Initech', '2026-11-26T04:00:00.000Z'),
    entry(4, 'Something else', undefined, 'Umbrella', '2026-11-26T03:00:00.000Z'),
  ],
};

describe('notification email', () => {
  test('a digest groups entries by category in the settings order, each with its organisation, local time and link', () => {
    const { subject, html, text } = renderEmail('notification', digest);
    assert.equal(subject, 'Your daily digest: 4 notifications');
    const order = ['Licences (1)', 'Scans (1)', 'Findings (1)', 'Other (1)'].map((h) => text.indexOf(h));
    assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)), `groups in order: ${order.join(', ')}`);
    assert.ok(text.includes('Acme · 26 Nov, 07:00 CET'), 'the time in the recipient’s zone');
    for (const e of digest.notifications) {
      assert.ok(text.includes(e.url!), e.url);
      assert.ok(html.includes(`href="${e.url}"`), e.url);
    }
    assert.ok(text.includes(`${portal}/#/settings/notifications`));
    // Values are escaped in the HTML part.
    assert.ok(html.includes('&lt;b&gt;2 new&lt;/b&gt; critical findings'));
    assert.ok(html.includes('Globex &amp; Sons'));
    assert.ok(!html.includes('<b>2 new</b>'));
    assert.ok(html.includes('role="presentation"'));
    assert.equal(renderEmail('notification', { ...digest, frequency: 'weekly' }).subject, 'Your weekly digest: 4 notifications');
  });

  test('one notification as it happens: its title is the subject, with the organisation and a button to it', () => {
    const one = { ...digest, frequency: 'immediate' as const, notifications: [digest.notifications[0]!] };
    const { subject, text, html } = renderEmail('notification', one);
    assert.equal(subject, 'Acme: 92 % of licences used');
    assert.ok(text.includes('Organisation: Acme'));
    assert.ok(text.includes('Category: Licences'));
    assert.ok(text.includes(`Open Acme:\n${digest.notifications[0]!.url}`));
    assert.ok(html.includes('Open Acme</a>'));
    assert.equal(emailContent('notification', one).subject, subject);
    // Several arriving together are listed like a digest.
    assert.equal(renderEmail('notification', { ...digest, frequency: 'immediate' }).subject, '4 notifications for you');
  });

  test('rows recorded without sender, category or times still render', () => {
    const { subject, text } = renderEmail('notification', { notifications: [{ tenantId: digest.notifications[0]!.tenantId, id: digest.notifications[0]!.id, title: 'Acme uses 9 of 10 asset licences' }] });
    assert.equal(subject, 'Acme uses 9 of 10 asset licences');
    assert.ok(text.startsWith('Portico\n'));
  });

  test('data that does not fit is refused when queued', () => {
    assert.throws(() => emailContent('notification', { ...digest, notifications: [] }), /notifications/);
    assert.throws(() => emailContent('notification', { ...digest, notifications: [{ ...digest.notifications[0]!, url: 'javascript:alert(1)' }] }), /url/);
  });
});
