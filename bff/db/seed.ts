import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { normalizeAsset, type AssetKind } from '../domain/assets.js';
import { bookingMonthEnd, type Partnership } from '../domain/billing.js';
import { defaultFleetColumns } from '../domain/fleet-columns.js';
import { prepareLogo } from '../domain/logo.js';
import { quote, type Tier } from '../domain/pricing.js';
import { nextRun, reportPeriod, type ScheduleRule } from '../domain/report-schedule.js';
import { findingCatalogue, scanProfiles } from '../scanner/catalogue.js';
import { ownerBypassesRls, queryRows, type Database } from './client.js';

/**
 * Deterministic demo and test data: the same `seed` value always produces the same orgs,
 * users, ids and figures. Two independent MSPs prove isolation; one sub-partner has customers
 * of its own; customers cover every plan, licence model, status, service mode, payment method
 * and delegation; one customer has revoked its MSP's access.
 *
 * Rows are written with one `insert … select from unnest(…)` per table and chunk, so 10 000
 * customers seed in a few minutes on a real server.
 */

export interface SeedOptions {
  customers: number;
  seed?: number;
  /** Average findings per customer (actual counts vary ±50 %). */
  findingsPerCustomer?: number;
  /** "Today" for the generated history; defaults to now. */
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedResult {
  orgs: number;
  customers: number;
  users: number;
  assets: number;
  scans: number;
  findings: number;
  snapshots: number;
}

/** Well-known slugs and external ids of the seeded world, used by the demo and tests. */
export const seeded = {
  mspA: 'northwind',
  mspB: 'bluefin',
  partner: 'harbor-it',
  enterprise: 'meridian-health-group',
  revoked: 'kestrel-logistics',
  /**
   * The token of the one seeded invite that has been accepted already: accepting it again
   * answers `already_accepted`, so it is safe to publish.
   */
  acceptedInviteToken: 'seeded-accepted-invite-token-3b9f4c2e8a7d4f1b',
  staff: {
    admin: 'admin',
    analyst: 'analyst',
    accountManager: 'account-manager',
    marketing: 'marketing',
  },
} as const;

/** mulberry32: small, fast and good enough for believable data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const uuid = () => {
    const h: string[] = [];
    for (let i = 0; i < 16; i++) h.push(Math.floor(next() * 256).toString(16).padStart(2, '0'));
    h[6] = '4' + h[6]!.slice(1);
    h[8] = ((parseInt(h[8]!, 16) & 0x3f) | 0x80).toString(16);
    return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
  };
  return { next, int, pick, uuid };
}

const prefixes = ['Acme', 'Blue Ridge', 'Cobalt', 'Driftwood', 'Evergreen', 'Fairview', 'Granite', 'Harborview', 'Ironwood', 'Juniper', 'Keystone', 'Lakeside', 'Maple', 'Northgate', 'Oakridge', 'Pinecrest', 'Quarry', 'Riverside', 'Summit', 'Tidewater', 'Upland', 'Valley', 'Westfield', 'Yarrow', 'Zenith', 'Alder', 'Brightwater', 'Cedar', 'Dunmore', 'Elmstead'];
const trades = ['Dental Group', 'Logistics', 'Law Partners', 'Manufacturing', 'Veterinary Clinic', 'Accounting', 'Architects', 'Bakery Co', 'Builders', 'Credit Union', 'Engineering', 'Family Practice', 'Freight', 'Hotels', 'Insurance Brokers', 'Labs', 'Marine Services', 'Media', 'Opticians', 'Pharmacy', 'Property Management', 'Realty', 'School Trust', 'Solar', 'Textiles', 'Travel', 'Wealth Advisors', 'Wholesale', 'Foods', 'Print Works'];
const tags = ['priority', 'healthcare', 'finance', 'manufacturing', 'education', 'renewal-risk', 'upsell', 'nis2', 'iso27001', 'pilot'];
const profiles = scanProfiles.map((p) => p.name);


const T = {
  orgs: { columns: ['id', 'parent_id', 'kind', 'slug', 'name', 'country', 'state', 'time_zone', 'currency', 'partnership_type', 'created_at'], types: ['uuid', 'uuid', 'org_kind', 'text', 'text', 'text', 'text', 'text', 'text', 'partnership_type', 'timestamptz'] },
  customer_profiles: { columns: ['tenant_id', 'status', 'service_mode', 'payment_method', 'access_delegation', 'revoked_at', 'contact_name', 'contact_email', 'address_line1', 'postal_code', 'city', 'vat_id', 'main_user_id', 'tags', 'created_at'], types: ['uuid', 'customer_status', 'service_mode', 'payment_method', 'access_delegation', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'text', 'uuid', 'text[]', 'timestamptz'] },
  users: { columns: ['tenant_id', 'id', 'external_id', 'email', 'name', 'status'], types: ['uuid', 'uuid', 'text', 'text', 'text', 'user_status'] },
  role_assignments: { columns: ['tenant_id', 'user_id', 'role'], types: ['uuid', 'uuid', 'user_role'] },
  account_manager_assignments: { columns: ['tenant_id', 'user_id'], types: ['uuid', 'uuid'] },
  subscriptions: { columns: ['tenant_id', 'id', 'plan', 'licence_model', 'licence_quota', 'ips_internal', 'ips_external', 'currency', 'monthly_price_minor', 'monthly_cost_minor', 'started_at', 'trial_ends_at', 'renews_at', 'cancelled_at', 'pending_ips_internal', 'pending_ips_external', 'pending_effective_at'], types: ['uuid', 'uuid', 'plan', 'licence_model', 'int', 'int', 'int', 'text', 'int8', 'int8', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'int', 'int', 'timestamptz'] },
  assets: { columns: ['tenant_id', 'id', 'kind', 'value', 'normalized_value', 'first_seen_at'], types: ['uuid', 'uuid', 'asset_kind', 'text', 'text', 'timestamptz'] },
  scans: { columns: ['tenant_id', 'id', 'profile', 'status', 'started_at', 'finished_at', 'findings_count'], types: ['uuid', 'uuid', 'text', 'scan_status', 'timestamptz', 'timestamptz', 'int'] },
  findings: { columns: ['tenant_id', 'id', 'asset_id', 'scan_id', 'severity', 'type', 'title', 'status', 'first_seen_at', 'last_seen_at'], types: ['uuid', 'uuid', 'uuid', 'uuid', 'severity', 'text', 'text', 'finding_status', 'timestamptz', 'timestamptz'] },
  posture_snapshots: { columns: ['tenant_id', 'day', 'score'], types: ['uuid', 'date', 'int2'] },
  themes: { columns: ['tenant_id', 'color_primary', 'color_accent', 'color_background', 'color_text', 'font_family', 'border_radius', 'mode'], types: ['uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'theme_mode'] },
  audit_log: { columns: ['tenant_id', 'at', 'actor_id', 'actor_role', 'action', 'target_id', 'after'], types: ['uuid', 'timestamptz', 'uuid', 'text', 'text', 'uuid', 'jsonb'] },
  user_preferences: { columns: ['tenant_id', 'user_id', 'key', 'value'], types: ['uuid', 'uuid', 'text', 'jsonb'] },
  invites: { columns: ['tenant_id', 'id', 'user_id', 'email', 'token_hash', 'expires_at', 'accepted_at', 'sent_count', 'last_sent_at', 'created_at'], types: ['uuid', 'uuid', 'uuid', 'text', 'text', 'timestamptz', 'timestamptz', 'int', 'timestamptz', 'timestamptz'] },
  email_messages: { columns: ['tenant_id', 'id', 'kind', 'to', 'subject', 'data', 'status', 'attempts', 'message_id', 'created_at', 'sent_at'], types: ['uuid', 'uuid', 'text', 'text[]', 'text', 'jsonb', 'email_status', 'int', 'text', 'timestamptz', 'timestamptz'] },
  notifications: { columns: ['tenant_id', 'id', 'kind', 'category', 'dedupe_key', 'title', 'data', 'created_at'], types: ['uuid', 'uuid', 'text', 'text', 'text', 'text', 'jsonb', 'timestamptz'] },
  idempotency_keys: { columns: ['tenant_id', 'user_id', 'key', 'method', 'path', 'request_hash', 'status', 'response', 'created_at'], types: ['uuid', 'uuid', 'text', 'text', 'text', 'text', 'int2', 'jsonb', 'timestamptz'] },
  price_tables: { columns: ['tenant_id', 'kind', 'currency', 'article_name', 'article_number', 'tiers', 'prepaid_discount_bps'], types: ['uuid', 'price_table_kind', 'text', 'text', 'text', 'jsonb', 'int'] },
  price_table_versions: { columns: ['tenant_id', 'version', 'kind', 'currency', 'article_name', 'article_number', 'tiers', 'prepaid_discount_bps', 'valid_from', 'created_by'], types: ['uuid', 'int', 'price_table_kind', 'text', 'text', 'text', 'jsonb', 'int', 'timestamptz', 'uuid'] },
  subscription_events: { columns: ['tenant_id', 'subscription_id', 'kind', 'at', 'plan', 'ips_internal', 'ips_external', 'effective_at', 'ref'], types: ['uuid', 'uuid', 'subscription_event_kind', 'timestamptz', 'plan', 'int', 'int', 'timestamptz', 'text'] },
  report_schedules: { columns: ['tenant_id', 'id', 'frequency', 'weekday', 'day_of_month', 'send_time', 'time_zone', 'recipients', 'enabled', 'next_run_at', 'last_run_at', 'created_by', 'created_at', 'updated_at'], types: ['uuid', 'uuid', 'report_frequency', 'int2', 'int2', 'text', 'text', 'text[]', 'bool', 'timestamptz', 'timestamptz', 'uuid', 'timestamptz', 'timestamptz'] },
  report_sends: { columns: ['tenant_id', 'id', 'schedule_id', 'run_at', 'period_from', 'period_to', 'recipients', 'email_id', 'requested_by', 'created_at'], types: ['uuid', 'uuid', 'uuid', 'timestamptz', 'date', 'date', 'text[]', 'uuid', 'uuid', 'timestamptz'] },
  scan_schedules: { columns: ['tenant_id', 'id', 'name', 'profile', 'targets', 'frequency', 'weekday', 'day_of_month', 'start_time', 'time_zone', 'triggers', 'enabled', 'next_run_at', 'created_by', 'created_at', 'updated_at'], types: ['uuid', 'uuid', 'text', 'text', 'text[]', 'scan_frequency', 'int2', 'int2', 'text', 'text', 'text[]', 'bool', 'timestamptz', 'uuid', 'timestamptz', 'timestamptz'] },
  notification_preferences: { columns: ['tenant_id', 'user_id', 'frequency', 'muted_categories', 'digest_cursor'], types: ['uuid', 'uuid', 'notification_frequency', 'text[]', 'timestamptz'] },
  notification_deliveries: { columns: ['tenant_id', 'user_id', 'notification_tenant_id', 'notification_id', 'frequency', 'email_id', 'created_at'], types: ['uuid', 'uuid', 'uuid', 'uuid', 'notification_frequency', 'uuid', 'timestamptz'] },
  project_keys: { columns: ['tenant_id', 'id', 'code', 'ip_count', 'runtime_months', 'currency', 'purchase_price_minor', 'selling_price_minor', 'customer_id', 'redeemed_at', 'redeemed_by'], types: ['uuid', 'uuid', 'text', 'int', 'int', 'text', 'int8', 'int8', 'uuid', 'timestamptz', 'uuid'] },
} as const;

/**
 * The sellers' price lists (monthly minor units per IP, graduated): each sells above its cost,
 * and the sub-partner's cost sits near its MSP's selling price.
 */
const priceLists: Record<'A' | 'B' | 'partner', { currency: string; article: [string, string]; sell: Tier[]; cost: Tier[]; prepaidDiscountBps: number }> = {
  A: {
    currency: 'EUR',
    article: ['Vulnerability scanning, per IP and month', 'NW-VS-IP'],
    sell: [{ upTo: 50, unitMinor: 450 }, { upTo: 250, unitMinor: 380 }, { upTo: 1000, unitMinor: 300 }, { upTo: null, unitMinor: 240 }],
    cost: [{ upTo: 50, unitMinor: 260 }, { upTo: 250, unitMinor: 220 }, { upTo: 1000, unitMinor: 180 }, { upTo: null, unitMinor: 150 }],
    prepaidDiscountBps: 0,
  },
  B: {
    currency: 'GBP',
    article: ['Managed scanning IP licence', 'BF-1100'],
    sell: [{ upTo: 50, unitMinor: 400 }, { upTo: 250, unitMinor: 330 }, { upTo: null, unitMinor: 260 }],
    cost: [{ upTo: 50, unitMinor: 230 }, { upTo: 250, unitMinor: 190 }, { upTo: null, unitMinor: 150 }],
    prepaidDiscountBps: 500,
  },
  partner: {
    currency: 'EUR',
    article: ['IP-Scan Lizenz', 'HIT-SCAN-01'],
    sell: [{ upTo: 25, unitMinor: 520 }, { upTo: 100, unitMinor: 450 }, { upTo: null, unitMinor: 390 }],
    cost: [{ upTo: 25, unitMinor: 450 }, { upTo: 100, unitMinor: 380 }, { upTo: null, unitMinor: 300 }],
    prepaidDiscountBps: 0,
  },
};

type Table = keyof typeof T;
type Value = string | number | boolean | null | string[];

/** Writes rows with one statement per chunk: every column travels as one text[] parameter. */
async function insertRows(db: Database, table: Table, rows: Value[][], chunk = 5000): Promise<void> {
  const { columns, types } = T[table];
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const arrays = columns.map((_, i) =>
      part.map((r) => {
        const v = r[i];
        if (v == null) return null;
        if (Array.isArray(v)) return `{${v.map((x) => `"${x.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
        return String(v);
      }),
    );
    const cols = columns.map((c) => sql.raw(`"${c}"`));
    const aliases = columns.map((_, i) => sql.raw(`c${i}`));
    const selects = columns.map((_, i) => sql.raw(`u.c${i}::${types[i]}`));
    const params = arrays.map((a) => sql`${sql.param(a)}::text[]`);
    await db.execute(
      sql`insert into ${sql.raw(table)} (${sql.join(cols, sql`, `)})
          select ${sql.join(selects, sql`, `)} from unnest(${sql.join(params, sql`, `)}) as u(${sql.join(aliases, sql`, `)})`,
    );
  }
}

