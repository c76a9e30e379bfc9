import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { findingSearchQuery, type FindingSearch } from '../../../bff/db/queries/search.js';
import { withScope } from '../../../bff/db/scope.js';
import { seeded } from '../../../bff/db/seed.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * GET /v1/search/findings: every word of the text in a finding's type or title, filters, groups
 * by customer with counts and the worst findings, cursor paging over the groups; scope is RLS's
 * (an account manager's assigned customers, a customer user's own tenant, nothing of another
 * MSP); and the plan reads findings through findings_title_tenant_idx under RLS.
 * What each caller should find is computed here from the rows, read as the owner.
 */

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

interface Hit {
  id: string;
  title: string;
  type: string;
  severity: string;
  status: string;
  asset: { id: string; value: string } | null;
  firstSeenAt: string;
  lastSeenAt: string;
}
interface Group {
  id: string;
  name: string;
  matches: number;
  severity: Record<string, number>;
  findings: Hit[];
}
interface Page {
  items: Group[];
  nextCursor: string | null;
  total: { customers: number; findings: number };
  types: { type: string; count: number }[];
}

interface FindingRow {
  tenant: string;
  id: string;
  type: string;
  title: string;
  severity: string;
  status: string;
  first_seen_at: Date | string;
}

/** The rule the catalogue implements, restated: every word a case-insensitive substring. */
function textMatches(q: string, type: string, title: string): boolean {
  const text = `${type.replaceAll('_', ' ')} ${title}`.toLowerCase();
  const words = q.toLowerCase().trim().split(/[\s_]+/).filter(Boolean);
  return words.every((w) => text.includes(w));
}

