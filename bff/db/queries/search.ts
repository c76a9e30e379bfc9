import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Tx } from '../client.js';
import { findingStatus, severity } from '../schema.js';

/**
 * Finding search across every customer the principal may see, grouped by customer. Like the
 * fleet's queries these carry no tenant filter: run them inside `withScope` and RLS decides
 * which findings exist. Text goes through `portico.finding_title_matches`, which answers the
 * catalogue ids whose type and title hold every word; findings are then read by
 * `title_id = any(ids)`, an integer equality the (title_id, tenant_id) index serves under the
 * tenant policy (docs/search.md).
 */

export const severities = severity.enumValues;
export type Severity = (typeof severities)[number];
export const findingStatuses = findingStatus.enumValues;
export type FindingStatus = (typeof findingStatuses)[number];

export interface FindingSearch {
  /** Free text; every word must occur in the finding's type or title. */
  q?: string | undefined;
  severity?: Severity[] | undefined;
  type?: string[] | undefined;
  status: FindingStatus[];
  /** Only findings first seen at least this many days ago. */
  olderThanDays?: number | undefined;
  /** Customer groups per page. */
  limit: number;
  /** Findings shown per customer. */
  top: number;
  cursor?: SearchCursor | undefined;
}

/** Where the previous page ended, in the groups' order: worst severity, matches, name, id. */
export interface SearchCursor {
  worst: number;
  matches: number;
  name: string;
  id: string;
}

