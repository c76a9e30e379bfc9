import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { signReportLink } from '../../../bff/auth/report-links.js';
import { SigningKeys } from '../../../bff/auth/signing-keys.js';
import type { Config } from '../../../bff/config.js';
import { queryRows } from '../../../bff/db/client.js';
import { startJobs, type JobRunner } from '../../../bff/jobs/index.js';
import { REPORT_SCHEDULES_QUEUE, reportSchedulesWorker, runDueSchedules } from '../../../bff/jobs/report-schedules.js';
import { brandCustomer, PNG_1x1 } from '../../helpers/branding.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { readPdf } from '../../helpers/pdf.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../helpers/smtp.js';

/**
 * The executive report by email, against a real SMTP server in the test process: what arrives
 * (both parts, the inline logo, the brand colour, the figures, a working signed link), links
 * refused when altered or expired, send-now idempotency, who may send, schedules (CRUD,
 * If-Match, validation) and the schedule tick (one send per slot, even with two ticks at once;
 * a refused delivery retried without a second copy), and the schedules worker's cron and
 * start-up tick.
 */

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The 30 days up to yesterday: inside the seeded history, so the report has a score. */
const TO = isoDay(Date.now() - DAY);
const FROM = isoDay(Date.now() - 30 * DAY);
const longDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const json = { 'content-type': 'application/json' };

interface Send { id: string; emailId: string; recipients: string[]; period: { from: string; to: string }; status: string; scheduleId: string | null }
interface Schedule { id: string; frequency: string; weekday: number | null; dayOfMonth: number | null; sendTime: string; timeZone: string; nextRunAt: string | null; version: number }
interface Report { customer: { name: string }; posture: { score: number | null }; findingsBySeverity: Record<string, number>; brand: { colorPrimary: string } }