const sha256 = (s: string, encoding: 'hex' | 'base64url' = 'hex') => createHash('sha256').update(s).digest(encoding);
/** A seeded invite's link token: derived from the user id, so it is the same on every seed. */
const seededInviteToken = (userId: string) => sha256(`seed-invite:${userId}`, 'base64url');

const slugify = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const iso = (d: Date) => d.toISOString();
const DAY = 86_400_000;

export async function seed(db: Database, options: SeedOptions): Promise<SeedResult> {
  if (!(await ownerBypassesRls(db))) {
    throw new Error('Seeding writes every tenant at once: connect as a superuser or a role with BYPASSRLS (the migration owner).');
  }
  const [existing] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from orgs`);
  if ((existing?.n ?? 0) > 0) throw new Error('The database already has orgs; seed only an empty database.');

  const log = options.log ?? (() => {});
  const r = prng(options.seed ?? 42);
  const now = options.now ?? new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const findingsAvg = options.findingsPerCustomer ?? 24;
  const rows: Record<Table, Value[][]> = {
    orgs: [], customer_profiles: [], users: [], role_assignments: [], account_manager_assignments: [],
    subscriptions: [], assets: [], scans: [], findings: [], posture_snapshots: [], themes: [], audit_log: [],
    user_preferences: [], invites: [], email_messages: [], notifications: [], idempotency_keys: [],
    price_tables: [], price_table_versions: [], subscription_events: [], project_keys: [],
    report_schedules: [], report_sends: [], scan_schedules: [], notification_preferences: [], notification_deliveries: [],
  };
  const created = iso(new Date(today.getTime() - 400 * DAY));

  const mspA = r.uuid();
  const mspB = r.uuid();
  const partner = r.uuid();
  rows.orgs.push(
    [mspA, null, 'msp', seeded.mspA, 'Northwind Cyber', 'DE', 'Hamburg', 'Europe/Berlin', 'EUR', 'mssp', created],
    [mspB, null, 'msp', seeded.mspB, 'Bluefin Security', 'GB', 'England', 'Europe/London', 'GBP', 'reseller', created],
    [partner, mspA, 'partner', seeded.partner, 'Harbor IT Partners', 'DE', 'Bremen', 'Europe/Berlin', 'EUR', 'reseller', created],
  );

  const addUser = (tenant: string, externalId: string, name: string, domain: string, role: string | null, status = 'active') => {
    const id = r.uuid();
    const email = `${slugify(name).replace(/-/g, '.')}@${domain}`;
    rows.users.push([tenant, id, externalId, email, name, status]);
    if (role) rows.role_assignments.push([tenant, id, role]);
    return id;
  };
  const staff = (tenant: string, domain: string, people: [string, string][]) => {
    const ids: Record<string, string> = {};
    for (const [externalId, name] of people) {
      const role =
        externalId === seeded.staff.admin ? 'msp_admin'
        : externalId === seeded.staff.analyst ? 'msp_analyst'
        : externalId === seeded.staff.accountManager ? 'msp_account_manager'
        : 'msp_marketing';
      ids[externalId] = addUser(tenant, externalId, name, domain, role);
    }
    return ids;
  };
  const staffA = staff(mspA, 'northwind-cyber.example', [
    [seeded.staff.admin, 'Anna Weber'], [seeded.staff.analyst, 'Jonas Becker'],
    [seeded.staff.accountManager, 'Lea Hoffmann'], [seeded.staff.marketing, 'Mila Schulz'],
  ]);
  const staffB = staff(mspB, 'bluefin-security.example', [
    [seeded.staff.admin, 'Oliver Hughes'], [seeded.staff.analyst, 'Amelia Clarke'],
    [seeded.staff.accountManager, 'Harry Walsh'], [seeded.staff.marketing, 'Isla Morgan'],
  ]);
  // Fleet themes: each MSP's brand; customers without a theme of their own inherit it.
  rows.themes.push(
    [mspA, '#0f5fa8', '#f59e0b', '#ffffff', '#1d2433', 'Inter, system-ui, sans-serif', '8px', 'light'],
    [mspB, '#0e7490', '#e11d48', '#ffffff', '#172026', 'system-ui, sans-serif', '4px', 'light'],
  );
  // The analysts have saved a column choice (the default one): a row to read, nothing to surprise.
  for (const [tenant, people] of [[mspA, staffA], [mspB, staffB]] as const) {
    rows.user_preferences.push([tenant, people[seeded.staff.analyst]!, 'fleet-columns', JSON.stringify(defaultFleetColumns)]);
  }
  staff(partner, 'harbor-it.example', [[seeded.staff.admin, 'Finn Krüger'], [seeded.staff.analyst, 'Emma Vogel']]);

  // Who owns which customer: most belong to MSP A, some to its sub-partner, some to MSP B.
  const n = Math.max(3, options.customers);
  const owners: string[] = [];
  for (let i = 0; i < n; i++) owners.push(i % 7 === 5 ? partner : i % 7 === 6 ? mspB : mspA);
  owners[1] = partner;
  owners[2] = mspB;

  // Most customers are active; a few in twenty are invited, locked or cancelled.
  const statusOf = (i: number) => ({ 6: 'invited', 7: 'locked', 8: 'cancelled', 14: 'invited' })[i % 20] ?? 'active';
  const delegations = ['disabled', 'read_only', 'full'];
  const usedNames = new Set<string>();
  const assigned: Record<string, string[]> = { [mspA]: [], [mspB]: [] };
  /** Main users with an invite (pending for invited customers, accepted for one), and per-asset use. */
  const invitees: { tenant: string; user: string; email: string; customer: string; msp: string; inviter: string; i: number; accepted: boolean; since: Date }[] = [];
  const assetUse: { tenant: string; name: string; quota: number; used: number }[] = [];
  /** Each subscription as generated, for its events and its price once every portfolio is known. */
  const subscriptionsOf: { row: number; tenant: string; id: string; seller: keyof typeof priceLists; trial: boolean; status: string; since: Date; cancelledAt: Date | null; ipsInternal: number; ipsExternal: number; i: number }[] = [];

  for (let i = 0; i < n; i++) {
    const owner = owners[i]!;
    const isB = owner === mspB;
    const currency = isB ? 'GBP' : 'EUR';
    const country = isB ? r.pick(['GB', 'GB', 'GB', 'IE']) : r.pick(['DE', 'DE', 'DE', 'AT', 'NL', 'FR']);
    const special = i === 0 ? 'enterprise' : i === 3 ? 'revoked' : null;
    let name: string;
    if (special === 'enterprise') name = 'Meridian Health Group';
    else if (special === 'revoked') name = 'Kestrel Logistics';
    else {
      do {
        name = `${r.pick(prefixes)} ${r.pick(trades)}`;
        if (usedNames.has(name)) name = `${name} ${r.pick(['North', 'South', 'East', 'West', 'Central', 'International'])}`;
        if (usedNames.has(name)) name = `${name} ${i}`;
      } while (usedNames.has(name));
    }
    usedNames.add(name);
    const slug = special === 'enterprise' ? seeded.enterprise : special === 'revoked' ? seeded.revoked : `${slugify(name)}-${i}`;
    const id = r.uuid();
    const domain = `${slugify(name)}.example`;
    const since = new Date(today.getTime() - r.int(30, 900) * DAY);
    rows.orgs.push([id, owner, special === 'enterprise' ? 'enterprise' : 'customer', slug, name, country, null, isB ? 'Europe/London' : 'Europe/Berlin', currency, null, iso(since)]);

    const status = special ? 'active' : statusOf(i);
    const serviceMode = i % 4 === 3 ? 'self_service' : 'managed';
    const payment = i % 5 === 4 ? 'project_key' : i % 5 === 2 ? 'credit_card' : 'invoice';
    const delegation = i < 6 ? 'full' : delegations[i % 3]!;
    const contact = `${r.pick(['Sam', 'Alex', 'Robin', 'Kim', 'Charlie', 'Jamie', 'Maria', 'Paul', 'Sofia', 'Lukas'])} ${r.pick(['Meyer', 'Fischer', 'Wagner', 'Smith', 'Jones', 'Brown', 'Taylor', 'Jansen', 'Dubois', 'Novak'])}`;
    const mainUser = addUser(id, `${slug}-owner`, contact, domain, status === 'invited' ? null : 'customer_admin', status === 'invited' ? 'invited' : 'active');
    if (status === 'invited' || i === 4) {
      const seller = owner === mspB ? 'Bluefin Security' : owner === partner ? 'Harbor IT Partners' : 'Northwind Cyber';
      const inviter = owner === mspB ? 'Oliver Hughes' : owner === partner ? 'Finn Krüger' : 'Anna Weber';
      invitees.push({ tenant: id, user: mainUser, email: `${slugify(contact).replace(/-/g, '.')}@${domain}`, customer: name, msp: seller, inviter, i, accepted: status !== 'invited', since });
    }
    if (i < 12) addUser(id, `${slug}-viewer`, `${r.pick(['Nora', 'Ben', 'Ida', 'Tom', 'Eva'])} ${r.pick(['Lang', 'Kaiser', 'Evans', 'Wood'])}`, domain, 'customer_viewer');
    const vat = country === (isB ? 'GB' : 'DE') ? null : `${country === 'GB' ? 'GB' : country}${String(r.int(100000000, 999999999))}`;
    const myTags = tags.filter(() => r.next() < 0.18);
    rows.customer_profiles.push([
      id, status, serviceMode, payment, delegation, special === 'revoked' ? iso(new Date(today.getTime() - 6 * DAY)) : null,
      contact, `${slugify(contact).replace(/-/g, '.')}@${domain}`, `${r.int(1, 220)} ${r.pick(['Hafenstraße', 'Market Street', 'Lindenallee', 'High Street', 'Kaiserstraße', 'Station Road'])}`,
      String(r.int(10000, 99999)), r.pick(isB ? ['London', 'Leeds', 'Bristol', 'Dublin'] : ['Hamburg', 'Berlin', 'Munich', 'Vienna', 'Amsterdam', 'Lyon']),
      vat, status === 'invited' ? null : mainUser, myTags, iso(since),
    ]);
    const adminOf = owner === mspB ? staffB[seeded.staff.admin]! : owner === mspA ? staffA[seeded.staff.admin]! : null;
    rows.audit_log.push([id, iso(since), adminOf, adminOf ? 'msp_admin' : 'partner_admin', 'customer.create', id, JSON.stringify({ name, plan: i % 6 === 1 ? 'trial' : 'purchased' })]);
    if (i === 4) rows.themes.push([id, '#7c3aed', '#0d9488', '#ffffff', '#1f2937', 'Georgia, serif', '12px', 'light']);
    if (special === 'enterprise') {
      for (const sub of ['Meridian Clinics North', 'Meridian Diagnostics']) {
        rows.orgs.push([r.uuid(), id, 'customer', `${slugify(sub)}`, sub, country, null, 'Europe/Berlin', currency, null, iso(since)]);
      }
    }
    if (owner !== partner && assigned[owner]!.length < 3 && special !== 'revoked') assigned[owner]!.push(id);

    // Subscription
    const trial = i % 6 === 1;
    const model = i % 3 === 0 ? 'per_asset' : i % 3 === 1 ? 'per_scan' : 'unlimited';
    // Per-asset quotas sit near the customer's asset count (some run over, to show the warnings);
    // per-scan quotas are scans per month.
    const quota = model === 'unlimited' ? null : trial ? 5 : model === 'per_asset' ? r.pick([10, 12, 15, 25, 50]) : r.pick([4, 6, 8, 12, 20]);
    const ipsExternal = r.pick([8, 16, 32, 64, 128, 256]);
    const ipsInternal = r.pick([0, 16, 50, 100, 250, 500]);
    // Prices come from the sellers' price lists (seedPricing). Earlier seeds drew licence prices
    // here; drawing as many values keeps every later one (names, assets, scores) as it was.
    if (model !== 'unlimited' || !trial) r.next();
    r.next();
    const renews = new Date(since.getTime());
    while (renews <= today) renews.setUTCFullYear(renews.getUTCFullYear() + 1);
    const subscriptionId = r.uuid();
    const trialEndsAt = trial ? iso(new Date(today.getTime() + r.int(-3, 30) * DAY)) : null;
    // Cancelled within the last two months, never before it started.
    const cancelledAt = status === 'cancelled' ? new Date(Math.max(today.getTime() - r.int(1, 60) * DAY, since.getTime() + DAY)) : null;
    rows.subscriptions.push([
      id, subscriptionId, trial ? 'trial' : 'purchased', model, quota, ipsInternal, ipsExternal, currency, 0, 0,
      iso(since), trialEndsAt, trial ? null : iso(renews), cancelledAt ? iso(cancelledAt) : null, null, null, null,
    ]);
    subscriptionsOf.push({ row: rows.subscriptions.length - 1, tenant: id, id: subscriptionId, seller: owner === mspB ? 'B' : owner === partner ? 'partner' : 'A', trial, status, since, cancelledAt, ipsInternal, ipsExternal, i });

    if (status === 'invited') continue; // nothing scanned yet

    // Assets of all five kinds.
    const assetRows: { id: string; kind: AssetKind }[] = [];
    const addAsset = (kind: AssetKind, value: string) => {
      const assetId = r.uuid();
      assetRows.push({ id: assetId, kind });
      rows.assets.push([id, assetId, kind, value, normalizeAsset(kind, value), iso(since)]);
    };
    addAsset('domain', domain);
    for (const sub of ['mail', 'vpn', 'portal', 'www', 'shop', 'intranet'].slice(0, r.int(2, 5))) addAsset('subdomain', `${sub}.${domain}`);
    const net = r.int(0, 2) === 0 ? '192.0.2' : r.int(0, 1) ? '198.51.100' : '203.0.113';
    const hostBase = r.int(1, 200);
    for (let k = 0; k < r.int(2, 6); k++) addAsset('ip_address', `${net}.${hostBase + k}`);
    addAsset('web_app_url', `https://portal.${domain}/`);
    if (r.next() < 0.6) addAsset('web_app_url', `https://shop.${domain}/`);
    addAsset('api_base_url', `https://api.${domain}/v1`);
    if (model === 'per_asset' && quota) assetUse.push({ tenant: id, name, quota, used: assetRows.length });

    // Weekly scans over the last 90 days, then findings from them.
    const scanIds: { id: string; at: Date }[] = [];
    const cadence = r.pick([7, 7, 14, 30]);
    const lastScanDaysAgo = i % 11 === 10 ? r.int(35, 80) : r.int(0, 6);
    for (let d = lastScanDaysAgo; d <= 90; d += cadence) {
      const at = new Date(today.getTime() - d * DAY + r.int(1, 5) * 3_600_000);
      scanIds.push({ id: r.uuid(), at });
    }
    // A customer's typical posture score; weaker customers carry more open and more severe findings.
    const typical = r.int(38, 96);
    const openShare = 0.25 + ((100 - typical) / 100) * 0.6;
    const findingsCount = Math.max(0, Math.round(findingsAvg * (0.5 + r.next())));
    const perScan = new Map<string, number>();
    for (let k = 0; k < findingsCount; k++) {
      let f = r.pick(findingCatalogue);
      if (f.severity === 'critical' && r.next() * 100 < typical - 20) f = r.pick(findingCatalogue);
      const candidates = assetRows.filter((a) => f.kinds.includes(a.kind));
      const asset = candidates.length ? r.pick(candidates) : r.pick(assetRows);
      const firstScan = scanIds[r.int(0, scanIds.length - 1)]!;
      const statusRoll = r.next();
      const fStatus = statusRoll < openShare ? 'open' : statusRoll < 0.96 ? 'resolved' : 'accepted_risk';
      const lastSeen = fStatus === 'resolved' ? firstScan.at : (scanIds[0]?.at ?? firstScan.at);
      perScan.set(firstScan.id, (perScan.get(firstScan.id) ?? 0) + 1);
      rows.findings.push([id, r.uuid(), asset.id, firstScan.id, f.severity, f.type, f.title, fStatus, iso(firstScan.at), iso(lastSeen)]);
    }
    for (const s of scanIds) {
      rows.scans.push([id, s.id, r.pick(profiles), 'completed', iso(s.at), iso(new Date(s.at.getTime() + r.int(8, 90) * 60_000)), perScan.get(s.id) ?? 0]);
    }

    // 90 days of posture: a random walk that drifts towards the customer's typical score.
    let score = Math.min(99, Math.max(5, typical + r.int(-15, 15)));
    for (let d = 89; d >= 0; d--) {
      score = Math.round(Math.min(99, Math.max(5, score + (typical - score) * 0.08 + r.int(-3, 3))));
      rows.posture_snapshots.push([id, new Date(today.getTime() - d * DAY).toISOString().slice(0, 10), score]);
    }
  }

  for (const [msp, ids] of [[mspA, assigned[mspA]!], [mspB, assigned[mspB]!]] as const) {
    const am = msp === mspA ? staffA[seeded.staff.accountManager]! : staffB[seeded.staff.accountManager]!;
    for (const customer of ids) rows.account_manager_assignments.push([customer, am]);
  }

  // Invites of the invited main users (every twentieth one expired, sent twice) and the one
  // accepted invite; each went out as an email.
  for (const inv of invitees) {
    const expired = inv.i % 20 === 14;
    const sentAt = inv.accepted ? new Date(inv.since.getTime() + DAY) : new Date(today.getTime() - (expired ? 5 : 1) * DAY);
    const expiresAt = new Date(sentAt.getTime() + 72 * 3_600_000);
    const token = inv.accepted ? seeded.acceptedInviteToken : seededInviteToken(inv.user);
    rows.invites.push([inv.tenant, r.uuid(), inv.user, inv.email, sha256(token), iso(expiresAt), inv.accepted ? iso(new Date(sentAt.getTime() + 3_600_000)) : null, expired ? 2 : 1, iso(sentAt), iso(sentAt)]);
    const data = { inviteUrl: `http://localhost:8787/accept-invite?token=${token}`, customerName: inv.customer, mspName: inv.msp, inviterName: inv.inviter, expiresAt: iso(expiresAt) };
    rows.email_messages.push([inv.tenant, r.uuid(), 'invite', [inv.email], `${inv.msp} invites you to ${inv.customer}`, JSON.stringify(data), 'sent', 1, `<seed-${inv.user}@portico.localhost>`, iso(sentAt), iso(new Date(sentAt.getTime() + 2000))]);
  }
  // A couple of licence warnings: per-asset customers past 90 % of their quota.
  for (const use of assetUse.filter((u) => u.used >= 0.9 * u.quota).slice(0, 3)) {
    const data = { model: 'per_asset', quota: use.quota, used: use.used, threshold: 0.9 };
    rows.notifications.push([use.tenant, r.uuid(), 'licence-threshold', 'licences', `per_asset:${use.quota}:0.9`, `${use.name} uses ${use.used} of ${use.quota} asset licences`, JSON.stringify(data), iso(new Date(today.getTime() - DAY))]);
  }
  // MSP A's admin created the sub-partner with an Idempotency-Key an hour ago; the key stays taken for a day.
  const partnerCreated = {
    body: { id: partner, kind: 'partner', slug: seeded.partner, name: 'Harbor IT Partners', parentId: mspA, customer: null, invite: null },
    headers: { location: `/v1/customers/${partner}` },
  };
  rows.idempotency_keys.push([mspA, staffA[seeded.staff.admin]!, 'seed-create-harbor-it', 'POST', '/v1/customers', sha256('seed-create-harbor-it'), 201, JSON.stringify(partnerCreated), iso(new Date(now.getTime() - 3_600_000))]);

  seedPricing(rows, subscriptionsOf, { A: mspA, B: mspB, partner }, { A: staffA[seeded.staff.admin]!, B: staffB[seeded.staff.admin]! }, r, today);

  seedReportSchedules(rows, { A: mspA, B: mspB }, { A: staffA[seeded.staff.admin]!, B: staffB[seeded.staff.admin]! }, r, now);

  seedScanHistory(rows, prng((options.seed ?? 42) ^ 0x05ca1e), today);

  seedFleetOperations(rows, { A: mspA, B: mspB }, { A: staffA, B: staffB }, r, now);

  // Parents before children (the closure trigger needs the parent's rows).
  const order: Table[] = ['orgs', 'users', 'role_assignments', 'customer_profiles', 'account_manager_assignments', 'subscriptions', 'assets', 'scans', 'findings', 'posture_snapshots', 'themes', 'audit_log', 'user_preferences', 'invites', 'email_messages', 'notifications', 'idempotency_keys', 'price_tables', 'price_table_versions', 'subscription_events', 'project_keys', 'report_schedules', 'report_sends', 'scan_schedules', 'notification_preferences', 'notification_deliveries'];
  await db.transaction(async (tx) => {
    for (const table of order) {
      const started = Date.now();
      await insertRows(tx as unknown as Database, table, rows[table]);
      log(`  ${table}: ${rows[table].length} rows in ${Date.now() - started} ms`);
    }
    await seedLogos(tx as unknown as Database, rows);
    const started = Date.now();
    await tx.execute(sql`select portico.refresh_customer_metrics()`);
    log(`  customer_metrics refreshed in ${Date.now() - started} ms`);
  });
  return {
    orgs: rows.orgs.length,
    customers: rows.customer_profiles.length,
    users: rows.users.length,
    assets: rows.assets.length,
    scans: rows.scans.length,
    findings: rows.findings.length,
    snapshots: rows.posture_snapshots.length,
  };
}