export interface SearchHit {
  id: string;
  title: string;
  type: string;
  severity: Severity;
  status: FindingStatus;
  asset: { id: string; value: string } | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface SearchGroup {
  id: string;
  name: string;
  matches: number;
  severity: Record<Severity, number>;
  findings: SearchHit[];
  /** The group's sort key, for the next page's cursor. */
  key: SearchCursor;
}

export interface SearchResult {
  groups: SearchGroup[];
  next: SearchCursor | null;
  total: { customers: number; findings: number };
  /** Matches per finding type, with every filter but `type` applied (the type filter's choices). */
  types: { type: string; count: number }[];
}

/** The conditions every read of findings shares; `f` is the findings alias. */
function conditions(s: FindingSearch, ids: SQL | null): SQL[] {
  const where: SQL[] = [sql`f.status = any(${sql.param(s.status)}::text[]::finding_status[])`];
  if (ids) where.push(sql`f.title_id = any(${ids})`);
  if (s.severity?.length) where.push(sql`f.severity = any(${sql.param(s.severity)}::text[]::severity[])`);
  if (s.olderThanDays !== undefined) {
    where.push(sql`f.first_seen_at <= now() - make_interval(days => ${s.olderThanDays}::int)`);
  }
  return where;
}

const worstRank = sql`(case when g.critical > 0 then 0 when g.high > 0 then 1 when g.medium > 0 then 2 when g.low > 0 then 3 else 4 end)`;

/**
 * The search as one statement, returning one row: totals, type counts and the page of groups
 * with their top findings as JSON. Exported so tests and the benchmark EXPLAIN the real thing.
 */
export function findingSearchQuery(s: FindingSearch): SQL {
  // The catalogue is read once per statement: an initPlan, whose result the index scans take as
  // a parameter. Without text there is no title condition at all.
  const ids = s.q ? sql`(select m.ids from matched_titles m)::integer[]` : null;
  const where = sql.join(conditions(s, ids), sql` and `);
  const typeFilter = s.type?.length ? sql`where p.type = any(${sql.param(s.type)}::text[])` : sql``;
  const after = s.cursor
    ? sql`where (r.worst, -r.matches, r.sort_name, r.id) > (${s.cursor.worst}::int, ${-s.cursor.matches}::bigint, ${s.cursor.name}::text, ${s.cursor.id}::uuid)`
    : sql``;
  const topTypeFilter = s.type?.length ? sql`and f.type = any(${sql.param(s.type)}::text[])` : sql``;
  // A customer's worst matches: with text, one probe of the title index per matching title
  // (both key columns equal, so the planner cannot prefer walking all of the customer's
  // findings); without, the customer's findings by status and severity.
  const topWhere = sql.join([sql`f.tenant_id = pg.id`, ...conditions(s, null)], sql` and `);
  const top = (extra: SQL) => sql`select f.* from findings f where ${topWhere} ${extra} ${topTypeFilter}
                                   order by f.severity, f.last_seen_at desc, f.id limit ${s.top}`;
  const topRows = ids
    ? sql`select t1.* from unnest(${ids}) as mt(title_id) cross join lateral (${top(sql`and f.title_id = mt.title_id`)}) t1
           order by t1.severity, t1.last_seen_at desc, t1.id limit ${s.top}`
    : top(sql``);
  return sql`
    with matched_titles as (select portico.finding_title_matches(${s.q ?? ''}) as ids),
    per_type as (
      select f.tenant_id, f.type, count(*) as n,
             count(*) filter (where f.severity = 'critical') as critical,
             count(*) filter (where f.severity = 'high') as high,
             count(*) filter (where f.severity = 'medium') as medium,
             count(*) filter (where f.severity = 'low') as low,
             count(*) filter (where f.severity = 'info') as info
        from findings f
       where ${where}
       group by f.tenant_id, f.type
    ),
    groups as (
      select p.tenant_id, sum(p.n)::bigint as n, sum(p.critical)::bigint as critical, sum(p.high)::bigint as high,
             sum(p.medium)::bigint as medium, sum(p.low)::bigint as low, sum(p.info)::bigint as info
        from per_type p ${typeFilter}
       group by p.tenant_id
    ),
    ranked as (
      select g.*, ${worstRank} as worst, g.n as matches, o.name, lower(o.name) as sort_name, o.id
        from groups g join orgs o on o.id = g.tenant_id
    ),
    page as (
      select r.* from ranked r ${after}
       order by r.worst, r.matches desc, r.sort_name, r.id
       limit ${s.limit + 1}
    )
    select
      (select count(*)::int from ranked) as customers,
      (select coalesce(sum(r.matches), 0)::bigint from ranked r) as findings,
      (select coalesce(json_agg(json_build_object('type', t.type, 'count', t.n) order by t.n desc, t.type), '[]'::json)
         from (select p.type, sum(p.n)::bigint as n from per_type p group by p.type) t) as types,
      (select coalesce(json_agg(json_build_object(
                 'id', pg.id, 'name', pg.name, 'matches', pg.matches, 'worst', pg.worst, 'sortName', pg.sort_name,
                 'severity', json_build_object('critical', pg.critical, 'high', pg.high, 'medium', pg.medium, 'low', pg.low, 'info', pg.info),
                 'findings', (
                   select coalesce(json_agg(json_build_object(
                            'id', t.id, 'title', t.title, 'type', t.type, 'severity', t.severity, 'status', t.status,
                            'asset', case when a.id is null then null else json_build_object('id', a.id, 'value', a.value) end,
                            'firstSeenAt', t.first_seen_at, 'lastSeenAt', t.last_seen_at)
                          order by t.severity, t.last_seen_at desc, t.id), '[]'::json)
                     from (${topRows}) t
                     left join assets a on a.tenant_id = t.tenant_id and a.id = t.asset_id)
               ) order by pg.worst, pg.matches desc, pg.sort_name, pg.id), '[]'::json)
         from page pg) as items`;
}

interface Row {
  customers: number | string;
  findings: number | string;
  types: { type: string; count: number | string }[] | string;
  items:
    | {
        id: string;
        name: string;
        matches: number | string;
        worst: number;
        sortName: string;
        severity: Record<Severity, number | string>;
        findings: (Omit<SearchHit, 'firstSeenAt' | 'lastSeenAt'> & { firstSeenAt: string; lastSeenAt: string })[];
      }[]
    | string;
}

const parse = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (v: string) => new Date(v).toISOString();

export async function searchFindings(tx: Tx, s: FindingSearch): Promise<SearchResult> {
  const [row] = await queryRows<Row>(tx, findingSearchQuery(s));
  if (!row) throw new Error('the search query answered no row');
  const items = parse(row.items);
  const groups: SearchGroup[] = items.map((g) => ({
    id: g.id,
    name: g.name,
    matches: Number(g.matches),
    severity: Object.fromEntries(severities.map((sev) => [sev, Number(g.severity[sev])])) as Record<Severity, number>,
    findings: g.findings.map((f) => ({ ...f, firstSeenAt: iso(f.firstSeenAt), lastSeenAt: iso(f.lastSeenAt) })),
    key: { worst: g.worst, matches: Number(g.matches), name: g.sortName, id: g.id },
  }));
  const hasMore = groups.length > s.limit;
  if (hasMore) groups.length = s.limit;
  return {
    groups,
    next: hasMore ? groups[groups.length - 1]!.key : null,
    total: { customers: Number(row.customers), findings: Number(row.findings) },
    types: parse(row.types).map((t) => ({ type: t.type, count: Number(t.count) })),
  };
}
