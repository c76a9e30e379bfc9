import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { runNotificationFanout } from '../../../bff/jobs/notifications.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * GET /v1/customers/{id}/licence, POST …/assets, GET …/usage and GET …/activity. Meter figures
 * are checked against a model built here from the raw seeded rows (read as the owner), with the
 * billing month taken from PostgreSQL's own time-zone arithmetic rather than the route's.
 */

const DAY = 86_400_000;

interface LicenceBody {
  model: string | null;
  plan: string | null;
  quota: number | null;
  used: number | null;
  remaining: number | null;
  use: number | null;
  warnAt: number | null;
  level: string | null;
  period: { start: string; end: string } | null;
  trial: { endsAt: string; daysLeft: number } | null;
  connectionLost: boolean;
}

interface UsageBody {
  from: string;
  to: string;
  timeZone: string;
  connectionLost: boolean;
  products: { product: string; label: string; total: number; days: { day: string; scans: number }[] }[];
}

interface ActivityBody {
  items: { id: string; at: string; actor: { id: string | null; name: string | null; role: string }; action: string; before: unknown; after: unknown }[];
  nextCursor: string | null;
}

const iso = (v: unknown) => new Date(v as string | Date).toISOString();

for (const backend of backends) {
  describe(`licences, usage and activity (${backend})`, () => {
    let world: World;
    let adminA: string;
    let adminB: string;
    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);

    before(async () => {
      world = await seededWorld(backend);
      adminA = await world.staffToken('A', 'admin');
      adminB = await world.staffToken('B', 'admin');
    });
    after(() => world?.close());

    const licence = async (id: string, token = adminA) => {
      const res = await world.request(`/v1/customers/${id}/licence`, { token });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as LicenceBody;
    };
    const postAsset = (id: string, body: { kind: string; value: string }, token = adminA, headers: Record<string, string> = {}) =>
      world.request(`/v1/customers/${id}/assets`, {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    /** Threshold notifications of a tenant, oldest first; `since` leaves out what was there before. */
    const notificationsOf = async (id: string, since?: string[]) =>
      (
        await owner<{ id: string; dedupeKey: string; data: Record<string, unknown> }>(
          sql`select id::text as id, dedupe_key as "dedupeKey", data from notifications where tenant_id = ${id}::uuid and kind = 'licence-threshold' order by created_at, dedupe_key`,
        )
      ).filter((n) => !since?.includes(n.id));
    /**
     * Runs the notification fan-out (docs/notifications.md) and answers who was emailed about the
     * tenant's threshold notifications, one row per user and notification; `since` leaves out
     * notifications that were there before. Alerts reach everyone who may see the customer and
     * asked for immediate emails: the seed's MSP admins do, the customer's own admins by default.
     */
    const alertsOf = async (id: string, since?: string[]) => {
      await runNotificationFanout({ database: world.database, config: world.config, now: () => new Date(Date.now() + 60_000) });
      return (
        await owner<{ notification: string; email: string; role: string; to: string[]; kind: string; mspName: string; title: string; carried: boolean }>(
          sql`select d.notification_id::text as notification, u.email, r.role::text as role, m."to", m.kind, m.data->>'mspName' as "mspName", n.title,
                     (m.data->'notifications') @> jsonb_build_array(jsonb_build_object('id', n.id::text, 'title', n.title)) as carried
                from notification_deliveries d
                join notifications n on n.tenant_id = d.notification_tenant_id and n.id = d.notification_id
                join users u on u.tenant_id = d.tenant_id and u.id = d.user_id
                join role_assignments r on r.tenant_id = u.tenant_id and r.user_id = u.id
                join email_messages m on m.tenant_id = d.tenant_id and m.id = d.email_id
               where n.tenant_id = ${id}::uuid and n.kind = 'licence-threshold'
               order by u.email, n.created_at, n.dedupe_key`,
        )
      ).filter((a) => !since?.includes(a.notification));
    };
    /** The ids of what is recorded now, to leave out later. */
    const recorded = async (id: string) => (await notificationsOf(id)).map((n) => n.id);
    const mspAdminEmails = async (msp: string) =>
      (await owner<{ email: string }>(sql`select u.email from users u join role_assignments r on r.user_id = u.id and r.role = 'msp_admin' where u.tenant_id = ${msp}::uuid and u.status = 'active' order by 1`)).map((r) => r.email);
    const emailsOfRole = (alerts: { email: string; role: string }[], role: string) => [...new Set(alerts.filter((a) => a.role === role).map((a) => a.email))].sort();

    /** Gives a customer a fresh per-asset subscription with exactly `assets` distinct assets. */
    async function prepare(id: string, model: 'per_asset' | 'per_scan' | 'unlimited', quota: number | null, assets: number) {
      await owner(sql`update subscriptions set licence_model = ${model}, licence_quota = ${quota}, plan = 'purchased', cancelled_at = null, trial_ends_at = null where tenant_id = ${id}::uuid`);
      await owner(sql`delete from assets where tenant_id = ${id}::uuid`);
      for (let i = 0; i < assets; i++) {
        await owner(sql`insert into assets (tenant_id, kind, value, normalized_value) values (${id}::uuid, 'subdomain', ${`seeded-${i}.meter.example`}, ${`seeded-${i}.meter.example`})`);
      }
      await owner(sql`select portico.refresh_customer_metrics(array[${id}]::uuid[])`);
    }

    test('the meter of every customer matches a model computed from the raw rows', async () => {
      const now = new Date();
      const orgs = await owner<{ id: string; parent: string | null; kind: string; root: string; zone: string; revoked: boolean; profile: boolean }>(
        sql`with recursive up as (select o.id, o.id as at from orgs o union all select up.id, p.parent_id from up join orgs p on p.id = up.at where p.parent_id is not null)
            select o.id, o.parent_id as parent, o.kind::text as kind, r.id as root, r.time_zone as zone,
                   coalesce(cp.revoked_at is not null, false) as revoked, cp.tenant_id is not null as profile
              from orgs o join up on up.id = o.id join orgs r on r.id = up.at and r.kind = 'msp'
              left join customer_profiles cp on cp.tenant_id = o.id`,
      );
      const subs = await owner<{ tenant: string; plan: string; model: string; quota: number | null; trialEndsAt: unknown; startedAt: unknown }>(
        sql`select tenant_id as tenant, plan::text as plan, licence_model::text as model, licence_quota as quota, trial_ends_at as "trialEndsAt", started_at as "startedAt" from subscriptions`,
      );
      const assets = await owner<{ tenant: string; kind: string; norm: string }>(sql`select tenant_id as tenant, kind::text as kind, normalized_value as norm from assets`);
      const scans = await owner<{ tenant: string; at: unknown }>(sql`select tenant_id as tenant, started_at as at from scans`);
      const subtree = (id: string): Set<string> => {
        const out = new Set([id]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const o of orgs) {
            if (o.parent && out.has(o.parent) && !out.has(o.id)) {
              out.add(o.id);
              grew = true;
            }
          }
        }
        return out;
      };
      let checked = 0;
      const seen = new Set<string>();
      for (const o of orgs.filter((x) => x.profile)) {
        const token = o.root === world.orgs.mspA ? adminA : adminB;
        const body = await licence(o.id, token);
        if (o.revoked) {
          assert.deepEqual(body, { model: null, plan: null, quota: null, used: null, remaining: null, use: null, warnAt: null, level: null, period: null, trial: null, connectionLost: true });
          continue;
        }
        const sub = subs.filter((s) => s.tenant === o.id).sort((a, b) => Date.parse(iso(b.startedAt)) - Date.parse(iso(a.startedAt)))[0]!;
        const tree = subtree(o.id);
        const [month] = await owner<{ start: unknown; end: unknown }>(
          sql`select (date_trunc('month', ${now.toISOString()}::timestamptz at time zone ${o.zone}) at time zone ${o.zone}) as start,
                     ((date_trunc('month', ${now.toISOString()}::timestamptz at time zone ${o.zone}) + interval '1 month') at time zone ${o.zone}) as "end"`,
        );
        const start = Date.parse(iso(month!.start));
        const end = Date.parse(iso(month!.end));
        const used =
          sub.model === 'per_scan'
            ? scans.filter((s) => tree.has(s.tenant) && Date.parse(iso(s.at)) >= start && Date.parse(iso(s.at)) < end).length
            : new Set(assets.filter((a) => tree.has(a.tenant)).map((a) => `${a.kind} ${a.norm}`)).size;
        const quota = sub.quota == null ? null : Number(sub.quota);
        assert.equal(body.model, sub.model, o.id);
        assert.equal(body.plan, sub.plan);
        assert.equal(body.used, used, `${o.id} ${sub.model}`);
        assert.equal(body.connectionLost, false);
        if (sub.model === 'unlimited') {
          assert.equal(body.level, 'unlimited');
          assert.equal(body.quota, null);
          assert.equal(body.warnAt, null);
          assert.equal(body.use, null);
          assert.equal(body.remaining, null);
        } else {
          const [num, den] = sub.model === 'per_asset' ? [9, 10] : [4, 5];
          const level = used >= quota! ? 'exhausted' : used * den >= quota! * num ? 'warning' : 'ok';
          assert.equal(body.level, level, `${o.id}: ${used}/${quota}`);
          assert.equal(body.quota, quota);
          assert.equal(body.remaining, Math.max(0, quota! - used));
          assert.equal(body.warnAt, num / den);
          assert.equal(body.use, used / quota!);
          seen.add(level);
        }
        assert.deepEqual(body.period, sub.model === 'per_scan' ? { start: new Date(start).toISOString(), end: new Date(end).toISOString() } : null);
        if (sub.plan === 'trial' && sub.trialEndsAt) {
          assert.equal(body.trial?.endsAt, iso(sub.trialEndsAt));
          assert.ok(body.trial!.daysLeft >= 0);
        } else {
          assert.equal(body.trial, null);
        }
        seen.add(sub.model);
        checked++;
      }
      assert.ok(checked >= 20, `only ${checked} customers checked`);
      for (const kind of ['per_asset', 'per_scan', 'unlimited', 'ok', 'exhausted']) assert.ok(seen.has(kind), `the seed covers no ${kind} customer`);
    });

    test('two spellings of one asset count once: the second answers 200 with the first', async () => {
      const id = world.orgs.customersA[1]!;
      await prepare(id, 'per_asset', 50, 3);
      const first = await postAsset(id, { kind: 'domain', value: 'example.com' });
      assert.equal(first.status, 201, await first.clone().text());
      const created = (await first.json()) as { id: string; normalizedValue: string };
      assert.equal(created.normalizedValue, 'example.com');
      assert.equal(first.headers.get('location'), `/v1/customers/${id}/assets/${created.id}`);
      for (const value of ['Example.COM.', 'https://example.com:443/', 'EXAMPLE.com/', 'http://example.com']) {
        const res = await postAsset(id, { kind: 'domain', value });
        assert.equal(res.status, 200, value);
        const body = (await res.json()) as { asset: { id: string }; duplicate: boolean };
        assert.deepEqual([body.asset.id, body.duplicate], [created.id, true], value);
      }
      assert.equal((await licence(id)).used, 4);
      const audits = await owner<{ n: number }>(sql`select count(*)::int as n from audit_log where tenant_id = ${id}::uuid and action = 'asset.create'`);
      assert.equal(Number(audits[0]!.n), 1, 'only the new asset is audited');
      // A URL asset with a default port and trailing slash is one asset too.
      assert.equal((await postAsset(id, { kind: 'web_app_url', value: 'https://Portal.Example.com:443/login/' })).status, 201);
      assert.equal((await postAsset(id, { kind: 'web_app_url', value: 'HTTPS://portal.example.com./login' })).status, 200);
      assert.equal((await licence(id)).used, 5);
      // The fleet's figure follows at once.
      const customer = (await (await world.request(`/v1/customers/${id}`, { token: adminA })).json()) as { licences: { used: number } };
      assert.equal(customer.licences.used, 5);
    });

    test('invalid asset values → 400 naming #/body/value; an Idempotency-Key replays the first answer', async () => {
      const id = world.orgs.customersA[1]!;
      for (const [kind, value] of [['domain', 'not a domain'], ['domain', 'https://example.com/login'], ['ip_address', '300.1.2.3'], ['web_app_url', 'portal.example.com'], ['domain', '   ']]) {
        await expectFieldError(await postAsset(id, { kind: kind!, value: value! }), '#/body/value', `${kind} ${value}`);
      }
      const key = { 'idempotency-key': `asset-${randomUUID()}` };
      const a = await postAsset(id, { kind: 'ip_address', value: '192.0.2.77' }, adminA, key);
      const b = await postAsset(id, { kind: 'ip_address', value: '192.0.2.77' }, adminA, key);
      assert.equal(a.status, 201);
      assert.equal(b.status, 201, 'the replay answers the first response, not "duplicate"');
      assert.deepEqual(await b.json(), await a.json());
      const reused = await postAsset(id, { kind: 'ip_address', value: '192.0.2.78' }, adminA, key);
      assert.equal(reused.status, 422);
    });

    test('crossing 90 % records one notification and the MSP admins are told once, however many requests follow', async () => {
      const id = await customerWithDelegation(world, 'full', world.orgs.customersA);
      // A quota no seeded subscription has, so every crossing below is new.
      await prepare(id, 'per_asset', 11, 9);
      assert.equal((await licence(id)).level, 'ok');
      const old = await recorded(id);
      // The customer's own admin crosses it: the MSP's admins are still told.
      const customerAdmin = await world.customerToken(id, 'customer_admin');
      const res = await postAsset(id, { kind: 'domain', value: 'tenth.example' }, customerAdmin);
      assert.equal(res.status, 201, await res.clone().text());
      const warning = await licence(id, customerAdmin);
      assert.deepEqual([warning.used, warning.level, warning.remaining], [10, 'warning', 1]);
      for (let i = 0; i < 5; i++) await licence(id);
      assert.equal((await postAsset(id, { kind: 'domain', value: 'Tenth.Example.' })).status, 200);
      await Promise.all(Array.from({ length: 6 }, () => licence(id)));
      const notes = await notificationsOf(id, old);
      assert.deepEqual(notes.map((n) => n.dedupeKey), ['per_asset:11:0.9']);
      const alerts = await alertsOf(id, old);
      const admins = await mspAdminEmails(world.orgs.mspA);
      assert.ok(admins.length > 0);
      assert.deepEqual(emailsOfRole(alerts, 'msp_admin'), admins);
      assert.equal(new Set(alerts.map((a) => a.email)).size, alerts.length, 'each user told once');
      for (const a of alerts.filter((x) => x.role === 'msp_admin')) {
        assert.deepEqual([a.kind, a.to, a.mspName, a.carried], ['notification', [a.email], 'Northwind Cyber', true]);
        assert.match(a.title, /: 91 % of licences used$/);
      }
      // Using the last licence is the next threshold: one more notification, told once.
      assert.equal((await postAsset(id, { kind: 'domain', value: 'eleventh.example' })).status, 201);
      await Promise.all(Array.from({ length: 4 }, () => licence(id)));
      assert.deepEqual((await notificationsOf(id, old)).map((n) => n.dedupeKey), ['per_asset:11:0.9', 'per_asset:11:1']);
      const both = await alertsOf(id, old);
      for (const admin of admins) assert.equal(both.filter((a) => a.email === admin).length, 2, admin);
      assert.deepEqual(await alertsOf(id, old), both, 'a later fan-out tells nothing twice');
    });

    test("a sub-partner's customer: the sub-partner's admins are told in its name, the MSP's (who see its tree) in theirs", async () => {
      const id = world.orgs.customersPartner[0]!;
      await prepare(id, 'per_asset', 11, 9);
      const old = await recorded(id);
      assert.equal((await postAsset(id, { kind: 'domain', value: 'partner-tenth.example' })).status, 201);
      const alerts = await alertsOf(id, old);
      const partnerAdmins = await mspAdminEmails(world.orgs.partner);
      assert.ok(partnerAdmins.length > 0);
      for (const email of partnerAdmins) assert.deepEqual(alerts.filter((a) => a.email === email).map((a) => a.mspName), ['Harbor IT Partners'], email);
      for (const email of await mspAdminEmails(world.orgs.mspA)) assert.deepEqual(alerts.filter((a) => a.email === email).map((a) => a.mspName), ['Northwind Cyber'], email);
      // MSP B sees nothing of it.
      for (const email of await mspAdminEmails(world.orgs.mspB)) assert.ok(!alerts.some((a) => a.email === email), email);
    });

    test('requests crossing at the same moment record one notification, told to each user once', async () => {
      const id = world.orgs.customersA[6]!;
      await prepare(id, 'per_asset', 20, 16);
      const old = await recorded(id);
      // One new asset posted six times at once: one is created, the others find it.
      const same = await Promise.all(Array.from({ length: 6 }, () => postAsset(id, { kind: 'domain', value: 'Three.Example' })));
      assert.deepEqual(same.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 201]);
      assert.equal((await licence(id)).used, 17);
      assert.deepEqual(await notificationsOf(id, old), []);
      // Two new assets at once: each request sees 18 of 20 (the other's row is not yet committed)
      // and both reach 90 %; the unique key lets exactly one record it.
      const [a, b] = await Promise.all([postAsset(id, { kind: 'domain', value: 'one.example' }), postAsset(id, { kind: 'domain', value: 'two.example' })]);
      assert.deepEqual([a.status, b.status], [201, 201]);
      await Promise.all(Array.from({ length: 8 }, () => licence(id)));
      assert.equal((await licence(id)).used, 19);
      assert.deepEqual((await notificationsOf(id, old)).map((n) => n.dedupeKey), ['per_asset:20:0.9']);
      const alerts = await alertsOf(id, old);
      assert.deepEqual(emailsOfRole(alerts, 'msp_admin'), await mspAdminEmails(world.orgs.mspA));
      assert.equal(new Set(alerts.map((a) => a.email)).size, alerts.length, 'each user told once');
    });

    test('unlimited licences never record a notification', async () => {
      const id = world.orgs.customersA[2]!;
      await prepare(id, 'unlimited', null, 0);
      const old = await recorded(id);
      for (let i = 0; i < 12; i++) assert.equal((await postAsset(id, { kind: 'subdomain', value: `u${i}.unlimited.example` })).status, 201);
      const body = await licence(id);
      assert.deepEqual([body.level, body.used, body.quota, body.warnAt], ['unlimited', 12, null, null]);
      assert.deepEqual(await notificationsOf(id, old), []);
      assert.deepEqual(await alertsOf(id, old), []);
    });

    test("trial days left follow the injected clock: rounded up, 0 once past", async () => {
      const id = world.orgs.customersA[3]!;
      const endsAt = new Date('2027-03-10T12:00:00Z');
      await owner(sql`update subscriptions set plan = 'trial', licence_model = 'per_asset', licence_quota = 5, trial_ends_at = ${endsAt.toISOString()}::timestamptz, cancelled_at = null where tenant_id = ${id}::uuid`);
      try {
        for (const [offset, expected] of [[-2.5 * DAY, 3], [-DAY, 1], [-60_000, 1], [0, 0], [5 * DAY, 0]] as const) {
          world.deps.now = () => new Date(endsAt.getTime() + offset);
          const body = await licence(id);
          assert.deepEqual(body.trial, { endsAt: endsAt.toISOString(), daysLeft: expected }, `offset ${offset / DAY} days`);
        }
      } finally {
        delete world.deps.now;
      }
    });

    test("per-scan licences count this month's scans on the MSP's clock, and each month crosses afresh", async () => {
      const id = world.orgs.customersA[4]!;
      await owner(sql`update subscriptions set licence_model = 'per_scan', licence_quota = 5, plan = 'purchased', cancelled_at = null where tenant_id = ${id}::uuid`);
      await owner(sql`delete from scans where tenant_id = ${id}::uuid`);
      const old = await recorded(id);
      // 23:15 UTC on 30 November is already December in Berlin (MSP A's zone).
      const times = ['2026-11-03T10:00:00Z', '2026-11-30T22:30:00Z', '2026-11-30T23:15:00Z', '2026-12-02T08:00:00Z', '2026-12-05T08:00:00Z', '2026-12-09T08:00:00Z'];
      for (const t of times) await owner(sql`insert into scans (tenant_id, profile, status, started_at) values (${id}::uuid, 'Full and fast', 'completed', ${t}::timestamptz)`);
      try {
        world.deps.now = () => new Date('2026-11-30T20:00:00Z');
        const november = await licence(id);
        assert.deepEqual(november.period, { start: '2026-10-31T23:00:00.000Z', end: '2026-11-30T23:00:00.000Z' });
        assert.deepEqual([november.used, november.level], [2, 'ok']);
        world.deps.now = () => new Date('2026-12-10T09:00:00Z');
        const december = await licence(id);
        assert.deepEqual(december.period, { start: '2026-11-30T23:00:00.000Z', end: '2026-12-31T23:00:00.000Z' });
        assert.deepEqual([december.used, december.level], [4, 'warning']);
        await owner(sql`insert into scans (tenant_id, profile, status, started_at) values (${id}::uuid, 'Web application', 'completed', '2027-01-04T08:00:00Z')`);
        for (const t of ['2027-01-05', '2027-01-06', '2027-01-07']) {
          await owner(sql`insert into scans (tenant_id, profile, status, started_at) values (${id}::uuid, 'Web application', 'completed', ${`${t}T08:00:00Z`}::timestamptz)`);
        }
        world.deps.now = () => new Date('2027-01-10T09:00:00Z');
        assert.equal((await licence(id)).level, 'warning');
        assert.deepEqual((await notificationsOf(id, old)).map((n) => n.dedupeKey), [
          'per_scan:5:0.8:2026-11-30T23:00:00.000Z',
          'per_scan:5:0.8:2026-12-31T23:00:00.000Z',
        ]);
      } finally {
        delete world.deps.now;
      }
    });

    test('usage lists every product and day of the range, counted on the MSP clock', async () => {
      const id = world.orgs.customersA[5]!;
      const zone = 'Europe/Berlin';
      const res = await world.request(`/v1/customers/${id}/usage?from=2026-06-01&to=2026-12-31`, { token: adminA });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as UsageBody;
      assert.deepEqual([body.from, body.to, body.timeZone, body.connectionLost], ['2026-06-01', '2026-12-31', zone, false]);
      assert.deepEqual(body.products.map((p) => p.product), ['external', 'internal', 'web_app', 'compliance']);
      const raw = await owner<{ profile: string; day: string; n: number }>(
        sql`select profile, to_char((started_at at time zone ${zone})::date, 'YYYY-MM-DD') as day, count(*)::int as n from scans
             where tenant_id = ${id}::uuid group by 1, 2`,
      );
      const product: Record<string, string> = { 'Full and fast': 'external', 'External perimeter': 'external', 'Internal network': 'internal', 'Web application': 'web_app', 'Compliance (PCI)': 'compliance' };
      for (const p of body.products) {
        assert.equal(p.days.length, 214);
        assert.equal(p.days[0]!.day, '2026-06-01');
        assert.equal(p.days.at(-1)!.day, '2026-12-31');
        for (const d of p.days) {
          const expected = raw.filter((r) => product[r.profile] === p.product && r.day === d.day).reduce((s, r) => s + Number(r.n), 0);
          assert.equal(d.scans, expected, `${p.product} ${d.day}`);
        }
        assert.equal(p.total, p.days.reduce((s, d) => s + d.scans, 0));
      }
      const all = body.products.reduce((s, p) => s + p.total, 0);
      const inRange = raw.filter((r) => r.day >= '2026-06-01' && r.day <= '2026-12-31').reduce((s, r) => s + Number(r.n), 0);
      assert.equal(all, inRange);
      // Default: the last 30 days, today included.
      world.deps.now = () => new Date('2026-11-30T23:30:00Z');
      try {
        const def = (await (await world.request(`/v1/customers/${id}/usage`, { token: adminA })).json()) as UsageBody;
        assert.deepEqual([def.from, def.to], ['2026-11-02', '2026-12-01']);
        assert.ok(def.products.every((p) => p.days.length === 30));
      } finally {
        delete world.deps.now;
      }
    });

    test('usage ranges are validated with pointers', async () => {
      const id = world.orgs.customersA[5]!;
      const usage = (q: string) => world.request(`/v1/customers/${id}/usage?${q}`, { token: adminA });
      await expectFieldError(await usage('from=2026-05-02&to=2026-05-01'), '#/query/from', 'from after to');
      await expectFieldError(await usage('from=2025-01-01&to=2026-01-02'), '#/query/to', '367 days');
      assert.equal((await usage('from=2025-01-01&to=2026-01-01')).status, 200, '366 days');
      await expectFieldError(await usage('from=2000-01-01'), '#/query/from', 'from too long ago');
      for (const bad of ['2026-02-30', '2026-1-1', '01.02.2026', 'yesterday', '2026-01-01T00:00:00Z']) {
        await expectFieldError(await usage(`from=${encodeURIComponent(bad)}`), '#/query/from', bad);
        await expectFieldError(await usage(`to=${encodeURIComponent(bad)}`), '#/query/to', bad);
      }
    });

    test('activity: the tenant audit log newest first, paged by cursor, with actor names where visible', async () => {
      const id = world.orgs.customersA[1]!;
      const ghost = randomUUID();
      await owner(sql`insert into audit_log (tenant_id, at, actor_id, actor_role, action) values (${id}::uuid, now() - interval '1 hour', ${ghost}::uuid, 'msp_admin', 'customer.lock')`);
      await owner(sql`insert into audit_log (tenant_id, at, actor_id, actor_role, action) values (${id}::uuid, now() - interval '1 hour', null, 'system', 'customer.sync')`);
      const expected = await owner<{ id: string }>(sql`select id::text as id from audit_log where tenant_id = ${id}::uuid order by at desc, id desc`);
      assert.ok(expected.length >= 6);
      const seen: ActivityBody['items'] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/v1/customers/${id}/activity?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await world.request(url, { token: adminA });
        assert.equal(res.status, 200, await res.clone().text());
        const page = (await res.json()) as ActivityBody;
        assert.ok(page.items.length <= 2);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      assert.deepEqual(seen.map((i) => i.id), expected.map((e) => e.id));
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.at >= seen[i]!.at, 'newest first');
      const created = seen.find((i) => i.action === 'asset.create')!;
      assert.deepEqual(created.actor, { id: created.actor.id, name: 'Anna Weber', role: 'msp_admin' });
      assert.ok(created.actor.id);
      assert.deepEqual(seen.find((i) => i.action === 'customer.lock')!.actor, { id: null, name: null, role: 'msp_admin' });
      assert.deepEqual(seen.find((i) => i.action === 'customer.sync')!.actor, { id: null, name: null, role: 'system' });
      // The customer's own admin sees its log, but not the MSP's staff by name or id.
      const mine = await customerWithDelegation(world, 'full', world.orgs.customersA);
      await postAsset(mine, { kind: 'domain', value: 'activity.example' });
      const res = await world.request(`/v1/customers/${mine}/activity`, { token: await world.customerToken(mine, 'customer_admin') });
      assert.equal(res.status, 200);
      const own = (await res.json()) as ActivityBody;
      const byStaff = own.items.find((i) => i.action === 'asset.create' && i.actor.role === 'msp_admin')!;
      assert.deepEqual(byStaff.actor, { id: null, name: null, role: 'msp_admin' });
      await expectFieldError(await world.request(`/v1/customers/${id}/activity?cursor=not-a-cursor`, { token: adminA }), '#/query/cursor');
    });

    test('roles: marketing may do none of it; a customer viewer reads the licence and usage but not activity, and adds no assets', async () => {
      const id = await customerWithDelegation(world, 'read_only', world.orgs.customersA);
      const marketing = await world.staffToken('A', 'marketing');
      const viewer = await world.customerToken(id, 'customer_viewer');
      for (const path of ['licence', 'usage', 'activity']) {
        await expectProblem(await world.request(`/v1/customers/${id}/${path}`, { token: marketing }), 403, 'forbidden', `marketing ${path}`);
      }
      await expectProblem(await postAsset(id, { kind: 'domain', value: 'm.example' }, marketing), 403, 'forbidden');
      assert.equal((await world.request(`/v1/customers/${id}/licence`, { token: viewer })).status, 200);
      assert.equal((await world.request(`/v1/customers/${id}/usage`, { token: viewer })).status, 200);
      await expectProblem(await world.request(`/v1/customers/${id}/activity`, { token: viewer }), 403, 'forbidden');
      await expectProblem(await postAsset(id, { kind: 'domain', value: 'v.example' }, viewer), 403, 'forbidden');
      const analyst = await world.staffToken('A', 'analyst');
      assert.equal((await world.request(`/v1/customers/${id}/activity`, { token: analyst })).status, 200);
    });

    test("another MSP's customer answers 404 like an unknown id, and nothing is written to it", async () => {
      const foreign = world.orgs.customersA[1]!;
      const counts = async () =>
        (await owner<{ n: number }>(sql`select (select count(*) from assets where tenant_id = ${foreign}::uuid) + (select count(*) from audit_log where tenant_id = ${foreign}::uuid) + (select count(*) from notifications where tenant_id = ${foreign}::uuid) as n`))[0]!.n;
      const before = await counts();
      for (const target of [foreign, randomUUID()]) {
        for (const path of ['licence', 'usage', 'activity']) {
          await expectProblem(await world.request(`/v1/customers/${target}/${path}`, { token: adminB }), 404, 'not-found', path);
        }
        await expectProblem(await postAsset(target, { kind: 'domain', value: 'foreign.example' }, adminB), 404, 'not-found');
      }
      assert.equal(Number(await counts()), Number(before));
    });

    test('a customer that revoked its MSP: the licence shows connection lost with no figures, assets cannot be added', async () => {
      const body = await licence(world.orgs.revoked);
      assert.equal(body.connectionLost, true);
      assert.equal(body.used, null);
      assert.equal(body.level, null);
      const usage = (await (await world.request(`/v1/customers/${world.orgs.revoked}/usage`, { token: adminA })).json()) as UsageBody;
      assert.deepEqual([usage.connectionLost, usage.products], [true, []]);
      await expectProblem(await postAsset(world.orgs.revoked, { kind: 'domain', value: 'lost.example' }), 404, 'not-found');
    });
  });
}
