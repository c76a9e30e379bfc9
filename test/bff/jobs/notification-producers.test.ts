import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { deliverEmail } from '../../../bff/jobs/email.js';
import { startJobs, type JobRunner, type WorkerContext } from '../../../bff/jobs/index.js';
import { NOTIFICATIONS_FANOUT_QUEUE, runNotificationFanout } from '../../../bff/jobs/notifications.js';
import { purgeTenant } from '../../../bff/jobs/purge.js';
import type { Jobs } from '../../../bff/jobs/queue.js';
import { runDueSchedules } from '../../../bff/jobs/report-schedules.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';

/**
 * What records notifications in the categories lifecycle, billing and reports, driven through
 * the HTTP API and the jobs: each change records one notification in its category against the
 * customer (the managing org once the customer is purged), asks for a fan-out after commit, and
 * the fan-out tells the MSP admin, and the account manager only about its assigned customers.
 */

const MINUTE = 60_000;
const json = { 'content-type': 'application/json' };

interface Staff {
  id: string;
  name: string;
}
interface NotificationRow {
  id: string;
  tenant_id: string;
  kind: string;
  category: string;
  dedupe_key: string;
  title: string;
  data: Record<string, unknown>;
}

for (const backend of backends) {
  describe(`notification producers: lifecycle, billing, reports (${backend})`, () => {
    let world: World;
    let runner: JobRunner;
    let token: string;
    let admin: Staff;
    let manager: Staff;
    let marketing: Staff;
    const requested: string[] = [];
    const used = new Set<string>();

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const staff = async (externalId: string): Promise<Staff> =>
      (await owner<Staff>(sql`select id, name from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = ${externalId}`))[0]!;

    before(async () => {
      world = await seededWorld(backend, { customers: 24 });
      runner = await startJobs(world.database, world.config, { keys: world.deps.keys, work: false });
      const jobs: Jobs = {
        send: (name) => {
          requested.push(name);
          return Promise.resolve(null);
        },
      };
      world.deps.jobs = jobs;
      token = await world.staffToken('A', 'admin');
      admin = await staff(seeded.staff.admin);
      manager = await staff(seeded.staff.accountManager);
      marketing = await staff(seeded.staff.marketing);
    });
    after(async () => {
      await runner?.stop();
      await world?.close();
    });
    beforeEach(async () => {
      await world.database.db.execute(sql`delete from notification_deliveries`);
      await world.database.db.execute(sql`delete from notifications`);
      requested.length = 0;
      // Both hear about everything as it happens (the seed gives the account manager a daily digest).
      for (const user of [admin, manager]) {
        await world.database.db.execute(sql`
          insert into notification_preferences (tenant_id, user_id, frequency, muted_categories)
          values (${world.orgs.mspA}::uuid, ${user.id}::uuid, 'immediate', '{}'::text[])
          on conflict (tenant_id, user_id) do update set frequency = excluded.frequency, muted_categories = excluded.muted_categories`);
      }
    });

    /**
     * A direct customer of MSP A (active unless `condition` says otherwise) not used by an
     * earlier test, without sub-organisations and not assigned to the account manager; with
     * `assigned`, it is assigned to the account manager now.
     */
    async function customer(assigned: boolean, condition = sql`cp.status = 'active'`): Promise<{ id: string; name: string }> {
      const rows = await owner<{ id: string; name: string }>(sql`
        select o.id, o.name from customer_profiles cp join orgs o on o.id = cp.tenant_id join subscriptions s on s.tenant_id = cp.tenant_id
         where cp.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) and cp.revoked_at is null
           and s.cancelled_at is null and s.pending_ips_internal is null and o.kind = 'customer'
           and not exists (select 1 from orgs c where c.parent_id = o.id)
           and not exists (select 1 from account_manager_assignments a where a.tenant_id = o.id)
           and ${condition}
         order by o.id`);
      const row = rows.find((r) => !used.has(r.id));
      assert.ok(row, 'the seed has an unused customer');
      used.add(row.id);
      if (assigned) await owner(sql`insert into account_manager_assignments (tenant_id, user_id) values (${row.id}::uuid, ${manager.id}::uuid)`);
      return row;
    }
    const notificationsOf = (tenant: string) =>
      owner<NotificationRow>(sql`select id::text, tenant_id::text, kind, category, dedupe_key, title, data from notifications where tenant_id = ${tenant}::uuid order by created_at, kind`);
    /** Runs the fan-out a minute from now (the seeded users hear of what came after they were created); the ids each user was told. */
    async function fanout(): Promise<(user: Staff) => string[]> {
      const outcomes = await runNotificationFanout({ database: world.database, config: world.config, now: () => new Date(Date.now() + MINUTE) });
      return (user) => outcomes.filter((o) => o.userId === user.id).flatMap((o) => o.notificationIds).sort();
    }
    const etagOf = async (path: string) => {
      const res = await world.request(path, { token });
      assert.equal(res.status, 200, await res.clone().text());
      return res.headers.get('etag')!;
    };
    const post = async (path: string, ifMatch: string, body?: unknown) => {
      const res = await world.request(path, { method: 'POST', token, headers: { ...(body !== undefined ? json : {}), 'if-match': ifMatch }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      assert.ok(res.status === 200 || res.status === 202, `${path}: ${res.status} ${await res.clone().text()}`);
      return res;
    };
    const lifecycle = async (id: string, action: string, body?: unknown) => post(`/v1/customers/${id}/${action}`, await etagOf(`/v1/customers/${id}`), body);

    test('lifecycle: a lock is recorded against the customer, and the fan-out tells the admin and the account manager only of its assigned customer', async () => {
      const mine = await customer(true);
      const other = await customer(false);
      await lifecycle(mine.id, 'lock');
      await lifecycle(other.id, 'lock');
      assert.ok(requested.includes(NOTIFICATIONS_FANOUT_QUEUE), 'the request asked for a fan-out');

      const [n] = await notificationsOf(mine.id);
      assert.ok(n, 'the lock was recorded');
      assert.deepEqual([n.kind, n.category, n.tenant_id], ['customer-locked', 'lifecycle', mine.id]);
      assert.equal(n.title, `${mine.name} was locked by ${admin.name}`);
      const [audit] = await owner<{ id: string }>(sql`select id::text from audit_log where target_id = ${mine.id}::uuid and action = 'customer.lock'`);
      assert.equal(n.dedupe_key, audit!.id, 'one notification per audited change');
      const [m] = await notificationsOf(other.id);
      assert.equal(m?.kind, 'customer-locked');

      const told = await fanout();
      assert.deepEqual(told(admin), [n.id, m!.id].sort());
      assert.deepEqual(told(manager), [n.id], 'the account manager hears only of its assigned customer');
      assert.deepEqual(told(marketing), []);
    });

    test('lifecycle: distinct changes record separately; cancel, reactivate, conversion and the deletion request each have their kind', async () => {
      const id = (await customer(true)).id;
      await lifecycle(id, 'lock');
      await lifecycle(id, 'unlock');
      await lifecycle(id, 'lock');
      await lifecycle(id, 'unlock');
      await lifecycle(id, 'cancel');
      await lifecycle(id, 'reactivate');
      const kinds = (await notificationsOf(id)).map((n) => n.kind).sort();
      assert.deepEqual(kinds, ['customer-cancelled', 'customer-locked', 'customer-locked', 'customer-reactivated', 'customer-unlocked', 'customer-unlocked']);
      assert.ok((await notificationsOf(id)).every((n) => n.category === 'lifecycle'));

      const [{ id: trial } = { id: '' }] = await owner<{ id: string }>(sql`
        select cp.tenant_id as id from customer_profiles cp join subscriptions s on s.tenant_id = cp.tenant_id
         where cp.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) and cp.revoked_at is null and s.plan = 'trial' and cp.status in ('active', 'locked')
         order by cp.tenant_id limit 1`);
      assert.ok(trial, 'the seed has a trial');
      if ((await owner<{ status: string }>(sql`select status::text from customer_profiles where tenant_id = ${trial}::uuid`))[0]!.status === 'locked') await lifecycle(trial, 'unlock');
      await lifecycle(trial, 'convert-to-purchased', {});
      const [converted] = (await notificationsOf(trial)).filter((n) => n.kind !== 'customer-unlocked');
      assert.equal(converted?.kind, 'customer-converted');
      assert.match(converted.title, /converted from a trial to a purchased plan by /);
      // An edit is not lifecycle news.
      await world.request(`/v1/customers/${trial}`, { method: 'PATCH', token, headers: { ...json, 'if-match': await etagOf(`/v1/customers/${trial}`) }, body: JSON.stringify({ name: 'Renamed Trial Ltd' }) });
      assert.equal((await notificationsOf(trial)).filter((n) => n.kind === 'customer-converted').length, 1);
      assert.ok((await notificationsOf(trial)).every((n) => n.kind !== 'customer-edit'));
    });

    test('lifecycle: a deletion is news when asked for, and once the customer is purged the managing org holds the news', async () => {
      const gone = await customer(false);
      await lifecycle(gone.id, 'deletion', { confirm: 'DELETE' });
      const [asked] = await notificationsOf(gone.id);
      assert.equal(asked?.kind, 'customer-deletion-requested');
      assert.equal(asked.title, `${gone.name} is being deleted with all its data, as ${admin.name} asked`);

      const ctx: WorkerContext = { boss: runner.boss, database: world.database, config: world.config, now: () => new Date() };
      await purgeTenant(ctx, { tenantId: gone.id, requestedBy: admin.id });
      await purgeTenant(ctx, { tenantId: gone.id, requestedBy: admin.id });
      assert.equal((await notificationsOf(gone.id)).length, 0, 'the customer\'s own notifications went with it');
      const deleted = (await notificationsOf(world.orgs.mspA)).filter((n) => n.kind === 'customer-deleted');
      assert.equal(deleted.length, 1, 'recorded once, however often the purge runs');
      assert.equal(deleted[0]!.category, 'lifecycle');
      assert.equal(deleted[0]!.data.customerId, gone.id);
      assert.equal(deleted[0]!.title, `${gone.name} was deleted with all its data, as ${admin.name} asked`);

      const told = await fanout();
      assert.ok(told(admin).includes(deleted[0]!.id));
      // The MSP's own news: its account managers hear it too (docs/notifications.md).
      assert.ok(told(manager).includes(deleted[0]!.id));
    });

    test('billing: an increase, a scheduled decrease and its cancellation are recorded against the customer and told as RLS allows', async () => {
      const mine = await customer(true);
      const other = await customer(false, sql`s.ips_internal > 1`);
      const url = (id: string) => `/v1/customers/${id}/ip-distribution`;
      const read = async (id: string) => (await (await world.request(url(id), { token })).json()) as { internal: number; external: number; total: number; version: number };
      const put = async (id: string, body: unknown) => {
        const d = await read(id);
        const res = await world.request(url(id), { method: 'PUT', token, headers: { ...json, 'if-match': `"${d.version}"` }, body: JSON.stringify(body) });
        assert.equal(res.status, 200, await res.clone().text());
      };

      const before = await read(mine.id);
      await put(mine.id, { internal: before.internal + 10, external: before.external });
      assert.ok(requested.includes(NOTIFICATIONS_FANOUT_QUEUE));
      const [raised] = await notificationsOf(mine.id);
      assert.deepEqual([raised?.kind, raised?.category, raised?.tenant_id], ['ips-changed', 'billing', mine.id]);
      assert.equal(raised!.title, `${mine.name}'s IP quota was raised from ${before.total} to ${before.total + 10} IPs by ${admin.name}`);

      const was = await read(other.id);
      await put(other.id, { internal: was.internal - 1, external: was.external });
      const [scheduled] = await notificationsOf(other.id);
      assert.equal(scheduled?.kind, 'ips-decrease-scheduled');
      assert.equal(scheduled.category, 'billing');
      assert.match(scheduled.title, new RegExp(`goes down from ${was.total} to ${was.total - 1} IPs on `));
      const d = await read(other.id);
      const res = await world.request(`${url(other.id)}/pending`, { method: 'DELETE', token, headers: { 'if-match': `"${d.version}"` } });
      assert.equal(res.status, 200);
      assert.deepEqual((await notificationsOf(other.id)).map((n) => n.kind).sort(), ['ips-decrease-cancelled', 'ips-decrease-scheduled']);
      // Cancelling again changes nothing and is no news.
      const again = await read(other.id);
      await world.request(`${url(other.id)}/pending`, { method: 'DELETE', token, headers: { 'if-match': `"${again.version}"` } });
      assert.equal((await notificationsOf(other.id)).length, 2);

      const told = await fanout();
      const others = (await notificationsOf(other.id)).map((n) => n.id);
      assert.deepEqual(told(admin), [raised!.id, ...others].sort());
      assert.deepEqual(told(manager), [raised!.id]);
    });

    test('reports: a scheduled send whose creator may no longer send it is recorded once, against the customer', async () => {
      const mine = await customer(true);
      const other = await customer(false);
      const schedules: string[] = [];
      for (const c of [mine, other]) {
        const res = await world.request(`/v1/customers/${c.id}/report-schedules`, {
          method: 'POST', token, headers: json,
          body: JSON.stringify({ frequency: 'monthly', dayOfMonth: 1, sendTime: '07:00', timeZone: 'UTC', recipients: ['board@acme.example'] }),
        });
        assert.equal(res.status, 201, await res.clone().text());
        schedules.push(((await res.json()) as { id: string }).id);
      }
      // The creator's place is taken by someone who may not send reports (marketing); both slots are due.
      await owner(sql`update report_schedules set created_by = ${marketing.id}::uuid, next_run_at = date_trunc('second', now()) - interval '5 minutes' where id = any(${sql.param(schedules)}::uuid[])`);
      const ctx: WorkerContext = { boss: runner.boss, database: world.database, config: world.config, now: () => new Date(), keys: world.deps.keys };
      const outcomes = await runDueSchedules(ctx, world.deps.keys);
      assert.deepEqual(outcomes.filter((o) => o === 'no_access').length, 2);
      assert.deepEqual(await runDueSchedules(ctx, world.deps.keys), [], 'the schedules moved on');

      const [n] = await notificationsOf(mine.id);
      assert.deepEqual([n?.kind, n?.category, n?.tenant_id], ['report-send-failed', 'reports', mine.id]);
      assert.match(n!.title, new RegExp(`^The scheduled report for ${mine.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be sent`));
      const [send] = await owner<{ id: string }>(sql`select id::text from report_sends where schedule_id = ${schedules[0]}::uuid`);
      assert.equal(n!.dedupe_key, send!.id);
      const [m] = await notificationsOf(other.id);
      assert.equal(m?.kind, 'report-send-failed');

      const told = await fanout();
      assert.deepEqual(told(admin), [n!.id, m!.id].sort());
      assert.deepEqual(told(manager), [n!.id]);
    });

    test('reports: a report email the mail server refuses for good is recorded against its customer', async () => {
      const mine = await customer(true);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const res = await world.request(`/v1/customers/${mine.id}/reports/executive/email`, {
        method: 'POST', token, headers: json,
        body: JSON.stringify({ recipients: ['nobody@acme.example'], from: day(Date.now() - 30 * 86_400_000), to: day(Date.now() - 86_400_000) }),
      });
      assert.equal(res.status, 202, await res.clone().text());
      const { emailId } = (await res.json()) as { emailId: string };
      const refuse = { send: () => Promise.reject(Object.assign(new Error('550 mailbox unavailable'), { permanent: true })) };
      const ctx = { database: world.database, now: () => new Date(), boss: runner.boss };
      assert.equal(await deliverEmail(ctx, refuse, { data: { tenantId: mine.id, id: emailId }, retryCount: 0, retryLimit: 8 }), 'failed');
      // The same message again: already failed, nothing more.
      assert.equal(await deliverEmail(ctx, refuse, { data: { tenantId: mine.id, id: emailId }, retryCount: 0, retryLimit: 8 }), 'skipped');

      const rows = await notificationsOf(mine.id);
      assert.equal(rows.length, 1);
      const [n] = rows;
      assert.deepEqual([n!.kind, n!.category, n!.dedupe_key], ['report-email-failed', 'reports', emailId]);
      assert.equal(n!.title, `A report email for ${mine.name} could not be delivered to nobody@acme.example: 550 mailbox unavailable`);
      const told = await fanout();
      assert.deepEqual(told(admin), [n!.id]);
      assert.deepEqual(told(manager), [n!.id]);
    });

    test('other email failures are no report news', async () => {
      const [row] = await owner<{ id: string }>(sql`
        insert into email_messages (tenant_id, kind, "to", subject, data)
        values (${world.orgs.mspA}::uuid, 'invite', array['d@x.example'], 'x', '{}'::jsonb) returning id::text`);
      const refuse = { send: () => Promise.reject(Object.assign(new Error('550 no'), { permanent: true })) };
      assert.equal(await deliverEmail({ database: world.database, now: () => new Date() }, refuse, { data: { tenantId: world.orgs.mspA, id: row!.id }, retryCount: 0, retryLimit: 8 }), 'failed');
      assert.equal((await notificationsOf(world.orgs.mspA)).length, 0);
    });
  });
}