for (const backend of backends) {
  describe(`executive report by email (${backend})`, () => {
    let world: World;
    let smtp: TestSmtpServer;
    let config: Config;
    let runner: JobRunner;
    let admin: string;
    let customer: string;
    let logoId: string;

    const owner = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);

    before(async () => {
      smtp = await startSmtpServer();
      world = await seededWorld(backend, { customers: 8, config: { portalUrl: 'http://portal.test' } });
      config = { ...world.config, smtpUrl: smtp.url, mailFrom: 'Portico <no-reply@portico.test>' };
      // Only the email sender runs: the schedule tick is the tests' own (`runDueSchedules`), so no
      // minute cron or start-up tick takes a slot before a test has armed its assertions.
      runner = await startJobs(world.database, config, { keys: world.deps.keys, work: ['email-send'] });
      world.deps.jobs = runner.jobs;
      admin = await world.staffToken('A', 'admin');
      customer = world.orgs.customersA.find((c) => world.orgs.assignedA.includes(c))!;
      logoId = await brandCustomer(world, customer, '#7b1fa2');
    });
    after(async () => {
      await runner?.stop();
      await smtp?.stop();
      await world?.close();
    });

    const sendNow = (id: string, body: unknown, token = admin, key?: string) =>
      world.request(`/v1/customers/${id}/reports/executive/email`, { method: 'POST', token, headers: { ...json, ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) });

    async function arrived(predicate: (m: ReceivedMail) => boolean, timeoutMs = 40_000): Promise<ReceivedMail> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = smtp.received.find(predicate);
        if (found) return found;
        if (Date.now() > until) assert.fail('the email did not arrive');
        await sleep(200);
      }
    }
    const copies = (emailId: string) => smtp.received.filter((m) => m.mail.messageId === `<${emailId}@portico>`);
    async function emailRow(id: string) {
      const [row] = await owner<{ status: string; attempts: number; data: Record<string, unknown> }>(sql`select status::text as status, attempts, data from email_messages where id = ${id}::uuid`);
      return row!;
    }
    async function waitForStatus(id: string, status: string) {
      for (let i = 0; i < 200; i++) {
        if ((await emailRow(id)).status === status) return emailRow(id);
        await sleep(200);
      }
      assert.fail(`email ${id} never became ${status}`);
    }
    /** Waits until no message is queued or being sent, so the next SMTP refusal hits the next message. */
    async function mailIdle() {
      for (let i = 0; i < 200; i++) {
        const [busy] = await owner<{ n: number }>(sql`select count(*)::int as n from email_messages where status in ('queued', 'sending')`);
        if (!busy?.n) return;
        await sleep(200);
      }
      assert.fail('earlier mail is still being sent');
    }
    const workerCtx = () => ({ boss: runner.boss, database: world.database, config, now: () => new Date(), keys: world.deps.keys });

    test('the summary arrives with both parts, the inline logo, the brand colour, the figures and a link to the PDF that works', async () => {
      const report = (await (await world.request(`/v1/customers/${customer}/reports/executive?from=${FROM}&to=${TO}`, { token: admin })).json()) as Report;
      assert.ok(report.posture.score !== null, 'the seeded customer has a score');
      const res = await sendNow(customer, { recipients: ['cfo@acme.example', 'it@acme.example'], from: FROM, to: TO });
      assert.equal(res.status, 202, await res.clone().text());
      const sent = (await res.json()) as Send;
      assert.deepEqual(sent.period, { from: FROM, to: TO });
      assert.equal(sent.status, 'queued');

      const { mail, envelope, raw } = await arrived((m) => m.mail.messageId === `<${sent.emailId}@portico>`);
      assert.deepEqual(envelope.to, ['cfo@acme.example', 'it@acme.example']);
      const name = report.customer.name;
      assert.equal(mail.subject, `${name} security summary, ${longDay(FROM)} – ${longDay(TO)}`);
      const html = mail.html || '';
      const text = mail.text ?? '';
      assert.ok(html.includes('#7b1fa2'), 'the HTML is in the brand colour');
      assert.ok(!/<svg|<link|<script/i.test(html), 'no SVG, external CSS or scripts');
      assert.ok(html.includes('role="presentation"'));
      for (const [part, body] of [['HTML', html], ['text', text]] as const) {
        assert.ok(body.includes(name.replaceAll('&', part === 'HTML' ? '&amp;' : '&')), `the ${part} part names the customer`);
        assert.ok(body.includes(`${report.posture.score} / 100`), `the ${part} part has the score`);
        assert.ok(body.includes(`${report.findingsBySeverity.critical} critical`), `the ${part} part has the critical count`);
        assert.ok(body.includes('This link works until'), `the ${part} part states the expiry`);
        assert.ok(/Prepared by .+ for /.test(body), `the ${part} part has the attribution`);
      }
      // The logo: an inline PNG part whose Content-ID the <img> names.
      const logo = mail.attachments.find((a) => a.contentType === 'image/png');
      assert.ok(logo, 'the logo is attached');
      assert.equal(logo.contentDisposition, 'inline');
      // The parser above inlines cid: images as data URLs; read the raw HTML part for the reference.
      const rawHtml = (await simpleParser(raw, { skipImageLinks: true })).html || '';
      assert.ok(rawHtml.includes(`src="cid:${logo.cid}"`), 'the img refers to the attachment');
      assert.deepEqual(Buffer.from(logo.content), PNG_1x1);

      const link = /http:\/\/portal\.test\/v1\/report-links\/[A-Za-z0-9_.-]+/.exec(text)?.[0];
      assert.ok(link, 'the text part has the link');
      assert.ok(html.includes(`href="${link}"`), 'the button links to it');
      const pdf = await world.request(link.replace('http://portal.test', ''));
      assert.equal(pdf.status, 200, pdf.status === 200 ? '' : await pdf.text());
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
      assert.ok(readPdf(bytes).some((p) => p.lines.some((l) => l.includes(name))), 'the PDF names the customer');

      // Once sent, the stored row no longer holds the link.
      const row = await waitForStatus(sent.emailId, 'sent');
      assert.equal(row.data.reportUrl, undefined);

      // The send is listed with its delivery status.
      const list = (await (await world.request(`/v1/customers/${customer}/report-sends`, { token: admin })).json()) as { items: Send[] };
      assert.equal(list.items[0]?.id, sent.id);
      assert.equal(list.items[0]?.status, 'sent');
    });

    test('a link that was altered, expired, or whose sender lost access is refused', async () => {
      const [am] = await owner<{ id: string }>(sql`select u.id from users u join role_assignments r on r.user_id = u.id where u.tenant_id = ${world.orgs.mspA}::uuid and r.role = 'msp_account_manager'`);
      const period = { from: '2026-01-01', to: '2026-01-31' };
      const { token } = await signReportLink(world.deps.keys, config, { customerId: customer, userId: am!.id, period });
      assert.equal((await world.request(`/v1/report-links/${token}`)).status, 200);

      const [head, body, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, cus: world.orgs.customersB[0] })).toString('base64url');
      await expectProblem(await world.request(`/v1/report-links/${head}.${forged}.${sig}`), 401, 'authentication-error', 'another customer');
      await expectProblem(await world.request(`/v1/report-links/${head}.${body}.${sig!.slice(0, -4)}AAAA`), 401, 'authentication-error', 'bad signature');
      // A session token is not a link, though signed by the same keys.
      await expectProblem(await world.request(`/v1/report-links/${admin}`), 401, 'authentication-error', 'a session token');

      const past = await SigningKeys.fromDatabase(world.database.db, { issuer: config.issuer, audience: config.audience, now: () => new Date(Date.now() - 8 * 86_400_000) });
      const expired = await signReportLink(past, config, { customerId: customer, userId: am!.id, period });
      await expectProblem(await world.request(`/v1/report-links/${expired.token}`), 410, 'link-expired', 'expired');

      // The account manager is unassigned from the customer: RLS hides it, so the link stops.
      await owner(sql`delete from account_manager_assignments where tenant_id = ${customer}::uuid and user_id = ${am!.id}::uuid`);
      await expectProblem(await world.request(`/v1/report-links/${token}`), 410, 'link-expired', 'unassigned');
      await owner(sql`insert into account_manager_assignments (tenant_id, user_id) values (${customer}::uuid, ${am!.id}::uuid)`);
      assert.equal((await world.request(`/v1/report-links/${token}`)).status, 200);
      await expectFieldError(await world.request('/v1/report-links/not-a-token'), '#/path/token');
    });

    test('the preview is the same email with the logo by its public URL', async () => {
      const res = await world.request(`/v1/customers/${customer}/reports/executive/email?from=2026-01-01&to=2026-01-31`, { token: await world.staffToken('A', 'analyst') });
      assert.equal(res.status, 200, await res.clone().text());
      const p = (await res.json()) as { subject: string; html: string; text: string };
      assert.match(p.subject, /security summary, 1 January 2026 – 31 January 2026$/);
      assert.ok(p.html.includes(`src="http://portal.test/v1/logos/${logoId}/raster.png"`));
      assert.ok(!p.html.includes('cid:'));
      assert.match(p.text, /Download the full report \(PDF\):/);
    });

    test('send now: Idempotency-Key answers the first send again; recipients are checked', async () => {
      const body = { recipients: ['ceo@acme.example'], from: '2026-02-01', to: '2026-02-28' };
      const first = await sendNow(customer, body, admin, 'send-feb');
      assert.equal(first.status, 202);
      const again = await sendNow(customer, body, admin, 'send-feb');
      assert.equal(again.status, 202);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const [a, b] = [(await first.json()) as Send, (await again.json()) as Send];
      assert.equal(a.id, b.id);
      const [n] = await owner<{ n: number }>(sql`select count(*)::int as n from report_sends where tenant_id = ${customer}::uuid and period_from = '2026-02-01'`);
      assert.equal(n!.n, 1);
      await expectProblem(await sendNow(customer, { ...body, recipients: ['other@acme.example'] }, admin, 'send-feb'), 422, 'idempotency-key-reused');

      await expectFieldError(await sendNow(customer, { recipients: ['not an email'] }), '#/body/recipients/0');
      await expectFieldError(await sendNow(customer, { recipients: [] }), '#/body/recipients');
      await expectFieldError(await sendNow(customer, { recipients: Array.from({ length: 21 }, (_, i) => `r${i}@acme.example`) }), '#/body/recipients');
      await expectFieldError(await sendNow(customer, { recipients: ['a@acme.example'], from: '2026-03-02', to: '2026-03-01' }), '#/body/from');
    });

    test('who may send: admins, assigned account managers, a customer admin for its own tenant', async () => {
      const body = { recipients: ['x@acme.example'], from: '2026-01-01', to: '2026-01-07' };
      await expectProblem(await sendNow(customer, body, await world.staffToken('A', 'analyst')), 403, 'forbidden');
      assert.equal((await sendNow(customer, body, await world.staffToken('A', 'accountManager'))).status, 202);
      const unassigned = [...world.orgs.customersA, ...world.orgs.customersPartner].find((c) => !world.orgs.assignedA.includes(c))!;
      assert.ok(unassigned, 'a customer the account manager is not assigned to');
      await expectProblem(await sendNow(unassigned, body, await world.staffToken('A', 'accountManager')), 404, 'not-found', 'unassigned');
      await expectProblem(await sendNow(customer, body, await world.staffToken('B', 'admin')), 404, 'not-found', 'another MSP');
      await expectProblem(await world.request(`/v1/customers/${customer}/report-sends`, { token: await world.staffToken('B', 'admin') }), 404, 'not-found');
      assert.equal((await sendNow(customer, body, await world.customerToken(customer, 'customer_admin'))).status, 202);
      await expectProblem(await sendNow(world.orgs.customersA.find((c) => c !== customer)!, body, await world.customerToken(customer, 'customer_admin')), 404, 'not-found', 'another customer');
    });

    test('schedules: created in the customer\'s zone, read, replaced with If-Match, deleted; fields checked', async () => {
      const base = `/v1/customers/${customer}/report-schedules`;
      const create = (body: unknown, key?: string) => world.request(base, { method: 'POST', token: admin, headers: { ...json, ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) });
      const res = await create({ frequency: 'weekly', weekday: 1, sendTime: '08:00', recipients: ['cfo@acme.example'] }, 'sched-1');
      assert.equal(res.status, 201, await res.clone().text());
      const s = (await res.json()) as Schedule;
      const [zone] = await owner<{ time_zone: string }>(sql`select time_zone from orgs where id = ${customer}::uuid`);
      assert.equal(s.timeZone, zone!.time_zone);
      assert.ok(s.nextRunAt && Date.parse(s.nextRunAt) > Date.now());
      assert.equal(res.headers.get('etag'), '"1"');
      assert.equal(((await (await create({ frequency: 'weekly', weekday: 1, sendTime: '08:00', recipients: ['cfo@acme.example'] }, 'sched-1')).json()) as Schedule).id, s.id);

      await expectFieldError(await create({ frequency: 'weekly', weekday: 8, sendTime: '08:00', recipients: ['a@b.example'] }), '#/body/weekday');
      await expectFieldError(await create({ frequency: 'weekly', sendTime: '08:00', recipients: ['a@b.example'] }), '#/body/weekday');
      await expectFieldError(await create({ frequency: 'monthly', dayOfMonth: 29, sendTime: '08:00', recipients: ['a@b.example'] }), '#/body/dayOfMonth');
      await expectFieldError(await create({ frequency: 'weekly', weekday: 1, sendTime: '25:00', recipients: ['a@b.example'] }), '#/body/sendTime');
      await expectFieldError(await create({ frequency: 'weekly', weekday: 1, sendTime: '08:00', timeZone: 'Mars/Olympus', recipients: ['a@b.example'] }), '#/body/timeZone');
      await expectFieldError(await create({ frequency: 'weekly', weekday: 1, sendTime: '08:00', recipients: ['nope'] }), '#/body/recipients/0');
      const analyst = await world.staffToken('A', 'analyst');
      await expectProblem(await world.request(base, { method: 'POST', token: analyst, headers: json, body: JSON.stringify({ frequency: 'weekly', weekday: 1, sendTime: '08:00', recipients: ['a@b.example'] }) }), 403, 'forbidden');

      const url = `${base}/${s.id}`;
      const put = (body: unknown, ifMatch?: string) => world.request(url, { method: 'PUT', token: admin, headers: { ...json, ...(ifMatch ? { 'if-match': ifMatch } : {}) }, body: JSON.stringify(body) });
      const monthly = { frequency: 'monthly', dayOfMonth: 1, sendTime: '07:30', timeZone: 'Australia/Sydney', recipients: ['board@acme.example'] };
      await expectProblem(await put(monthly), 428, 'precondition-required');
      const saved = await put(monthly, '"1"');
      assert.equal(saved.status, 200, await saved.clone().text());
      const updated = (await saved.json()) as Schedule;
      assert.deepEqual([updated.frequency, updated.weekday, updated.dayOfMonth, updated.timeZone, updated.version], ['monthly', null, 1, 'Australia/Sydney', 2]);
      await expectProblem(await put(monthly, '"1"'), 412, 'precondition-failed', '', ['current']);
      assert.equal((await world.request(url, { token: admin })).headers.get('etag'), '"2"');
      await expectProblem(await world.request(`/v1/customers/${world.orgs.customersB[0]}/report-schedules/${s.id}`, { token: await world.staffToken('B', 'admin') }), 404, 'not-found');

      await expectProblem(await world.request(url, { method: 'DELETE', token: admin, headers: { 'if-match': '"1"' } }), 412, 'precondition-failed', '', ['current']);
      assert.equal((await world.request(url, { method: 'DELETE', token: admin, headers: { 'if-match': '"2"' } })).status, 200);
      assert.equal((await world.request(url, { token: admin })).status, 404);
      const actions = await owner<{ action: string }>(sql`select action from audit_log where target_id = ${s.id}::uuid order by id`);
      assert.deepEqual(actions.map((a) => a.action), ['report_schedule.create', 'report_schedule.update', 'report_schedule.delete']);
    });

    test('the tick sends a due slot once even when two ticks race, advances the schedule, and a refused delivery is retried without a second copy', async () => {
      const res = await world.request(`/v1/customers/${customer}/report-schedules`, {
        method: 'POST', token: admin, headers: json,
        body: JSON.stringify({ frequency: 'weekly', weekday: 3, sendTime: '09:15', timeZone: 'America/New_York', recipients: ['tick@acme.example'] }),
      });
      const s = (await res.json()) as Schedule;
      // Earlier tests' mail is out first, so the refusal below hits this slot's message.
      await mailIdle();
      smtp.failNext(1, 451);
      const refusedBefore = smtp.refused;
      // Due: its slot was an hour ago (several slots missed are sent once, not in a burst).
      const slot = new Date(Date.now() - 3_600_000);
      await owner(sql`update report_schedules set next_run_at = ${slot.toISOString()}::timestamptz where id = ${s.id}::uuid`);
      const ctx = workerCtx();
      const outcomes = (await Promise.all([runDueSchedules(ctx, world.deps.keys), runDueSchedules(ctx, world.deps.keys)])).flat();
      // Both ticks saw the slot due or one saw it already advanced; either way exactly one queued it.
      assert.equal(outcomes.filter((o) => o === 'queued').length, 1, `outcomes: ${outcomes.join(', ')}`);
      assert.ok(outcomes.every((o) => o === 'queued' || o === 'duplicate'), `outcomes: ${outcomes.join(', ')}`);

      const sends = await owner<{ id: string; email_id: string; run_at: Date }>(sql`select id, email_id, run_at from report_sends where schedule_id = ${s.id}::uuid`);
      assert.equal(sends.length, 1);
      assert.equal(new Date(sends[0]!.run_at).getTime(), slot.getTime());
      const [after] = await owner<{ next_run_at: Date; last_run_at: Date }>(sql`select next_run_at, last_run_at from report_schedules where id = ${s.id}::uuid`);
      assert.ok(new Date(after!.next_run_at).getTime() > Date.now(), 'advanced past now');
      assert.equal(new Date(after!.last_run_at).getTime(), slot.getTime());

      const sent = await waitForStatus(sends[0]!.email_id, 'sent');
      assert.equal(smtp.refused, refusedBefore + 1, 'the first delivery was refused');
      assert.equal(sent.attempts, 2);
      await sleep(1500);
      assert.equal(copies(sends[0]!.email_id).length, 1);
      const mail = copies(sends[0]!.email_id)[0]!;
      assert.deepEqual(mail.envelope.to, ['tick@acme.example']);

      // Nothing is due any more: another tick sends nothing.
      assert.deepEqual((await runDueSchedules(ctx, world.deps.keys)).filter((o) => o === 'queued'), []);
    });

    test("a schedule whose creator is no longer active records a failed send and moves on", async () => {
      const [creator] = await owner<{ id: string }>(sql`select u.id from users u join role_assignments r on r.user_id = u.id where u.tenant_id = ${world.orgs.mspA}::uuid and r.role = 'msp_admin'`);
      const [row] = await owner<{ id: string }>(
        sql`insert into report_schedules (tenant_id, frequency, day_of_month, send_time, time_zone, recipients, next_run_at, created_by)
            values (${customer}::uuid, 'monthly', 1, '07:00', 'Europe/Berlin', array['gone@acme.example'], now() - interval '5 minutes', ${creator!.id}::uuid) returning id`,
      );
      await owner(sql`update users set status = 'deactivated' where id = ${creator!.id}::uuid`);
      try {
        const ctx = workerCtx();
        assert.ok(!(await runDueSchedules(ctx, world.deps.keys)).includes('queued'));
        const sends = await owner<{ email_id: string | null }>(sql`select email_id from report_sends where schedule_id = ${row!.id}::uuid`);
        assert.deepEqual(sends.map((r) => r.email_id), [null]);
        const list = (await (await world.request(`/v1/customers/${customer}/report-sends`, { token: await world.customerToken(customer, 'customer_admin') })).json()) as { items: (Send & { error: string })[] };
        const failed = list.items.find((i) => i.scheduleId === row!.id);
        assert.equal(failed?.status, 'failed');
        assert.match(failed?.error ?? '', /no longer has access/);
      } finally {
        await owner(sql`update users set status = 'active' where id = ${creator!.id}::uuid`);
      }
    });

    // Last: from here on the worker's minute cron runs in this world too.
    test("the schedules worker sets the minute cron, and its start-up tick sends a due slot once", async () => {
      const res = await world.request(`/v1/customers/${customer}/report-schedules`, {
        method: 'POST', token: admin, headers: json,
        body: JSON.stringify({ frequency: 'monthly', dayOfMonth: 15, sendTime: '06:00', timeZone: 'UTC', recipients: ['worker@acme.example'] }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const s = (await res.json()) as Schedule;
      await mailIdle();
      const slot = new Date(Date.now() - 60_000);
      await owner(sql`update report_schedules set next_run_at = ${slot.toISOString()}::timestamptz where id = ${s.id}::uuid`);

      const worker = reportSchedulesWorker();
      const ctx = workerCtx();
      await worker.register(ctx);
      const crons = (await runner.boss.getSchedules()).map((c) => [c.name, c.cron, c.options?.tz]);
      assert.deepEqual(crons, [[REPORT_SCHEDULES_QUEUE, '* * * * *', 'UTC']]);
      await worker.sweep(ctx);

      // The start-up tick or a minute tick, whichever runs first, records the slot; the other finds it done.
      let sends: { email_id: string | null }[] = [];
      for (let i = 0; i < 200 && !sends.length; i++) {
        sends = await owner<{ email_id: string | null }>(sql`select email_id from report_sends where schedule_id = ${s.id}::uuid`);
        if (!sends.length) await sleep(200);
      }
      assert.equal(sends.length, 1, 'the worker sent the slot');
      await waitForStatus(sends[0]!.email_id!, 'sent');
      assert.deepEqual(copies(sends[0]!.email_id!).map((m) => m.envelope.to), [['worker@acme.example']]);
      const [after] = await owner<{ next_run_at: Date }>(sql`select next_run_at from report_schedules where id = ${s.id}::uuid`);
      assert.ok(new Date(after!.next_run_at).getTime() > Date.now(), 'advanced past now');
    });
  });
}
