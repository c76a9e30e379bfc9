import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { AddressObject } from 'mailparser';
import type { Config } from '../../../bff/config.js';
import { emailMessages } from '../../../bff/db/schema.js';
import { deliverEmail, emailWorker, messageIdOf } from '../../../bff/jobs/email.js';
import { startJobs, type JobRunner } from '../../../bff/jobs/index.js';
import { queueEmail, sendQueued } from '../../../bff/outputs/email/queue.js';
import { emailContent, type EmailData } from '../../../bff/outputs/email/templates.js';
import { smtpTransport } from '../../../bff/outputs/email/transport.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../helpers/smtp.js';

/**
 * The 'email-send' worker against a real SMTP server in the test process: what the server
 * receives for each kind, retries after a refused delivery, no second copy of a sent message,
 * the start-up sweep, and the rows' status afterwards.
 */

const invite: EmailData['invite'] = {
  mspName: 'Northwind Cyber',
  customerName: 'Acme <script>alert(1)</script>',
  inviterName: 'Sam Admin',
  inviteUrl: 'https://portal.northwind.example/accept-invite?token=tok_123&lang=en',
  expiresAt: '2026-11-28T14:00:00.000Z',
};
const deleted: EmailData['tenant-deleted'] = {
  mspName: 'Northwind Cyber',
  customerName: 'Globex',
  requestedAt: '2026-11-20T09:30:00.000Z',
  purgedAt: '2026-11-20T09:31:00.000Z',
  rowsDeleted: 42,
};
const threshold: EmailData['licence-threshold'] = {
  mspName: 'Northwind Cyber',
  customerName: 'Initech',
  model: 'per_scan',
  used: 17,
  quota: 20,
  level: 'warning',
  warnAt: 0.8,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The sender and the purge (whose confirmation is mailed); not the report-schedules tick, whose
 * minute cron could send a seeded schedule's summary whenever a slot falls inside a run and
 * take a refusal a test armed for its own message.
 */
const WORKERS = ['email-send', 'tenant-purge'] as const;
const toText = (to: AddressObject | AddressObject[] | undefined) => (Array.isArray(to) ? to.map((a) => a.text).join(', ') : (to?.text ?? ''));

for (const backend of backends) {
  describe(`email sender (${backend})`, () => {
    let world: World;
    let smtp: TestSmtpServer;
    let config: Config;
    let runner: JobRunner | undefined;

    before(async () => {
      world = await seededWorld(backend, { customers: 4 });
      smtp = await startSmtpServer();
      config = { ...world.config, smtpUrl: smtp.url, mailFrom: 'Portico <no-reply@portico.test>' };
      runner = await startJobs(world.database, config, { work: WORKERS });
    });
    after(async () => {
      await runner?.stop();
      await smtp?.stop();
      await world?.close();
    });

    /** Records a message as a request would; `send: false` leaves it without a job. */
    async function queue<K extends keyof EmailData>(kind: K, data: EmailData[K], to: string[], send = true) {
      const ref = await queueEmail(world.database.db, { tenantId: world.orgs.mspA, to, ...emailContent(kind, data) });
      if (send) await sendQueued(runner?.jobs, [ref]);
      return ref;
    }

    async function row(id: string) {
      const [found] = await world.database.db.select().from(emailMessages).where(and(eq(emailMessages.tenantId, world.orgs.mspA), eq(emailMessages.id, id)));
      assert.ok(found, `email ${id} exists`);
      return found;
    }

    async function waitForStatus(id: string, status: string, timeoutMs = 40_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const current = await row(id);
        if (current.status === status) return current;
        if (Date.now() > until) assert.fail(`email ${id} is ${current.status}, expected ${status}`);
        await sleep(200);
      }
    }

    const copiesOf = (id: string): ReceivedMail[] => smtp.received.filter((m) => m.mail.messageId === messageIdOf(id));

    test('an invite arrives with subject, recipient, both parts, the link in each and every value escaped', async () => {
      const ref = await queue('invite', invite, ['dana@acme.example']);
      const sent = await waitForStatus(ref.id, 'sent');
      const [message] = copiesOf(ref.id);
      assert.ok(message, 'the server received the invite');
      const { mail, envelope } = message;

      assert.deepEqual(envelope.to, ['dana@acme.example']);
      assert.equal(envelope.from, 'no-reply@portico.test');
      assert.equal(toText(mail.to), 'dana@acme.example');
      assert.equal(mail.from?.value[0]?.name, 'Northwind Cyber');
      assert.equal(mail.subject, 'Northwind Cyber invited you to Acme <script>alert(1)</script>');
      assert.equal(mail.messageId, `<${ref.id}@portico>`);

      assert.ok(mail.text?.includes(invite.inviteUrl), 'the text part has the link');
      assert.ok(mail.text?.includes('Saturday, 28 November 2026 at 14:00 UTC'), 'the text part has the expiry');
      const html = mail.html || '';
      assert.ok(html.includes('href="https://portal.northwind.example/accept-invite?token=tok_123&amp;lang=en"'), 'the HTML part links the invite');
      assert.ok(html.includes('Acme &lt;script&gt;alert(1)&lt;/script&gt;'), 'the customer name is escaped');
      assert.ok(!html.includes('<script>'), 'no markup from the data');

      assert.equal(sent.attempts, 1);
      assert.equal(sent.messageId, `<${ref.id}@portico>`);
      assert.ok(sent.sentAt);
      assert.equal(sent.error, null);
      assert.equal((sent.data as Record<string, unknown>).inviteUrl, undefined, 'the link is not kept once sent');
    });

    test('the deletion confirmation and the licence alert go out with their subjects to every recipient', async () => {
      const gone = await queue('tenant-deleted', deleted, ['sam@northwind.example']);
      const alert = await queue('licence-threshold', threshold, ['admin1@northwind.example', 'admin2@northwind.example']);
      await waitForStatus(gone.id, 'sent');
      await waitForStatus(alert.id, 'sent');

      const [goneMail] = copiesOf(gone.id);
      assert.equal(goneMail?.mail.subject, 'Globex has been deleted');
      assert.deepEqual(goneMail?.envelope.to, ['sam@northwind.example']);
      assert.ok(goneMail?.mail.text?.includes('Records removed: 42'));
      assert.ok((goneMail?.mail.html || '').includes('Records removed'));

      const [alertMail] = copiesOf(alert.id);
      assert.equal(alertMail?.mail.subject, 'Initech: 85 % of scans used');
      assert.deepEqual(alertMail?.envelope.to, ['admin1@northwind.example', 'admin2@northwind.example']);
      assert.ok(alertMail?.mail.text?.includes('17 of 20 (85 %)'));
      assert.ok((alertMail?.mail.html || '').includes('17 of 20 (85 %)'));
    });

    test('a delivery the server defers is retried and arrives exactly once', async () => {
      smtp.failNext(1, 451);
      const refusedBefore = smtp.refused;
      const ref = await queue('tenant-deleted', { ...deleted, customerName: 'Retry Corp' }, ['sam@northwind.example']);
      const sent = await waitForStatus(ref.id, 'sent');
      assert.equal(smtp.refused, refusedBefore + 1, 'the first attempt was refused');
      assert.equal(sent.attempts, 2);
      assert.equal(sent.error, null);
      await sleep(1500);
      assert.equal(copiesOf(ref.id).length, 1);
    });

    test('a message already sent is not sent again when its job runs twice', async () => {
      const ref = await queue('tenant-deleted', { ...deleted, customerName: 'Twice Ltd' }, ['sam@northwind.example']);
      await waitForStatus(ref.id, 'sent');
      const jobId = await runner!.jobs.send('email-send', ref);
      assert.ok(jobId, 'a second job was queued');
      for (let i = 0; i < 100; i++) {
        const job = await runner!.boss.getJobById('email-send', jobId, { includeArchive: true });
        if (job?.state === 'completed') break;
        await sleep(200);
      }
      assert.equal((await runner!.boss.getJobById('email-send', jobId, { includeArchive: true }))?.state, 'completed');
      assert.equal(copiesOf(ref.id).length, 1);
      assert.equal((await row(ref.id)).attempts, 1);
    });

    test('the routes\' email arrives: a main user accepts with the link from the invite, and the requester of a deletion gets the confirmation', async () => {
      world.deps.jobs = runner!.jobs;
      const admin = await world.staffToken('A', 'admin');
      const json = { 'content-type': 'application/json' };
      const res = await world.request('/v1/customers', {
        method: 'POST',
        token: admin,
        headers: json,
        body: JSON.stringify({
          accountType: 'customer',
          name: 'Linden <Bakery>',
          country: 'DE',
          address: { line1: 'Lindenallee 4', postalCode: '20259', city: 'Hamburg' },
          plan: 'trial',
          licenceModel: 'per_asset',
          mainUser: { name: 'Greta Linden', email: 'greta@linden.example' },
        }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const created = (await res.json()) as { id: string };

      const invite = await (async () => {
        for (let i = 0; i < 150; i++) {
          const found = smtp.received.find((m) => m.envelope.to.includes('greta@linden.example'));
          if (found) return found;
          await sleep(200);
        }
        assert.fail('no invite arrived');
      })();
      assert.ok((invite.mail.html || '').includes('Linden &lt;Bakery&gt;'));
      const link = /https?:\/\/\S+\/accept-invite\?token=\S+/.exec(invite.mail.text ?? '')?.[0];
      assert.ok(link, 'the text part carries the link');
      const token = new URL(link).searchParams.get('token');
      const accepted = await world.request('/v1/invites/accept', { method: 'POST', headers: json, body: JSON.stringify({ token }) });
      assert.equal(accepted.status, 200, await accepted.clone().text());

      const current = await world.request(`/v1/customers/${created.id}`, { token: admin });
      const deletion = await world.request(`/v1/customers/${created.id}/deletion`, {
        method: 'POST',
        token: admin,
        headers: { ...json, 'if-match': current.headers.get('etag') ?? '' },
        body: JSON.stringify({ confirm: 'DELETE' }),
      });
      assert.equal(deletion.status, 202, await deletion.clone().text());
      for (let i = 0; i < 200 && !smtp.received.some((m) => m.mail.subject === 'Linden <Bakery> has been deleted'); i++) await sleep(200);
      const confirmation = smtp.received.find((m) => m.mail.subject === 'Linden <Bakery> has been deleted');
      assert.ok(confirmation, 'the deletion confirmation arrived');
      assert.equal(confirmation.envelope.to.length, 1);
      assert.match(confirmation.mail.text ?? '', /Completed: /);
      delete world.deps.jobs;
    });

    test('with no SMTP_URL mail stays queued; the start-up sweep sends what was queued while no sender ran', async () => {
      await runner?.stop();
      runner = undefined;
      // A process without SMTP configured records and enqueues, but sends nothing.
      const unconfigured = await startJobs(world.database, { ...config, smtpUrl: undefined }, { work: WORKERS });
      const pending = await queueEmail(world.database.db, { tenantId: world.orgs.mspA, to: ['a@x.example'], ...emailContent('tenant-deleted', { ...deleted, customerName: 'Waiting One' }) });
      await sendQueued(unconfigured.jobs, [pending]);
      // …and a request that committed without reaching the queue at all.
      const orphan = await queue('tenant-deleted', { ...deleted, customerName: 'Waiting Two' }, ['b@x.example'], false);
      await sleep(2500);
      assert.equal((await row(pending.id)).status, 'queued');
      assert.equal(copiesOf(pending.id).length, 0);
      await unconfigured.stop();

      runner = await startJobs(world.database, config, { work: WORKERS });
      await waitForStatus(pending.id, 'sent');
      await waitForStatus(orphan.id, 'sent');
      await sleep(1500);
      assert.equal(copiesOf(pending.id).length, 1);
      assert.equal(copiesOf(orphan.id).length, 1);
    });

    test('the sweep picks up a message left sending by a dead process once a job would have expired, not before', async () => {
      const insert = (customerName: string, createdAt: Date) =>
        world.database.db
          .insert(emailMessages)
          .values({ tenantId: world.orgs.mspA, to: ['e@x.example'], status: 'sending', attempts: 1, createdAt, ...emailContent('tenant-deleted', { ...deleted, customerName }) })
          .returning();
      const [stale] = await insert('Stale Sending', new Date(Date.now() - 60 * 60_000));
      const [recent] = await insert('Recent Sending', new Date());
      await emailWorker.sweep({ boss: runner!.boss, database: world.database, config, now: () => new Date() });
      const sent = await waitForStatus(stale!.id, 'sent');
      assert.equal(sent.attempts, 2);
      await sleep(2500);
      assert.equal((await row(recent!.id)).status, 'sending');
      assert.equal(copiesOf(recent!.id).length, 0);
    });

    test('a refused last retry, a permanent refusal and unrenderable data mark the message failed', async () => {
      const transport = smtpTransport(smtp.url, config.mailFrom);
      const ctx = { database: world.database, now: () => new Date() };

      const last = await queue('tenant-deleted', { ...deleted, customerName: 'Last Try' }, ['c@x.example'], false);
      smtp.failNext(1, 451);
      await assert.rejects(deliverEmail(ctx, transport, { data: last, retryCount: 8, retryLimit: 8 }));
      const lastRow = await row(last.id);
      assert.equal(lastRow.status, 'failed');
      assert.match(lastRow.error ?? '', /451/);

      const early = await queue('tenant-deleted', { ...deleted, customerName: 'Early Try' }, ['c@x.example'], false);
      smtp.failNext(1, 451);
      await assert.rejects(deliverEmail(ctx, transport, { data: early, retryCount: 0, retryLimit: 8 }));
      assert.equal((await row(early.id)).status, 'queued', 'queued again for the next retry');

      const refused = await queue('tenant-deleted', { ...deleted, customerName: 'No Such Box' }, ['c@x.example'], false);
      smtp.failNext(1, 550);
      assert.equal(await deliverEmail(ctx, transport, { data: refused, retryCount: 0, retryLimit: 8 }), 'failed');
      assert.equal((await row(refused.id)).status, 'failed');

      const [broken] = await world.database.db
        .insert(emailMessages)
        .values({ tenantId: world.orgs.mspA, kind: 'invite', to: ['d@x.example'], subject: 'x', data: { mspName: 'Northwind Cyber', customerName: 'No Link Ltd' } })
        .returning();
      assert.equal(await deliverEmail(ctx, transport, { data: { tenantId: broken!.tenantId, id: broken!.id }, retryCount: 0, retryLimit: 8 }), 'failed');
      assert.match((await row(broken!.id)).error ?? '', /invite email data is invalid/);
      assert.equal(copiesOf(broken!.id).length, 0);
    });
  });
}
