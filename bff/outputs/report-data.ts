import { sql } from 'drizzle-orm';
import { themeTokens, type ThemeRecord } from '../../themes/loader.js';
import { queryRows, type Tx } from '../db/client.js';
import { logoPath, readLogoImage } from '../domain/logo.js';

/**
 * The executive report of one customer over a period of whole UTC days: its posture, its open
 * findings, its asset coverage and its scanning, read in the caller's scoped transaction so
 * Row-Level Security decides what exists. Null when the customer is not visible to the caller.
 */

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];
export const assetKinds = ['domain', 'subdomain', 'ip_address', 'web_app_url', 'api_base_url'] as const;
export type AssetKind = (typeof assetKinds)[number];

/** The most findings the report lists; the counts by severity cover them all. */
export const TOP_RISKS_LIMIT = 200;

export interface ReportPeriod {
  /** First day, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day, YYYY-MM-DD (UTC), included. */
  to: string;
}

/** The colours and logo the report is branded with: the customer's theme, then its seller's, over the light preset. */
export interface ReportBrand {
  colorPrimary: string;
  colorAccent: string;
  colorText: string;
  colorMuted: string;
  colorBorder: string;
  colorSurface: string;
  colorDanger: string;
  colorWarning: string;
  colorSuccess: string;
  /** The logo (the customer's own, else its seller's fleet logo); null when neither has one. */
  logoId: string | null;
  /** The logo's public path, `/v1/logos/<id>`; null when none. */
  logoUrl: string | null;
}

export interface ExecutiveReport {
  customer: { id: string; name: string; slug: string };
  /** The MSP the customer belongs to; null when the caller cannot see it (the customer's own users). */
  msp: { id: string; name: string } | null;
  /** The seller the report is attributed to (the nearest MSP or sub-partner above the customer),
   *  read through portico.seller_name so the customer's own users get it too; null when none. */
  preparedBy: string | null;
  period: ReportPeriod;
  generatedAt: string;
  posture: {
    /** The latest score on or before the period's last day; null without any snapshot. */
    score: number | null;
    /** Score minus the score at the period's start (the last snapshot on or before it); null when either is missing. */
    trend: number | null;
    /** The daily snapshots inside the period, oldest first. */
    series: { day: string; score: number }[];
  };
  /** Findings open at the end of the period, by severity. */
  findingsBySeverity: Record<Severity, number>;
  /** Open findings at the end of the period, most severe first, then oldest first. */
  topRisks: { id: string; severity: Severity; title: string; type: string; asset: string; assetKind: AssetKind; firstSeenAt: string; ageDays: number }[];
  /** Assets by kind; scanned = seen by a scan (a finding on it was seen) during the period. */
  assetCoverage: { kind: AssetKind; total: number; scanned: number; notScanned: number }[];
  /** Scans started in each week (weeks start on Monday) that overlaps the period, oldest first. */
  scanActivity: { weekStart: string; scans: number; completed: number; failed: number }[];
  brand: ReportBrand;
}

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** The default period: the 30 days ending with `now`'s day. */
export function defaultPeriod(now: Date): ReportPeriod {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { from: isoDay(new Date(to.getTime() - 29 * DAY)), to: isoDay(to) };
}

/** Monday of the week holding `day` (UTC). */
function weekStart(day: Date): Date {
  const dow = (day.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - dow));
}