/**
 * The money side of the seed: each seller's price list (its first version), a history of events per subscription
 * that ends in its current row (started at its start date on its plan; two purchased ones of MSP A
 * and MSP B began as trials and converted part-way, mid-day; some grew since; one decrease waits
 * for the end of its booking month; cancellations on their date), the monthly price and cost
 * of every purchased subscription from its seller's tables (trials are free), and a few
 * redeemed project keys.
 */
function seedPricing(
  rows: Record<Table, Value[][]>,
  subs: { row: number; tenant: string; id: string; seller: keyof typeof priceLists; trial: boolean; status: string; since: Date; cancelledAt: Date | null; ipsInternal: number; ipsExternal: number; i: number }[],
  sellers: Record<keyof typeof priceLists, string>,
  admins: { A: string; B: string },
  r: ReturnType<typeof prng>,
  today: Date,
): void {
  const partnership: Record<keyof typeof priceLists, Partnership> = { A: 'mssp', B: 'reseller', partner: 'reseller' };
  const timeZone: Record<keyof typeof priceLists, string> = { A: 'Europe/Berlin', B: 'Europe/London', partner: 'Europe/Berlin' };
  // Each list is its seller's first (and current) version, valid from before the oldest
  // subscription started, so every seeded period has a price.
  const oldest = subs.reduce((min, s) => Math.min(min, s.since.getTime()), today.getTime());
  const validFrom = iso(new Date(oldest - DAY));
  for (const [key, list] of Object.entries(priceLists) as [keyof typeof priceLists, (typeof priceLists)['A']][]) {
    for (const kind of ['sell', 'cost'] as const) {
      const prepaid = kind === 'cost' ? list.prepaidDiscountBps : 0;
      rows.price_tables.push([sellers[key], kind, list.currency, list.article[0], list.article[1], JSON.stringify(list[kind]), prepaid]);
      rows.price_table_versions.push([sellers[key], 1, kind, list.currency, list.article[0], list.article[1], JSON.stringify(list[kind]), prepaid, validFrom, key === 'partner' ? null : admins[key]]);
    }
  }
  const portfolio: Record<keyof typeof priceLists, number> = { A: 0, B: 0, partner: 0 };
  let pendingPlaced = false;
  const converted = new Set<keyof typeof priceLists>();
  for (const sub of subs) {
    const event = (kind: string, at: Date, plan: 'trial' | 'purchased' | null, ips: [number, number] | null, effectiveAt: Date | null = null) =>
      rows.subscription_events.push([sub.tenant, sub.id, kind, iso(at), plan, ips?.[0] ?? null, ips?.[1] ?? null, effectiveAt ? iso(effectiveAt) : null, null]);
    const grew = sub.i % 4 === 1 && sub.ipsExternal > 8 && today.getTime() - sub.since.getTime() > 20 * DAY;
    // The first long-running purchased customer of MSP A and of MSP B (none picked by a rule
    // below) was a three-week trial first, converted at 10:30 UTC: billed from then on.
    const convert = sub.seller !== 'partner' && !converted.has(sub.seller) && sub.i > 3 && !sub.trial && !grew && sub.status === 'active' &&
      sub.ipsInternal < 50 && today.getTime() - sub.since.getTime() > 45 * DAY;
    if (grew) {
      // Started with half the external IPs and added the rest part-way.
      event('started', sub.since, 'purchased', [sub.ipsInternal, sub.ipsExternal / 2]);
      const added = new Date(sub.since.getTime() + r.int(5, Math.floor((today.getTime() - sub.since.getTime()) / DAY) - 5) * DAY);
      event('ips_changed', added, null, [sub.ipsInternal, sub.ipsExternal]);
    } else if (convert) {
      converted.add(sub.seller);
      const at = new Date(sub.since.getTime() + 21 * DAY + 10.5 * 3_600_000);
      event('started', sub.since, 'trial', [sub.ipsInternal, sub.ipsExternal]);
      event('converted_to_purchased', at, 'purchased', null);
      const row = rows.subscriptions[sub.row]!;
      const renews = new Date(at);
      while (renews <= today) renews.setUTCFullYear(renews.getUTCFullYear() + 1);
      row[12] = iso(renews);
      const created = rows.audit_log.find((a) => a[0] === sub.tenant && a[4] === 'customer.create')!;
      created[6] = JSON.stringify({ ...(JSON.parse(created[6] as string) as object), plan: 'trial' });
      rows.audit_log.push([sub.tenant, iso(at), created[2]!, created[3]!, 'customer.convert_to_purchased', sub.tenant, JSON.stringify({ plan: 'purchased' })]);
    } else {
      event('started', sub.since, sub.trial ? 'trial' : 'purchased', [sub.ipsInternal, sub.ipsExternal]);
    }
    if (sub.cancelledAt) event('cancelled', sub.cancelledAt, null, null);
    // One running, purchased subscription of MSP A has asked for fewer internal IPs.
    if (!pendingPlaced && sub.i > 3 && sub.seller === 'A' && !sub.trial && sub.status === 'active' && sub.ipsInternal >= 50) {
      pendingPlaced = true;
      const asked = new Date(today.getTime() - 2 * DAY);
      const effectiveAt = bookingMonthEnd(asked, partnership.A, timeZone.A);
      const to: [number, number] = [sub.ipsInternal / 2, sub.ipsExternal];
      event('ips_decrease_scheduled', asked, null, to, effectiveAt);
      const row = rows.subscriptions[sub.row]!;
      row[14] = to[0];
      row[15] = to[1];
      row[16] = iso(effectiveAt);
    }
    if (!sub.trial && !sub.cancelledAt) portfolio[sub.seller] += sub.ipsInternal + sub.ipsExternal;
  }
  for (const sub of subs) {
    if (sub.trial) continue;
    const list = priceLists[sub.seller];
    const q = quote({ ips: sub.ipsInternal + sub.ipsExternal, sell: list.sell, cost: list.cost, portfolioUnits: portfolio[sub.seller], prepaidDiscountBps: list.prepaidDiscountBps });
    const row = rows.subscriptions[sub.row]!;
    row[8] = q.priceMinor;
    row[9] = q.costMinor;
  }
  // Redeemed project keys: priced and assigned, priced only, and one waiting for its price.
  const customerOf = (seller: keyof typeof priceLists) => subs.find((s) => s.seller === seller && s.status === 'active')?.tenant ?? null;
  const keys: [keyof typeof priceLists, string, number, number, number, number | null, boolean][] = [
    ['A', 'NW-2026-PK-0001', 250, 12, 540_000, 810_000, true],
    ['A', 'NW-2026-PK-0002', 100, 6, 120_000, null, false],
    ['B', 'BF-PK-7781', 50, 12, 95_000, 150_000, false],
    ['partner', 'HIT-PK-0042', 25, 3, 9_000, 14_500, true],
  ];
  for (const [seller, code, ips, months, purchase, selling, assign] of keys) {
    const redeemedBy = seller === 'partner' ? null : admins[seller];
    rows.project_keys.push([sellers[seller], r.uuid(), code, ips, months, priceLists[seller].currency, purchase, selling, assign ? customerOf(seller) : null, iso(new Date(today.getTime() - r.int(10, 90) * DAY)), redeemedBy]);
  }
}

