import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Config } from '../../../bff/config.js';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { lastDigestSlot, nextDigestSlot } from '../../../bff/domain/notifications.js';
import { startJobs, type JobRunner } from '../../../bff/jobs/index.js';
import { NOTIFICATIONS_FANOUT_QUEUE, requestNotificationFanout, runNotificationFanout, type FanoutOutcome } from '../../../bff/jobs/notifications.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../helpers/smtp.js';

/**
 * The notification fan-out against a real SMTP server: an immediate email per notification,
 * muted categories left out, daily and weekly digests at 08:00 in the user's zone holding
 * exactly what it can see and has not been told, an account manager told only about its
 * assigned customers, and racing fan-outs telling each user each notification once.
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A minute from now: the seeded users were created when the test started, and hear only of what came after. */
const later = () => new Date(Date.now() + MINUTE);

interface Staff {
  id: string;
  email: string;
}

for (const backend of backends) {
  describe(`notification fan-out (${backend})`, () => {
    let world: World;
    let smtp: TestSmtpServer;
    let config: Config;
    let runner: JobRunner;
    let admin: Staff;
    let manager: Staff;
    let analyst: Staff;
    let timeZone: string;
    /** MSP A's customers and every org below them, by customer. */
    let subtrees: Map<string, string[]>;
    let names: Map<string, string>;

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const staff = async (externalId: string): Promise<Staff> =>
      (await owner<Staff>(sql`select id, email from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = ${externalId}`))[0]!;

    before(async () => {
      world = await seededWorld(backend, { customers: 12 });
      smtp = await startSmtpServer();
      config = { ...world.config, smtpUrl: smtp.url, mailFrom: 'Portico <no-reply@portico.test>', portalUrl: 'https://portal.northwind.example' };
      runner = await startJobs(world.database, config, { work: ['email-send'] });
      admin = await staff(seeded.staff.admin);
      manager = await staff(seeded.staff.accountManager);
      analyst = await staff(seeded.staff.analyst);
      timeZone = (await owner<{ tz: string }>(sql`select time_zone as tz from orgs where id = ${world.orgs.mspA}::uuid`))[0]!.tz;
      const rows = await owner<{ root: string; id: string; name: string }>(sql`
        select c.ancestor_id as root, o.id, o.name from portico.org_closure c join orgs o on o.id = c.descendant_id
         where c.ancestor_id in (select id from orgs where kind <> 'msp')`);
      subtrees = new Map();
      names = new Map();
      for (const r of rows) {
        subtrees.set(r.root, [...(subtrees.get(r.root) ?? []), r.id]);
        names.set(r.id, r.name);
      }
    });
    after(async () => {
      await runner?.stop();
      await smtp?.stop();
      await world?.close();
    });

    beforeEach(async () => {
      await world.database.db.execute(sql`delete from notification_deliveries`);
      await world.database.db.execute(sql`delete from notifications`);
      await setPrefs(admin, 'immediate', []);
    });

    async function setPrefs(user: Staff, frequency: string, muted: string[], cursor: Date | null = null) {
      await world.database.db.execute(sql`
        insert into notification_preferences (tenant_id, user_id, frequency, muted_categories, digest_cursor)
        values (${world.orgs.mspA}::uuid, ${user.id}::uuid, ${frequency}::notification_frequency, ${sql.param(muted)}::text[], ${cursor?.toISOString() ?? null}::timestamptz)
        on conflict (tenant_id, user_id) do update set frequency = excluded.frequency, muted_categories = excluded.muted_categories, digest_cursor = excluded.digest_cursor`);
    }

    let counter = 0;
    async function notify(tenant: string, category: string, createdAt: Date, kind = `test-${category}`): Promise<string> {
      counter++;
      const [row] = await owner<{ id: string }>(sql`
        insert into notifications (tenant_id, kind, category, dedupe_key, title, created_at)
        values (${tenant}::uuid, ${kind}, ${category}, ${`k${counter}`}, ${`${names.get(tenant) ?? 'Org'}: ${category} event ${counter}`}, ${createdAt.toISOString()}::timestamptz)
        returning id`);
      return row!.id;
    }

    const fanout = (at: Date) => runNotificationFanout({ database: world.database, config, now: () => at, jobs: runner.jobs });
    const outcomeOf = (outcomes: FanoutOutcome[], user: Staff) => outcomes.filter((o) => o.userId === user.id);
    const delivered = async (user: Staff) =>
      (await owner<{ id: string }>(sql`select notification_id as id from notification_deliveries where user_id = ${user.id}::uuid`)).map((r) => r.id).sort();

    /** Waits until the sender has sent these messages over SMTP, and answers what arrived for each. */
    async function arrived(outcomes: FanoutOutcome[]): Promise<Map<string, ReceivedMail>> {
      const ids = outcomes.map((o) => o.emailId);
      for (let i = 0; i < 600; i++) {
        const rows = await owner<{ id: string; status: string }>(sql`select id, status::text as status from email_messages where id = any(${sql.param(ids)}::uuid[])`);
        assert.equal(rows.length, ids.length, 'every outcome has its email row');
        assert.ok(rows.every((r) => r.status !== 'failed'), JSON.stringify(rows));
        if (rows.every((r) => r.status === 'sent')) break;
        await sleep(100);
      }
      const out = new Map<string, ReceivedMail>();
      for (const id of ids) {
        const mail = smtp.received.find((m) => m.mail.messageId === `<${id}@portico>`);
        assert.ok(mail, `message ${id} did not arrive`);
        out.set(id, mail);
      }
      return out;
    }

    test('immediate: each notification the user can see arrives over SMTP with its organisation and a link, once', async () => {
      const customer = world.orgs.customersA[0]!;
      const id = await notify(customer, 'licences', new Date(), 'licence-threshold');
      const now = later();
      const outcomes = await fanout(now);
      const [mine] = outcomeOf(outcomes, admin);
      assert.ok(mine, 'the admin was told');
      assert.deepEqual(mine.notificationIds, [id]);
      const mail = (await arrived([mine])).get(mine.emailId)!;
      assert.deepEqual(mail.envelope.to, [admin.email]);
      assert.equal(mail.mail.subject, `${names.get(customer)}: licences event ${counter}`);
      assert.match(mail.mail.text ?? '', new RegExp(`Organisation: ${names.get(customer)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.ok((mail.mail.text ?? '').includes(`https://portal.northwind.example/#/customers/${customer}`));
      assert.ok((mail.mail.html || '').includes('https://portal.northwind.example/#/settings/notifications'));
      const [row] = await owner<{ email_id: string; frequency: string; tenant_id: string }>(sql`select email_id, frequency::text, tenant_id from notification_deliveries where user_id = ${admin.id}::uuid`);
      assert.deepEqual(row, { email_id: mine.emailId, frequency: 'immediate', tenant_id: world.orgs.mspA });

      // Nothing new: nothing is sent again.
      assert.deepEqual(outcomeOf(await fanout(new Date(now.getTime() + MINUTE)), admin), []);
      assert.deepEqual(await delivered(admin), [id]);
    });

    test('muted categories are left out', async () => {
      await setPrefs(admin, 'immediate', ['findings', 'lifecycle']);
      const customer = world.orgs.customersA[1]!;
      const at = new Date();
      await notify(customer, 'findings', at, 'findings-new');
      const scans = await notify(customer, 'scans', at, 'scan-completed');
      await notify(customer, 'lifecycle', at);
      const [mine, ...more] = outcomeOf(await fanout(later()), admin);
      assert.equal(more.length, 0);
      assert.deepEqual(mine!.notificationIds, [scans]);
      assert.deepEqual(await delivered(admin), [scans]);
    });

    test('an account manager is never told about a customer it is not assigned to, whatever the customer', async () => {
      await setPrefs(manager, 'immediate', []);
      // A customer that revoked its MSP's access hides its data even from its account manager.
      const revoked = new Set(subtrees.get(world.orgs.revoked) ?? [world.orgs.revoked]);
      const assignedOf = (customers: string[]) => customers.flatMap((c) => subtrees.get(c) ?? [c]).filter((o) => !revoked.has(o));
      const assigned = new Set(assignedOf(world.orgs.assignedA));
      const everyone = [...world.orgs.customersA, ...world.orgs.customersPartner, ...world.orgs.customersB, world.orgs.partner, world.orgs.enterprise, world.orgs.revoked];
      const orgs = [...new Set(everyone.flatMap((c) => subtrees.get(c) ?? [c])), world.orgs.mspA, world.orgs.mspB];
      assert.ok(assigned.size > 0 && orgs.some((o) => !assigned.has(o)), 'the seed assigns some customers and not others');

      const categories = ['licences', 'scans', 'findings', 'lifecycle', 'billing', 'reports', 'general'];
      const byOrg = new Map<string, string>();
      try {
        for (let round = 0; round < 2; round++) {
          for (const [i, org] of orgs.entries()) byOrg.set(await notify(org, categories[(i + round) % categories.length]!, new Date()), org);
          const outcomes = await fanout(later());
          // Everything it has been told so far: news of its assigned customers (those assigned
          // since included) and of its own organisation, which is about no customer.
          const expected = [...byOrg].filter(([, org]) => assigned.has(org) || org === world.orgs.mspA).map(([id]) => id);
          assert.deepEqual(await delivered(manager), expected.sort(), `round ${round}: the account manager was told about exactly its assigned customers`);
          // The MSP admin hears about its whole tree, and nothing of MSP B.
          const adminTold = outcomeOf(outcomes, admin).flatMap((o) => o.notificationIds);
          assert.ok(adminTold.length > outcomeOf(outcomes, manager).flatMap((o) => o.notificationIds).length);
          assert.ok(adminTold.every((id) => byOrg.get(id) !== world.orgs.mspB && !world.orgs.customersB.includes(byOrg.get(id)!)));
          // What arrived names only assigned customers.
          for (const mail of (await arrived(outcomeOf(outcomes, manager))).values()) {
            const text = mail.mail.text ?? '';
            for (const org of orgs.filter((o) => !assigned.has(o))) assert.ok(!text.includes(`/#/customers/${org}`), `mail names unassigned ${names.get(org)}`);
          }
          // The next round follows a new assignment: the first unassigned customer of MSP A.
          const next = world.orgs.customersA.find((c) => !assigned.has(c));
          if (round === 0 && next) {
            await world.database.db.execute(sql`insert into account_manager_assignments (tenant_id, user_id) values (${next}::uuid, ${manager.id}::uuid)`);
            for (const id of assignedOf([next])) assigned.add(id);
          }
        }
      } finally {
        await world.database.db.execute(sql`delete from account_manager_assignments where user_id = ${manager.id}::uuid and not (tenant_id = any(${sql.param(world.orgs.assignedA)}::uuid[]))`);
      }
    });

    test('daily digest: sent at 08:00 in the organisation’s zone, holding exactly the visible, unmuted notifications not yet told since the last one', async () => {
      // Far enough ahead that everything below, the day before included, comes after the users.
      const slot = nextDigestSlot('daily', timeZone, new Date(Date.now() + 30 * HOUR));
      const hm = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(slot);
      assert.equal(hm, '08:00');
      const previous = lastDigestSlot('daily', timeZone, new Date(slot.getTime() - 1));
      await setPrefs(manager, 'daily', ['billing'], previous);
      const mine = world.orgs.assignedA[0]!;
      const other = world.orgs.customersA.find((c) => !world.orgs.assignedA.includes(c) && !(subtrees.get(c) ?? []).some((o) => world.orgs.assignedA.includes(o)))!;
      const n1 = await notify(mine, 'licences', new Date(slot.getTime() - 3 * HOUR));
      await notify(other, 'licences', new Date(slot.getTime() - 2 * HOUR));
      await notify(mine, 'billing', new Date(slot.getTime() - HOUR));
      const told = await notify(mine, 'scans', new Date(slot.getTime() - 4 * HOUR));
      await world.database.db.execute(sql`insert into notification_deliveries (tenant_id, user_id, notification_tenant_id, notification_id, frequency)
        values (${world.orgs.mspA}::uuid, ${manager.id}::uuid, ${mine}::uuid, ${told}::uuid, 'daily')`);
      await notify(mine, 'scans', new Date(previous.getTime() - 2 * HOUR));
      const n6 = await notify(mine, 'findings', new Date(slot.getTime() - 30 * MINUTE));

      assert.deepEqual(outcomeOf(await fanout(new Date(slot.getTime() - MINUTE)), manager), [], 'no digest before 08:00');
      const at = new Date(slot.getTime() + MINUTE);
      const [digest, ...more] = outcomeOf(await fanout(at), manager);
      assert.equal(more.length, 0);
      assert.equal(digest!.frequency, 'daily');
      assert.deepEqual(digest!.notificationIds, [n1, n6]);
      const mail = (await arrived([digest!])).get(digest!.emailId)!;
      assert.deepEqual(mail.envelope.to, [manager.email]);
      assert.equal(mail.mail.subject, 'Your daily digest: 2 notifications');
      const text = mail.mail.text ?? '';
      assert.ok(text.includes(`Licences (1)`) && text.includes('Findings (1)'), text);
      assert.ok(text.includes(names.get(mine)!));
      assert.ok(!text.includes(`/#/customers/${other}`));
      const [cursor] = await owner<{ at: Date | string }>(sql`select digest_cursor as at from notification_preferences where user_id = ${manager.id}::uuid`);
      assert.equal(new Date(cursor!.at).toISOString(), at.toISOString());
      assert.deepEqual(outcomeOf(await fanout(new Date(at.getTime() + MINUTE)), manager), [], 'one digest per day');
    });

    test('weekly digest: on Mondays only', async () => {
      const slot = nextDigestSlot('weekly', timeZone, new Date(Date.now() + 31 * HOUR));
      assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(slot), 'Monday 08:00');
      await setPrefs(analyst, 'weekly', [], lastDigestSlot('weekly', timeZone, new Date(slot.getTime() - 1)));
      const id = await notify(world.orgs.customersA[2]!, 'scans', new Date(slot.getTime() - 30 * HOUR));
      // The daily slot the day before is no weekly one.
      assert.deepEqual(outcomeOf(await fanout(new Date(slot.getTime() - 24 * HOUR + MINUTE)), analyst), []);
      const [digest] = outcomeOf(await fanout(new Date(slot.getTime() + MINUTE)), analyst);
      assert.deepEqual([digest?.frequency, digest?.notificationIds], ['weekly', [id]]);
      const mail = (await arrived([digest!])).get(digest!.emailId)!;
      assert.equal(mail.mail.subject, 'Your weekly digest: 1 notification');
    });

    test('racing fan-outs tell each user each notification once, in one email', async () => {
      const customer = world.orgs.customersA[0]!;
      const ids = [
        await notify(customer, 'scans', new Date()),
        await notify(customer, 'findings', new Date()),
        await notify(customer, 'licences', new Date()),
      ];
      const now = later();
      const runs = await Promise.all([fanout(now), fanout(now), fanout(now)]);
      const mine = runs.flatMap((outcomes) => outcomeOf(outcomes, admin));
      assert.equal(mine.length, 1, 'one email for the admin');
      assert.deepEqual([...mine[0]!.notificationIds].sort(), [...ids].sort());
      assert.deepEqual(await delivered(admin), [...ids].sort());
      const rows = await owner<{ user_id: string; n: number }>(sql`select user_id, count(*)::int as n from notification_deliveries group by user_id`);
      assert.ok(rows.every((r) => Number(r.n) === 3), JSON.stringify(rows));
      const emails = runs.flat();
      assert.equal(new Set(emails.map((o) => o.userId)).size, emails.length, 'one email per user');
      const mail = (await arrived(mine)).get(mine[0]!.emailId)!;
      assert.equal(mail.mail.subject, '3 notifications for you');
      assert.equal(smtp.received.filter((m) => m.mail.messageId === `<${mine[0]!.emailId}@portico>`).length, 1);
    });

    test('the worker: requestNotificationFanout delivers, and the minute cron is registered', async () => {
      const worker = await startJobs(world.database, config, { work: ['notifications-fanout'] });
      try {
        const schedules = await worker.boss.getSchedules();
        assert.ok(schedules.some((s) => s.name === NOTIFICATIONS_FANOUT_QUEUE && s.cron === '* * * * *'));
        // Let the start-up sweep's run finish, then record one and ask.
        const id = await notify(world.orgs.customersA[0]!, 'licences', new Date());
        await requestNotificationFanout(worker.boss);
        let row: { email_id: string } | undefined;
        for (let i = 0; i < 600 && !row; i++) {
          [row] = await owner<{ email_id: string }>(sql`select email_id from notification_deliveries where user_id = ${admin.id}::uuid and notification_id = ${id}::uuid`);
          if (!row) await sleep(100);
        }
        assert.ok(row, 'the admin was told');
        const mail = (await arrived([{ userId: admin.id, frequency: 'immediate', emailId: row.email_id, notificationIds: [id] }])).get(row.email_id)!;
        assert.deepEqual(mail.envelope.to, [admin.email]);
      } finally {
        await worker.stop();
      }
      // Without a queue it does nothing, and throws nothing.
      await requestNotificationFanout(undefined);
    });
  });
}
