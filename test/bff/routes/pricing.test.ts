import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { graduatedPrice, projectKeySummary, quote, type Tier } from '../../../bff/domain/pricing.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * Price tables, quotes and project keys over HTTP: validation pointers into the tiers, If-Match,
 * repricing the portfolio, quotes equal to the engine's, cost hidden from all but pricing
 * managers, and a project key from redemption to its summary.
 */

interface Tables {
  orgId: string;
  sell: { currency: string; articleName: string; articleNumber: string; tiers: Tier[] };
  cost: { currency: string; articleName: string; articleNumber: string; tiers: Tier[] };
  prepaidDiscountBps: number;
  version: number;
}

const table = (tiers: Tier[], currency = 'EUR') => ({ currency, articleName: 'Scanning per IP', articleNumber: 'T-1', tiers });

for (const backend of backends) {
  describe(`pricing routes (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const json = async <T>(res: Response, status = 200) => {
      const text = await res.text();
      assert.equal(res.status, status, text);
      return JSON.parse(text) as T;
    };
    const readTables = async (token = admin) => json<Tables>(await world.request('/v1/price-tables', { token }));
    const putTables = (body: unknown, ifMatch: string | null, token = admin) =>
      world.request('/v1/price-tables', { method: 'PUT', token, headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) }, body: JSON.stringify(body) });
    const post = (path: string, body: unknown, token = admin, headers: Record<string, string> = {}) =>
      world.request(path, { method: 'POST', token, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    test("GET /v1/price-tables answers the caller's org's seeded tables with their version as ETag", async () => {
      const res = await world.request('/v1/price-tables', { token: admin });
      const t = await json<Tables>(res);
      assert.equal(res.headers.get('etag'), `"${t.version}"`);
      assert.equal(t.orgId, world.orgs.mspA);
      assert.equal(t.sell.currency, 'EUR');
      assert.ok(t.sell.tiers.length >= 3);
      // Sell above cost in every tier.
      t.sell.tiers.forEach((tier, i) => assert.ok(tier.unitMinor > t.cost.tiers[i]!.unitMinor));
      const b = await readTables(await world.staffToken('B', 'admin'));
      assert.equal(b.orgId, world.orgs.mspB);
      assert.equal(b.sell.currency, 'GBP');
    });

    test('only admins manage price tables: analysts and customers get 403', async () => {
      const [customer] = await owner<{ id: string }>(sql`select cp.tenant_id as id from customer_profiles cp
        where cp.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) and cp.access_delegation = 'full' and cp.status = 'active'
          and exists (select 1 from users u join role_assignments r on r.user_id = u.id where u.tenant_id = cp.tenant_id and r.role = 'customer_admin') limit 1`);
      for (const token of [await world.staffToken('A', 'analyst'), await world.staffToken('A', 'accountManager'), await world.customerToken(customer!.id, 'customer_admin')]) {
        await expectProblem(await world.request('/v1/price-tables', { token }), 403, 'forbidden');
        await expectProblem(await putTables({}, '"1"', token), 403, 'forbidden');
      }
    });

    test("a seller's portfolio, found set-based, is the customers whose nearest MSP or sub-partner it is", async () => {
      for (const seller of [world.orgs.mspA, world.orgs.mspB, world.orgs.partner]) {
        const [units] = await owner<{ fast: string; slow: string }>(sql`
          select portico.portfolio_units(${seller}::uuid)::text as fast,
                 (select coalesce(sum(s.ips_internal + s.ips_external), 0) from subscriptions s
                   where s.plan = 'purchased' and s.cancelled_at is null and portico.seller_of(s.tenant_id) = ${seller}::uuid)::text as slow`);
        assert.equal(units!.fast, units!.slow, seller);
        assert.ok(Number(units!.fast) > 0);
        const members = await owner<{ id: string }>(sql`select m as id from portico.portfolio_members(${seller}::uuid) m order by 1`);
        const bySellerOf = await owner<{ id: string }>(sql`select o.id from orgs o where portico.seller_of(o.id) = ${seller}::uuid order by 1`);
        assert.deepEqual(members, bySellerOf, seller);
      }
    });

    test('tiers that cannot price are 400s pointing into the tier at fault', async () => {
      const { version } = await readTables();
      const good = [{ upTo: 50, unitMinor: 500 }, { upTo: null, unitMinor: 400 }];
      const cases: [Tier[], string][] = [
        [[{ upTo: 50, unitMinor: 500 }, { upTo: 250, unitMinor: 400 }, { upTo: 100, unitMinor: 300 }, { upTo: null, unitMinor: 200 }], '#/body/sell/tiers/2/upTo'],
        [[{ upTo: 50, unitMinor: 500 }, { upTo: 100, unitMinor: 400 }], '#/body/sell/tiers/1/upTo'],
        [[{ upTo: null, unitMinor: 500 }, { upTo: null, unitMinor: 400 }], '#/body/sell/tiers/0/upTo'],
      ];
      for (const [tiers, pointer] of cases) {
        await expectFieldError(await putTables({ sell: table(tiers), cost: table(good), prepaidDiscountBps: 0 }, `"${version}"`), pointer, JSON.stringify(tiers));
      }
      await expectFieldError(await putTables({ sell: table(good), cost: table([{ upTo: 0, unitMinor: 1 }, { upTo: null, unitMinor: 1 }]), prepaidDiscountBps: 0 }, `"${version}"`), '#/body/cost/tiers/0/upTo');
      await expectFieldError(await putTables({ sell: table(good), cost: table(good, 'GBP'), prepaidDiscountBps: 0 }, `"${version}"`), '#/body/cost/currency');
      await expectFieldError(await putTables({ sell: table(good), cost: table(good), prepaidDiscountBps: 10_001 }, `"${version}"`), '#/body/prepaidDiscountBps');
      assert.equal((await readTables()).version, version, 'nothing was saved');
    });

    test('saving the tables needs the current version and reprices every subscription the org sells', async () => {
      const before = await readTables();
      const sell = [{ upTo: 50, unitMinor: 600 }, { upTo: 250, unitMinor: 500 }, { upTo: null, unitMinor: 350 }];
      const cost = [{ upTo: 50, unitMinor: 320 }, { upTo: 250, unitMinor: 280 }, { upTo: null, unitMinor: 200 }];
      const body = { sell: table(sell), cost: table(cost), prepaidDiscountBps: 300 };
      await expectProblem(await putTables(body, null), 428, 'precondition-required');
      const stale = await putTables(body, `"${before.version + 1}"`);
      const problem = await expectProblem(stale, 412, 'precondition-failed', '', ['current']);
      assert.deepEqual(problem.current, before);
      const res = await putTables(body, `"${before.version}"`);
      const saved = await json<Tables>(res);
      assert.equal(saved.version, before.version + 1);
      assert.equal(res.headers.get('etag'), `"${saved.version}"`);
      assert.deepEqual(saved.sell.tiers, sell);
      // MSP A's direct purchased customers are repriced; the sub-partner's keep their own prices.
      const [units] = await owner<{ n: string }>(sql`select portico.portfolio_units(${world.orgs.mspA}::uuid)::text as n`);
      const subs = await owner<{ tenant_id: string; plan: string; ips: number; price: string; cost: string }>(
        sql`select tenant_id, plan::text, ips_internal + ips_external as ips, monthly_price_minor::text as price, monthly_cost_minor::text as cost
              from subscriptions where tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[])`,
      );
      assert.ok(subs.length > 3);
      for (const s of subs) {
        const q = quote({ ips: s.ips, sell, cost, portfolioUnits: Number(units!.n), prepaidDiscountBps: 300 });
        assert.deepEqual([s.price, s.cost], s.plan === 'trial' ? ['0', '0'] : [String(q.priceMinor), String(q.costMinor)], s.tenant_id);
      }
      const partnerSub = await owner<{ price: string; ips: number }>(sql`select monthly_price_minor::text as price, ips_internal + ips_external as ips from subscriptions
        where tenant_id = ${world.orgs.customersPartner[0]!}::uuid and plan = 'purchased'`);
      for (const p of partnerSub) assert.notEqual(p.price, String(graduatedPrice(sell, p.ips).totalMinor));
      // The save is a new version in the history; the one before stays as it was.
      const history = await owner<{ version: number; kind: string; tiers: Tier[]; prepaid: number; valid_from: Date | string }>(
        sql`select version, kind::text, tiers, prepaid_discount_bps as prepaid, valid_from from price_table_versions where tenant_id = ${world.orgs.mspA}::uuid order by version, kind`,
      );
      assert.deepEqual(history.map((h) => [h.version, h.kind]), [[before.version, 'cost'], [before.version, 'sell'], [saved.version, 'cost'], [saved.version, 'sell']]);
      assert.deepEqual([history[0]!.tiers, history[1]!.tiers, history[2]!.tiers, history[3]!.tiers, history[2]!.prepaid], [before.cost.tiers, before.sell.tiers, cost, sell, 300]);
      assert.ok(new Date(history[0]!.valid_from) < new Date(history[2]!.valid_from));
      assert.equal(history[0]!.prepaid, before.prepaidDiscountBps);
      const [audit] = await owner<{ action: string }>(sql`select action from audit_log where tenant_id = ${world.orgs.mspA}::uuid order by id desc limit 1`);
      assert.equal(audit?.action, 'price_tables.update');
    });

    test('a sub-partner without tables reads version 0 and saves its first with If-Match "0"', async () => {
      // As a purge would (the owner may delete the history; the request role may not).
      await world.database.db.execute(sql`delete from price_tables where tenant_id = ${world.orgs.partner}::uuid`);
      await world.database.db.execute(sql`delete from price_table_versions where tenant_id = ${world.orgs.partner}::uuid`);
      const token = await world.token('admin', world.orgs.partner, 'msp_admin');
      const empty = await readTables(token);
      assert.deepEqual([empty.version, empty.sell.tiers, empty.orgId], [0, [], world.orgs.partner]);
      const tiers = [{ upTo: 10, unitMinor: 700 }, { upTo: null, unitMinor: 600 }];
      const saved = await json<Tables>(await putTables({ sell: table(tiers), cost: table(tiers.map((t) => ({ ...t, unitMinor: t.unitMinor - 200 }))), prepaidDiscountBps: 0 }, '"0"', token));
      assert.equal(saved.version, 1);
    });

    test('a quote equals the engine: graduated price, and cost and margin for pricing managers only', async () => {
      const t = await readTables();
      const [units] = await owner<{ n: string }>(sql`select portico.portfolio_units(${world.orgs.mspA}::uuid)::text as n`);
      const expected = quote({ ips: 300, sell: t.sell.tiers, cost: t.cost.tiers, portfolioUnits: Number(units!.n), prepaidDiscountBps: t.prepaidDiscountBps });
      const q = await json<Record<string, unknown>>(await post('/v1/quotes', { ips: 300 }));
      assert.deepEqual(q, { ...expected, currency: 'EUR' });
      // 300 IPs = 50 × price(1–50) + 200 × price(51–250) + 50 × price(251–300).
      const [a, b, c] = t.sell.tiers;
      assert.equal(q.priceMinor, 50 * a!.unitMinor + 200 * b!.unitMinor + 50 * c!.unitMinor);

      const analyst = await json<Record<string, unknown>>(await post('/v1/quotes', { ips: 300 }, await world.staffToken('A', 'analyst')));
      assert.deepEqual([analyst.priceMinor, analyst.costMinor, analyst.marginMinor, analyst.costLines], [expected.priceMinor, null, null, null]);

      // A customer admin gets its seller's price, never its cost.
      const [customer] = await owner<{ id: string }>(sql`select cp.tenant_id as id from customer_profiles cp
        where cp.tenant_id = any(${sql.param(world.orgs.customersPartner)}::uuid[]) and cp.access_delegation = 'full' and cp.status = 'active'
          and exists (select 1 from users u join role_assignments r on r.user_id = u.id where u.tenant_id = cp.tenant_id and r.role = 'customer_admin' and u.status = 'active') limit 1`);
      assert.ok(customer, 'the sub-partner has a customer whose admin may sign in');
      const [sell] = await owner<{ tiers: Tier[] }>(sql`select tiers from price_tables where tenant_id = ${world.orgs.partner}::uuid and kind = 'sell'`);
      const own = await json<Record<string, unknown>>(await post('/v1/quotes', { ips: 40 }, await world.customerToken(customer.id, 'customer_admin')));
      assert.deepEqual([own.priceMinor, own.costMinor, own.marginMinor], [graduatedPrice(sell!.tiers, 40).totalMinor, null, null]);
      // An MSP admin quoting for a sub-partner's customer gets the sub-partner's prices.
      const forIt = await json<Record<string, unknown>>(await post('/v1/quotes', { ips: 40, customerId: world.orgs.customersPartner[0] }));
      assert.equal(forIt.priceMinor, graduatedPrice(sell!.tiers, 40).totalMinor);
    });

    test("a customer's monthly margin is the engine's price − cost, shown to pricing managers only", async () => {
      const id = world.orgs.customersA.find((c) => c !== world.orgs.enterprise)!;
      const [sub] = await owner<{ price: string; cost: string; currency: string }>(
        sql`select monthly_price_minor::text as price, monthly_cost_minor::text as cost, currency from subscriptions where tenant_id = ${id}::uuid`,
      );
      const detail = await json<{ monthlyMargin: { amountMinor: number; currency: string } | null }>(await world.request(`/v1/customers/${id}`, { token: admin }));
      assert.deepEqual(detail.monthlyMargin, { amountMinor: Number(sub!.price) - Number(sub!.cost), currency: sub!.currency });
      const analyst = await json<{ monthlyMargin: unknown }>(await world.request(`/v1/customers/${id}`, { token: await world.staffToken('A', 'analyst') }));
      assert.equal(analyst.monthlyMargin, null);
      const revoked = await json<{ monthlyMargin: unknown }>(await world.request(`/v1/customers/${world.orgs.revoked}`, { token: admin }));
      assert.equal(revoked.monthlyMargin, null);
    });

    test("a quote for another MSP's customer is a 400 on customerId, like an unknown one", async () => {
      const unknown = await expectFieldError(await post('/v1/quotes', { ips: 10, customerId: randomUUID() }), '#/body/customerId');
      const foreign = await expectFieldError(await post('/v1/quotes', { ips: 10, customerId: world.orgs.customersB[0] }), '#/body/customerId');
      assert.deepEqual(foreign, unknown);
      await expectFieldError(await post('/v1/quotes', { ips: -1 }), '#/body/ips');
    });

    test('a project key: redeem (idempotent) → set its selling price → summary', async () => {
      const code = `PK-${randomUUID().slice(0, 8)}`;
      const body = { code, ipCount: 200, runtimeMonths: 12, purchasePriceMinor: 480_000 };
      const key = `redeem-${code}`;
      const first = await post('/v1/project-keys', body, admin, { 'idempotency-key': key });
      const created = await json<{ id: string; orgId: string; version: number; sellingPriceMinor: number | null; summary: unknown; currency: string }>(first, 201);
      assert.equal(first.headers.get('location'), `/v1/project-keys/${created.id}`);
      assert.deepEqual([created.orgId, created.currency, created.sellingPriceMinor], [world.orgs.mspA, 'EUR', null]);
      assert.deepEqual(created.summary, projectKeySummary({ ...body, sellingPriceMinor: null }));
      const replay = await post('/v1/project-keys', body, admin, { 'idempotency-key': key });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(await json(replay, 201), created);
      const [count] = await owner<{ n: number }>(sql`select count(*)::int as n from project_keys where code = ${code}`);
      assert.equal(count?.n, 1, 'a retry redeems once');
      const twice = await expectProblem(await post('/v1/project-keys', body), 409, 'conflict');
      assert.deepEqual(twice.errors?.map((e) => e.pointer), ['#/body/code']);

      const put = (ifMatch: string, update: unknown, token = admin) =>
        world.request(`/v1/project-keys/${created.id}`, { method: 'PUT', token, headers: { 'content-type': 'application/json', 'if-match': ifMatch }, body: JSON.stringify(update) });
      const customer = world.orgs.customersA[1]!;
      const priced = await json<{ sellingPriceMinor: number; customerId: string; version: number; summary: unknown }>(await put(`"${created.version}"`, { sellingPriceMinor: 720_000, customerId: customer }));
      assert.deepEqual([priced.sellingPriceMinor, priced.customerId, priced.version], [720_000, customer, created.version + 1]);
      assert.deepEqual(priced.summary, projectKeySummary({ ...body, sellingPriceMinor: 720_000 }));
      assert.deepEqual(priced.summary, { costPerIpMonthMinor: 200, pricePerIpMonthMinor: 300, marginMinor: 240_000, marginBps: 3333 });
      await expectProblem(await put(`"${created.version}"`, { sellingPriceMinor: 1 }), 412, 'precondition-failed', '', ['current']);
      await expectFieldError(await put(`"${priced.version}"`, { sellingPriceMinor: 1, customerId: world.orgs.customersB[0] }), '#/body/customerId');

      const other = await world.staffToken('B', 'admin');
      await expectProblem(await world.request(`/v1/project-keys/${created.id}`, { token: other }), 404, 'not-found');
      await expectProblem(await put(`"${priced.version}"`, { sellingPriceMinor: 1 }, other), 404, 'not-found');
      const list = await json<{ items: { id: string }[] }>(await world.request('/v1/project-keys?limit=200', { token: admin }));
      assert.ok(list.items.some((k) => k.id === created.id));
      const theirs = await json<{ items: { id: string }[] }>(await world.request('/v1/project-keys?limit=200', { token: other }));
      assert.ok(!theirs.items.some((k) => k.id === created.id));
    });
  });
}
