import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Config } from '../../../bff/config.js';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { startJobs, type JobRunner } from '../../../bff/jobs/index.js';
import { runNotificationFanout } from '../../../bff/jobs/notifications.js';
import { runDueScanSchedules } from '../../../bff/jobs/scan-schedules.js';
import { scannerFor } from '../../../bff/scanner/index.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';

/**
 * The whole path, with nothing but the clock moved: an MSP admin schedules daily scans of two
 * customers through the API; when the slot comes, the minute tick queues the runs, pg-boss runs
 * them through the (simulated) scanner, the findings land and are found by search, and the
 * notifications reach people by email over SMTP as their settings ask. The account manager, who
 * manages only one of the two customers, hears about that one and never about the other.
 */

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface Person {
  id: string;
  email: string;
  token: string;
}

for (const backend of backends) {
  describe(`schedule → run → findings → notification (${backend})`, () => {
    let world: World;
    let smtp: TestSmtpServer;
    let config: Config;
    let runner: JobRunner;
    let admin: Person;
    let manager: Person;
    let assigned: string;
    let unassigned: string;
    const names = new Map<string, string>();

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const person = async (who: 'admin' | 'accountManager'): Promise<Person> => {
      const [row] = await owner<{ id: string; email: string }>(
        sql`select id, email from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = ${seeded.staff[who]}`,
      );
      return { ...row!, token: await world.staffToken('A', who) };
    };
    const json = async <T>(res: Response, status = 200): Promise<T> => {
      const text = await res.text();
      assert.equal(res.status, status, text.slice(0, 400));
      return JSON.parse(text) as T;
    };
    const mailsTo = (p: Person) => smtp.received.filter((m) => m.envelope.to.includes(p.email));
    const mentions = (p: Person, customer: string) => mailsTo(p).some((m) => (m.mail.text ?? '').includes(names.get(customer)!));

    before(async () => {
      world = await seededWorld(backend, { customers: 12 });
      smtp = await startSmtpServer();
      config = { ...world.config, smtpUrl: smtp.url, mailFrom: 'Portico <no-reply@portico.test>', portalUrl: 'https://portal.northwind.example' };
      runner = await startJobs(world.database, config, { work: ['scan-run', 'notifications-fanout', 'email-send'] });
      admin = await person('admin');
      manager = await person('accountManager');
      const active = await owner<{ id: string; name: string }>(
        sql`select o.id, o.name from orgs o join customer_profiles cp on cp.tenant_id = o.id
             where cp.status = 'active' and cp.revoked_at is null and exists (select 1 from assets a where a.tenant_id = o.id)`,
      );
      for (const row of active) names.set(row.id, row.name);
      assigned = world.orgs.assignedA.find((id) => names.has(id) && world.orgs.customersA.includes(id))!;
      unassigned = world.orgs.customersA.find((id) => names.has(id) && !world.orgs.assignedA.includes(id))!;
      assert.ok(assigned && unassigned, 'the seed has an assigned and an unassigned active customer with assets');
    });
    after(async () => {
      await runner?.stop();
      await smtp?.stop();
      await world?.close();
    });

    test('a daily schedule runs at its slot, its findings are searchable, and each person is told only about what it may see', async () => {
      // Both want every notification as it happens (the seed gives the account manager a daily digest).
      for (const p of [admin, manager]) {
        const current = await world.request('/v1/me/notification-preferences', { token: p.token });
        assert.equal(current.status, 200);
        const etag = current.headers.get('etag')!;
        await json(
          await world.request('/v1/me/notification-preferences', {
            method: 'PUT',
            token: p.token,
            headers: { 'content-type': 'application/json', 'if-match': etag },
            body: JSON.stringify({ frequency: 'immediate', mutedCategories: [] }),
          }),
        );
      }
      // Nobody has been told anything yet about these two customers.
      await world.database.db.execute(sql`delete from notification_deliveries where notification_tenant_id in (${assigned}::uuid, ${unassigned}::uuid)`);

      // The admin schedules a daily scan of each, at 03:00 in the customer's own zone.
      const schedules: { customer: string; id: string; nextRunAt: string }[] = [];
      for (const customer of [assigned, unassigned]) {
        const created = await json<{ id: string; nextRunAt: string; timeZone: string | null }>(
          await world.request(`/v1/customers/${customer}/scan-schedules`, {
            method: 'POST',
            token: admin.token,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: 'Nightly perimeter', profile: 'external', frequency: 'daily', startTime: '03:00' }),
          }),
          201,
        );
        schedules.push({ customer, id: created.id, nextRunAt: created.nextRunAt });
      }

      // The slot comes: the minute tick queues one run per schedule, and pg-boss runs them.
      const at = new Date(Math.max(...schedules.map((s) => Date.parse(s.nextRunAt))) + MINUTE);
      const ctx = { db: world.database.db, scanner: scannerFor(config, world.database.db), jobs: runner.jobs };
      const queued = await runDueScanSchedules(ctx, at);
      for (const s of schedules) assert.equal(queued.filter((r) => r.tenantId === s.customer).length, 1, 'one run for the slot');

      const scans = new Map<string, { id: string; status: string; trigger: string; findingsCount: number }>();
      for (const s of schedules) {
        const scan = await until(`the scan of ${names.get(s.customer)}`, async () => {
          const list = await json<{ items: { id: string; status: string; trigger: string; scheduleId: string | null; findingsCount: number }[] }>(
            await world.request(`/v1/customers/${s.customer}/scans`, { token: admin.token }),
          );
          const mine = list.items.find((i) => i.scheduleId === s.id);
          return mine && mine.status !== 'queued' && mine.status !== 'running' ? mine : undefined;
        });
        assert.equal(scan.status, 'completed');
        assert.equal(scan.trigger, 'schedule');
        scans.set(s.customer, scan);
      }

      // The findings are there, and search finds them across customers as each may see.
      const [found] = await owner<{ title: string }>(
        sql`select f.title from findings f join scans s on s.tenant_id = f.tenant_id and s.id = ${scans.get(assigned)!.id}::uuid
             where f.tenant_id = ${assigned}::uuid and f.status = 'open' and f.last_seen_at = s.finished_at order by f.title limit 1`,
      );
      assert.ok(found, 'the run saw findings');
      {
        type Search = { items: { id: string }[]; nextCursor: string | null };
        const words = found.title.split(/\s+/).slice(0, 3).join(' ');
        const asAdmin = await json<Search>(await world.request(`/v1/search/findings?q=${encodeURIComponent(words)}&status=open&limit=100`, { token: admin.token }));
        assert.ok(asAdmin.items.some((g) => g.id === assigned), 'the admin finds the new finding');
        const asManager = await json<Search>(await world.request(`/v1/search/findings?q=${encodeURIComponent(words)}&status=open&limit=100`, { token: manager.token }));
        assert.ok(asManager.items.some((g) => g.id === assigned), 'the account manager finds it too');
        assert.ok(asManager.items.every((g) => world.orgs.assignedA.includes(g.id)), 'and nothing of an unassigned customer');
      }
      const notes = await owner<{ tenant_id: string; kind: string }>(
        sql`select tenant_id, kind from notifications where tenant_id in (${assigned}::uuid, ${unassigned}::uuid) and kind = 'scan-completed'`,
      );
      assert.deepEqual(notes.map((n) => n.tenant_id).sort(), [assigned, unassigned].sort(), 'each run left a notification');

      // The emails: the admin hears about both customers, the account manager about its own.
      await until('the admin to be told about both customers', async () => mentions(admin, assigned) && mentions(admin, unassigned));
      await until('the account manager to be told about its customer', async () => mentions(manager, assigned));
      // Let every fan-out settle, then check who was told what, by email and on record.
      await runNotificationFanout({ database: world.database, config, now: () => new Date(), jobs: runner.jobs });
      await sleep(1000);
      assert.ok(!mentions(manager, unassigned), 'the account manager was emailed about a customer it does not manage');
      const told = await owner<{ user_id: string; notification_tenant_id: string }>(
        sql`select user_id, notification_tenant_id from notification_deliveries where notification_tenant_id in (${assigned}::uuid, ${unassigned}::uuid)`,
      );
      assert.ok(told.some((d) => d.user_id === manager.id && d.notification_tenant_id === assigned));
      assert.ok(!told.some((d) => d.user_id === manager.id && d.notification_tenant_id === unassigned), 'a delivery to the account manager about an unassigned customer');
      const mail = mailsTo(manager).find((m) => (m.mail.text ?? '').includes(names.get(assigned)!))!;
      assert.ok(mail.mail.html && String(mail.mail.html).includes(names.get(assigned)!), 'an HTML part names the customer too');
    });
  });
}
