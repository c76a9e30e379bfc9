import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { eventsOf as loadEvents } from '../../../bff/db/queries/pricing.js';
import { invoiceLines, periodContaining, periodForLabel, prorate, subscriptionStateAt, type Partnership, type PriceVersion, type SubscriptionEvent } from '../../../bff/domain/billing.js';
import { graduatedPrice, type Tier } from '../../../bff/domain/pricing.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * The invoice preview over HTTP: its lines are the billing engine's over the seeded events (MSSP
 * and reseller periods), only the caller's own portfolio, and the events that onboarding and the
 * lifecycle record change it as the engine says.
 */

interface Preview {
  period: { start: string; end: string; label: string };
  partnership: Partnership;
  timeZone: string;
  currency: string;
  lines: { customerId: string; customerName: string; from: string; to: string; ips: number; amountMinor: number; costMinor: number; description: string }[];
  totals: { amountMinor: number; costMinor: number; marginMinor: number };
  portfolioUnits: number;
  band: number;
}

for (const backend of backends) {
  describe(`invoice preview (${backend})`, () => {
    let world: World;
    before(async () => {
      world = await seededWorld(backend);
    });
    afterEach(() => {
      delete world.deps.now;
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const preview = async (token: string, query = '') => {
      const res = await world.request(`/v1/billing/invoice-preview${query}`, { token });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return JSON.parse(text) as Preview;
    };

    /** A customer's events as the engine takes them, read as the owner. */
    async function eventsOf(customerId: string): Promise<SubscriptionEvent[]> {
      // A `started` event without a plan (stored before plans were recorded) has its subscription's.
      const rows = await owner<{ at: Date | string; kind: SubscriptionEvent['kind']; plan: 'trial' | 'purchased' | null; ips_internal: number | null; ips_external: number | null; effective_at: Date | string | null; ref: string | null }>(
        sql`select e.at, e.kind::text as kind, coalesce(e.plan::text, case when e.kind = 'started' then s.plan::text end) as plan, e.ips_internal, e.ips_external, e.effective_at, e.ref
              from subscription_events e join subscriptions s on s.tenant_id = e.tenant_id and s.id = e.subscription_id
             where e.tenant_id = ${customerId}::uuid order by e.at, e.id`,
      );
      return rows.map((r) => ({
        at: new Date(r.at).toISOString(),
        kind: r.kind,
        ...(r.plan !== null ? { plan: r.plan } : {}),
        ...(r.ips_internal !== null ? { ipsInternal: r.ips_internal } : {}),
        ...(r.ips_external !== null ? { ipsExternal: r.ips_external } : {}),
        ...(r.effective_at !== null ? { effectiveAt: new Date(r.effective_at).toISOString() } : {}),
        ...(r.ref !== null ? { ref: r.ref } : {}),
      }));
    }

    /**
     * What the engine says for a seller's portfolio, computed here from the rows as the owner:
     * every saved price version, and the units of all its purchased subscriptions (revoked
     * customers' too) as the events had them at the period's start — while purchased then.
     */
    async function expected(seller: string, period: Preview['period']) {
      const versions = await owner<{ valid_from: Date | string; sell: Tier[]; cost: Tier[]; prepaid: number }>(sql`
        select s.valid_from, s.tiers as sell, c.tiers as cost, c.prepaid_discount_bps as prepaid
          from price_table_versions s join price_table_versions c on c.tenant_id = s.tenant_id and c.version = s.version and c.kind = 'cost'
         where s.tenant_id = ${seller}::uuid and s.kind = 'sell' order by s.version`);
      const prices: PriceVersion[] = versions.map((v) => ({ validFrom: new Date(v.valid_from).toISOString(), sell: v.sell, cost: v.cost, prepaidDiscountBps: v.prepaid }));
      const portfolio = await owner<{ id: string; name: string; revoked: boolean }>(sql`
        select o.id, o.name, cp.revoked_at is not null as revoked from orgs o join customer_profiles cp on cp.tenant_id = o.id join subscriptions s on s.tenant_id = o.id
         where portico.seller_of(o.id) = ${seller}::uuid and s.plan = 'purchased'
         order by o.name, o.id`);
      const events = new Map<string, SubscriptionEvent[]>();
      let units = 0;
      for (const c of portfolio) {
        events.set(c.id, await eventsOf(c.id));
        const state = subscriptionStateAt(events.get(c.id)!, new Date(period.start));
        if (state.active && state.plan === 'purchased') units += state.internal + state.external;
      }
      const lines = portfolio
        .filter((c) => !c.revoked)
        .flatMap((c) => invoiceLines({ customerId: c.id, customerName: c.name, events: events.get(c.id)!, period, prices, portfolioUnits: units }).map((l) => ({ ...l, customerName: c.name })));
      return { lines, units, prices };
    }

    test("MSP A (MSSP): the current period runs 26th to 25th on Berlin time, and its lines are the engine's over the seeded events", async () => {
      const now = new Date();
      world.deps.now = () => now;
      const body = await preview(await world.staffToken('A', 'admin'));
      assert.equal(body.partnership, 'mssp');
      assert.equal(body.timeZone, 'Europe/Berlin');
      assert.deepEqual(body.period, periodContaining(now, 'mssp', 'Europe/Berlin'));
      assert.equal(new Date(body.period.start).toLocaleString('en-GB', { timeZone: 'Europe/Berlin', day: 'numeric' }), '26');
      const want = await expected(world.orgs.mspA, body.period);
      assert.ok(want.lines.length > 3, 'the seed gives MSP A invoice lines');
      assert.deepEqual(body.lines, want.lines);
      assert.equal(body.portfolioUnits, want.units);
      const amount = want.lines.reduce((a, l) => a + l.amountMinor, 0);
      const cost = want.lines.reduce((a, l) => a + l.costMinor, 0);
      assert.deepEqual(body.totals, { amountMinor: amount, costMinor: cost, marginMinor: amount - cost });
      // Only MSP A's own customers: not the sub-partner's, not the revoked one, no trials.
      const ids = new Set(body.lines.map((l) => l.customerId));
      for (const id of [...world.orgs.customersPartner, ...world.orgs.customersB, world.orgs.revoked]) assert.ok(!ids.has(id), id);
    });

    test('a past period by label, for MSP B (reseller: calendar months on London time) and for the sub-partner', async () => {
      const last = new Date();
      last.setUTCMonth(last.getUTCMonth() - 1);
      const label = last.toISOString().slice(0, 7);
      const b = await preview(await world.staffToken('B', 'admin'), `?period=${label}`);
      assert.equal(b.partnership, 'reseller');
      assert.equal(b.timeZone, 'Europe/London');
      assert.equal(b.currency, 'GBP');
      assert.deepEqual(b.period, periodForLabel(label, 'reseller', 'Europe/London'));
      assert.deepEqual(b.lines, (await expected(world.orgs.mspB, b.period)).lines);
      assert.ok(b.lines.length > 0);
      // A full month of constant IPs bills exactly the monthly price.
      const partner = await preview(await world.token('admin', world.orgs.partner, 'msp_admin'), `?period=${label}`);
      assert.deepEqual(partner.lines, (await expected(world.orgs.partner, partner.period)).lines);
      assert.ok(partner.lines.every((l) => world.orgs.customersPartner.includes(l.customerId)));
    });

    test('only admins see invoices; a malformed period is a 400', async () => {
      await expectProblem(await world.request('/v1/billing/invoice-preview', { token: await world.staffToken('A', 'analyst') }), 403, 'forbidden');
      const admin = await world.staffToken('A', 'admin');
      for (const bad of ['2026-13', '2026-1', 'last-month', '2026-11-01']) {
        await expectFieldError(await world.request(`/v1/billing/invoice-preview?period=${bad}`, { token: admin }), '#/query/period', bad);
      }
    });

    test('a new customer, an IP increase and a cancellation each show up in the preview, prorated', async () => {
      const admin = await world.staffToken('A', 'admin');
      const start = new Date();
      world.deps.now = () => start;
      const created = await world.request('/v1/customers', {
        method: 'POST',
        token: admin,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountType: 'customer', name: 'Billing Test GmbH', country: 'DE', plan: 'purchased', licenceModel: 'unlimited' }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };
      const [started] = await owner<{ kind: string; n: number }>(sql`select kind::text, ips_internal + ips_external as n from subscription_events where tenant_id = ${id}::uuid`);
      assert.deepEqual(started, { kind: 'started', n: 0 });

      const etag = async (path: string) => (await world.request(path, { token: admin })).headers.get('etag')!;
      world.deps.now = () => new Date(start.getTime() + 60_000);
      const grown = await world.request(`/v1/customers/${id}/ip-distribution`, {
        method: 'PUT', token: admin, headers: { 'content-type': 'application/json', 'if-match': await etag(`/v1/customers/${id}/ip-distribution`) }, body: JSON.stringify({ internal: 20, external: 30 }),
      });
      assert.equal(grown.status, 200, await grown.text());
      world.deps.now = () => new Date(start.getTime() + 120_000);
      const cancelled = await world.request(`/v1/customers/${id}/cancel`, { method: 'POST', token: admin, headers: { 'if-match': await etag(`/v1/customers/${id}`) } });
      assert.equal(cancelled.status, 200, await cancelled.text());
      world.deps.now = () => new Date(start.getTime() + 180_000);
      const reactivated = await world.request(`/v1/customers/${id}/reactivate`, { method: 'POST', token: admin, headers: { 'if-match': await etag(`/v1/customers/${id}`) } });
      assert.equal(reactivated.status, 200, await reactivated.text());
      const kinds = await owner<{ kind: string }>(sql`select kind::text from subscription_events where tenant_id = ${id}::uuid order by at, id`);
      assert.deepEqual(kinds.map((k) => k.kind), ['started', 'ips_changed', 'cancelled', 'reactivated']);

      const body = await preview(admin);
      const mine = body.lines.filter((l) => l.customerId === id);
      assert.deepEqual(mine, (await expected(world.orgs.mspA, body.period)).lines.filter((l) => l.customerId === id));
      // Fifty IPs for one minute, then (after a minute cancelled) again from the reactivation on.
      assert.equal(mine.length, 2);
      assert.equal(mine[0]?.ips, 50);
      assert.equal(mine[1]?.from, new Date(start.getTime() + 180_000).toISOString());
      assert.equal(mine[0]?.from, new Date(start.getTime() + 60_000).toISOString());
      assert.ok(mine[0]!.amountMinor < 10, 'one minute of a month costs next to nothing');
    });

    test('a seeded trial converted part-way is billed from its conversion in that period, and not before', async () => {
      const converted = await owner<{ tenant_id: string; at: Date | string; seller: string }>(sql`
        select e.tenant_id, e.at, portico.seller_of(e.tenant_id) as seller from subscription_events e
         where e.kind = 'converted_to_purchased' order by e.at`);
      const sellers = { [world.orgs.mspA]: ['A', 'mssp', 'Europe/Berlin'], [world.orgs.mspB]: ['B', 'reseller', 'Europe/London'] } as const;
      assert.deepEqual(new Set(converted.map((c) => c.seller)), new Set(Object.keys(sellers)), 'the seed converts one customer of each MSP');
      for (const c of converted) {
        const [msp, partnership, zone] = sellers[c.seller]!;
        const token = await world.staffToken(msp, 'admin');
        const at = new Date(c.at);
        const period = periodContaining(at, partnership, zone);
        const body = await preview(token, `?period=${period.label}`);
        const mine = body.lines.filter((l) => l.customerId === c.tenant_id);
        assert.deepEqual(mine, (await expected(c.seller, body.period)).lines.filter((l) => l.customerId === c.tenant_id));
        assert.equal(mine[0]?.from, at.toISOString(), 'billed from the conversion instant');
        assert.match(mine[0]!.description, /prorated$/);
        const earlier = periodContaining(new Date(Date.parse(period.start) - 1), partnership, zone);
        assert.deepEqual((await preview(token, `?period=${earlier.label}`)).lines.filter((l) => l.customerId === c.tenant_id), [], 'the trial time before it is free');
      }
    });

    test('a trial onboarded, given IPs and converted mid-period is billed from the conversion on; its units count for the band from then', async () => {
      const admin = await world.staffToken('A', 'admin');
      const start = new Date();
      world.deps.now = () => start;
      const created = await world.request('/v1/customers', {
        method: 'POST',
        token: admin,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountType: 'customer', name: 'Trial Conversion GmbH', country: 'DE', plan: 'trial', licenceModel: 'per_asset' }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };
      const etag = async (path: string) => (await world.request(path, { token: admin })).headers.get('etag')!;
      world.deps.now = () => new Date(start.getTime() + 60_000);
      const grown = await world.request(`/v1/customers/${id}/ip-distribution`, {
        method: 'PUT', token: admin, headers: { 'content-type': 'application/json', 'if-match': await etag(`/v1/customers/${id}/ip-distribution`) }, body: JSON.stringify({ internal: 40, external: 60 }),
      });
      assert.equal(grown.status, 200, await grown.text());
      assert.deepEqual((await preview(admin)).lines.filter((l) => l.customerId === id), [], 'a trial is not billed');
      const conversion = new Date(start.getTime() + 120_000);
      world.deps.now = () => conversion;
      const res = await world.request(`/v1/customers/${id}/convert-to-purchased`, {
        method: 'POST', token: admin, headers: { 'content-type': 'application/json', 'if-match': await etag(`/v1/customers/${id}`) }, body: '{}',
      });
      assert.equal(res.status, 200, await res.text());
      const events = await owner<{ kind: string; plan: string | null }>(sql`select kind::text, plan::text from subscription_events where tenant_id = ${id}::uuid order by at, id`);
      assert.deepEqual([...events], [{ kind: 'started', plan: 'trial' }, { kind: 'ips_changed', plan: null }, { kind: 'converted_to_purchased', plan: 'purchased' }]);

      const body = await preview(admin);
      const mine = body.lines.filter((l) => l.customerId === id);
      assert.deepEqual(mine, (await expected(world.orgs.mspA, body.period)).lines.filter((l) => l.customerId === id));
      assert.deepEqual(mine.map((l) => [l.ips, l.from, l.to]), [[100, conversion.toISOString(), body.period.end]]);
      const monthly = graduatedPrice((await expected(world.orgs.mspA, body.period)).prices.at(-1)!.sell, 100).totalMinor;
      assert.equal(mine[0]!.amountMinor, prorate(monthly, conversion, new Date(body.period.end), body.period));
      // The next period counts its 100 units from its start on.
      const next = new Date(body.period.end);
      world.deps.now = () => next;
      const following = await preview(admin);
      assert.equal(following.portfolioUnits, (await expected(world.orgs.mspA, following.period)).units);
      const history = await eventsOf(id);
      assert.deepEqual(subscriptionStateAt(history, new Date(following.period.start)), { active: true, plan: 'purchased', internal: 40, external: 60, pending: null });
      assert.equal(subscriptionStateAt(history, new Date(conversion.getTime() - 1)).plan, 'trial', 'not counted for the band before');
    });

    test("prices saved inside a period split its lines at the save; past periods keep their invoices; the band is the portfolio's at the period's start", async () => {
      const admin = await world.staffToken('A', 'admin');
      const now = new Date();
      world.deps.now = () => now;
      const current = await preview(admin);
      const last = new Date(current.period.start);
      last.setUTCDate(last.getUTCDate() - 3);
      const label = periodContaining(last, 'mssp', 'Europe/Berlin').label;
      const past = await preview(admin, `?period=${label}`);
      assert.ok(past.lines.length > 3);

      // Saved half-way between the start of the current period and now.
      const saved = new Date((Date.parse(current.period.start) + now.getTime()) / 2);
      world.deps.now = () => saved;
      const tables = await world.request('/v1/price-tables', { token: admin });
      const before = (await tables.json()) as { sell: { tiers: Tier[] }; cost: { tiers: Tier[] } } & Record<string, unknown>;
      const sell = before.sell.tiers.map((t) => ({ ...t, unitMinor: t.unitMinor + 70 }));
      const put = await world.request('/v1/price-tables', {
        method: 'PUT', token: admin, headers: { 'content-type': 'application/json', 'if-match': tables.headers.get('etag')! },
        body: JSON.stringify({ sell: { ...before.sell, tiers: sell }, cost: before.cost, prepaidDiscountBps: before.prepaidDiscountBps }),
      });
      assert.equal(put.status, 200, await put.text());
      const [version] = await owner<{ valid_from: Date | string; created_by: string | null }>(sql`select valid_from, created_by from price_table_versions
        where tenant_id = ${world.orgs.mspA}::uuid and kind = 'sell' order by version desc limit 1`);
      assert.equal(new Date(version!.valid_from).toISOString(), saved.toISOString());
      assert.ok(version!.created_by);

      world.deps.now = () => now;
      assert.deepEqual(await preview(admin, `?period=${label}`), past, 'a past period is invoiced as before');
      const after = await preview(admin);
      const want = await expected(world.orgs.mspA, after.period);
      assert.equal(want.prices.length, 2);
      assert.deepEqual(after.lines, want.lines);
      assert.equal(after.portfolioUnits, want.units);
      assert.equal(after.band, current.band);

      // A customer billed one full line before now has two, split at the save, each at its prices.
      const whole = current.lines.find((l) => l.from === current.period.start && l.to === current.period.end);
      assert.ok(whole, 'some customer is billed the whole current period');
      const split = after.lines.filter((l) => l.customerId === whole.customerId);
      assert.deepEqual(split.map((l) => [l.ips, l.from, l.to]), [[whole.ips, current.period.start, saved.toISOString()], [whole.ips, saved.toISOString(), current.period.end]]);
      const period = current.period;
      const oldMonthly = graduatedPrice(before.sell.tiers, whole.ips).totalMinor;
      assert.equal(split[0]!.amountMinor, prorate(oldMonthly, new Date(period.start), saved, period));
      assert.equal(split[1]!.amountMinor, prorate(graduatedPrice(sell, whole.ips).totalMinor, saved, new Date(period.end), period));
      // The cost did not change, so its parts add up to the whole line's cost exactly.
      assert.equal(split[0]!.costMinor + split[1]!.costMinor, whole.costMinor);
      assert.equal(whole.amountMinor, oldMonthly);
    });

    test('a started event stored before plans were recorded reads as its subscription\'s plan: a running trial stays free, anything else is purchased', async () => {
      const admin = await world.staffToken('A', 'admin');
      const now = new Date();
      world.deps.now = () => now;
      const before = await preview(admin);
      const [trial] = await owner<{ tenant_id: string }>(sql`select tenant_id from subscriptions where plan = 'trial' and ips_internal + ips_external > 0 limit 1`);
      // An old database's rows: no plan on `started` (only the owner, with the append-only trigger off, can make them).
      await owner(sql`alter table subscription_events disable trigger subscription_events_append_only`);
      await owner(sql`update subscription_events set plan = null where kind = 'started'
        and tenant_id not in (select tenant_id from subscription_events where kind = 'converted_to_purchased')`);
      await owner(sql`alter table subscription_events enable trigger subscription_events_append_only`);
      assert.deepEqual(await preview(admin), before);
      const legacy = (await loadEvents(world.database.db, [trial!.tenant_id])).get(trial!.tenant_id)!;
      assert.equal(legacy[0]!.plan, 'trial');
      assert.equal(subscriptionStateAt(legacy, now).plan, 'trial');
    });
  });
}
