import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * POST /v1/fleet/tags: a dry run answers exactly what applying does and writes nothing; tags
 * compare case-insensitively; customers outside the caller's scope count as not found, like
 * unknown ids, and are left alone; only MSP admins may use it; each refused field is named.
 */

interface Result {
  dryRun: boolean;
  matched: number;
  changed: number;
  unchanged: number;
  notFound: number;
  changes: { customerId: string; name: string; before: string[]; after: string[] }[];
}

for (const backend of backends) {
  describe(`POST /v1/fleet/tags (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const setTags = (id: string, tags: string[]) =>
      world.database.db.execute(sql`update customer_profiles set tags = ${sql.param(tags)}::text[] where tenant_id = ${id}::uuid`);
    const tagsOf = async (ids: string[]) => {
      const rows = await owner<{ id: string; tags: string[] }>(sql`select tenant_id as id, tags from customer_profiles where tenant_id = any(${sql.param(ids)}::uuid[])`);
      return Object.fromEntries(ids.map((id) => [id, rows.find((r) => r.id === id)?.tags]));
    };
    const audits = (ids: string[]) =>
      owner<{ tenant_id: string; target_id: string; actor_role: string; before: { tags: string[] }; after: { tags: string[] } }>(
        sql`select tenant_id, target_id, actor_role, before, after from audit_log
             where action = 'customer.tags_changed' and target_id = any(${sql.param(ids)}::uuid[]) order by id`,
      );
    const send = (body: unknown, token = admin) =>
      world.request('/v1/fleet/tags', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = async (res: Response) => {
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 400));
      return JSON.parse(text) as Result;
    };

    test('a dry run answers what applying changes, writes nothing, and applying writes it with one audit record per change', async () => {
      const [c1, c2, c3, c4] = world.orgs.customersA as [string, string, string, string];
      await setTags(c1, ['VIP']);
      await setTags(c2, []);
      await setTags(c3, ['Legacy', 'Region north']);
      await setTags(c4, ['vip', 'pilot']);
      const foreign = world.orgs.customersB[0]!;
      await setTags(foreign, ['Legacy']);
      const ids = [c1, c2, c3, c4, foreign, randomUUID()];
      const body = { customerIds: ids, add: ['vip', 'Pilot'], remove: ['LEGACY'] };
      const before = await tagsOf(ids);

      const preview = await ok(await send({ ...body, dryRun: true }));
      assert.deepEqual({ ...preview, changes: undefined }, { dryRun: true, matched: 4, changed: 3, unchanged: 1, notFound: 2, changes: undefined });
      assert.deepEqual(
        preview.changes.map((c) => [c.customerId, c.before, c.after]),
        [
          [c1, ['VIP'], ['VIP', 'Pilot']],
          [c2, [], ['vip', 'Pilot']],
          [c3, ['Legacy', 'Region north'], ['Region north', 'vip', 'Pilot']],
        ],
      );
      assert.ok(preview.changes.every((c) => c.name.length > 0));
      assert.deepEqual(await tagsOf(ids), before, 'a dry run wrote tags');
      assert.equal((await audits(ids)).length, 0, 'a dry run wrote audit records');

      const applied = await ok(await send(body));
      assert.deepEqual(applied, { ...preview, dryRun: false }, 'applying changes what the dry run said');
      const now = await tagsOf(ids);
      assert.deepEqual(now[c1], ['VIP', 'Pilot']);
      assert.deepEqual(now[c2], ['vip', 'Pilot']);
      assert.deepEqual(now[c3], ['Region north', 'vip', 'Pilot']);
      assert.deepEqual(now[c4], ['vip', 'pilot'], 'an unchanged customer is left alone');
      assert.deepEqual(now[foreign], ['Legacy'], "another MSP's customer is untouched");
      const records = await audits(ids);
      assert.deepEqual(
        records.map((r) => [r.tenant_id, r.target_id, r.actor_role, r.before.tags, r.after.tags]),
        preview.changes.map((c) => [c.customerId, c.customerId, 'msp_admin', c.before, c.after]),
      );

      // Again: nothing left to change.
      const again = await ok(await send(body));
      assert.deepEqual({ ...again, changes: again.changes.length }, { dryRun: false, matched: 4, changed: 0, unchanged: 4, notFound: 2, changes: 0 });
      assert.equal((await audits(ids)).length, 3);
    });

    test('tags are trimmed and deduplicated case-insensitively, stored as first given', async () => {
      const id = world.orgs.customersA[4]!;
      await setTags(id, ['Ops team']);
      const result = await ok(await send({ customerIds: [id], add: [' OPS TEAM ', 'Night-shift_2.0', 'night-SHIFT_2.0'] }));
      assert.deepEqual(result.changes, [{ customerId: id, name: result.changes[0]!.name, before: ['Ops team'], after: ['Ops team', 'Night-shift_2.0'] }]);
      assert.deepEqual((await tagsOf([id]))[id], ['Ops team', 'Night-shift_2.0']);
      const removed = await ok(await send({ customerIds: [id], remove: ['ops TEAM', 'absent'] }));
      assert.deepEqual(removed.changes[0]?.after, ['Night-shift_2.0']);
    });

    test("another MSP's customers count as not found, exactly like unknown ids, and stay untouched", async () => {
      const foreign = world.orgs.customersA.slice(0, 3);
      const before = await tagsOf(foreign);
      const auditsBefore = (await audits(foreign)).length;
      const other = await world.staffToken('B', 'admin');
      const seen = await ok(await send({ customerIds: foreign, add: ['Probe'] }, other));
      const unknown = await ok(await send({ customerIds: foreign.map(() => randomUUID()), add: ['Probe'] }, other));
      assert.deepEqual(seen, unknown);
      assert.deepEqual(seen, { dryRun: false, matched: 0, changed: 0, unchanged: 0, notFound: 3, changes: [] });
      assert.deepEqual(await tagsOf(foreign), before);
      assert.equal((await audits(foreign)).length, auditsBefore);
    });

    test("a revoked customer can still be tagged; its audit record goes to the org that manages it", async () => {
      const id = world.orgs.revoked;
      const [org] = await owner<{ parent_id: string }>(sql`select parent_id from orgs where id = ${id}::uuid`);
      await setTags(id, []);
      const result = await ok(await send({ customerIds: [id], add: ['Lost'] }));
      assert.equal(result.changed, 1);
      assert.deepEqual((await tagsOf([id]))[id], ['Lost']);
      assert.deepEqual((await audits([id])).map((r) => r.tenant_id), [org!.parent_id]);
    });

    test('only roles that manage customers may tag; the others get 403 and nothing is written', async () => {
      const full = await customerWithDelegation(world, 'full', world.orgs.customersA);
      const tokens = [
        await world.staffToken('A', 'analyst'),
        await world.staffToken('A', 'accountManager'),
        await world.staffToken('A', 'marketing'),
        await world.customerToken(full, 'customer_admin'),
        await world.customerToken(full, 'customer_viewer'),
      ];
      const ids = [full, world.orgs.customersA[0]!];
      const before = await tagsOf(ids);
      for (const token of tokens) {
        await expectProblem(await send({ customerIds: ids, add: ['Refused'] }, token), 403, 'forbidden');
        await expectProblem(await send({ customerIds: ids, add: ['Refused'], dryRun: true }, token), 403, 'forbidden');
      }
      assert.deepEqual(await tagsOf(ids), before);
    });

    test("the fleet's tag filter matches tags in any case, as tagging compares them", async () => {
      const [c1, c2, c3] = world.orgs.customersA.slice(5, 8) as [string, string, string];
      await setTags(c1, ['Case Probe']);
      await setTags(c2, ['CASE PROBE', 'other']);
      await setTags(c3, ['case probe extra']);
      const ids = async (tag: string) => {
        const res = await world.request(`/v1/fleet?limit=200&tag=${encodeURIComponent(tag)}`, { token: admin });
        assert.equal(res.status, 200);
        return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id).sort();
      };
      assert.deepEqual(await ids('case probe'), [c1, c2].sort());
      assert.deepEqual(await ids('CASE probe, nothing-like-it'), [c1, c2].sort());
      assert.deepEqual(await ids('case'), []);
    });

    test('GET /v1/fleet/tags lists the tags in scope once each, ignoring case, with how many customers have them', async () => {
      const [c1, c2, c3] = world.orgs.customersA.slice(8, 11) as [string, string, string];
      await setTags(c1, ['Suggest me', 'Solo']);
      await setTags(c2, ['suggest ME']);
      await setTags(c3, ['Suggest me']);
      const foreign = world.orgs.customersB[1]!;
      await setTags(foreign, ['Foreign only', 'suggest me']);
      const list = async (token: string) => {
        const res = await world.request('/v1/fleet/tags', { token });
        assert.equal(res.status, 200);
        return ((await res.json()) as { tags: { tag: string; customers: number }[] }).tags;
      };
      const tags = await list(admin);
      assert.deepEqual(tags.find((t) => t.tag.toLowerCase() === 'suggest me'), { tag: 'Suggest me', customers: 3 });
      assert.deepEqual(tags.find((t) => t.tag === 'Solo'), { tag: 'Solo', customers: 1 });
      assert.equal(tags.filter((t) => t.tag.toLowerCase() === 'suggest me').length, 1);
      assert.ok(!tags.some((t) => t.tag === 'Foreign only'), "another MSP's tags are listed");
      for (let i = 1; i < tags.length; i++) assert.ok(tags[i - 1]!.customers >= tags[i]!.customers, 'most used first');
      // An account manager hears only of its assigned customers' tags.
      const assigned = world.orgs.assignedA[0]!;
      await setTags(assigned, ['Assigned only']);
      const unassigned = world.orgs.customersA.find((id) => !world.orgs.assignedA.includes(id) && ![c1, c2, c3].includes(id))!;
      await setTags(unassigned, ['Unassigned only']);
      const managed = await list(await world.staffToken('A', 'accountManager'));
      assert.ok(managed.some((t) => t.tag === 'Assigned only'));
      assert.ok(!managed.some((t) => t.tag === 'Unassigned only'));
      await expectProblem(await world.request('/v1/fleet/tags', { token: await world.staffToken('A', 'marketing') }), 403, 'forbidden');
    });

    test('each invalid field is named by its JSON pointer', async () => {
      const id = world.orgs.customersA[0]!;
      const ids = [id];
      await expectFieldError(await send({ customerIds: ids }), '#/body/add', 'neither add nor remove');
      await expectFieldError(await send({ customerIds: ids, add: [], remove: [] }), '#/body/add', 'both empty');
      await expectFieldError(await send({ customerIds: [], add: ['x'] }), '#/body/customerIds', 'no customers');
      await expectFieldError(await send({ customerIds: Array.from({ length: 501 }, () => randomUUID()), add: ['x'] }), '#/body/customerIds', 'too many');
      await expectFieldError(await send({ customerIds: [id, 'nope'], add: ['x'] }), '#/body/customerIds/1', 'not a uuid');
      await expectFieldError(await send({ customerIds: [id, randomUUID(), id.toUpperCase()], add: ['x'] }), '#/body/customerIds/2', 'named twice');
      await expectFieldError(await send({ customerIds: ids, add: ['ok', 'no<script>'] }), '#/body/add/1', 'characters');
      await expectFieldError(await send({ customerIds: ids, add: ['   '] }), '#/body/add/0', 'blank');
      await expectFieldError(await send({ customerIds: ids, remove: ['x'.repeat(41)] }), '#/body/remove/0', 'too long');
      await expectFieldError(await send({ customerIds: ids, add: Array.from({ length: 11 }, (_, i) => `t${i}`) }), '#/body/add', 'too many tags');
      await expectFieldError(await send({ customerIds: ids, add: ['x'], dryRun: 'yes' }), '#/body/dryRun', 'not a boolean');
      const both = await expectProblem(await send({ customerIds: ids, add: ['Keep', 'VIP'], remove: ['vip'] }), 400, 'invalid-request', 'in add and remove');
      assert.deepEqual(both.errors?.map((e) => e.pointer), ['#/body/add/1', '#/body/remove/0']);
      // 40 characters of every allowed kind are fine.
      const longest = 'Ä'.repeat(10) + '0123456789' + ' -_.'.repeat(5);
      assert.equal(longest.length, 40);
      assert.equal((await ok(await send({ customerIds: ids, add: [longest], dryRun: true }))).matched, 1);
    });
  });
}
