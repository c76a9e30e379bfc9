/**
 * Portico's relational schema.
 *
 * Every tenant-owned table carries `tenant_id` (the owning org), leads its primary key and its
 * indexes with it, and is protected by Row-Level Security policies written by hand in
 * `migrations/0001_tenancy.sql`. `orgs` is the one directory table: its policy tests `id`.
 * Private machinery (the org closure, signing keys, rate-limit counters) lives in the `portico`
 * schema, which the request role cannot read.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSchema,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const orgKind = pgEnum('org_kind', ['msp', 'partner', 'customer', 'enterprise']);
export const partnershipType = pgEnum('partnership_type', ['mssp', 'reseller']);
export const userRole = pgEnum('user_role', [
  'msp_admin',
  'msp_analyst',
  'msp_account_manager',
  'msp_marketing',
  'customer_admin',
  'customer_viewer',
]);
export const userStatus = pgEnum('user_status', ['invited', 'active', 'deactivated']);
export const customerStatus = pgEnum('customer_status', [
  'invited',
  'active',
  'locked',
  'cancelled',
  'deleting',
]);
export const serviceMode = pgEnum('service_mode', ['managed', 'self_service']);
export const accessDelegation = pgEnum('access_delegation', ['disabled', 'read_only', 'full']);
export const paymentMethod = pgEnum('payment_method', ['invoice', 'credit_card', 'project_key']);
export const plan = pgEnum('plan', ['trial', 'purchased']);
export const licenceModel = pgEnum('licence_model', ['per_asset', 'per_scan', 'unlimited']);
export const assetKind = pgEnum('asset_kind', [
  'domain',
  'subdomain',
  'ip_address',
  'web_app_url',
  'api_base_url',
]);
export const scanStatus = pgEnum('scan_status', ['queued', 'running', 'completed', 'failed']);
export const severity = pgEnum('severity', ['critical', 'high', 'medium', 'low', 'info']);
export const findingStatus = pgEnum('finding_status', ['open', 'resolved', 'accepted_risk']);
export const themeMode = pgEnum('theme_mode', ['light', 'dark']);
export const emailStatus = pgEnum('email_status', ['queued', 'sending', 'sent', 'failed']);
export const reportFrequency = pgEnum('report_frequency', ['weekly', 'monthly']);
export const scanFrequency = pgEnum('scan_frequency', ['daily', 'weekly', 'monthly']);
export const notificationFrequency = pgEnum('notification_frequency', ['immediate', 'daily', 'weekly']);
export const priceTableKind = pgEnum('price_table_kind', ['sell', 'cost']);
export const subscriptionEventKind = pgEnum('subscription_event_kind', [
  'started',
  'ips_changed',
  'ips_decrease_scheduled',
  'ips_decrease_cancelled',
  'cancelled',
  'reactivated',
  'converted_to_purchased',
]);

/** The org tree: MSP → (sub-partner)* → customer; an enterprise is a customer with sub-orgs. */
export const orgs = pgTable(
  'orgs',
  {
    id: uuid('id').primaryKey(),
    parentId: uuid('parent_id'),
    kind: orgKind('kind').notNull(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    country: text('country').notNull(),
    state: text('state'),
    timeZone: text('time_zone').notNull().default('UTC'),
    currency: text('currency').notNull().default('EUR'),
    partnershipType: partnershipType('partnership_type'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('orgs_slug_key').on(t.slug), index('orgs_parent_idx').on(t.parentId)],
);

/** The owning org of a tenant row; deleting an org removes everything it owns. */
const tenantId = () => uuid('tenant_id').references(() => orgs.id, { onDelete: 'cascade' });

export const users = pgTable(
  'users',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    externalId: text('external_id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    status: userStatus('status').notNull().default('active'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('users_tenant_external_key').on(t.tenantId, t.externalId),
    uniqueIndex('users_id_key').on(t.id),
  ],
);

/** A user's role in its home org. One row per (user, role); sessions name which role they use. */
export const roleAssignments = pgTable(
  'role_assignments',
  {
    tenantId: tenantId().notNull(),
    userId: uuid('user_id').notNull(),
    role: userRole('role').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.role] }),
    index('role_assignments_user_idx').on(t.userId),
  ],
);

