import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { runScan } from '../../../bff/jobs/scan-run.js';
import { SimulatedScanner } from '../../../bff/scanner/simulated.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * Scan schedule routes: create (Idempotency-Key), read with upcoming slots in the customer's or
 * the schedule's zone, replace and delete with If-Match; bulk creation across the fleet with
 * out-of-scope customers as not found; upcoming runs across the caller's scope; run now; the
 * customer's recent scans; who may do what; each refused field named by its pointer; a new
 * asset registered through the API runs the customer's new_asset schedules.
 */

interface Schedule {
  id: string;
  customerId: string;
  name: string;
  profile: string;
  frequency: string;
  timeZone: string | null;
  effectiveTimeZone: string;
  startTime: string;
  triggers: string[];
  nextRunAt: string | null;
  upcoming: { at: string; local: string }[];
  version: number;
  createdBy: string | null;
}

const NOW = new Date('2026-11-26T10:00:00Z');

for (const backend of backends) {
  describe(`scan schedule routes (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend, { customers: 12 });
      world.deps.now = () => NOW;
      admin = await world.staffToken('A', 'admin');
    });
    after(() => world?.close());

    const body = (extra: Record<string, unknown> = {}) => ({ name: 'Nightly web scan', profile: 'web', frequency: 'daily', startTime: '02:30', triggers: ['new_asset'], ...extra });
    const post = (customer: string, b: unknown, token = admin, headers: Record<string, string> = {}) =>
      world.request(`/v1/customers/${customer}/scan-schedules`, { method: 'POST', token, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
    const json = async <T>(res: Response, status: number): Promise<T> => {
      const text = await res.text();
      assert.equal(res.status, status, text.slice(0, 400));
      return JSON.parse(text) as T;
    };
    const zoneOf = async (id: string) => (await queryRows<{ tz: string }>(world.database.db, sql`select time_zone as tz from orgs where id = ${id}::uuid`))[0]!.tz;

    test("create in the customer's zone; list answers upcoming slots and the scanner's profiles; replay with the same key creates nothing more", async () => {
      const customer = world.orgs.customersA[2]!;
      const zone = await zoneOf(customer);
      const key = randomUUID();
      const created = await json<Schedule>(await post(customer, body(), admin, { 'idempotency-key': key }), 201);
      assert.equal(created.timeZone, null);
      assert.equal(created.effectiveTimeZone, zone);
      assert.equal(created.upcoming.length, 3);
      assert.equal(created.nextRunAt, created.upcoming[0]!.at);
      for (const run of created.upcoming) assert.equal(run.local.slice(11), '02:30', `${run.at} in ${zone}`);
      assert.ok(new Date(created.upcoming[0]!.at).getTime() > NOW.getTime());
      const again = await post(customer, body(), admin, { 'idempotency-key': key });
      assert.equal(again.status, 201);
      assert.equal(((await again.json()) as Schedule).id, created.id);
      const list = await json<{ items: Schedule[]; profiles: { id: string }[]; customerTimeZone: string }>(await world.request(`/v1/customers/${customer}/scan-schedules`, { token: admin }), 200);
      assert.deepEqual(list.items.filter((s) => s.id === created.id).length, 1);
      assert.ok(list.profiles.some((p) => p.id === 'web'));
      assert.equal(list.customerTimeZone, zone);
      const audit = await queryRows<{ action: string }>(world.database.db, sql`select action from audit_log where target_id = ${created.id}::uuid`);
      assert.deepEqual(audit.map((a) => a.action), ['scan_schedule.create']);
    });

    test('replace and delete need the current ETag; a stale one answers 412 with the schedule as it is', async () => {
      const customer = world.orgs.customersA[3]!;
      const created = await json<Schedule>(await post(customer, body({ frequency: 'weekly', weekday: 1, timeZone: 'Asia/Kolkata', startTime: '09:00' })), 201);
      assert.equal(created.effectiveTimeZone, 'Asia/Kolkata');
      for (const run of created.upcoming) assert.equal(run.at.slice(11, 16), '03:30');
      const url = `/v1/customers/${customer}/scan-schedules/${created.id}`;
      const put = (b: unknown, etag?: string) => world.request(url, { method: 'PUT', token: admin, headers: { 'content-type': 'application/json', ...(etag ? { 'if-match': etag } : {}) }, body: JSON.stringify(b) });
      await expectProblem(await put(body()), 428, 'precondition-required');
      const saved = await put(body({ frequency: 'monthly', dayOfMonth: 15, startTime: '23:45', timeZone: 'America/New_York' }), '"1"');
      const s = await json<Schedule>(saved, 200);
      assert.equal(saved.headers.get('etag'), '"2"');
      assert.ok(s.upcoming.every((r) => r.local.endsWith('-15T23:45')));
      const stale = await expectProblem(await put(body(), '"1"'), 412, 'precondition-failed', '', ['current']);
      assert.equal((stale.current as Schedule).version, 2);
      await expectProblem(await world.request(url, { method: 'DELETE', token: admin, headers: { 'if-match': '"1"' } }), 412, 'precondition-failed', '', ['current']);
      const del = await world.request(url, { method: 'DELETE', token: admin, headers: { 'if-match': '"2"' } });
      assert.equal((await json<Schedule>(del, 200)).version, 3);
      await expectProblem(await world.request(url, { method: 'DELETE', token: admin, headers: { 'if-match': '"3"' } }), 404, 'not-found');
    });

    test('bad input names its field', async () => {
      const customer = world.orgs.customersA[2]!;
      await expectFieldError(await post(customer, body({ frequency: 'weekly' })), '#/body/weekday');
      await expectFieldError(await post(customer, body({ frequency: 'monthly', dayOfMonth: 31 })), '#/body/dayOfMonth');
      await expectFieldError(await post(customer, body({ startTime: '24:00' })), '#/body/startTime');
      await expectFieldError(await post(customer, body({ timeZone: 'Mars/Olympus' })), '#/body/timeZone');
      await expectFieldError(await post(customer, body({ profile: 'everything' })), '#/body/profile');
      await expectFieldError(await post(customer, body({ triggers: ['new_asset', 'new_asset'] })), '#/body/triggers/1');
      await expectFieldError(await post(customer, body({ triggers: ['sunrise'] })), '#/body/triggers/0');
      await expectFieldError(await post(customer, body({ targets: [''] })), '#/body/targets/0');
      await expectFieldError(await post(customer, body({ name: '' })), '#/body/name');
    });

    test('who may schedule: MSP admins, analysts, assigned account managers, a full-delegation customer admin; not a viewer or another MSP', async () => {
      const assigned = world.orgs.assignedA[0]!;
      const unassigned = world.orgs.customersA.find((c) => !world.orgs.assignedA.includes(c))!;
      await json(await post(assigned, body(), await world.staffToken('A', 'analyst')), 201);
      const manager = await world.staffToken('A', 'accountManager');
      await json(await post(assigned, body(), manager), 201);
      await expectProblem(await post(unassigned, body(), manager), 404, 'not-found');
      await expectProblem(await post(assigned, body(), await world.staffToken('B', 'admin')), 404, 'not-found');
      await expectProblem(await post(assigned, body(), await world.staffToken('A', 'marketing')), 403, 'forbidden');
      const full = await customerWithDelegation(world, 'full', world.orgs.customersA);
      await json(await post(full, body(), await world.customerToken(full, 'customer_admin')), 201);
      await expectProblem(await post(full, body(), await world.customerToken(full, 'customer_viewer')), 403, 'forbidden');
      // The viewer still reads them.
      await json(await world.request(`/v1/customers/${full}/scan-schedules`, { token: await world.customerToken(full, 'customer_viewer') }), 200);
    });

    test('bulk: one schedule per customer in scope, the others not found; audited', async () => {
      const mine = world.orgs.customersA.slice(4, 7);
      const foreign = world.orgs.customersB[0]!;
      const ids = [...mine, foreign, randomUUID()];
      const res = await world.request('/v1/fleet/scan-schedules', {
        method: 'POST', token: admin, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerIds: ids, schedule: body({ name: 'Fleet nightly' }) }),
      });
      const result = await json<{ created: number; notFound: number; items: { customerId: string; scheduleId: string }[] }>(res, 200);
      assert.equal(result.created, 3);
      assert.equal(result.notFound, 2);
      assert.deepEqual(result.items.map((i) => i.customerId), mine);
      const foreignRows = await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from scan_schedules where tenant_id = ${foreign}::uuid and name = 'Fleet nightly'`);
      assert.equal(foreignRows[0]!.n, 0);
      const audits = await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from audit_log where action = 'scan_schedule.create' and target_id = any(${sql.param(result.items.map((i) => i.scheduleId))}::uuid[])`);
      assert.equal(audits[0]!.n, 3);
      const tooMany = await world.request('/v1/fleet/scan-schedules', {
        method: 'POST', token: admin, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerIds: Array.from({ length: 501 }, () => randomUUID()), schedule: body() }),
      });
      await expectFieldError(tooMany, '#/body/customerIds');
      const badProfile = await world.request('/v1/fleet/scan-schedules', {
        method: 'POST', token: admin, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerIds: mine, schedule: body({ profile: 'nope' }) }),
      });
      await expectFieldError(badProfile, '#/body/schedule/profile');
    });

    test('upcoming runs: earliest first across the scope, in UTC and local time; an account manager sees its assigned customers only', async () => {
      type Up = { items: { at: string; local: string; timeZone: string; customerId: string; scheduleId: string }[] };
      const all = await json<Up>(await world.request('/v1/scan-schedules/upcoming?perSchedule=2&limit=500', { token: admin }), 200);
      assert.ok(all.items.length > 0);
      const times = all.items.map((i) => i.at);
      assert.deepEqual([...times].sort(), times);
      assert.ok(all.items.every((i) => !world.orgs.customersB.includes(i.customerId)), "no other MSP's customers");
      const perSchedule = new Map<string, number>();
      for (const i of all.items) perSchedule.set(i.scheduleId, (perSchedule.get(i.scheduleId) ?? 0) + 1);
      assert.ok([...perSchedule.values()].every((n) => n === 2));
      const manager = await json<Up>(await world.request('/v1/scan-schedules/upcoming?limit=500', { token: await world.staffToken('A', 'accountManager') }), 200);
      assert.ok(manager.items.length > 0);
      assert.ok(manager.items.every((i) => world.orgs.assignedA.includes(i.customerId)));
      const one = world.orgs.customersA[2]!;
      const only = await json<Up>(await world.request(`/v1/scan-schedules/upcoming?customerIds=${one}`, { token: admin }), 200);
      assert.ok(only.items.length > 0 && only.items.every((i) => i.customerId === one));
      await expectFieldError(await world.request('/v1/scan-schedules/upcoming?perSchedule=11', { token: admin }), '#/query/perSchedule');
    });

    test('run now queues one scan per Idempotency-Key; the run completes as the creator and shows in recent scans', async () => {
      const customer = world.orgs.customersA[2]!;
      const created = await json<Schedule>(await post(customer, body({ profile: 'full', targets: [] })), 201);
      const key = randomUUID();
      const run = (k: string) => world.request(`/v1/customers/${customer}/scan-schedules/${created.id}/runs`, { method: 'POST', token: admin, headers: { 'idempotency-key': k } });
      const first = await json<{ id: string; status: string; trigger: string }>(await run(key), 202);
      assert.equal(first.status, 'queued');
      assert.equal(first.trigger, 'manual');
      const replay = await json<{ id: string }>(await run(key), 202);
      assert.equal(replay.id, first.id);
      await expectProblem(await world.request(`/v1/customers/${customer}/scan-schedules/${created.id}/runs`, { method: 'POST', token: await world.staffToken('B', 'admin'), headers: { 'idempotency-key': randomUUID() } }), 404, 'not-found');
      const outcome = await runScan({ db: world.database.db, scanner: new SimulatedScanner(world.database.db), jobs: null }, { tenantId: customer, id: first.id }, NOW);
      assert.equal(outcome.status, 'completed');
      const scans = await json<{ items: { id: string; status: string; trigger: string; findingsCount: number; scheduleName: string }[] }>(await world.request(`/v1/customers/${customer}/scans?limit=5`, { token: admin }), 200);
      const mine = scans.items.find((s) => s.id === first.id)!;
      assert.equal(mine.status, 'completed');
      assert.equal(mine.scheduleName, 'Nightly web scan');
      assert.ok(mine.findingsCount > 0);
      await expectProblem(await world.request(`/v1/customers/${customer}/scans`, { token: await world.staffToken('B', 'admin') }), 404, 'not-found');
    });

    test("a new asset registered through the API runs the customer's new_asset schedules once", async () => {
      const customer = world.orgs.customersA[2]!;
      const schedules = await queryRows<{ id: string }>(world.database.db, sql`select id from scan_schedules where tenant_id = ${customer}::uuid and enabled and 'new_asset' = any(triggers)`);
      assert.ok(schedules.length > 0);
      const add = () => world.request(`/v1/customers/${customer}/assets`, { method: 'POST', token: admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'subdomain', value: 'fresh.trigger-test.example' }) });
      const asset = await json<{ id: string }>(await add(), 201);
      await json(await add(), 200);
      const queued = await queryRows<{ schedule_id: string; targets: string[] }>(world.database.db, sql`select schedule_id, targets from scans where tenant_id = ${customer}::uuid and run_key = ${`asset:${asset.id}`}`);
      assert.deepEqual(queued.map((q) => q.schedule_id).sort(), schedules.map((s) => s.id).sort());
      assert.ok(queued.every((q) => q.targets[0] === 'fresh.trigger-test.example'));
    });
  });
}
