/**
 * Response and query types of the BFF, taken from its route definitions (type-only imports are
 * erased, so no server code reaches the bundle). When a route's zod schema changes, this file —
 * and every widget using it — stops compiling instead of drifting.
 */
import type { Hono } from 'hono';
import type { FleetRowJson, fleetRoutes } from '../../bff/routes/fleet.js';
import type { meRoutes } from '../../bff/routes/me.js';
import type { preferencesRoutes } from '../../bff/routes/preferences.js';
import type { onboardingRoutes } from '../../bff/routes/onboarding.js';
import type { customersRoutes } from '../../bff/routes/customers.js';
import type { licencesRoutes } from '../../bff/routes/licences.js';
import type { lifecycleRoutes } from '../../bff/routes/lifecycle.js';
import type { ipDistributionRoutes } from '../../bff/routes/ip-distribution.js';
import type { reportsRoutes } from '../../bff/routes/reports.js';
import type { themesRoutes } from '../../bff/routes/themes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SchemaOf<App> = App extends Hono<any, infer S, any> ? S : never;
type Endpoint<App, Path extends keyof SchemaOf<App>> = SchemaOf<App>[Path] extends { $get: infer G } ? G : never;
type Ok<E> = E extends { status: 200; output: infer O } ? O : never;
type QueryOf<E> = E extends { input: { query: infer Q } } ? Q : never;
type JsonBody<E> = E extends { input: { json: infer B } } ? B : never;

type FleetApp = ReturnType<typeof fleetRoutes>;
type MeApp = ReturnType<typeof meRoutes>;
type PreferencesApp = ReturnType<typeof preferencesRoutes>;
type OnboardingApp = ReturnType<typeof onboardingRoutes>;
type CreateCustomerEndpoint = SchemaOf<OnboardingApp>['/v1/customers'] extends { $post: infer P } ? P : never;
type Created<E> = E extends { status: 201; output: infer O } ? O : never;
type CustomersApp = ReturnType<typeof customersRoutes>;
type LicencesApp = ReturnType<typeof licencesRoutes>;
type LifecycleApp = ReturnType<typeof lifecycleRoutes>;
type IpDistributionApp = ReturnType<typeof ipDistributionRoutes>;
type ReportsApp = ReturnType<typeof reportsRoutes>;
type ThemesApp = ReturnType<typeof themesRoutes>;
/** One method of one path, e.g. `Route<LifecycleApp, '/v1/customers/:id', '$patch'>`. */
type Route<App, Path extends keyof SchemaOf<App>, Method extends string> = SchemaOf<App>[Path] extends Record<Method, infer E> ? E : never;

export type { FleetRowJson };
/** `GET /v1/fleet` → one page. */
export type FleetPage = Ok<Endpoint<FleetApp, '/v1/fleet'>>;
/** `GET /v1/fleet/summary` → portfolio totals. */
export type FleetSummary = Ok<Endpoint<FleetApp, '/v1/fleet/summary'>>;
/** `GET /v1/me`. */
export type Me = Ok<Endpoint<MeApp, '/v1/me'>>;
/** The query string `/v1/fleet` accepts (and `/v1/fleet/export`, which takes the same filters). */
export type FleetQueryParams = Partial<QueryOf<Endpoint<FleetApp, '/v1/fleet'>>>;

export type FleetSortKey = NonNullable<FleetQueryParams['sort']>;
export type FleetStatus = FleetRowJson['status'];
export type FleetPlan = NonNullable<FleetRowJson['plan']>;
export type ServiceMode = FleetRowJson['serviceMode'];
export type PaymentMethod = FleetRowJson['paymentMethod'];

/** `GET/PUT /v1/me/preferences/{key}`: `{ key, value, version, updatedAt }`; the ETag is `"<version>"`. */
export type Preference = Ok<Endpoint<PreferencesApp, '/v1/me/preferences/:key'>>;
/** The fleet table's saved column choice: `{ visible, order? }` of column ids. */
export type FleetColumnsPreference = Extract<Preference['value'], { visible: unknown }>;
/** The customers open as tabs: `{ open: [{ id, name }] (at most 12), active: id | null }`. */
export type CustomerTabsPreference = Extract<Preference['value'], { open: unknown }>;
/** Each preference key with its value. */
export interface PreferenceValues {
  'fleet-columns': FleetColumnsPreference;
  'customer-tabs': CustomerTabsPreference;
}
export type { FleetColumnId } from '../../bff/domain/fleet-columns.js';

export type ExportFormat = 'json' | 'csv' | 'xlsx';