/** Which customers an account manager may see; `tenant_id` is the customer. */
export const accountManagerAssignments = pgTable(
  'account_manager_assignments',
  {
    tenantId: tenantId().notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index('account_manager_assignments_user_idx').on(t.userId),
  ],
);

export const customerProfiles = pgTable('customer_profiles', {
    tenantId: tenantId().primaryKey(),
    status: customerStatus('status').notNull().default('active'),
    serviceMode: serviceMode('service_mode').notNull().default('managed'),
    paymentMethod: paymentMethod('payment_method').notNull().default('invoice'),
    accessDelegation: accessDelegation('access_delegation').notNull().default('disabled'),
    /** Set when the customer revoked the MSP's access: the fleet shows "connection lost". */
    revokedAt: ts('revoked_at'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    postalCode: text('postal_code'),
    city: text('city'),
    vatId: text('vat_id'),
    mainUserId: uuid('main_user_id'),
    /** When an MSP asked for the tenant to be deleted (status `deleting`), and who did. */
    deletionRequestedAt: ts('deletion_requested_at'),
    deletionRequestedBy: uuid('deletion_requested_by'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
);

export const subscriptions = pgTable(
  'subscriptions',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    plan: plan('plan').notNull(),
    licenceModel: licenceModel('licence_model').notNull(),
    /** Licences (per-asset: assets, per-scan: scans per month); null for unlimited. */
    licenceQuota: integer('licence_quota'),
    ipsInternal: integer('ips_internal').notNull().default(0),
    ipsExternal: integer('ips_external').notNull().default(0),
    currency: text('currency').notNull(),
    /** What the customer pays per month, in minor units of `currency`. */
    monthlyPriceMinor: bigint('monthly_price_minor', { mode: 'number' }).notNull(),
    /** What the MSP pays per month for the same licences. */
    monthlyCostMinor: bigint('monthly_cost_minor', { mode: 'number' }).notNull(),
    startedAt: ts('started_at').notNull(),
    trialEndsAt: ts('trial_ends_at'),
    renewsAt: ts('renews_at'),
    cancelledAt: ts('cancelled_at'),
    /**
     * A decrease of the IPs waiting for the end of its booking month (null: none). A copy of the
     * latest `ips_decrease_scheduled` event not yet cancelled or applied, so reads need no event
     * replay; the events stay the truth (bff/db/queries/subscriptions.ts keeps both in step).
     */
    pendingIpsInternal: integer('pending_ips_internal'),
    pendingIpsExternal: integer('pending_ips_external'),
    pendingEffectiveAt: ts('pending_effective_at'),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Every change of a subscription as a dated fact, append-only (migrations/0011_pricing_rls.sql
 * refuses updates, and deletes by the request role): any past billing period can be recomputed
 * from them. `tenant_id` is the customer.
 */
export const subscriptionEvents = pgTable(
  'subscription_events',
  {
    tenantId: tenantId().notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    kind: subscriptionEventKind('kind').notNull(),
    at: ts('at').notNull(),
    /**
     * The plan from `at` on: `started` records the plan it began on, `converted_to_purchased`
     * says purchased. Null otherwise, and on `started` events stored before 0014 (they read as
     * the subscription's plan: a trial still running started as one, anything else as purchased).
     */
    plan: plan('plan'),
    /** The IPs from `at` on (started, ips_changed) or from `effective_at` on (a scheduled decrease). */
    ipsInternal: integer('ips_internal'),
    ipsExternal: integer('ips_external'),
    effectiveAt: ts('effective_at'),
    /** What the event refers to, such as the scheduled decrease a cancellation withdraws. */
    ref: text('ref'),
    actorId: uuid('actor_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('subscription_events_tenant_subscription_at_idx').on(t.tenantId, t.subscriptionId, t.at),
  ],
);

/**
 * An MSP's (or sub-partner's) graduated price list: `sell` is what its customers pay, `cost`
 * what it pays. One row of each kind per org; both change together and share `version`.
 */
export const priceTables = pgTable(
  'price_tables',
  {
    tenantId: tenantId().notNull(),
    kind: priceTableKind('kind').notNull(),
    currency: text('currency').notNull(),
    articleName: text('article_name').notNull(),
    articleNumber: text('article_number').notNull(),
    /** `[{ upTo, unitMinor }]`, ascending, the last open-ended (bff/domain/pricing.ts). */
    tiers: jsonb('tiers').notNull(),
    /** The prepaid discount on the cost (basis points); 0 on the sell row. */
    prepaidDiscountBps: integer('prepaid_discount_bps').notNull().default(0),
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] })],
);

/**
 * Every saved version of a seller's price tables, append-only (migrations/0013_price_history_rls.sql
 * refuses updates, and deletes by the request role): version `n` holds from `valid_from` until the
 * next version's, so a past billing period is priced with the tables of its time. `price_tables`
 * is a copy of the latest version, kept in the same transaction.
 */
export const priceTableVersions = pgTable(
  'price_table_versions',
  {
    tenantId: tenantId().notNull(),
    version: integer('version').notNull(),
    kind: priceTableKind('kind').notNull(),
    currency: text('currency').notNull(),
    articleName: text('article_name').notNull(),
    articleNumber: text('article_number').notNull(),
    tiers: jsonb('tiers').notNull(),
    prepaidDiscountBps: integer('prepaid_discount_bps').notNull().default(0),
    /** From when the version prices; never before the previous version's. */
    validFrom: ts('valid_from').notNull(),
    createdBy: uuid('created_by'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.version, t.kind] })],
);

