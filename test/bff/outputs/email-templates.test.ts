import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { escapeHtml } from '../../../bff/outputs/email/layout.js';
import { EmailDataError, emailContent, longDateTime, renderEmail, type EmailData } from '../../../bff/outputs/email/templates.js';

/**
 * Every email renders to a mail-client-safe HTML part and a plain-text part with the same
 * content; nothing taken from stored data reaches the HTML unescaped.
 */

const invite: EmailData['invite'] = {
  mspName: 'Northwind Cyber',
  customerName: 'Acme & Sons',
  inviterName: 'Sam Admin',
  inviteeName: 'Dana Reyes',
  inviteUrl: 'https://portal.northwind.example/accept-invite?token=abc123&x=1',
  expiresAt: '2026-11-28T14:00:00.000Z',
};
const deleted: EmailData['tenant-deleted'] = {
  mspName: 'Northwind Cyber',
  customerName: 'Globex',
  requestedByName: 'Sam Admin',
  requestedAt: '2026-11-20T09:30:00.000Z',
  purgedAt: '2026-11-20T09:31:12.000Z',
  timeZone: 'Europe/Berlin',
};
const threshold: EmailData['licence-threshold'] = {
  mspName: 'Northwind Cyber',
  customerName: 'Initech',
  model: 'per_asset',
  used: 46,
  quota: 50,
  level: 'warning',
  warnAt: 0.9,
};

