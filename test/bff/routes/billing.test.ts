import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { invoiceLines, periodContaining, periodForLabel, type Partnership, type SubscriptionEvent } from '../../../bff/domain/billing.js';
import type { Tier } from '../../../bff/domain/pricing.js';
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

    /** What the engine says for a seller's portfolio, computed here from the rows as the owner. */
    async function expected(seller: string, period: Preview['period']) {
      const [tables] = await owner<{ sell: Tier[]; cost: Tier[]; prepaid: number; units: string }>(sql`
        select s.tiers as sell, c.tiers as cost, c.prepaid_discount_bps as prepaid, portico.portfolio_units(${seller}::uuid)::text as units
          from price_tables s join price_tables c on c.tenant_id = s.tenant_id and c.kind = 'cost'
         where s.tenant_id = ${seller}::uuid and s.kind = 'sell'`);
      const customers = await owner<{ id: string; name: string }>(sql`
        select o.id, o.name from orgs o join customer_profiles cp on cp.tenant_id = o.id join subscriptions s on s.tenant_id = o.id
         where portico.seller_of(o.id) = ${seller}::uuid and cp.revoked_at is null and s.plan = 'purchased'
         order by o.name, o.id`);
      const lines = [];
      for (const c of customers) {
        const rows = await owner<{ at: Date | string; kind: SubscriptionEvent['kind']; ips_internal: number | null; ips_external: number | null; effective_at: Date | string | null; ref: string | null }>(
          sql`select at, kind::text as kind, ips_internal, ips_external, effective_at, ref from subscription_events where tenant_id = ${c.id}::uuid order by at, id`,
        );
        const events: SubscriptionEvent[] = rows.map((r) => ({
          at: new Date(r.at).toISOString(),
          kind: r.kind,
          ...(r.ips_internal !== null ? { ipsInternal: r.ips_internal } : {}),
          ...(r.ips_external !== null ? { ipsExternal: r.ips_external } : {}),
          ...(r.effective_at !== null ? { effectiveAt: new Date(r.effective_at).toISOString() } : {}),
          ...(r.ref !== null ? { ref: r.ref } : {}),
        }));
        const input = { customerId: c.id, customerName: c.name, events, period, sell: tables!.sell, cost: tables!.cost, portfolioUnits: Number(tables!.units), prepaidDiscountBps: tables!.prepaid };
        lines.push(...invoiceLines(input).map((l) => ({ ...l, customerName: c.name })));
      }
      return { lines, units: Number(tables!.units) };
    }

    test("MSP A (MSSP): the current period runs 26th to 25th on Berlin time, and its lines are the engine's over the seeded events", async () => {
      const now = new Date();
      world.deps.now = () => now;
      const body = await preview(await world.staffToken('A', 'admin'));
      assert.equal(body.partnership, 'mssp');
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
  });
}