/**
 * A prepaid project key an MSP redeemed: IPs for a runtime at a purchase price, and the selling
 * price the MSP asks (null until set), optionally for one customer. `tenant_id` is the MSP org.
 */
export const projectKeys = pgTable(
  'project_keys',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    code: text('code').notNull(),
    ipCount: integer('ip_count').notNull(),
    runtimeMonths: integer('runtime_months').notNull(),
    currency: text('currency').notNull(),
    purchasePriceMinor: bigint('purchase_price_minor', { mode: 'number' }).notNull(),
    sellingPriceMinor: bigint('selling_price_minor', { mode: 'number' }),
    customerId: uuid('customer_id'),
    redeemedAt: ts('redeemed_at').notNull().defaultNow(),
    redeemedBy: uuid('redeemed_by'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('project_keys_tenant_code_key').on(t.tenantId, t.code),
  ],
);

export const assets = pgTable(
  'assets',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    kind: assetKind('kind').notNull(),
    value: text('value').notNull(),
    /** The value after normalisation; two spellings of one asset count once. */
    normalizedValue: text('normalized_value').notNull(),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('assets_tenant_normalized_key').on(t.tenantId, t.kind, t.normalizedValue),
  ],
);

export const scans = pgTable(
  'scans',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    profile: text('profile').notNull(),
    status: scanStatus('status').notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at'),
    findingsCount: integer('findings_count').notNull().default(0),
    /** The schedule that asked for the scan; null for scans started by hand or imported. */
    scheduleId: uuid('schedule_id'),
    /** Why it ran: `schedule`, `new_asset`, `vulnerability_db_update` or `manual`. */
    trigger: text('trigger'),
    /**
     * What the run is, unique per schedule: the slot (`slot:2026-11-26T02:00:00.000Z`), the new
     * asset (`asset:<id>`) or the database version (`vulndb:<version>`). Racing ticks insert
     * the same key, so each run happens once.
     */
    runKey: text('run_key'),
    /** Asset values the scan covers; empty means every asset of the customer. */
    targets: text('targets').array().notNull().default(sql`'{}'::text[]`),
    error: text('error'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('scans_tenant_started_idx').on(t.tenantId, t.startedAt),
    uniqueIndex('scans_schedule_run_key').on(t.tenantId, t.scheduleId, t.runKey),
  ],
);

