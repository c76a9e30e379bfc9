import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import type { Jobs } from '../../../bff/jobs/queue.js';
import type { CustomerJson } from '../../../bff/routes/customers.js';
import { backends, ORIGIN, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * The customer lifecycle over HTTP: every action with If-Match, the rules of the state machine
 * as 409s, MSP admins only, foreign customers as 404, audit records, and what a lock, a
 * cancellation, a conversion and a deletion do to sign-ins and data.
 */

for (const backend of backends) {
  describe(`customer lifecycle routes (${backend})`, () => {
    let world: World;
    let admin: string;
    const sent: { name: string; data: object; key: string | undefined }[] = [];
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
      const jobs: Jobs = {
        send: (name, data, options) => {
          sent.push({ name, data, key: options?.singletonKey });
          return Promise.resolve(null);
        },
      };
      world.deps.jobs = jobs;
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    /** A customer of MSP A (direct) matching a condition on its profile (`cp`) and subscription (`s`). */
    const customerWhere = async (condition: ReturnType<typeof sql>) => {
      const [row] = await owner<{ id: string }>(sql`
        select cp.tenant_id as id from customer_profiles cp join subscriptions s on s.tenant_id = cp.tenant_id
         where cp.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) and cp.revoked_at is null and ${condition}
         order by cp.tenant_id limit 1`);
      assert.ok(row, 'the seed has such a customer');
      return row.id;
    };
    const read = async (id: string, token = admin) => {
      const res = await world.request(`/v1/customers/${id}`, { token });
      assert.equal(res.status, 200);
      return { etag: res.headers.get('etag')!, customer: (await res.json()) as CustomerJson };
    };
    const send = async (id: string, path: string, opts: { method?: string; body?: unknown; ifMatch?: string | null; token?: string } = {}) => {
      const ifMatch = opts.ifMatch === undefined ? (await read(id)).etag : opts.ifMatch;
      return world.request(`/v1/customers/${id}${path}`, {
        method: opts.method ?? 'POST',
        token: opts.token ?? admin,
        headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
    };
    const ok = async (res: Response, status = 200) => {
      const text = await res.text();
      assert.equal(res.status, status, text.slice(0, 400));
      const customer = JSON.parse(text) as CustomerJson;
      assert.equal(res.headers.get('etag'), `"${customer.version}"`);
      return customer;
    };
    const auditOf = (id: string, action: string) =>
      owner<{ before: Record<string, unknown>; after: Record<string, unknown>; actor_role: string; request_id: string | null }>(
        sql`select before, after, actor_role, request_id from audit_log where target_id = ${id}::uuid and action = ${action} order by id`,
      );
    const counts = async (id: string) =>
      (await owner<{ assets: number; findings: number; scans: number }>(sql`select
        (select count(*)::int from assets where tenant_id = ${id}::uuid) as assets,
        (select count(*)::int from findings where tenant_id = ${id}::uuid) as findings,
        (select count(*)::int from scans where tenant_id = ${id}::uuid) as scans`))[0]!;
    const mint = (tenantId: string, externalId: string) =>
      world.request('/v1/embed-sessions', {
        method: 'POST',
        token: world.apiKeys.A.key,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: { externalId, email: `${externalId}@example.com`, name: 'Pat' }, role: 'customer_viewer', tenantId, origins: [ORIGIN] }),
      });

    test('GET answers the ETag and the lifecycle fields', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and cp.main_user_id is not null`);
      const { etag, customer } = await read(id);
      assert.equal(etag, `"${customer.version}"`);
      assert.ok(['customer', 'enterprise'].includes(customer.accountType));
      assert.equal(customer.deletionRequestedAt, null);
      assert.equal(typeof customer.vatRequired, 'boolean');
      assert.equal(customer.mainUser?.status, 'active');
    });

    test("vatRequired compares with the seller's country (a sub-partner's for its customers), and is null for the customer's own users", async () => {
      for (const id of [...world.orgs.customersPartner.slice(0, 3), ...world.orgs.customersA.slice(0, 3)]) {
        const [row] = await owner<{ mine: string; seller: string }>(
          sql`select o.country as mine, p.country as seller from orgs o join orgs p on p.id = o.parent_id where o.id = ${id}::uuid`,
        );
        assert.equal((await read(id)).customer.vatRequired, row!.mine !== row!.seller, id);
      }
      const own = await customerWhere(sql`cp.status = 'active' and cp.access_delegation = 'full'`);
      assert.equal((await read(own, await world.customerToken(own, 'customer_admin'))).customer.vatRequired, null);
    });

    test('lock stops sign-ins and leaves the subscription alone; unlock lets them in again; both audited', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and cp.access_delegation <> 'disabled'`);
      assert.equal((await mint(id, 'before-lock')).status, 201);
      const subscriptionBefore = await owner(sql`select * from subscriptions where tenant_id = ${id}::uuid`);
      const { customer: before } = await read(id);
      const locked = await ok(await send(id, '/lock'));
      assert.equal(locked.status, 'locked');
      assert.equal(locked.version, before.version + 1);
      assert.deepEqual(await owner(sql`select * from subscriptions where tenant_id = ${id}::uuid`), subscriptionBefore);
      await expectProblem(await mint(id, 'while-locked'), 403, 'forbidden');
      const [audit] = await auditOf(id, 'customer.lock');
      assert.deepEqual(audit?.before, { status: 'active' });
      assert.deepEqual(audit?.after, { status: 'locked' });
      assert.equal(audit?.actor_role, 'msp_admin');
      assert.ok(audit?.request_id);
      await expectProblem(await send(id, '/lock'), 409, 'invalid-transition');
      const unlocked = await ok(await send(id, '/unlock'));
      assert.equal(unlocked.status, 'active');
      assert.equal((await mint(id, 'after-unlock')).status, 201);
    });

    test('If-Match: missing → 428, stale → 412 with the current customer, malformed → 400', async () => {
      const id = await customerWhere(sql`cp.status = 'active'`);
      await expectProblem(await send(id, '/lock', { ifMatch: null }), 428, 'precondition-required');
      const { customer } = await read(id);
      const stale = await expectProblem(await send(id, '/lock', { ifMatch: `"${customer.version + 7}"` }), 412, 'precondition-failed', '', ['current']);
      assert.deepEqual(stale.current, customer);
      await expectFieldError(await send(id, '/lock', { ifMatch: 'W/"1"' }), '#/header/if-match');
      assert.equal((await read(id)).customer.status, 'active', 'nothing changed');
    });

    test('only MSP admins: analyst, account manager and customer admin get 403', async () => {
      const id = world.orgs.assignedA[0]!;
      const tokens = [
        await world.staffToken('A', 'analyst'),
        await world.staffToken('A', 'accountManager'),
        await world.customerToken(await customerWhere(sql`cp.status = 'active' and cp.access_delegation = 'full'`), 'customer_admin'),
      ];
      for (const token of tokens) {
        for (const [path, method, body] of [['/lock', 'POST'], ['', 'PATCH', { name: 'X' }], ['/deletion', 'POST', { confirm: 'DELETE' }]] as const) {
          await expectProblem(await send(id, path, { token, method, body, ifMatch: '"1"' }), 403, 'forbidden', `${method} ${path}`);
        }
      }
    });

    test("another MSP's customer and an unknown id answer the same 404, and nothing changes", async () => {
      const foreign = world.orgs.customersB[0]!;
      const before = await owner(sql`select status, version from customer_profiles where tenant_id = ${foreign}::uuid`);
      const missing = await expectProblem(await send(randomUUID(), '/lock', { ifMatch: '"1"' }), 404, 'not-found');
      for (const [path, method, body] of [['/lock', 'POST'], ['/cancel', 'POST'], ['', 'PATCH', { name: 'Taken' }], ['/deletion', 'POST', { confirm: 'DELETE' }], ['/main-user', 'PUT', { userId: randomUUID() }]] as const) {
        const problem = await expectProblem(await send(foreign, path, { method, body, ifMatch: '"1"' }), 404, 'not-found', `${method} ${path}`);
        assert.deepEqual(problem, missing);
      }
      assert.deepEqual(await owner(sql`select status, version from customer_profiles where tenant_id = ${foreign}::uuid`), before);
    });

    test('cancel sets the cancellation date and keeps the data; reactivate clears it', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and s.cancelled_at is null`);
      const dataBefore = await counts(id);
      const cancelled = await ok(await send(id, '/cancel'));
      assert.equal(cancelled.status, 'cancelled');
      const [sub] = await owner<{ cancelled_at: Date | null }>(sql`select cancelled_at from subscriptions where tenant_id = ${id}::uuid`);
      assert.ok(sub?.cancelled_at);
      assert.deepEqual(await counts(id), dataBefore);
      await expectProblem(await send(id, '/cancel'), 409, 'invalid-transition');
      await expectProblem(await send(id, '/lock'), 409, 'invalid-transition');
      const reactivated = await ok(await send(id, '/reactivate'));
      assert.equal(reactivated.status, 'active');
      const [again] = await owner<{ cancelled_at: Date | null }>(sql`select cancelled_at from subscriptions where tenant_id = ${id}::uuid`);
      assert.equal(again?.cancelled_at, null);
      assert.equal((await auditOf(id, 'customer.cancel')).length, 1);
    });

    test('convert self-service to managed, once', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and cp.service_mode = 'self_service'`);
      assert.equal((await ok(await send(id, '/convert-to-managed'))).serviceMode, 'managed');
      await expectProblem(await send(id, '/convert-to-managed'), 409, 'invalid-transition');
    });

    test('convert trial to purchased keeps every asset, scan and finding; a new quota is optional', async () => {
      const id = await customerWhere(sql`s.plan = 'trial' and s.licence_model <> 'unlimited' and cp.status in ('active', 'invited', 'locked')`);
      const dataBefore = await counts(id);
      const eventsBefore = await owner<{ n: number }>(sql`select count(*)::int as n from subscription_events where tenant_id = ${id}::uuid`);
      await expectFieldError(await send(id, '/convert-to-purchased', { body: { licenceQuota: 0 } }), '#/body/licenceQuota');
      const startedAt = Date.now();
      const converted = await ok(await send(id, '/convert-to-purchased', { body: { licenceQuota: 40 } }));
      // Exactly one event, dated now: the subscription is billed as purchased from here on.
      const events = await owner<{ kind: string; plan: string | null; at: Date | string; n: number }>(
        sql`select kind::text, plan::text, at, (select count(*)::int from subscription_events x where x.tenant_id = e.tenant_id) as n
              from subscription_events e where tenant_id = ${id}::uuid and kind = 'converted_to_purchased'`,
      );
      assert.equal(events.length, 1);
      assert.equal(events[0]!.plan, 'purchased');
      assert.equal(events[0]!.n, eventsBefore[0]!.n + 1);
      const at = new Date(events[0]!.at).getTime();
      assert.ok(at >= startedAt - 1000 && at <= Date.now() + 1000, 'dated at the conversion');
      // Priced at once: the fleet's monthly price is no longer the trial's zero.
      const [sub] = await owner<{ ips: number; price: string }>(sql`select ips_internal + ips_external as ips, monthly_price_minor::text as price from subscriptions where tenant_id = ${id}::uuid`);
      if (sub!.ips > 0) assert.ok(Number(sub!.price) > 0, 'a converted subscription with IPs has a monthly price');
      assert.equal(converted.plan, 'purchased');
      assert.equal(converted.trialEndsAt, null);
      assert.ok(converted.renewsAt && new Date(converted.renewsAt) > new Date());
      assert.equal(converted.licences?.quota, 40);
      assert.deepEqual(await counts(id), dataBefore);
      await expectProblem(await send(id, '/convert-to-purchased', { body: {} }), 409, 'invalid-transition');
      assert.equal((await owner<{ n: number }>(sql`select count(*)::int as n from subscription_events where tenant_id = ${id}::uuid and kind = 'converted_to_purchased'`))[0]!.n, 1, 'a refused conversion writes no event');
      const [audit] = await auditOf(id, 'customer.convert_to_purchased');
      assert.equal(audit?.before.plan, 'trial');
      assert.equal(audit?.after.plan, 'purchased');
    });

    test('a trial converts with an empty body too, keeping its quota', async () => {
      const id = await customerWhere(sql`s.plan = 'purchased' and s.licence_model <> 'unlimited' and cp.status = 'active'`);
      await owner(sql`update subscriptions set plan = 'trial', trial_ends_at = now() + interval '14 days', renews_at = null where tenant_id = ${id}::uuid`);
      const { customer } = await read(id);
      const converted = await ok(await send(id, '/convert-to-purchased', { body: {} }));
      assert.equal(converted.plan, 'purchased');
      assert.equal(converted.licences?.quota, customer.licences?.quota);
    });

    test('PATCH edits name, address, VAT-ID and delegation; the VAT rule is checked with pointers', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and exists (select 1 from orgs o where o.id = cp.tenant_id and o.country = 'DE')`);
      const { customer } = await read(id);
      assert.equal(customer.vatRequired, false, 'MSP A is in Germany');
      const delegation = customer.accessDelegation === 'read_only' ? 'full' : 'read_only';
      const edited = await ok(
        await send(id, '', {
          method: 'PATCH',
          body: { name: 'Renamed GmbH', address: { line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin' }, vatId: 'de 123.456.789', accessDelegation: delegation },
        }),
      );
      assert.equal(edited.name, 'Renamed GmbH');
      assert.deepEqual(edited.address, { line1: 'Hauptstr. 1', line2: null, postalCode: '10115', city: 'Berlin', state: null, country: 'DE' });
      assert.equal(edited.vatId, 'DE123456789');
      assert.equal(edited.accessDelegation, delegation);
      const [audit] = await auditOf(id, 'customer.edit');
      assert.deepEqual(Object.keys(audit!.after).sort(), ['accessDelegation', 'address', 'name', 'vatId']);
      await expectFieldError(await send(id, '', { method: 'PATCH', body: { vatId: 'FR12345678901' } }), '#/body/vatId');
      // A customer abroad needs one.
      const abroad = await customerWhere(sql`cp.status = 'active' and exists (select 1 from orgs o where o.id = cp.tenant_id and o.country <> 'DE')`);
      assert.equal((await read(abroad)).customer.vatRequired, true);
      await expectFieldError(await send(abroad, '', { method: 'PATCH', body: { vatId: null } }), '#/body/vatId');
      await expectFieldError(await send(id, '', { method: 'PATCH', body: {} }), '#/body');
      // An address in the US names its state.
      await owner(sql`update orgs set country = 'US' where id = ${id}::uuid`);
      const us = { line1: '1 Main St', postalCode: '10001', city: 'New York' };
      await expectFieldError(await send(id, '', { method: 'PATCH', body: { address: us } }), '#/body/address/state');
      assert.equal((await ok(await send(id, '', { method: 'PATCH', body: { address: { ...us, state: 'NY' } } }))).address.state, 'NY');
      await owner(sql`update orgs set country = 'DE', state = null where id = ${id}::uuid`);
      await expectFieldError(await send(id, '', { method: 'PATCH', body: { name: '' } }), '#/body/name');
    });

    test('the main user must be an active user of the customer', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and cp.main_user_id is not null`);
      const [invited] = await owner<{ id: string }>(sql`
        insert into users (tenant_id, external_id, email, name, status) values (${id}::uuid, 'new-owner', 'new@example.com', 'New Owner', 'invited') returning id`);
      const body = await expectProblem(await send(id, '/main-user', { method: 'PUT', body: { userId: invited!.id } }), 409, 'conflict');
      assert.deepEqual(body.errors?.map((e) => e.pointer), ['#/body/userId']);
      const [stranger] = await owner<{ id: string }>(sql`select id from users where tenant_id = ${world.orgs.customersB[0]!}::uuid limit 1`);
      await expectProblem(await send(id, '/main-user', { method: 'PUT', body: { userId: stranger!.id } }), 409, 'conflict');
      await owner(sql`update users set status = 'active' where id = ${invited!.id}::uuid`);
      const changed = await ok(await send(id, '/main-user', { method: 'PUT', body: { userId: invited!.id } }));
      assert.deepEqual(changed.mainUser, { id: invited!.id, name: 'New Owner', email: 'new@example.com', status: 'active' });
    });

    test('a revoked customer can be locked but not edited', async () => {
      const id = world.orgs.revoked;
      await expectProblem(await send(id, '', { method: 'PATCH', body: { name: 'X' } }), 409, 'invalid-transition');
      const locked = await ok(await send(id, '/lock'));
      assert.equal(locked.status, 'connection_lost');
      assert.equal((await owner<{ status: string }>(sql`select status::text from customer_profiles where tenant_id = ${id}::uuid`))[0]?.status, 'locked');
      await ok(await send(id, '/unlock'));
    });

    test('deletion needs the typed confirmation, marks the customer deleting, queues the purge and refuses everything after', async () => {
      const id = await customerWhere(sql`cp.status = 'active' and cp.access_delegation <> 'disabled'`);
      await expectFieldError(await send(id, '/deletion', { body: { confirm: 'delete' } }), '#/body/confirm');
      await expectFieldError(await send(id, '/deletion', { body: {} }), '#/body/confirm');
      const deleting = await ok(await send(id, '/deletion', { body: { confirm: 'DELETE' } }), 202);
      assert.equal(deleting.status, 'deleting');
      assert.ok(deleting.deletionRequestedAt);
      const [profile] = await owner<{ by: string }>(sql`select deletion_requested_by as by from customer_profiles where tenant_id = ${id}::uuid`);
      assert.ok(profile?.by);
      assert.deepEqual(sent.at(-1), { name: 'tenant-purge', data: { tenantId: id, requestedBy: profile.by }, key: id });
      for (const [path, method, body] of [['/lock', 'POST'], ['/cancel', 'POST'], ['/reactivate', 'POST'], ['/convert-to-managed', 'POST'], ['', 'PATCH', { name: 'X' }], ['/deletion', 'POST', { confirm: 'DELETE' }]] as const) {
        await expectProblem(await send(id, path, { method, body }), 409, 'invalid-transition', `${method} ${path}`);
      }
      await expectProblem(await mint(id, 'while-deleting'), 403, 'forbidden');
    });
  });
}