/**
 * A year of scans before the last 90 days, for the usage report's months and billing periods:
 * each customer that scans runs one to three products' profiles on its own cadence from the day
 * it became a customer, and stops when it cancelled. Drawn from a generator of its own, so every
 * other seeded value stays as it was.
 */
function seedScanHistory(rows: Record<Table, Value[][]>, r: ReturnType<typeof prng>, today: Date): void {
  const since = new Map(rows.orgs.map((o) => [o[0] as string, Date.parse(o[10] as string)]));
  const cancelled = new Map(rows.subscriptions.map((s) => [s[0] as string, s[13] === null ? Infinity : Date.parse(s[13] as string)]));
  for (const profile of rows.customer_profiles) {
    const tenant = profile[0] as string;
    if (profile[1] === 'invited') continue;
    const cadence = r.pick([7, 14, 14, 30]);
    const mine = profiles.filter(() => r.next() < 0.45);
    if (mine.length === 0) mine.push(r.pick(profiles));
    for (let d = 91 + r.int(0, cadence - 1); d <= 365; d += cadence) {
      const at = new Date(today.getTime() - d * DAY + r.int(1, 5) * 3_600_000);
      if (at.getTime() < (since.get(tenant) ?? 0) || at.getTime() >= (cancelled.get(tenant) ?? Infinity)) continue;
      for (const p of mine) {
        if (r.next() < 0.15) continue; // a skipped run now and then
        rows.scans.push([tenant, r.uuid(), p, 'completed', iso(at), iso(new Date(at.getTime() + r.int(8, 90) * 60_000)), 0]);
      }
    }
  }
}