/**
 * Recurring scans of a customer (`tenant_id`): daily, weekly on a weekday or monthly on a day,
 * at a preferred local start time in `time_zone` (null: the customer's own zone), plus event
 * triggers (`new_asset`, `vulnerability_db_update`). `next_run_at` is the next slot in UTC.
 */
export const scanSchedules = pgTable(
  'scan_schedules',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    profile: text('profile').notNull(),
    /** Asset values to scan; empty means every asset of the customer. */
    targets: text('targets').array().notNull().default(sql`'{}'::text[]`),
    frequency: scanFrequency('frequency').notNull(),
    /** ISO weekday 1 (Monday) … 7, for weekly schedules. */
    weekday: smallint('weekday'),
    /** 1 … 28, for monthly schedules. */
    dayOfMonth: smallint('day_of_month'),
    /** Preferred local start time, `HH:MM`. */
    startTime: text('start_time').notNull(),
    /** IANA zone; null follows the customer's time zone. */
    timeZone: text('time_zone'),
    triggers: text('triggers').array().notNull().default(sql`'{}'::text[]`),
    enabled: boolean('enabled').notNull().default(true),
    nextRunAt: ts('next_run_at'),
    lastRunAt: ts('last_run_at'),
    createdBy: uuid('created_by').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('scan_schedules_next_run_idx').on(t.nextRunAt)],
);

export const findings = pgTable(
  'findings',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    assetId: uuid('asset_id').notNull(),
    scanId: uuid('scan_id'),
    severity: severity('severity').notNull(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    status: findingStatus('status').notNull().default('open'),
    firstSeenAt: ts('first_seen_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    /**
     * The finding's entry in `portico.finding_titles`, set by a trigger from `type` and `title`.
     * Search matches text in that catalogue and then finds rows by this id: an integer equality
     * is leakproof, so its index still works under Row-Level Security (docs/search.md).
     */
    titleId: integer('title_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('findings_tenant_status_severity_idx').on(t.tenantId, t.status, t.severity),
    index('findings_tenant_type_idx').on(t.tenantId, t.type),
    index('findings_title_tenant_idx').on(t.titleId, t.tenantId),
  ],
);

export const postureSnapshots = pgTable(
  'posture_snapshots',
  {
    tenantId: tenantId().notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    score: smallint('score').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] })],
);

/**
 * Per-customer figures the fleet view sorts and filters by, kept up to date when a scan
 * finishes (see `portico.refresh_customer_metrics`). Computing them per request would mean
 * aggregating millions of findings for every page of the fleet.
 */
export const customerMetrics = pgTable('customer_metrics', {
  tenantId: tenantId().primaryKey(),
  postureScore: smallint('posture_score'),
  postureTrend: smallint('posture_trend'),
  /** Daily scores of the last 30 days, oldest first: the fleet's sparkline without a second query. */
  postureHistory: smallint('posture_history').array().notNull().default(sql`'{}'::smallint[]`),
  lastScanAt: ts('last_scan_at'),
  openPriorityFindings: integer('open_priority_findings').notNull().default(0),
  assetsCount: integer('assets_count').notNull().default(0),
  scansThisMonth: integer('scans_this_month').notNull().default(0),
  refreshedAt: ts('refreshed_at').notNull().defaultNow(),
});

