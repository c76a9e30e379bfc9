/**
 * Response and query types of the BFF, taken from its route definitions (type-only imports are
 * erased, so no server code reaches the bundle). When a route's zod schema changes, this file —
 * and every widget using it — stops compiling instead of drifting.
 */
import type { Hono } from 'hono';
import type { FleetRowJson, fleetRoutes } from '../../bff/routes/fleet.js';
import type { meRoutes } from '../../bff/routes/me.js';
import type { preferencesRoutes } from '../../bff/routes/preferences.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SchemaOf<App> = App extends Hono<any, infer S, any> ? S : never;
type Endpoint<App, Path extends keyof SchemaOf<App>> = SchemaOf<App>[Path] extends { $get: infer G } ? G : never;
type Ok<E> = E extends { status: 200; output: infer O } ? O : never;
type QueryOf<E> = E extends { input: { query: infer Q } } ? Q : never;

type FleetApp = ReturnType<typeof fleetRoutes>;
type MeApp = ReturnType<typeof meRoutes>;
type PreferencesApp = ReturnType<typeof preferencesRoutes>;

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
export type FleetColumnsPreference = Preference['value'];
export type { FleetColumnId } from '../../bff/domain/fleet-columns.js';

export type ExportFormat = 'json' | 'csv' | 'xlsx';