/**
 * Executive-report emails: each MSP's admin has a weekly schedule (Mondays 08:00) and a monthly
 * one (the 1st, 07:30) for its first two active direct customers, in the customer's zone; the
 * weekly one already sent its last slot, recorded with its delivered email. Drawn after every
 * other random value, so the rest of the seed is the same with or without them.
 */
function seedReportSchedules(rows: Record<Table, Value[][]>, msps: { A: string; B: string }, admins: { A: string; B: string }, r: ReturnType<typeof prng>, now: Date): void {
  for (const key of ['A', 'B'] as const) {
    const customers = rows.orgs
      .filter((o) => o[1] === msps[key] && o[2] === 'customer')
      .filter((o) => rows.customer_profiles.some((p) => p[0] === o[0] && p[1] === 'active' && p[5] === null))
      .slice(0, 2);
    for (const customer of customers) {
      const [tenant, , , , name, , , timeZone] = customer as [string, string, string, string, string, string, string | null, string];
      const recipients = [`leadership@${slugify(name)}.example`];
      const weekly: ScheduleRule = { frequency: 'weekly', weekday: 1, sendTime: '08:00', timeZone };
      const monthly: ScheduleRule = { frequency: 'monthly', dayOfMonth: 1, sendTime: '07:30', timeZone };
      const created = new Date(now.getTime() - 30 * DAY);
      const weeklyId = r.uuid();
      const next = nextRun(weekly, now);
      const last = new Date(next.getTime() - 7 * DAY);
      rows.report_schedules.push(
        [tenant, weeklyId, 'weekly', 1, null, '08:00', timeZone, recipients, true, iso(next), iso(last), admins[key], iso(created), iso(created)],
        [tenant, r.uuid(), 'monthly', null, 1, '07:30', timeZone, recipients, true, iso(nextRun(monthly, now)), null, admins[key], iso(created), iso(created)],
      );
      const period = reportPeriod(weekly, last);
      const emailId = r.uuid();
      const subject = `${name} security summary, ${period.from} – ${period.to}`;
      rows.email_messages.push([tenant, emailId, 'executive-summary', recipients, subject, JSON.stringify({ customerName: name, period }), 'sent', 1, `<${emailId}@portico>`, iso(last), iso(new Date(last.getTime() + 2000))]);
      rows.report_sends.push([tenant, r.uuid(), weeklyId, iso(last), period.from, period.to, recipients, emailId, admins[key], iso(last)]);
    }
  }
}

