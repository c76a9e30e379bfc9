import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Hono } from 'hono';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The demo's mail catcher. With no SMTP_URL, `npm start` points the email sender at this
 * SMTP server on 127.0.0.1, so invites and alerts travel the same path as in production and
 * end up in `<dataDir>/outbox/` (one .eml file per message, plus its parsed headers) instead
 * of a real inbox. The portal's Outbox panel reads them through the routes below.
 */

export interface OutboxEntry {
  id: string;
  date: string;
  from: string;
  to: string;
  subject: string;
}

export interface MailCapture {
  /** `smtp://127.0.0.1:<port>`, the demo's SMTP_URL. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Sortable by time, and safe as a file name and a URL segment. */
const newId = () => `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
const validId = /^[0-9TZ-]+-[0-9a-f]{6}$/;

const addresses = (to: AddressObject | AddressObject[] | undefined) => (Array.isArray(to) ? to.map((a) => a.text).join(', ') : (to?.text ?? ''));

export async function startMailCapture(dir: string): Promise<MailCapture> {
  fs.mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((mail) => {
            const id = newId();
            const entry: OutboxEntry = {
              id,
              date: (mail.date ?? new Date()).toISOString(),
              from: addresses(mail.from),
              to: addresses(mail.to),
              subject: mail.subject ?? '',
            };
            fs.writeFileSync(path.join(dir, `${id}.eml`), raw);
            fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(entry, null, 2));
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, dir, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function listOutbox(dir: string): OutboxEntry[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .reverse()
    .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as OutboxEntry);
}

async function readMessage(dir: string, id: string) {
  if (!validId.test(id)) return null;
  const file = path.join(dir, `${id}.eml`);
  if (!fs.existsSync(file)) return null;
  const mail = await simpleParser(fs.readFileSync(file));
  return { mail, entry: JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8')) as OutboxEntry };
}

/**
 * What the email's HTML may do when the portal shows it: render its inline styles and
 * embedded images, nothing else — no scripts, requests, forms or navigation of the portal.
 * The portal's own CSP (inherited by a srcdoc frame) forbids inline styles, so the message is
 * served from its own URL with this policy instead.
 */
const messageCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

/** GET /demo/outbox (newest first), /demo/outbox/{id} (both parts), /demo/outbox/{id}/html. */
export function outboxRoutes(dir: string) {
  const app = new Hono();
  app.get('/demo/outbox', (c) => c.json({ location: dir, items: listOutbox(dir) }, 200, { 'cache-control': 'no-store' }));
  app.get('/demo/outbox/:id', async (c) => {
    const found = await readMessage(dir, c.req.param('id'));
    if (!found) return c.json({ title: 'No such message' }, 404);
    return c.json({ ...found.entry, html: found.mail.html || null, text: found.mail.text ?? null }, 200, { 'cache-control': 'no-store' });
  });
  app.get('/demo/outbox/:id/html', async (c) => {
    const found = await readMessage(dir, c.req.param('id'));
    if (!found || !found.mail.html) return c.text('No HTML part', 404);
    return c.html(found.mail.html, 200, {
      'content-security-policy': messageCsp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
  });
  return app;
}
