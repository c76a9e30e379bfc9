import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * Notification settings: a user reads and saves its own (defaults until the first save, If-Match
 * versions, an audit record per save); admins read and save anyone's they can see and list
 * them; a user outside the caller's scope answers 404 like an unknown id; roles that receive
 * no notifications, and non-admins for other users, get 403; each refused field is named.
 */

interface Settings {
  userId: string;
  frequency: 'immediate' | 'daily' | 'weekly';
  mutedCategories: string[];
  version: number;
  updatedAt: string | null;
  receivesNotifications: boolean;
  timeZone: string;
  digestTime: string;
  nextDigestAt: string | null;
  categories: { id: string; label: string; description: string }[];
}

interface Page {
  items: { id: string; tenantId: string; name: string; role: string | null; frequency: string; mutedCategories: string[]; version: number }[];
  nextCursor: string | null;
}

for (const backend of backends) {
  describe(`notification settings routes (${backend})`, () => {
    let world: World;
    let tokens: Record<'admin' | 'analyst' | 'accountManager' | 'marketing' | 'adminB' | 'customerAdmin' | 'customerViewer', string>;
    let ids: Record<'admin' | 'analyst' | 'accountManager' | 'adminB' | 'customerAdmin' | 'customerViewer', string>;
    let customer: string;

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const staffId = async (msp: string, externalId: string) =>
      (await owner<{ id: string }>(sql`select id from users where tenant_id = ${msp}::uuid and external_id = ${externalId}`))[0]!.id;
    const userOf = async (tenant: string, role: string) =>
      (await owner<{ id: string }>(sql`select u.id from users u join role_assignments r on r.user_id = u.id where u.tenant_id = ${tenant}::uuid and r.role = ${role} order by u.id limit 1`))[0]!.id;

    before(async () => {
      world = await seededWorld(backend);
      customer = await customerWithDelegation(world, 'full', world.orgs.customersA);
      const viewerCustomer = customer;
      tokens = {
        admin: await world.staffToken('A', 'admin'),
        analyst: await world.staffToken('A', 'analyst'),
        accountManager: await world.staffToken('A', 'accountManager'),
        marketing: await world.staffToken('A', 'marketing'),
        adminB: await world.staffToken('B', 'admin'),
        customerAdmin: await world.customerToken(customer, 'customer_admin'),
        customerViewer: await world.customerToken(viewerCustomer, 'customer_viewer'),
      };
      ids = {
        admin: await staffId(world.orgs.mspA, seeded.staff.admin),
        analyst: await staffId(world.orgs.mspA, seeded.staff.analyst),
        accountManager: await staffId(world.orgs.mspA, seeded.staff.accountManager),
        adminB: await staffId(world.orgs.mspB, seeded.staff.admin),
        customerAdmin: await userOf(customer, 'customer_admin'),
        customerViewer: await userOf(customer, 'customer_viewer'),
      };
    });
    after(() => world?.close());

    const get = (path: string, token: string) => world.request(path, { token });
    const put = (path: string, token: string, body: unknown, ifMatch?: string) =>
      world.request(path, { method: 'PUT', token, headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) }, body: JSON.stringify(body) });
    const ok = async <T = Settings>(res: Response): Promise<T> => {
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 400));
      return JSON.parse(text) as T;
    };
    const audits = (target: string) =>
      owner<{ tenant_id: string; actor_id: string; actor_role: string; before: unknown; after: { frequency: string; mutedCategories: string[]; version: number } }>(
        sql`select tenant_id, actor_id, actor_role, before, after from audit_log where action = 'notification_preferences.update' and target_id = ${target}::uuid order by id`,
      );
    const mine = '/v1/me/notification-preferences';
    const of = (id: string) => `/v1/users/${id}/notification-preferences`;

    test('a user without saved settings hears about everything as it happens (version 0), with every category described', async () => {
      const res = await get(mine, tokens.customerAdmin);
      const body = await ok(res);
      assert.equal(res.headers.get('etag'), '"0"');
      assert.deepEqual(
        { userId: body.userId, frequency: body.frequency, muted: body.mutedCategories, version: body.version, updatedAt: body.updatedAt, receives: body.receivesNotifications, next: body.nextDigestAt },
        { userId: ids.customerAdmin, frequency: 'immediate', muted: [], version: 0, updatedAt: null, receives: true, next: null },
      );
      assert.deepEqual(body.categories.map((c) => c.id), ['licences', 'scans', 'findings', 'lifecycle', 'billing', 'reports', 'general']);
      assert.ok(body.categories.every((c) => c.label && c.description));
    });

    test('the seeded settings: a daily digest at 08:00 in the organisation’s zone, a weekly one on Mondays', async () => {
      const daily = await ok(await get(mine, tokens.accountManager));
      assert.equal(daily.frequency, 'daily');
      assert.equal(daily.digestTime, '08:00');
      const local = (iso: string, tz: string) =>
        new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
      assert.match(local(daily.nextDigestAt!, daily.timeZone), /08:00$/);
      assert.ok(new Date(daily.nextDigestAt!).getTime() > Date.now());
      assert.ok(new Date(daily.nextDigestAt!).getTime() - Date.now() <= 25 * 3_600_000);
      const weekly = await ok(await get(mine, tokens.analyst));
      assert.deepEqual([weekly.frequency, weekly.mutedCategories], ['weekly', ['lifecycle']]);
      assert.equal(local(weekly.nextDigestAt!, weekly.timeZone), 'Monday 08:00');
    });

    test('saving one’s own: If-Match required, the version moves, a stale version is refused with what is current, and each save is audited', async () => {
      await expectProblem(await put(mine, tokens.customerAdmin, { frequency: 'daily', mutedCategories: [] }), 428, 'precondition-required');
      const saved = await put(mine, tokens.customerAdmin, { frequency: 'daily', mutedCategories: ['billing', 'licences'] }, '"0"');
      const body = await ok(saved);
      assert.equal(saved.headers.get('etag'), '"1"');
      assert.deepEqual([body.frequency, body.mutedCategories, body.version], ['daily', ['billing', 'licences'], 1]);
      assert.ok(body.nextDigestAt);

      const stale = await put(mine, tokens.customerAdmin, { frequency: 'weekly', mutedCategories: [] }, '"0"');
      const problem = await expectProblem(stale, 412, 'precondition-failed', 'stale', ['current']);
      assert.equal(stale.headers.get('etag'), '"1"');
      assert.deepEqual([(problem.current as Settings).frequency, (problem.current as Settings).version], ['daily', 1]);

      await ok(await put(mine, tokens.customerAdmin, { frequency: 'weekly', mutedCategories: [] }, '"1"'));
      const reread = await ok(await get(mine, tokens.customerAdmin));
      assert.deepEqual([reread.frequency, reread.mutedCategories, reread.version], ['weekly', [], 2]);

      const log = await audits(ids.customerAdmin);
      assert.equal(log.length, 2);
      assert.deepEqual(log.map((a) => [a.tenant_id, a.actor_id, a.actor_role]), [[customer, ids.customerAdmin, 'customer_admin'], [customer, ids.customerAdmin, 'customer_admin']]);
      assert.equal(log[0]!.before, null);
      assert.deepEqual(log[1]!.before, { frequency: 'daily', mutedCategories: ['billing', 'licences'], version: 1 });
      assert.deepEqual(log[1]!.after, { frequency: 'weekly', mutedCategories: [], version: 2 });
    });

    test('bad input names the field: an unknown category, a category twice, an unknown frequency, a malformed If-Match', async () => {
      const current = (await get(mine, tokens.admin)).headers.get('etag')!;
      await expectFieldError(await put(mine, tokens.admin, { frequency: 'immediate', mutedCategories: ['scans', 'findings', 'weather'] }, current), '#/body/mutedCategories/2');
      await expectFieldError(await put(mine, tokens.admin, { frequency: 'immediate', mutedCategories: ['scans', 'findings', 'scans'] }, current), '#/body/mutedCategories/2');
      await expectFieldError(await put(mine, tokens.admin, { frequency: 'hourly', mutedCategories: [] }, current), '#/body/frequency');
      await expectFieldError(await put(mine, tokens.admin, { frequency: 'daily' }, current), '#/body/mutedCategories');
      await expectFieldError(await put(mine, tokens.admin, { frequency: 'daily', mutedCategories: [] }, 'W/"1"'), '#/header/if-match');
      assert.equal((await get(mine, tokens.admin)).headers.get('etag'), current, 'a refused save changed nothing');
    });

    test('roles that receive no notifications are refused theirs', async () => {
      for (const token of [tokens.marketing, tokens.customerViewer]) {
        await expectProblem(await get(mine, token), 403, 'forbidden');
        await expectProblem(await put(mine, token, { frequency: 'daily', mutedCategories: [] }, '"0"'), 403, 'forbidden');
      }
    });

    test('an admin reads and saves another user’s settings; the save is audited as the admin’s, in the user’s organisation', async () => {
      const res = await get(of(ids.analyst), tokens.admin);
      const before = await ok(res);
      assert.deepEqual([before.userId, before.frequency, before.mutedCategories], [ids.analyst, 'weekly', ['lifecycle']]);
      const saved = await ok(await put(of(ids.analyst), tokens.admin, { frequency: 'immediate', mutedCategories: ['billing'] }, res.headers.get('etag')!));
      assert.deepEqual([saved.frequency, saved.mutedCategories, saved.version], ['immediate', ['billing'], before.version + 1]);
      // The analyst sees what the admin saved.
      const own = await ok(await get(mine, tokens.analyst));
      assert.deepEqual([own.frequency, own.mutedCategories, own.version], ['immediate', ['billing'], saved.version]);
      const [entry] = (await audits(ids.analyst)).slice(-1);
      assert.deepEqual([entry!.tenant_id, entry!.actor_id, entry!.actor_role], [world.orgs.mspA, ids.admin, 'msp_admin']);

      // A customer's users are the MSP admin's too; a customer admin manages its own organisation's.
      await ok(await get(of(ids.customerAdmin), tokens.admin));
      const viewer = await ok(await get(of(ids.customerViewer), tokens.customerAdmin));
      assert.equal(viewer.receivesNotifications, false);
    });

    test('a user outside the caller’s scope answers 404 exactly like an unknown id, and nothing is written', async () => {
      const cases: [string, string][] = [
        ['admin', ids.adminB],
        ['adminB', ids.analyst],
        ['adminB', ids.customerAdmin],
        ['customerAdmin', ids.admin],
        ['customerAdmin', ids.adminB],
      ];
      for (const [who, target] of cases) {
        const token = tokens[who as keyof typeof tokens];
        const absent = await expectProblem(await get(of(randomUUID()), token), 404, 'not-found');
        assert.deepEqual(await expectProblem(await get(of(target), token), 404, 'not-found', `${who} → ${target}`), absent);
        const version = await owner<{ version: number }>(sql`select version from notification_preferences where user_id = ${target}::uuid`);
        assert.deepEqual(await expectProblem(await put(of(target), token, { frequency: 'weekly', mutedCategories: [] }, `"${version[0]?.version ?? 0}"`), 404, 'not-found'), absent);
        assert.deepEqual(await owner<{ version: number }>(sql`select version from notification_preferences where user_id = ${target}::uuid`), version, 'a refused save wrote');
      }
    });

    test('non-admins may not manage other users’ settings (nor their own by user id)', async () => {
      for (const who of ['analyst', 'accountManager', 'customerViewer'] as const) {
        await expectProblem(await get(of(ids.admin), tokens[who]), 403, 'forbidden', who);
        await expectProblem(await get(of(randomUUID()), tokens[who]), 403, 'forbidden', who);
        await expectProblem(await put(of(ids.admin), tokens[who], { frequency: 'weekly', mutedCategories: [] }, '"1"'), 403, 'forbidden', who);
        await expectProblem(await get('/v1/notification-preferences', tokens[who]), 403, 'forbidden', who);
      }
    });

    test('the admin list: the users who receive notifications the caller can see, page by page', async () => {
      const all: Page['items'] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await ok<Page>(await get(`/v1/notification-preferences?limit=5${cursor ? `&cursor=${cursor}` : ''}`, tokens.admin));
        assert.ok(page.items.length <= 5);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const listed = new Set(all.map((i) => i.id));
      assert.equal(listed.size, all.length, 'a user on two pages');
      for (const id of [ids.admin, ids.analyst, ids.accountManager, ids.customerAdmin]) assert.ok(listed.has(id), id);
      // Not MSP B's, not a viewer, not marketing.
      assert.ok(!listed.has(ids.adminB));
      assert.ok(!listed.has(ids.customerViewer));
      assert.ok(all.every((i) => i.role && ['msp_admin', 'msp_analyst', 'msp_account_manager', 'customer_admin'].includes(i.role)));
      const expected = await owner<{ id: string }>(sql`
        select distinct u.id from users u join role_assignments r on r.user_id = u.id and r.tenant_id = u.tenant_id
         where u.status = 'active' and r.role in ('msp_admin', 'msp_analyst', 'msp_account_manager', 'customer_admin')
           and u.tenant_id in (select descendant_id from portico.org_closure where ancestor_id = ${world.orgs.mspA}::uuid)
           and not exists (select 1 from customer_profiles cp join portico.org_closure c on c.ancestor_id = cp.tenant_id
                            where cp.revoked_at is not null and c.descendant_id = u.tenant_id)`);
      assert.deepEqual([...listed].sort(), expected.map((e) => e.id).sort());
      const am = all.find((i) => i.id === ids.accountManager)!;
      assert.deepEqual([am.frequency, am.tenantId], ['daily', world.orgs.mspA]);

      const theirs = await ok<Page>(await get('/v1/notification-preferences', tokens.customerAdmin));
      assert.ok(theirs.items.length > 0);
      assert.ok(theirs.items.every((i) => i.tenantId === customer), 'a customer admin lists only its own organisation');
    });
  });
}