export const themes = pgTable('themes', {
  tenantId: tenantId().primaryKey(),
  colorPrimary: text('color_primary'),
  colorAccent: text('color_accent'),
  colorBackground: text('color_background'),
  colorText: text('color_text'),
  colorDanger: text('color_danger'),
  colorWarning: text('color_warning'),
  colorSuccess: text('color_success'),
  fontFamily: text('font_family'),
  borderRadius: text('border_radius'),
  spacingUnit: text('spacing_unit'),
  mode: themeMode('mode'),
  /** The org's current logo (`logos.id`); null falls back to the fleet theme's. */
  logoId: uuid('logo_id'),
  version: integer('version').notNull().default(1),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Uploaded logos, immutable: a new upload is a new row and the theme points at it. `image` is
 * what the widgets show (an SVG only after sanitising); `raster` is a PNG of it for email and
 * PDF, which do not show SVG.
 */
export const logos = pgTable(
  'logos',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    /** image/png, image/jpeg or image/svg+xml. */
    contentType: text('content_type').notNull(),
    image: bytea('image').notNull(),
    raster: bytea('raster').notNull(),
    rasterWidth: integer('raster_width').notNull(),
    rasterHeight: integer('raster_height').notNull(),
    sha256: text('sha256').notNull(),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Scheduled executive-report emails of a customer (`tenant_id`): weekly on a weekday or monthly
 * on a day, at a local time in `time_zone`. `next_run_at` is the next slot in UTC; the job runs
 * with the scope of `created_by`.
 */
export const reportSchedules = pgTable(
  'report_schedules',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    frequency: reportFrequency('frequency').notNull(),
    /** ISO weekday 1 (Monday) … 7, for weekly schedules. */
    weekday: smallint('weekday'),
    /** 1 … 28, for monthly schedules. */
    dayOfMonth: smallint('day_of_month'),
    /** Local time of day, `HH:MM`. */
    sendTime: text('send_time').notNull(),
    timeZone: text('time_zone').notNull(),
    recipients: text('recipients').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    nextRunAt: ts('next_run_at'),
    lastRunAt: ts('last_run_at'),
    createdBy: uuid('created_by').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('report_schedules_next_run_idx').on(t.nextRunAt)],
);

/**
 * Every executive-report email sent or queued: by a schedule (one row per slot, so a slot is
 * never sent twice) or on request. The message itself is the `email_messages` row.
 */
export const reportSends = pgTable(
  'report_sends',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    scheduleId: uuid('schedule_id'),
    /** The schedule's slot, or when the send was requested. */
    runAt: ts('run_at').notNull(),
    periodFrom: date('period_from', { mode: 'string' }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    recipients: text('recipients').array().notNull(),
    emailId: uuid('email_id'),
    requestedBy: uuid('requested_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('report_sends_slot_key').on(t.tenantId, t.scheduleId, t.runAt),
    index('report_sends_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    /** The first characters of the key, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key, hex. Keys are 256-bit random, so a fast hash is enough. */
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    allowedIps: text('allowed_ips').array(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('api_keys_hash_key').on(t.hash),
  ],
);

/**
 * Per-user settings saved on the server (the fleet's column choice, …), one row per key. A user
 * reads and writes only its own rows: besides the tenant policy, a restrictive policy ties
 * `user_id` to the principal (migrations/0006_user_preferences_rls.sql).
 */
export const userPreferences = pgTable(
  'user_preferences',
  {
    tenantId: tenantId().notNull(),
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.key] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id], name: 'user_preferences_user_fk' }).onDelete('cascade'),
  ],
);

/**
 * An invitation of a user (status `invited`) to its tenant. The link carries a random token;
 * only its SHA-256 is stored. Re-sending replaces the token, so only the newest link works.
 */
export const invites = pgTable(
  'invites',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    userId: uuid('user_id').notNull(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    sentCount: integer('sent_count').notNull().default(1),
    lastSentAt: ts('last_sent_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('invites_token_hash_key').on(t.tokenHash),
    uniqueIndex('invites_tenant_user_key').on(t.tenantId, t.userId),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id], name: 'invites_user_fk' }).onDelete('cascade'),
  ],
);

/**
 * Responses of creating POSTs sent with `Idempotency-Key`, per user, kept for a day: a retry
 * with the same key and body gets the first response again instead of a second object.
 * `tenant_id` is the user's home org.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: tenantId().notNull(),
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    /** SHA-256 of the request body: the same key with another body is refused. */
    requestHash: text('request_hash').notNull(),
    status: smallint('status').notNull(),
    response: jsonb('response').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.key] }), index('idempotency_keys_tenant_created_idx').on(t.tenantId, t.createdAt)],
);

/**
 * Things the MSP should know about a tenant (a licence threshold crossed, …). `dedupe_key`
 * makes an event record once however often it is observed.
 */