/** `GET /v1/customers/{id}` → profile, subscription, posture and counts; the ETag is `"<version>"`. */
export type Customer = Ok<Endpoint<CustomersApp, '/v1/customers/:id'>>;
export type CustomerStatus = Customer['status'];

/** `GET /v1/customers/{id}/licence`: use against the quota, warning level, billing period, trial days. */
export type Licence = Ok<Endpoint<LicencesApp, '/v1/customers/:id/licence'>>;
/** `GET /v1/customers/{id}/usage?from&to`: daily scans per product, every day of the range present. */
export type CustomerUsage = Ok<Endpoint<LicencesApp, '/v1/customers/:id/usage'>>;
/** `GET /v1/customers/{id}/activity?limit&cursor`: the tenant's audit log, newest first. */
export type ActivityPage = Ok<Endpoint<LicencesApp, '/v1/customers/:id/activity'>>;
export type ActivityEntry = ActivityPage['items'][number];

/** `GET /v1/customers/{id}/users`: the tenant's users with their invites, and its contact. */
export type CustomerUsers = Ok<Endpoint<OnboardingApp, '/v1/customers/:id/users'>>;
export type CustomerUser = CustomerUsers['items'][number];
/** `POST /v1/customers/{id}/users/{userId}/invite` → 202: the new link's expiry and how often it was sent. */
export type InviteSent = Extract<Route<OnboardingApp, '/v1/customers/:id/users/:userId/invite', '$post'>, { status: 202 }>['output'];

/** `PATCH /v1/customers/{id}` body: any of name, address, VAT ID, access delegation. */
export type CustomerPatch = JsonBody<Route<LifecycleApp, '/v1/customers/:id', '$patch'>>;
/** The `POST /v1/customers/{id}/<transition>` state changes. */
export type CustomerTransition = 'lock' | 'unlock' | 'cancel' | 'reactivate' | 'convert-to-managed' | 'convert-to-purchased';

/** `POST /v1/customers` body: a customer, enterprise or sub-partner to create. */
export type NewOrg = JsonBody<CreateCustomerEndpoint>;
/** `POST /v1/customers` → 201: the new org, its Customer (null for a sub-partner) and the main user's invite. */
export type CreatedOrg = Created<CreateCustomerEndpoint>;

/**
 * `GET/PUT /v1/customers/{id}/ip-distribution`: the customer's IPs (internal, external, a pending
 * decrease), the MSP's sell tiers to price a change in the browser, and whether the caller may
 * change them; the ETag is `"<version>"`.
 */
export type IpDistribution = Ok<Endpoint<IpDistributionApp, '/v1/customers/:id/ip-distribution'>>;
/** `PUT /v1/customers/{id}/ip-distribution` body: `{ internal, external }`. */
export type IpDistributionChange = JsonBody<Route<IpDistributionApp, '/v1/customers/:id/ip-distribution', '$put'>>;

/**
 * `GET/PUT /v1/themes/{orgId}`: the org's own row, the resolved theme after the fallback, where
 * each value came from, every `--msp-*` token and the contrast report; the ETag is `"<version>"`.
 */
export type Theme = Ok<Endpoint<ThemesApp, '/v1/themes/:orgId'>>;
/** `PUT /v1/themes/{orgId}` body: every field absent or null falls back. */
export type ThemeUpdate = JsonBody<Route<ThemesApp, '/v1/themes/:orgId', '$put'>>;

/** `GET /v1/customers/{id}/reports/executive?from&to`: posture, findings, top risks, coverage, scans and the brand. */
export type ExecutiveReport = Ok<Endpoint<ReportsApp, '/v1/customers/:id/reports/executive'>>;
export type ReportSeverity = keyof ExecutiveReport['findingsBySeverity'];

/** `GET /v1/customers/{id}/reports/executive/email?from&to`: the summary email as it would be sent. */
export interface ReportEmailPreview {
  subject: string;
  html: string;
  text: string;
}
/** `POST /v1/customers/{id}/reports/executive/email/preview-link` → the HTML part's signed URL (a path under the api-base). */
export interface ReportEmailPreviewLink {
  url: string;
  expiresAt: string;
}
/** `POST /v1/customers/{id}/reports/executive/email` body (sent with `Idempotency-Key`). */
export interface ReportEmailRequest {
  recipients: string[];
  from?: string;
  to?: string;
}
/** `POST /v1/customers/{id}/reports/executive/email` → 202. */
export interface ReportEmailSent {
  id: string;
  emailId: string;
  recipients: string[];
  period: { from: string; to: string };
}
