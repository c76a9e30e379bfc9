import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { bookingMonthEnd } from '../../../bff/domain/billing.js';
import { graduatedPrice, quote, type Tier } from '../../../bff/domain/pricing.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * The IP quota over HTTP: increases now, decreases pending until the end of the booking month
 * (on an injected clock), cancelling, the lazy application of a decrease that came due, the
 * subscription's events and price kept in step, concurrent edits, and who may edit.
 */

interface Distribution {
  customerId: string;
  internal: number;
  external: number;
  total: number;
  pending: { internal: number; external: number; effectiveAt: string } | null;
  currency: string;
  sell: Tier[];
  price: { monthlyMinor: number; averageIpPriceMinor: number | null };
  bookingMonthEnd: string;
  version: number;
  canEdit: boolean;
}

for (const backend of backends) {
  describe(`IP distribution routes (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
    });
    afterEach(() => {
      delete world.deps.now;
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const url = (id: string) => `/v1/customers/${id}/ip-distribution`;
    /** A running, purchased customer of MSP A (direct) without a pending decrease. */
    const customerWhere = async (condition = sql`true`) => {
      const [row] = await owner<{ id: string }>(sql`
        select cp.tenant_id as id from customer_profiles cp join subscriptions s on s.tenant_id = cp.tenant_id
         where cp.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) and cp.status = 'active' and cp.revoked_at is null
           and s.plan = 'purchased' and s.cancelled_at is null and s.pending_effective_at is null and ${condition}
         order by cp.tenant_id limit 1`);
      assert.ok(row, 'the seed has such a customer');
      return row.id;
    };
    const read = async (id: string, token = admin) => {
      const res = await world.request(url(id), { token });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.equal(res.headers.get('etag'), `"${(JSON.parse(text) as Distribution).version}"`);
      return JSON.parse(text) as Distribution;
    };
    const put = (id: string, body: unknown, ifMatch: string | null, token = admin) =>
      world.request(url(id), {
        method: 'PUT',
        token,
        headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        body: JSON.stringify(body),
      });
    const cancel = (id: string, ifMatch: string, token = admin) => world.request(`${url(id)}/pending`, { method: 'DELETE', token, headers: { 'if-match': ifMatch } });
    const ok = async (res: Response) => {
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return JSON.parse(text) as Distribution;
    };
    const eventsOf = async (id: string) =>
      (
        await owner<{ kind: string; ips_internal: number | null; ips_external: number | null; effective_at: Date | string | null }>(
          sql`select kind::text, ips_internal, ips_external, effective_at from subscription_events where tenant_id = ${id}::uuid order by at, id`,
        )
      ).map((e) => ({ ...e, effective_at: e.effective_at === null ? null : new Date(e.effective_at).toISOString() }));
    const rowOf = async (id: string) =>
      (await owner<{ ips_internal: number; ips_external: number; monthly_price_minor: string; monthly_cost_minor: string; pending_ips_internal: number | null }>(
        sql`select ips_internal, ips_external, monthly_price_minor::text, monthly_cost_minor::text, pending_ips_internal from subscriptions where tenant_id = ${id}::uuid`,
      ))[0]!;
    const sellA = async () => (await owner<{ tiers: Tier[] }>(sql`select tiers from price_tables where tenant_id = ${world.orgs.mspA}::uuid and kind = 'sell'`))[0]!.tiers;

    test("GET answers the quota, the seller's tiers and the graduated price of the current IPs", async () => {
      const id = await customerWhere();
      const d = await read(id);
      const row = await rowOf(id);
      assert.equal(d.customerId, id);
      assert.deepEqual([d.internal, d.external, d.total], [row.ips_internal, row.ips_external, row.ips_internal + row.ips_external]);
      assert.deepEqual(d.sell, await sellA());
      assert.equal(d.currency, 'EUR');
      assert.equal(d.price.monthlyMinor, graduatedPrice(d.sell, d.total).totalMinor);
      assert.equal(String(d.price.monthlyMinor), row.monthly_price_minor, 'the fleet figure is the engine figure');
      assert.equal(d.pending, null);
      assert.equal(d.canEdit, true);
    });

    test('an increase applies now: new IPs, an ips_changed event, the price and cost repriced, an audit record', async () => {
      const id = await customerWhere();
      const before = await read(id);
      const events = (await eventsOf(id)).length;
      const d = await ok(await put(id, { internal: before.internal + 40, external: before.external + 2 }, `"${before.version}"`));
      assert.deepEqual([d.internal, d.external, d.pending, d.version], [before.internal + 40, before.external + 2, null, before.version + 1]);
      const after = await eventsOf(id);
      assert.equal(after.length, events + 1);
      assert.deepEqual(after.at(-1), { kind: 'ips_changed', ips_internal: d.internal, ips_external: d.external, effective_at: null });
      const row = await rowOf(id);
      const [units] = await owner<{ n: string }>(sql`select portico.portfolio_units(${world.orgs.mspA}::uuid)::text as n`);
      const [cost] = await owner<{ tiers: Tier[]; prepaid: number }>(sql`select tiers, prepaid_discount_bps as prepaid from price_tables where tenant_id = ${world.orgs.mspA}::uuid and kind = 'cost'`);
      const q = quote({ ips: d.total, sell: await sellA(), cost: cost!.tiers, portfolioUnits: Number(units!.n), prepaidDiscountBps: cost!.prepaid });
      assert.deepEqual([row.monthly_price_minor, row.monthly_cost_minor], [String(q.priceMinor), String(q.costMinor)]);
      assert.equal(d.price.monthlyMinor, q.priceMinor);
      const [audit] = await owner<{ action: string; after: { internal: number } }>(sql`select action, after from audit_log where tenant_id = ${id}::uuid order by id desc limit 1`);
      assert.equal(audit?.action, 'subscription.ips_change');
      assert.equal(audit?.after.internal, d.internal);
    });

    test("an increase that moves the seller's portfolio into another volume band re-costs every subscription it sells", async () => {
      const id = await customerWhere();
      const [units] = await owner<{ n: string }>(sql`select portico.portfolio_units(${world.orgs.mspA}::uuid)::text as n`);
      const next = [1000, 5000, 25000].find((b) => b > Number(units!.n))!;
      const before = await read(id);
      await ok(await put(id, { internal: before.internal + (next - Number(units!.n)), external: before.external }, `"${before.version}"`));
      const [after] = await owner<{ n: string }>(sql`select portico.portfolio_units(${world.orgs.mspA}::uuid)::text as n`);
      assert.equal(Number(after!.n), next);
      const [cost] = await owner<{ tiers: Tier[]; prepaid: number }>(sql`select tiers, prepaid_discount_bps as prepaid from price_tables where tenant_id = ${world.orgs.mspA}::uuid and kind = 'cost'`);
      const others = await owner<{ tenant_id: string; ips: number; cost: string }>(sql`select tenant_id, ips_internal + ips_external as ips, monthly_cost_minor::text as cost
        from subscriptions where plan = 'purchased' and tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[])`);
      for (const o of others) {
        const q = quote({ ips: o.ips, sell: await sellA(), cost: cost!.tiers, portfolioUnits: next, prepaidDiscountBps: cost!.prepaid });
        assert.equal(o.cost, String(q.costMinor), o.tenant_id);
      }
    });

    test('a band-crossing increase and a price-table save at the same time both succeed, one after the other', async () => {
      const id = await customerWhere();
      const other = await customerWhere(sql`cp.tenant_id <> ${id}::uuid`);
      const [units] = await owner<{ n: string }>(sql`select portico.portfolio_units(${world.orgs.mspA}::uuid)::text as n`);
      const next = [1000, 5000, 25000].find((b) => b > Number(units!.n))!;
      const [d, e] = [await read(id), await read(other)];
      const tables = await world.request('/v1/price-tables', { token: admin });
      const t = (await tables.json()) as { sell: unknown; cost: unknown; prepaidDiscountBps: number };
      const results = await Promise.all([
        put(id, { internal: d.internal + (next - Number(units!.n)), external: d.external }, `"${d.version}"`),
        world.request('/v1/price-tables', { method: 'PUT', token: admin, headers: { 'content-type': 'application/json', 'if-match': tables.headers.get('etag')! }, body: JSON.stringify({ ...t, prepaidDiscountBps: 100 }) }),
        put(other, { internal: e.internal + 1, external: e.external }, `"${e.version}"`),
      ]);
      for (const res of results) assert.equal(res.status, 200, await res.text());
    });

    test('a decrease waits until the booking month ends, can be cancelled, and applies by itself once due', async () => {
      const id = await customerWhere(sql`s.ips_external >= 16`);
      const now = new Date('2026-11-10T09:30:00Z');
      world.deps.now = () => now;
      const before = await read(id);
      // MSP A bills MSSP periods on Berlin time: a decrease on 10 November takes effect on 26 November.
      const effectiveAt = bookingMonthEnd(now, 'mssp', 'Europe/Berlin');
      assert.equal(effectiveAt.toISOString(), '2026-11-25T23:00:00.000Z');
      assert.equal(before.bookingMonthEnd, effectiveAt.toISOString());

      const lower = { internal: before.internal, external: before.external - 8 };
      const pending = await ok(await put(id, lower, `"${before.version}"`));
      assert.deepEqual([pending.internal, pending.external], [before.internal, before.external], 'the current IPs stay until then');
      assert.deepEqual(pending.pending, { ...lower, effectiveAt: effectiveAt.toISOString() });
      assert.equal((await rowOf(id)).monthly_price_minor, String(graduatedPrice(before.sell, before.total).totalMinor), 'still billed for the current IPs');
      assert.deepEqual((await eventsOf(id)).at(-1), { kind: 'ips_decrease_scheduled', ips_internal: lower.internal, ips_external: lower.external, effective_at: effectiveAt.toISOString() });

      const cancelled = await ok(await cancel(id, `"${pending.version}"`));
      assert.equal(cancelled.pending, null);
      assert.equal((await eventsOf(id)).at(-1)?.kind, 'ips_decrease_cancelled');
      assert.equal((await rowOf(id)).pending_ips_internal, null);

      const again = await ok(await put(id, lower, `"${cancelled.version}"`));
      assert.ok(again.pending);
      // A second before the end of the period nothing has changed; after it, the decrease is in force.
      world.deps.now = () => new Date(effectiveAt.getTime() - 1000);
      assert.equal((await read(id)).external, before.external);
      world.deps.now = () => new Date(effectiveAt.getTime() + 1000);
      const applied = await read(id);
      assert.deepEqual([applied.internal, applied.external, applied.pending], [lower.internal, lower.external, null]);
      assert.equal(applied.version, again.version + 1, 'applying it is a change: the old ETag is stale');
      const row = await rowOf(id);
      assert.deepEqual([row.ips_external, row.monthly_price_minor], [lower.external, String(graduatedPrice(before.sell, lower.internal + lower.external).totalMinor)]);
      assert.equal((await eventsOf(id)).at(-1)?.kind, 'ips_decrease_scheduled', 'no event: the scheduled one already says when');
      const [audit] = await owner<{ action: string; actor_role: string }>(sql`select action, actor_role from audit_log where tenant_id = ${id}::uuid order by id desc limit 1`);
      assert.deepEqual(audit, { action: 'subscription.ips_decrease_applied', actor_role: 'system' });
    });

    test('a new split with the same total applies now; cancelling with nothing pending changes nothing but the version', async () => {
      const id = await customerWhere(sql`s.ips_external >= 8`);
      const before = await read(id);
      const d = await ok(await put(id, { internal: before.internal + 4, external: before.external - 4 }, `"${before.version}"`));
      assert.deepEqual([d.internal, d.external, d.pending], [before.internal + 4, before.external - 4, null]);
      const events = (await eventsOf(id)).length;
      const c = await ok(await cancel(id, `"${d.version}"`));
      assert.deepEqual([c.internal, c.external, c.pending, c.version], [d.internal, d.external, null, d.version + 1]);
      assert.equal((await eventsOf(id)).length, events);
    });

    test('two simultaneous edits of one quota: exactly one succeeds, the other gets 412 with what is current, one event', async () => {
      const id = await customerWhere();
      const before = await read(id);
      const events = (await eventsOf(id)).length;
      const [a, b] = await Promise.all([
        put(id, { internal: before.internal + 10, external: before.external }, `"${before.version}"`),
        put(id, { internal: before.internal + 20, external: before.external }, `"${before.version}"`),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [200, 412]);
      const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
      const won = (await winner.json()) as Distribution;
      const refused = await expectProblem(loser, 412, 'precondition-failed', 'the second writer', ['current']);
      assert.deepEqual(refused.current, won, 'the 412 shows what the other person saved');
      assert.equal(loser.headers.get('etag'), `"${won.version}"`);
      const after = await eventsOf(id);
      assert.equal(after.length, events + 1);
      assert.equal(after.at(-1)?.ips_internal, won.internal);
      assert.equal((await read(id)).internal, won.internal, 'nothing lost, nothing doubled');
    });

    test('If-Match is required and checked; bad counts are 400s naming the field', async () => {
      const id = await customerWhere();
      const d = await read(id);
      await expectProblem(await put(id, { internal: 1, external: 1 }, null), 428, 'precondition-required');
      await expectProblem(await put(id, { internal: 1, external: 1 }, `"${d.version + 5}"`), 412, 'precondition-failed', '', ['current']);
      await expectFieldError(await put(id, { internal: -1, external: 1 }, `"${d.version}"`), '#/body/internal');
      await expectFieldError(await put(id, { internal: 1, external: 1_000_001 }, `"${d.version}"`), '#/body/external');
      await expectFieldError(await put(id, { internal: 1.5, external: 1 }, `"${d.version}"`), '#/body/internal');
    });

    test('who may edit: a self-service customer admin yes, a managed one 403, an analyst 403, another MSP 404', async () => {
      const selfService = await customerWhere(sql`cp.service_mode = 'self_service' and cp.access_delegation = 'full'`);
      const managed = await customerWhere(sql`cp.service_mode = 'managed' and cp.access_delegation = 'full'
        and exists (select 1 from users u join role_assignments r on r.user_id = u.id where u.tenant_id = cp.tenant_id and r.role = 'customer_admin' and u.status = 'active')`);
      const own = await world.customerToken(selfService, 'customer_admin');
      const d = await read(selfService, own);
      assert.equal(d.canEdit, true);
      await ok(await put(selfService, { internal: d.internal + 1, external: d.external }, `"${d.version}"`, own));

      const theirs = await world.customerToken(managed, 'customer_admin');
      const m = await read(managed, theirs);
      assert.equal(m.canEdit, false);
      await expectProblem(await put(managed, { internal: m.internal + 1, external: m.external }, `"${m.version}"`, theirs), 403, 'forbidden');
      assert.equal((await read(managed)).version, m.version);

      const analyst = await world.staffToken('A', 'analyst');
      assert.equal((await read(managed, analyst)).canEdit, false);
      await expectProblem(await put(managed, { internal: 1, external: 1 }, `"${m.version}"`, analyst), 403, 'forbidden');

      const other = await world.staffToken('B', 'admin');
      await expectProblem(await world.request(url(managed), { token: other }), 404, 'not-found');
      await expectProblem(await put(managed, { internal: 1, external: 1 }, `"${m.version}"`, other), 404, 'not-found');
      // The revoked customer's subscription is its data: not visible to its MSP.
      await expectProblem(await world.request(url(world.orgs.revoked), { token: admin }), 404, 'not-found');
    });

    test('a cancelled subscription keeps its quota: 409', async () => {
      const [row] = await owner<{ id: string }>(sql`select s.tenant_id as id from subscriptions s join customer_profiles cp on cp.tenant_id = s.tenant_id
        where s.cancelled_at is not null and cp.revoked_at is null and s.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) limit 1`);
      assert.ok(row);
      const d = await read(row.id);
      assert.equal(d.canEdit, false);
      await expectProblem(await put(row.id, { internal: d.internal + 1, external: d.external }, `"${d.version}"`), 409, 'invalid-transition');
    });
  });
}