for (const backend of backends) {
  describe(`GET /v1/search/findings (${backend})`, () => {
    let world: World;
    let admin: string;
    let rows: FindingRow[];
    /** Tenants whose data MSP A's staff may see: its subtree without the revoked customer. */
    let visibleA: Set<string>;
    let names: Map<string, string>;

    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
      // A finding only one of MSP A's customers has, to show who else cannot find it.
      await world.database.db.execute(sql`insert into findings (tenant_id, asset_id, severity, type, title, status, first_seen_at, last_seen_at)
        select a.tenant_id, a.id, 'critical', 'quasar-beacon', 'Quasar beacon answers on 7/udp', 'open', now() - interval '40 days', now()
          from assets a where a.tenant_id = ${world.orgs.assignedA[0]!}::uuid order by a.id limit 1`);
      rows = await queryRows<FindingRow>(
        world.database.db,
        sql`select tenant_id as tenant, id, type, title, severity::text, status::text, first_seen_at from findings`,
      );
      const orgs = await queryRows<{ id: string; parent: string | null; name: string; revoked: boolean }>(
        world.database.db,
        sql`select o.id, o.parent_id as parent, o.name, cp.revoked_at is not null as revoked
              from orgs o left join customer_profiles cp on cp.tenant_id = o.id`,
      );
      names = new Map(orgs.map((o) => [o.id, o.name]));
      const under = (id: string, root: string) => {
        for (let at: string | null | undefined = id; at; at = orgs.find((o) => o.id === at)?.parent) if (at === root) return true;
        return false;
      };
      visibleA = new Set(orgs.filter((o) => under(o.id, world.orgs.mspA) && !orgs.some((r) => r.revoked && under(o.id, r.id))).map((o) => o.id));
      assert.ok(visibleA.has(world.orgs.assignedA[0]!));
      assert.ok(!visibleA.has(world.orgs.revoked), 'the revoked customer is out of its MSP\'s data scope');
    });
    after(() => world?.close());

    const get = async (query: Record<string, string>, token = admin): Promise<Page> => {
      const res = await world.request(`/v1/search/findings?${new URLSearchParams(query)}`, { token });
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 400));
      return JSON.parse(text) as Page;
    };
    /** Every page of a search, walked by cursor. */
    const all = async (query: Record<string, string>, token = admin): Promise<{ groups: Group[]; first: Page }> => {
      const groups: Group[] = [];
      let first: Page | undefined;
      let cursor: string | null = null;
      do {
        const page = await get(cursor ? { ...query, cursor } : query, token);
        first ??= page;
        groups.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return { groups, first: first! };
    };
    /** What a caller seeing `tenants` should find: matches per customer. */
    const expected = (tenants: Set<string>, pick: (r: FindingRow) => boolean) => {
      const out = new Map<string, FindingRow[]>();
      for (const r of rows) {
        if (!tenants.has(r.tenant) || !pick(r)) continue;
        out.set(r.tenant, [...(out.get(r.tenant) ?? []), r]);
      }
      return out;
    };
    const assertGroups = (groups: Group[], want: Map<string, FindingRow[]>, context: string) => {
      assert.deepEqual(groups.map((g) => g.id).sort(), [...want.keys()].sort(), `${context}: customers`);
      for (const g of groups) {
        const mine = want.get(g.id)!;
        assert.equal(g.name, names.get(g.id), `${context}: name`);
        assert.equal(g.matches, mine.length, `${context}: matches of ${g.name}`);
        for (const s of SEVERITIES) assert.equal(g.severity[s], mine.filter((r) => r.severity === s).length, `${context}: ${s} of ${g.name}`);
        const ids = new Set(mine.map((r) => r.id));
        for (const f of g.findings) assert.ok(ids.has(f.id), `${context}: ${f.id} is not a match of ${g.name}`);
        assert.equal(g.findings.length, Math.min(5, mine.length), `${context}: top findings of ${g.name}`);
        // Worst first.
        const ranks = g.findings.map((f) => SEVERITIES.indexOf(f.severity as (typeof SEVERITIES)[number]));
        assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `${context}: findings of ${g.name} worst first`);
        const worstWanted = Math.min(...mine.map((r) => SEVERITIES.indexOf(r.severity as (typeof SEVERITIES)[number])));
        assert.equal(ranks[0], worstWanted, `${context}: ${g.name} shows its worst match first`);
      }
    };

    test('an MSP admin finds every open finding whose type or title holds the text, grouped by customer, with totals', async () => {
      const { groups, first } = await all({ q: 'smtp' });
      const want = expected(visibleA, (r) => r.status === 'open' && textMatches('smtp', r.type, r.title));
      assert.ok(want.size >= 3, 'the seed gives several customers legacy SMTP auth');
      assertGroups(groups, want, 'smtp');
      assert.deepEqual(first.total, { customers: want.size, findings: [...want.values()].reduce((n, l) => n + l.length, 0) });
      assert.deepEqual(first.types.map((t) => t.type), ['smtp-legacy-auth']);
      const hit = groups[0]!.findings[0]!;
      assert.equal(hit.title, 'Legacy SMTP AUTH enabled on mail gateway');
      assert.ok(hit.asset && hit.asset.value.length > 0, 'a finding names its asset');
      assert.ok(!Number.isNaN(Date.parse(hit.firstSeenAt)) && !Number.isNaN(Date.parse(hit.lastSeenAt)));
    });

    test('every word must occur, in any case and order, as part of a word; LIKE wildcards are literal', async () => {
      for (const q of ['LEGACY smtp', 'gateway   smtp', 'Smtp-Legacy', 'cve-2024', 'tls cert']) {
        const want = expected(visibleA, (r) => r.status === 'open' && textMatches(q, r.type, r.title));
        assertGroups((await all({ q })).groups, want, q);
      }
      for (const q of ['smtp dmarc', '%', 'smtp%', "' or 1=1 --", 'zzzz']) {
        const page = await get({ q });
        assert.deepEqual([page.items, page.total], [[], { customers: 0, findings: 0 }], q);
      }
    });

    test('filters: severity, type, status and age, alone and with text', async () => {
      const cases: { query: Record<string, string>; pick: (r: FindingRow) => boolean }[] = [
        { query: { severity: 'critical,high' }, pick: (r) => r.status === 'open' && ['critical', 'high'].includes(r.severity) },
        { query: { q: 'tls', severity: 'medium' }, pick: (r) => r.status === 'open' && r.severity === 'medium' && textMatches('tls', r.type, r.title) },
        { query: { type: 'rdp-exposed,smb-exposed' }, pick: (r) => r.status === 'open' && ['rdp-exposed', 'smb-exposed'].includes(r.type) },
        { query: { q: 'smtp', status: 'resolved,accepted_risk' }, pick: (r) => r.status !== 'open' && textMatches('smtp', r.type, r.title) },
        {
          query: { q: 'tls', olderThanDays: '30' },
          pick: (r) => r.status === 'open' && textMatches('tls', r.type, r.title) && new Date(r.first_seen_at).getTime() <= Date.now() - 30 * 86_400_000,
        },
      ];
      for (const { query, pick } of cases) {
        const want = expected(visibleA, pick);
        assert.ok(want.size > 0, `${JSON.stringify(query)} finds something in the seed`);
        assertGroups((await all(query)).groups, want, JSON.stringify(query));
      }
    });

    test('the type counts ignore the type filter, so they are its choices', async () => {
      const page = await get({ q: 'tls', type: 'cert-expired' });
      const want = expected(visibleA, (r) => r.status === 'open' && textMatches('tls', r.type, r.title));
      const counts = new Map<string, number>();
      for (const list of want.values()) for (const r of list) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
      assert.deepEqual(new Map(page.types.map((t) => [t.type, t.count])), counts);
      assert.ok(page.items.every((g) => g.findings.every((f) => f.type === 'cert-expired')));
    });

    test('groups come worst severity first, then most matches, then name; the cursor walks them once each', async () => {
      const whole = await get({ q: 'e', limit: '100' });
      assert.equal(whole.nextCursor, null);
      const worst = (g: Group) => SEVERITIES.findIndex((s) => g.severity[s]! > 0);
      for (let i = 1; i < whole.items.length; i++) {
        const [a, b] = [whole.items[i - 1]!, whole.items[i]!];
        const order = worst(a) - worst(b) || b.matches - a.matches || a.name.toLowerCase().localeCompare(b.name.toLowerCase());
        assert.ok(order <= 0, `${a.name} before ${b.name}`);
      }
      const paged = await all({ q: 'e', limit: '3' });
      assert.deepEqual(paged.groups.map((g) => g.id), whole.items.map((g) => g.id));
      assert.equal(paged.first.total.customers, whole.items.length);
    });

    test('an account manager finds only its assigned customers\' findings', async () => {
      const token = await world.staffToken('A', 'accountManager');
      const assigned = new Set(world.orgs.assignedA.filter((id) => visibleA.has(id)));
      for (const q of ['smtp', 'tls', 'quasar']) {
        const want = expected(assigned, (r) => r.status === 'open' && textMatches(q, r.type, r.title));
        const { groups, first } = await all({ q }, token);
        assertGroups(groups, want, `account manager ${q}`);
        assert.equal(first.total.customers, want.size);
      }
      const everything = await all({}, token);
      assert.ok(everything.groups.length > 0);
      assert.ok(everything.groups.every((g) => assigned.has(g.id)), 'no unassigned customer, even without text');
    });

    test('a customer user finds only its own tenant; another MSP and other customers find nothing of it', async () => {
      const own = await customerWithDelegation(world, 'read_only', world.orgs.customersA);
      const viewer = await world.customerToken(own, 'customer_viewer');
      const want = expected(new Set([own]), (r) => r.status === 'open');
      assertGroups((await all({}, viewer)).groups, want, 'customer viewer');
      const holder = world.orgs.assignedA[0]!;
      if (own !== holder) assert.deepEqual((await get({ q: 'quasar' }, viewer)).items, [], 'another customer\'s finding');

      assert.equal((await get({ q: 'quasar' })).items[0]?.id, holder, 'MSP A\'s admin finds the one customer with it');
      const mspB = await get({ q: 'quasar' }, await world.staffToken('B', 'admin'));
      assert.deepEqual([mspB.items, mspB.total, mspB.types], [[], { customers: 0, findings: 0 }, []]);
      const bAll = await all({}, await world.staffToken('B', 'admin'));
      assert.ok(bAll.groups.length > 0 && bAll.groups.every((g) => world.orgs.customersB.includes(g.id) || !visibleA.has(g.id)), 'MSP B sees only its own customers');
      assert.ok(bAll.groups.every((g) => !visibleA.has(g.id)));
    });

    test('marketing may not search; no session, no answer', async () => {
      await expectProblem(await world.request('/v1/search/findings?q=smtp', { token: await world.staffToken('A', 'marketing') }), 403, 'forbidden');
      await expectProblem(await world.request('/v1/search/findings?q=smtp'), 401, 'authentication-error');
    });

    test('bad parameters → 400 naming the parameter', async () => {
      const bad: [Record<string, string>, string][] = [
        [{ severity: 'urgent' }, 'severity'],
        [{ severity: 'high,' + 'x' }, 'severity'],
        [{ status: 'closed' }, 'status'],
        [{ limit: '0' }, 'limit'],
        [{ limit: '101' }, 'limit'],
        [{ top: '21' }, 'top'],
        [{ olderThanDays: '-1' }, 'olderThanDays'],
        [{ olderThanDays: 'ten' }, 'olderThanDays'],
        [{ q: 'x'.repeat(201) }, 'q'],
        [{ type: Array.from({ length: 26 }, (_, i) => `t${i}`).join(',') }, 'type'],
        [{ cursor: 'nope' }, 'cursor'],
        [{ cursor: Buffer.from(JSON.stringify([9, 1, 'a', '00000000-0000-4000-8000-000000000000'])).toString('base64url') }, 'cursor'],
      ];
      for (const [query, field] of bad) {
        await expectFieldError(await world.request(`/v1/search/findings?${new URLSearchParams(query)}`, { token: admin }), `#/query/${field}`, JSON.stringify(query));
      }
    });
  });

  describe(`finding search plan under RLS (${backend})`, () => {
    let world: World;
    before(async () => {
      world = await seededWorld(backend);
      // A fleet big enough that reading every finding would be the wrong plan: 40 copies of each
      // finding (every title on every customer many times), as the owner. VACUUM ANALYZE then
      // gives the planner statistics and the visibility map, as on a settled database.
      await world.database.db.execute(sql`insert into findings (tenant_id, asset_id, scan_id, severity, type, title, status, first_seen_at, last_seen_at)
        select f.tenant_id, f.asset_id, f.scan_id, f.severity, f.type, f.title, f.status, f.first_seen_at, f.last_seen_at
          from findings f cross join generate_series(1, 40)`);
      await world.database.db.execute(sql`vacuum analyze findings`);
    });
    after(() => world?.close());

    interface PlanNode {
      'Node Type': string;
      'Relation Name'?: string;
      'Index Name'?: string;
      Plans?: PlanNode[];
    }
    const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

    /** The plan of the route's statement, run as the request role for MSP A's admin. */
    const plan = async (search: Partial<FindingSearch>): Promise<PlanNode[]> => {
      const [user] = await queryRows<{ id: string }>(
        world.database.db,
        sql`select id from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = ${seeded.staff.admin}`,
      );
      const principal = { kind: 'user' as const, userId: user!.id, role: 'msp_admin', orgId: world.orgs.mspA };
      const query = findingSearchQuery({ status: ['open'], limit: 20, top: 5, ...search });
      return withScope(world.database.db, principal, async (tx) => {
        const [who] = await queryRows<{ role: string }>(tx, sql`select current_user as role`);
        assert.equal(who?.role, 'portico_app', 'EXPLAIN runs as the request role, under RLS');
        const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(tx, sql`explain (format json) ${query}`);
        const doc = typeof row?.['QUERY PLAN'] === 'string' ? (JSON.parse(row['QUERY PLAN']) as unknown) : row?.['QUERY PLAN'];
        return nodesOf((doc as [{ Plan: PlanNode }])[0].Plan);
      });
    };

    test('text search reads findings through findings_title_tenant_idx, never by scanning the table', async () => {
      const [{ n }] = (await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from findings`)) as [{ n: number }];
      assert.ok(n > 20_000, `${n} findings`);
      for (const search of [{ q: 'smtp' }, { q: 'legacy smtp', severity: ['high' as const] }, { q: 'openssh', olderThanDays: 7 }]) {
        const all = await plan(search);
        const nodes = all.filter((p) => p['Relation Name'] === 'findings');
        const where = `${JSON.stringify(search)}: ${all.map((p) => `${p['Node Type']} ${p['Relation Name'] ?? ''} ${p['Index Name'] ?? ''}`).join('; ')}`;
        assert.ok(nodes.length > 0, `${where}: the plan reads findings`);
        assert.ok(!nodes.some((p) => p['Node Type'] === 'Seq Scan'), `${where}: scans findings`);
        // The counts come from the index alone.
        assert.ok(nodes.some((p) => p['Node Type'] === 'Index Only Scan' && p['Index Name'] === 'findings_title_tenant_idx'), `${where}: no index-only scan of findings_title_tenant_idx`);
      }
    });
  });
}