export const notifications = pgTable(
  'notifications',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull(),
    /** What a user opts in to or out of: `licences`, `scans`, `findings`, `lifecycle`, … */
    category: text('category').notNull().default('general'),
    dedupeKey: text('dedupe_key').notNull(),
    title: text('title').notNull(),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('notifications_dedupe_key').on(t.tenantId, t.kind, t.dedupeKey),
  ],
);

/**
 * How a user wants to hear about notifications: each one as it happens, or a daily or weekly
 * digest; `muted_categories` are left out. `tenant_id` is the user's home org. A user edits its
 * own; admins edit anyone's they can see (migrations/0021_fleet_operations_rls.sql).
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    tenantId: tenantId().notNull(),
    userId: uuid('user_id').notNull(),
    frequency: notificationFrequency('frequency').notNull().default('immediate'),
    mutedCategories: text('muted_categories').array().notNull().default(sql`'{}'::text[]`),
    /** Notifications created up to here are in a digest already sent. */
    digestCursor: ts('digest_cursor'),
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id], name: 'notification_preferences_user_fk' }).onDelete('cascade'),
  ],
);

/**
 * One row per notification a user was told about (`tenant_id` is the user's home org): the
 * primary key makes each notification reach each user at most once, whether immediately or in
 * a digest (`email_id` is the message that carried it).
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    tenantId: tenantId().notNull(),
    userId: uuid('user_id').notNull(),
    notificationTenantId: uuid('notification_tenant_id').notNull(),
    notificationId: uuid('notification_id').notNull(),
    frequency: notificationFrequency('frequency').notNull(),
    emailId: uuid('email_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.notificationId] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id], name: 'notification_deliveries_user_fk' }).onDelete('cascade'),
    index('notification_deliveries_notification_idx').on(t.notificationTenantId, t.notificationId),
  ],
);

/**
 * Every email Portico sends, recorded before it is sent: `queued` → `sending` → `sent` (or
 * `failed` after the last retry). `tenant_id` is the org the message is about (for a purged
 * tenant, the org that managed it).
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    tenantId: tenantId().notNull(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    kind: text('kind').notNull(),
    to: text('to').array().notNull(),
    subject: text('subject').notNull(),
    /** What the template needs to render the message; rendered when sent. */
    data: jsonb('data').notNull(),
    status: emailStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    messageId: text('message_id'),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('email_messages_tenant_status_idx').on(t.tenantId, t.status)],
);

/** Append-only: the request role may insert and read, never update or delete. */
export const auditLog = pgTable(
  'audit_log',
  {
    tenantId: tenantId().notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    at: ts('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role').notNull(),
    action: text('action').notNull(),
    targetId: uuid('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('audit_log_tenant_at_idx').on(t.tenantId, t.at),
  ],
);

/** Private schema: not granted to the request role. */
export const portico = pgSchema('portico');

export const orgClosure = portico.table(
  'org_closure',
  {
    ancestorId: uuid('ancestor_id').notNull(),
    descendantId: uuid('descendant_id').notNull(),
    depth: integer('depth').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ancestorId, t.descendantId] }),
    index('org_closure_descendant_idx').on(t.descendantId),
  ],
);

export const signingKeys = portico.table('signing_keys', {
  kid: text('kid').primaryKey(),
  privateJwk: jsonb('private_jwk').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** When the key stopped signing; it stays published until `retire_at`. */
  rotatedAt: ts('rotated_at'),
  retireAt: ts('retire_at'),
});

export const rateLimits = portico.table(
  'rate_limits',
  {
    bucket: text('bucket').notNull(),
    windowStart: ts('window_start').notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })],
);

export const settings = portico.table('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  isSecret: boolean('is_secret').notNull().default(false),
});

/**
 * Distinct finding kinds (`type` and `title`) across every tenant, with a trigram index on
 * `search_text`. Private: a request reaches it only through `portico.finding_title_matches`,
 * which answers ids, never text; the findings themselves are then read under RLS.
 */
export const findingTitles = portico.table(
  'finding_titles',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    searchText: text('search_text').notNull(),
  },
  (t) => [uniqueIndex('finding_titles_type_title_key').on(t.type, t.title)],
);