/** The text a reader sees in the HTML part: tags dropped, entities decoded. */
function visibleText(html: string): string {
  const body = html.replace(/^[\s\S]*?<body[^>]*>/, '').replace(/<div style="display:none[\s\S]*?<\/div>/, '');
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp|zwnj|#847);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ', zwnj: '', '#847': '' })[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('email templates', () => {
  test('an invite without invitee or inviter names still reads well', () => {
    const { inviteeName: _a, inviterName: _b, ...bare } = invite;
    const { text } = renderEmail('invite', bare);
    assert.ok(text.includes('Hello,\n'));
    assert.ok(text.includes('Northwind Cyber has invited you to the security portal of Acme & Sons.'));
  });

  test('the invite names the organisation, carries the link as a button and writes the expiry out', () => {
    const email = renderEmail('invite', invite);
    assert.equal(email.subject, 'Northwind Cyber invited you to Acme & Sons');
    const expiry = 'Saturday, 28 November 2026 at 14:00 UTC';
    assert.equal(longDateTime(invite.expiresAt), expiry);
    assert.ok(email.text.includes(invite.inviteUrl), 'text part has the link');
    assert.ok(email.text.includes(expiry));
    // In the HTML the link is attribute-escaped (& → &amp;) and appears as the button and the fallback.
    const href = `href="${escapeHtml(invite.inviteUrl)}"`;
    assert.equal(email.html.split(href).length - 1, 2);
    assert.match(email.html, /<td align="center" bgcolor="#1f4fd1"[^>]*><a href="[^"]+"[^>]*>Accept invitation<\/a>/);
    assert.ok(visibleText(email.html).includes(`expires on ${expiry}`));
    assert.ok(email.html.includes('Acme &amp; Sons'));
  });

  test('the HTML part is built for mail clients: tables, inline styles, a 600px column and a preheader', () => {
    for (const [kind, data] of [['invite', invite], ['tenant-deleted', deleted], ['licence-threshold', threshold]] as const) {
      const { html } = renderEmail(kind, data);
      assert.match(html, /^<!doctype html>/);
      assert.match(html, /max-width:600px/);
      assert.match(html, /<table role="presentation"/);
      assert.doesNotMatch(html, /<style|<link|<script|<svg|class="/i, `${kind}: no stylesheet, script, SVG or classes`);
      assert.match(html, /<div style="display:none;[^"]*">[^<]+/, `${kind}: has a preheader`);
      assert.ok(html.includes('Northwind Cyber'), `${kind}: the MSP is the sender line`);
    }
  });

  test('the text part says what the HTML part says', () => {
    for (const [kind, data] of [['invite', invite], ['tenant-deleted', deleted], ['licence-threshold', threshold]] as const) {
      const { html, text } = renderEmail(kind, data);
      const visible = visibleText(html);
      // Every line of the text part (but the underline and the link label's colon) is in the HTML.
      for (const line of text.split('\n').map(squash).filter((l) => l && !/^[=-]+$/.test(l))) {
        const needle = line.replace(/:$/, '').replace(/^([^:]+): (.*)$/, '$1 $2');
        assert.ok(squash(visible).includes(needle), `${kind}: "${needle}" missing from the HTML`);
      }
    }
  });

  test('values from the data are escaped in the HTML part and kept verbatim in the text part', () => {
    const evil = '<script>alert("x")</script> & Co';
    const email = renderEmail('invite', { ...invite, customerName: evil, inviteeName: `"><img src=x onerror=alert(1)>` });
    assert.ok(!email.html.includes('<script>'));
    assert.ok(!email.html.includes('<img'));
    assert.ok(email.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co'));
    assert.ok(email.text.includes(evil));
  });

  test('escaping holds for any customer name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), (raw) => {
        // Fenced, so the name cannot match a piece of the surrounding markup by accident.
        const name = `QQ${raw}QQ`;
        const { html } = renderEmail('licence-threshold', { ...threshold, customerName: name });
        // The markup is exactly that of a harmless name, with the escaped name in its place.
        const plain = renderEmail('licence-threshold', { ...threshold, customerName: 'QQPLACEHOLDERQQ' }).html;
        assert.equal(html.split(escapeHtml(name)).join('QQPLACEHOLDERQQ'), plain);
      }),
      { numRuns: 200 },
    );
  });

  test('the deletion confirmation gives both dates in the MSP time zone', () => {
    const { text, subject } = renderEmail('tenant-deleted', deleted);
    assert.equal(subject, 'Globex has been deleted');
    assert.ok(text.includes('Requested: Friday, 20 November 2026 at 10:30 CET'));
    assert.ok(text.includes('Completed: Friday, 20 November 2026 at 10:31 CET'));
    assert.ok(text.includes('Requested by: Sam Admin'));
    // What the purge job records: no requester name, and the number of rows removed.
    const { requestedByName: _, ...fromPurge } = deleted;
    const purged = renderEmail('tenant-deleted', { ...fromPurge, requestedAt: null, rowsDeleted: 1234 }).text;
    assert.ok(!purged.includes('Requested'));
    assert.ok(purged.includes('Records removed: 1,234'));
  });

  test('the threshold alert distinguishes a warning from an exhausted quota, with the period for per-scan', () => {
    assert.equal(renderEmail('licence-threshold', threshold).subject, 'Initech: 92 % of licences used');
    const perScan = renderEmail('licence-threshold', {
      ...threshold,
      model: 'per_scan',
      used: 20,
      quota: 20,
      level: 'exhausted',
      warnAt: 0.8,
      period: { start: '2026-11-01T00:00:00.000Z', end: '2026-11-30T23:59:59.000Z' },
      customerUrl: 'https://portal.northwind.example/#/customers/1',
    });
    assert.equal(perScan.subject, 'Initech: no scans left');
    assert.ok(perScan.text.includes('between 1 November 2026 and 30 November 2026'));
    assert.ok(perScan.text.includes('Open customer:\nhttps://portal.northwind.example/#/customers/1'));
  });

  test('stored data that does not fit its kind is refused, never rendered half-way', () => {
    assert.throws(() => renderEmail('invite', { ...invite, inviteUrl: 'javascript:alert(1)' }), EmailDataError);
    assert.throws(() => renderEmail('invite', { ...invite, expiresAt: 'next week' }), EmailDataError);
    assert.throws(() => renderEmail('tenant-deleted', {}), EmailDataError);
    assert.throws(() => renderEmail('nope' as never, {}), EmailDataError);
  });

  test('emailContent gives queueEmail the subject the message is sent with', () => {
    const content = emailContent('invite', invite);
    assert.equal(content.kind, 'invite');
    assert.equal(content.subject, renderEmail('invite', invite).subject);
    assert.deepEqual(content.data, invite);
  });

  test('a theme can restyle the email without changing what it says', () => {
    const themed = renderEmail('invite', invite, { theme: { colorPrimary: '#aa0044' } });
    assert.match(themed.html, /bgcolor="#aa0044"/);
    assert.equal(themed.text, renderEmail('invite', invite).text);
  });
});