/** The brand of a theme row (any field may be null) over the light preset; print is always light. */
export function reportBrand(row: Partial<Record<keyof ThemeRecord, string | null>> & { logoId?: string | null } = {}): ReportBrand {
  const record: ThemeRecord = {};
  for (const key of ['colorPrimary', 'colorAccent', 'colorText', 'colorDanger', 'colorWarning', 'colorSuccess'] as const) {
    const v = row[key];
    if (typeof v === 'string' && /^#[0-9a-f]{6}$/i.test(v)) record[key] = v;
  }
  const t = themeTokens('light', record);
  const token = (name: string) => t[`--msp-color-${name}`] ?? '#000000';
  return {
    colorPrimary: token('primary'),
    colorAccent: token('accent'),
    colorText: token('text'),
    colorMuted: token('text-muted'),
    colorBorder: token('border'),
    colorSurface: token('surface'),
    colorDanger: token('danger'),
    colorWarning: token('warning'),
    colorSuccess: token('success'),
    logoId: row.logoId ?? null,
    logoUrl: row.logoId ? logoPath(row.logoId) : null,
  };
}

/**
 * The PNG variant of the report's logo, for the PDF (the JSON carries only its id and path);
 * null when the brand has none.
 */
export async function reportLogoRaster(tx: Tx, brand: ReportBrand): Promise<Buffer | null> {
  if (!brand.logoId) return null;
  return (await readLogoImage(tx, brand.logoId))?.raster ?? null;
}

export async function executiveReport(tx: Tx, customerId: string, period: ReportPeriod, now: Date): Promise<ExecutiveReport | null> {
  const [customer] = await queryRows<{ id: string; name: string; slug: string }>(
    tx,
    sql`select o.id, o.name, o.slug from orgs o
          join customer_profiles cp on cp.tenant_id = o.id
         where o.id = ${customerId}::uuid and o.id = any((select portico.visible_tenants())::uuid[])`,
  );
  if (!customer) return null;

  const start = `${period.from}T00:00:00Z`;
  const end = new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY).toISOString();

  const [msp] = await queryRows<{ id: string; name: string }>(
    tx,
    sql`with recursive up as (
          select id, parent_id, kind, name, 0 as depth from orgs where id = ${customerId}::uuid
          union all
          select o.id, o.parent_id, o.kind, o.name, up.depth + 1 from orgs o join up on o.id = up.parent_id
        ) select id, name from up where kind = 'msp' order by depth limit 1`,
  );

  const [seller] = await queryRows<{ name: string | null }>(tx, sql`select portico.seller_name(${customerId}::uuid) as name`);

  const series = await queryRows<{ day: string; score: number }>(
    tx,
    sql`select to_char(day, 'YYYY-MM-DD') as day, score from posture_snapshots
         where tenant_id = ${customerId}::uuid and day >= ${period.from}::date and day <= ${period.to}::date
         order by day`,
  );
  const [latest] = await queryRows<{ score: number }>(
    tx,
    sql`select score from posture_snapshots where tenant_id = ${customerId}::uuid and day <= ${period.to}::date order by day desc limit 1`,
  );
  const [before] = await queryRows<{ score: number }>(
    tx,
    sql`select score from posture_snapshots where tenant_id = ${customerId}::uuid and day <= ${period.from}::date order by day desc limit 1`,
  );
  const baseline = before?.score ?? series[0]?.score;
  const score = latest?.score ?? null;

  // Open at the period's end: seen before it ends, and still open or last seen after it ended.
  const openAtEnd = sql`f.tenant_id = ${customerId}::uuid and f.first_seen_at < ${end}::timestamptz
                        and (f.status = 'open' or f.last_seen_at >= ${end}::timestamptz)`;
  const counts = await queryRows<{ severity: Severity; n: number | string }>(
    tx,
    sql`select f.severity::text as severity, count(*) as n from findings f where ${openAtEnd} group by f.severity`,
  );
  const findingsBySeverity = Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;
  for (const c of counts) findingsBySeverity[c.severity] = Number(c.n);

  const risks = await queryRows<{ id: string; severity: Severity; title: string; type: string; value: string; kind: AssetKind; first_seen_at: Date | string }>(
    tx,
    sql`select f.id, f.severity::text as severity, f.title, f.type, a.value, a.kind::text as kind, f.first_seen_at
          from findings f join assets a on a.tenant_id = f.tenant_id and a.id = f.asset_id
         where ${openAtEnd}
         order by array_position(array['critical','high','medium','low','info'], f.severity::text), f.first_seen_at, f.id
         limit ${TOP_RISKS_LIMIT}`,
  );
  const endMs = Date.parse(end);
  const topRisks = risks.map((r) => {
    const first = toDate(r.first_seen_at);
    return {
      id: r.id,
      severity: r.severity,
      title: r.title,
      type: r.type,
      asset: r.value,
      assetKind: r.kind,
      firstSeenAt: first.toISOString(),
      ageDays: Math.max(0, Math.floor((endMs - first.getTime()) / DAY)),
    };
  });

  const coverage = await queryRows<{ kind: AssetKind; total: number | string; scanned: number | string }>(
    tx,
    sql`select a.kind::text as kind, count(*) as total,
               count(*) filter (where exists (
                 select 1 from findings f where f.tenant_id = a.tenant_id and f.asset_id = a.id
                    and f.last_seen_at >= ${start}::timestamptz and f.last_seen_at < ${end}::timestamptz)) as scanned
          from assets a where a.tenant_id = ${customerId}::uuid and a.first_seen_at < ${end}::timestamptz
         group by a.kind`,
  );
  const assetCoverage = assetKinds.map((kind) => {
    const row = coverage.find((c) => c.kind === kind);
    const total = Number(row?.total ?? 0);
    const scanned = Number(row?.scanned ?? 0);
    return { kind, total, scanned, notScanned: total - scanned };
  });

  const scans = await queryRows<{ started_at: Date | string; status: string }>(
    tx,
    sql`select started_at, status::text as status from scans
         where tenant_id = ${customerId}::uuid and started_at >= ${start}::timestamptz and started_at < ${end}::timestamptz`,
  );
  const scanActivity: ExecutiveReport['scanActivity'] = [];
  for (let w = weekStart(new Date(start)); w.getTime() < endMs; w = new Date(w.getTime() + 7 * DAY)) {
    scanActivity.push({ weekStart: isoDay(w), scans: 0, completed: 0, failed: 0 });
  }
  for (const s of scans) {
    const week = scanActivity.find((x) => x.weekStart === isoDay(weekStart(toDate(s.started_at))));
    if (!week) continue;
    week.scans++;
    if (s.status === 'completed') week.completed++;
    if (s.status === 'failed') week.failed++;
  }

  // The customer's own theme row, then its seller's (the fleet theme, read through
  // portico.fleet_theme since the customer's users cannot see the seller's row), then the preset.
  type ThemeRow = {
    color_primary: string | null;
    color_accent: string | null;
    color_text: string | null;
    color_danger: string | null;
    color_warning: string | null;
    color_success: string | null;
    mode: string | null;
    logo_id: string | null;
  };
  const [own] = await queryRows<ThemeRow>(
    tx,
    sql`select color_primary, color_accent, color_text, color_danger, color_warning, color_success, mode::text as mode, logo_id
          from themes where tenant_id = ${customerId}::uuid`,
  );
  const [fleet] = await queryRows<ThemeRow>(
    tx,
    sql`select color_primary, color_accent, color_text, color_danger, color_warning, color_success, mode, logo_id
          from portico.fleet_theme(${customerId}::uuid)`,
  );
  // Paper is light: a dark theme's text colour would not read on it.
  const textOf = (row: ThemeRow | undefined) => (row && row.mode !== 'dark' ? row.color_text : null);
  const pick = (key: Exclude<keyof ThemeRow, 'mode' | 'color_text'>) => own?.[key] ?? fleet?.[key] ?? null;

  return {
    customer,
    msp: msp ?? null,
    preparedBy: seller?.name ?? null,
    period,
    generatedAt: now.toISOString(),
    posture: {
      score,
      trend: score !== null && baseline !== undefined ? score - baseline : null,
      series: series.map((s) => ({ day: s.day, score: Number(s.score) })),
    },
    findingsBySeverity,
    topRisks,
    assetCoverage,
    scanActivity,
    brand: reportBrand({
      colorPrimary: pick('color_primary'),
      colorAccent: pick('color_accent'),
      colorText: textOf(own) ?? textOf(fleet),
      colorDanger: pick('color_danger'),
      colorWarning: pick('color_warning'),
      colorSuccess: pick('color_success'),
      logoId: pick('logo_id'),
    }),
  };
}