/**
 * Scan schedules and notification settings: each MSP's admin scans its first two active direct
 * customers weekly (Sundays 02:00 in the customer's zone, and whenever a new asset appears);
 * the admin hears of everything at once, the account manager in a daily digest, the analyst
 * weekly without lifecycle news. The admin was already told about the seeded licence warnings.
 * Drawn after every other random value, so the rest of the seed is unchanged by them.
 */
function seedFleetOperations(
  rows: Record<Table, Value[][]>,
  msps: { A: string; B: string },
  staff: { A: Record<string, string>; B: Record<string, string> },
  r: ReturnType<typeof prng>,
  now: Date,
): void {
  const created = iso(new Date(now.getTime() - 20 * DAY));
  for (const key of ['A', 'B'] as const) {
    const admin = staff[key][seeded.staff.admin]!;
    const customers = rows.orgs
      .filter((o) => o[1] === msps[key] && o[2] === 'customer')
      .filter((o) => rows.customer_profiles.some((p) => p[0] === o[0] && p[1] === 'active' && p[5] === null))
      .slice(0, 2);
    for (const customer of customers) {
      const [tenant, , , , , , , timeZone] = customer as [string, string, string, string, string, string, string | null, string];
      const next = nextRun({ frequency: 'weekly', weekday: 7, sendTime: '02:00', timeZone }, now);
      rows.scan_schedules.push([tenant, r.uuid(), 'Weekly external scan', 'external', [], 'weekly', 7, null, '02:00', null, ['new_asset'], true, iso(next), admin, created, created]);
    }
    rows.notification_preferences.push(
      [msps[key], admin, 'immediate', [], null],
      [msps[key], staff[key][seeded.staff.accountManager]!, 'daily', [], iso(new Date(now.getTime() - DAY))],
      [msps[key], staff[key][seeded.staff.analyst]!, 'weekly', ['lifecycle'], iso(new Date(now.getTime() - 3 * DAY))],
    );
  }
  const adminA = staff.A[seeded.staff.admin]!;
  const adminEmail = rows.users.find((u) => u[1] === adminA)![3] as string;
  const parentOf = new Map(rows.orgs.map((o) => [o[0] as string, o[1] as string | null]));
  const under = (tenant: string, root: string): boolean => {
    for (let at: string | null | undefined = tenant; at; at = parentOf.get(at)) if (at === root) return true;
    return false;
  };
  for (const n of rows.notifications.filter((row) => under(row[0] as string, msps.A))) {
    const [tenant, id, , , , title, , at] = n as [string, string, string, string, string, string, string, string];
    const emailId = r.uuid();
    rows.email_messages.push([msps.A, emailId, 'notification', [adminEmail], title, JSON.stringify({ notifications: [{ tenantId: tenant, id, title }] }), 'sent', 1, `<${emailId}@portico>`, at, at]);
    rows.notification_deliveries.push([msps.A, adminA, tenant, id, 'immediate', emailId, at]);
  }
}

