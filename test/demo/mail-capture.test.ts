import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { outboxRoutes, startMailCapture, type MailCapture, type OutboxEntry } from '../../demo/mail-capture.js';
import { renderEmail } from '../../bff/outputs/email/templates.js';
import { smtpTransport } from '../../bff/outputs/email/transport.js';

/** The demo's local outbox: what the sender delivers to it is listed and readable by the portal. */

describe('demo mail capture', () => {
  let dir: string;
  let capture: MailCapture;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-outbox-'));
    capture = await startMailCapture(path.join(dir, 'outbox'));
  });
  after(async () => {
    await capture?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a delivered message is stored as .eml, listed and served with both parts', async () => {
    const transport = smtpTransport(capture.url, 'Portico <no-reply@portico.test>');
    const email = renderEmail('invite', {
      mspName: 'Northwind Cyber',
      customerName: 'Acme <b>Corp</b>',
      inviteUrl: 'http://localhost:8787/accept-invite?token=t1',
      expiresAt: '2026-11-28T14:00:00.000Z',
    });
    await transport.send({ ...email, fromName: email.senderName, to: ['dana@acme.example'], messageId: '<m1@portico>' });

    const files = fs.readdirSync(capture.dir);
    assert.equal(files.filter((f) => f.endsWith('.eml')).length, 1);
    const routes = outboxRoutes(capture.dir);
    const list = (await (await routes.request('/demo/outbox')).json()) as { location: string; items: OutboxEntry[] };
    assert.equal(list.location, capture.dir);
    assert.equal(list.items.length, 1);
    const [entry] = list.items;
    assert.equal(entry?.to, 'dana@acme.example');
    assert.equal(entry?.subject, email.subject);

    const one = (await (await routes.request(`/demo/outbox/${entry!.id}`)).json()) as { html: string; text: string };
    assert.ok(one.text.includes('http://localhost:8787/accept-invite?token=t1'));
    assert.ok(one.html.includes('Acme &lt;b&gt;Corp&lt;/b&gt;'));

    const page = await routes.request(`/demo/outbox/${entry!.id}/html`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*sandbox/);
  });

  test('unknown or malformed message ids are 404, never a path outside the outbox', async () => {
    const routes = outboxRoutes(capture.dir);
    for (const id of ['nope', '..%2F..%2Fetc%2Fpasswd', '2026-01-01T00-00-00-000Z-abcdef']) {
      assert.equal((await routes.request(`/demo/outbox/${id}`)).status, 404, id);
      assert.equal((await routes.request(`/demo/outbox/${id}/html`)).status, 404, id);
    }
  });
});
