import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { withScope } from '../../../bff/db/scope.js';
import { defaultFleetColumns } from '../../../bff/domain/fleet-columns.js';
import { backends, customerWithDelegation, dbError, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/** GET/PUT /v1/me/preferences/{key}: defaults, versions with If-Match, per-user isolation. */

const URL_ = '/v1/me/preferences/fleet-columns';

interface Preference {
  key: string;
  value: { visible: string[]; order?: string[] };
  version: number;
  updatedAt: string | null;
}

for (const backend of backends) {
  describe(`preferences (${backend})`, () => {
    let world: World;
    let admin: string;
    let analyst: string;
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
      analyst = await world.staffToken('A', 'analyst');
    });
    after(() => world?.close());

    const get = (token: string, url = URL_) => world.request(url, { token });
    const put = (token: string, value: unknown, ifMatch?: string, url = URL_) =>
      world.request(url, {
        method: 'PUT',
        token,
        headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        body: JSON.stringify({ value }),
      });
    const userId = async (externalId: string) =>
      (await queryRows<{ id: string }>(world.database.db, sql`select id from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = ${externalId}`))[0]!.id;

    test('nothing saved: the default at version 0 with ETag "0", never a 404', async () => {
      const res = await get(admin);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('etag'), '"0"');
      assert.deepEqual(await res.json(), { key: 'fleet-columns', value: defaultFleetColumns, version: 0, updatedAt: null });
    });

    test('round trip: save with If-Match "0", read it back, save again with the new ETag; each save audited', async () => {
      const customerId = await customerWithDelegation(world, 'full', world.orgs.customersA);
      const customer = await world.customerToken(customerId, 'customer_admin');
      const first = await put(customer, { visible: ['name', 'posture'], order: ['posture', 'name'] }, '"0"');
      assert.equal(first.status, 200, await first.clone().text());
      assert.equal(first.headers.get('etag'), '"1"');
      const saved = (await first.json()) as Preference;
      assert.deepEqual(saved.value, { visible: ['name', 'posture'], order: ['posture', 'name'] });
      assert.equal(saved.version, 1);
      assert.ok(saved.updatedAt);

      const read = await get(customer);
      assert.equal(read.headers.get('etag'), '"1"');
      assert.deepEqual(await read.json(), saved);

      const second = await put(customer, { visible: ['name', 'status', 'lastScan'] }, '"1"');
      assert.equal(second.status, 200);
      assert.equal(second.headers.get('etag'), '"2"');
      assert.deepEqual(((await (await get(customer)).json()) as Preference).value, { visible: ['name', 'status', 'lastScan'] });

      const audit = await queryRows<{ tenant_id: string; actor_role: string; before: unknown; after: unknown }>(
        world.database.db,
        sql`select tenant_id, actor_role, before, after from audit_log where action = 'preference.update' and tenant_id = ${customerId}::uuid order by id`,
      );
      const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown> | null;
      assert.equal(audit.length, 2);
      assert.equal(audit[0]!.actor_role, 'customer_admin');
      assert.equal(json(audit[0]!.before), null);
      assert.deepEqual(json(audit[0]!.after), { key: 'fleet-columns', value: { visible: ['name', 'posture'], order: ['posture', 'name'] }, version: 1 });
      assert.deepEqual(json(audit[1]!.before), { key: 'fleet-columns', value: { visible: ['name', 'posture'], order: ['posture', 'name'] }, version: 1 });
      assert.equal((json(audit[1]!.after) as { version: number }).version, 2);
    });

    test('PUT without If-Match → 428; with a stale one → 412 carrying the current value and ETag', async () => {
      const token = await world.staffToken('B', 'admin');
      await expectProblem(await put(token, { visible: ['name'] }), 428, 'precondition-required');
      assert.equal((await put(token, { visible: ['name', 'acv'] }, '"0"')).status, 200);
      const stale = await put(token, { visible: ['name'] }, '"0"');
      assert.equal(stale.headers.get('etag'), '"1"');
      const problem = await expectProblem(stale, 412, 'precondition-failed', 'stale', ['current']);
      const current = problem.current as Preference;
      assert.equal(current.version, 1);
      assert.deepEqual(current.value, { visible: ['name', 'acv'] });
      await expectProblem(await put(token, { visible: ['name'] }, '"7"'), 412, 'precondition-failed', 'ahead', ['current']);
      assert.deepEqual(((await (await get(token)).json()) as Preference).value, { visible: ['name', 'acv'] }, 'refused writes changed nothing');
    });

    test('two writers holding the same version: exactly one wins, the other gets 412 with the winner', async () => {
      const token = await world.staffToken('B', 'analyst');
      const etag = (await get(token)).headers.get('etag')!;
      for (let round = 0; round < 3; round++) {
        const current = (await get(token)).headers.get('etag')!;
        if (round === 0) assert.equal(current, etag);
        const values = [{ visible: ['name', 'plan'] }, { visible: ['name', 'tags'] }];
        const results = await Promise.all(values.map((v) => put(token, v, current)));
        const statuses = results.map((r) => r.status).sort();
        assert.deepEqual(statuses, [200, 412], `round ${round}: ${statuses.join(', ')}`);
        const winner = results.find((r) => r.status === 200)!;
        const loser = results.find((r) => r.status === 412)!;
        const won = (await winner.json()) as Preference;
        const problem = await expectProblem(loser, 412, 'precondition-failed', `round ${round}`, ['current']);
        assert.deepEqual(problem.current, won, 'the loser is told what the winner saved');
        assert.equal(won.version, Number(current.replaceAll('"', '')) + 1);
      }
    });

    test("another user's preferences are invisible, through the API and in the database", async () => {
      // Same org, same tenant scope: the admin sees every tenant the analyst sees, but not its choice.
      const mine = await put(admin, { visible: ['name', 'openFindings'] }, (await get(admin)).headers.get('etag')!);
      assert.equal(mine.status, 200);
      const theirs = (await (await get(analyst)).json()) as Preference;
      assert.deepEqual(theirs.value, defaultFleetColumns, 'the analyst reads its own (seeded) choice');
      assert.equal(theirs.version, 1);

      const adminId = await userId('admin');
      const analystId = await userId('analyst');
      const principal = { kind: 'user' as const, userId: analystId, role: 'msp_analyst', orgId: world.orgs.mspA };
      const rows = await withScope(world.database.db, principal, (tx) =>
        queryRows<{ user_id: string }>(tx, sql`select user_id from user_preferences`),
      );
      assert.deepEqual(rows.map((r) => r.user_id), [analystId], 'RLS shows a user only its own rows');
      await assert.rejects(
        withScope(world.database.db, principal, (tx) =>
          tx.execute(sql`insert into user_preferences (tenant_id, user_id, key, value) values (${world.orgs.mspA}::uuid, ${adminId}::uuid, 'other', '{}'::jsonb)`),
        ),
        dbError(/row-level security/),
      );
      const updated = await withScope(world.database.db, principal, (tx) =>
        queryRows(tx, sql`update user_preferences set version = version + 1 where user_id = ${adminId}::uuid returning 1`),
      );
      assert.equal(updated.length, 0, "the admin's row cannot be updated by the analyst");
      await assert.rejects(
        withScope(world.database.db, principal, (tx) => tx.execute(sql`delete from user_preferences`)),
        dbError(/permission denied/),
      );
      // An API key acts for no user: it sees none.
      const keyRows = await withScope(world.database.db, { kind: 'api_key', apiKeyId: world.apiKeys.A.id, orgId: world.orgs.mspA }, (tx) =>
        queryRows(tx, sql`select 1 from user_preferences`),
      );
      assert.equal(keyRows.length, 0);
    });

    test('bad keys and values → 400 naming the field', async () => {
      await expectFieldError(await get(admin, '/v1/me/preferences/nope'), '#/path/key');
      await expectFieldError(await put(admin, { visible: ['name'] }, '"0"', '/v1/me/preferences/theme'), '#/path/key');
      const cases: [unknown, string][] = [
        [{ visible: ['name', 'unknown-column'] }, '#/body/value/visible/1'],
        [{ visible: [] }, '#/body/value/visible'],
        [{ visible: ['name', 'name'] }, '#/body/value/visible'],
        [{ visible: ['name'], order: ['status', 'status'] }, '#/body/value/order'],
        [{ visible: 'name' }, '#/body/value/visible'],
        [{ order: ['name'] }, '#/body/value/visible'],
        [null, '#/body/value'],
        [['name'], '#/body/value'],
      ];
      const etag = (await get(admin)).headers.get('etag')!;
      for (const [value, pointer] of cases) {
        await expectFieldError(await put(admin, value, etag), pointer, JSON.stringify(value));
      }
      await expectFieldError(await put(admin, { visible: ['name'] }, 'v1'), '#/header/if-match');
      assert.equal((await get(admin)).headers.get('etag'), etag, 'nothing was saved');
    });

    test('customer-tabs: the default is none open; a saved list and its active tab round-trip; its rules give pointers', async () => {
      const tabs = '/v1/me/preferences/customer-tabs';
      const token = await world.staffToken('B', 'accountManager');
      const first = await get(token, tabs);
      assert.equal(first.headers.get('etag'), '"0"');
      assert.deepEqual(await first.json(), { key: 'customer-tabs', value: { open: [], active: null }, version: 0, updatedAt: null });
      const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const value = { open: [{ id: id(1), name: 'Acme' }, { id: id(2), name: 'Globex' }], active: id(2) };
      const saved = await put(token, value, '"0"', tabs);
      assert.equal(saved.status, 200, await saved.clone().text());
      assert.deepEqual(((await saved.json()) as Preference).value, value);
      assert.deepEqual(((await (await get(token, tabs)).json()) as Preference).value, value);
      assert.deepEqual(((await (await get(token)).json()) as Preference).value, defaultFleetColumns, 'the keys are separate documents');

      const thirteen = Array.from({ length: 13 }, (_, i) => ({ id: id(i + 1), name: `Customer ${i + 1}` }));
      const cases: [unknown, string][] = [
        [{ open: thirteen, active: null }, '#/body/value/open'],
        [{ open: [{ id: id(1), name: 'A' }, { id: id(1), name: 'A' }], active: null }, '#/body/value/open'],
        [{ open: [{ id: id(1), name: 'A' }], active: id(2) }, '#/body/value/active'],
        [{ open: [{ id: 'nope', name: 'A' }], active: null }, '#/body/value/open/0/id'],
        [{ open: [{ id: id(1), name: '' }], active: null }, '#/body/value/open/0/name'],
        [{ open: [] }, '#/body/value/active'],
      ];
      for (const [bad, pointer] of cases) await expectFieldError(await put(token, bad, '"1"', tabs), pointer, JSON.stringify(bad).slice(0, 80));
    });

    test('a session whose user lost access reads and writes nothing', async () => {
      const token = await world.staffToken('A', 'marketing');
      assert.equal((await get(token)).status, 200, 'every role keeps preferences');
      await world.database.db.execute(sql`update users set status = 'deactivated' where tenant_id = ${world.orgs.mspA}::uuid and external_id = 'marketing'`);
      await expectProblem(await get(token), 401, 'authentication-error');
      await expectProblem(await put(token, { visible: ['name'] }, '"0"'), 401, 'authentication-error');
    });
  });
}