/** A deterministic uuid (v4 layout) from a name: seeded rows that must not draw from the prng. */
function uuidFrom(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A wordmark logo: the initials on a rounded square of the brand colour, then the name. */
export function seedLogoSvg(name: string, colour: string): string {
  const initials = name.split(/\s+/).filter((w) => /^[A-Za-z]/.test(w)).slice(0, 2).map((w) => w[0]!.toUpperCase()).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 64">
  <rect width="64" height="64" rx="14" fill="${colour}"/>
  <path d="M14 50 L32 14 L50 50" fill="none" stroke="#ffffff" stroke-opacity="0.25" stroke-width="4"/>
  <text x="32" y="42" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="bold" font-size="24" fill="#ffffff">${xmlEscape(initials)}</text>
  <text x="80" y="41" font-family="DejaVu Sans, Arial, sans-serif" font-size="22" fill="#1d2433">${xmlEscape(name)}</text>
</svg>`;
}

/**
 * Logos, through the upload's own checks and rasteriser: each MSP's fleet logo, and the own
 * logo of every customer with a theme of its own. Ids are derived from the org, not drawn.
 */
async function seedLogos(db: Database, rows: Record<Table, Value[][]>): Promise<void> {
  const withTheme = rows.themes.map((t) => ({ id: t[0] as string, colour: t[1] as string }));
  for (const { id: tenant, colour } of withTheme) {
    const name = rows.orgs.find((o) => o[0] === tenant)?.[4] as string | undefined;
    if (!name) continue;
    const logo = await prepareLogo(Buffer.from(seedLogoSvg(name, colour)), 'image/svg+xml');
    const id = uuidFrom(`logo:${tenant}`);
    await db.execute(sql`insert into logos (tenant_id, id, content_type, image, raster, raster_width, raster_height, sha256)
      values (${tenant}::uuid, ${id}::uuid, ${logo.contentType}, decode(${logo.image.toString('hex')}, 'hex'), decode(${logo.raster.toString('hex')}, 'hex'),
              ${logo.rasterWidth}, ${logo.rasterHeight}, ${logo.sha256})`);
    await db.execute(sql`update themes set logo_id = ${id}::uuid where tenant_id = ${tenant}::uuid`);
  }
}
