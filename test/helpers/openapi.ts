import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../bff/db/client.js';
import { seeded } from '../../bff/db/seed.js';
import { ORIGIN, type World } from './db.js';
import { parseCsv, readXlsx } from './tabular.js';
import { readPdf } from './pdf.js';
import { signReportLink } from '../../bff/auth/report-links.js';
import { signEmailPreview } from '../../bff/auth/email-previews.js';

/**
 * The route inventory the security suites walk: `/v1/openapi.json` as the app serves it. The
 * suites generate their cases from it, so a route added later is covered (or, when a suite
 * cannot tell what to do with it, makes that suite fail and say what to add here).
 */

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  description?: string;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

interface MediaType {
  schema: JsonSchema;
}

export interface OperationObject {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

export const httpMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof httpMethods)[number];

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface ApiOperation {
  /** `GET /v1/fleet`, as tests name it. */
  name: string;
  method: HttpMethod;
  path: string;
  security: 'embedSession' | 'apiKey' | 'public';
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON request body schema, `$ref`s resolved at the top. */
  body: JsonSchema | undefined;
  /** The media types of a body that is a file, not JSON (a logo); sent as {@link exampleRawBodies} names. */
  rawBody: string[] | undefined;
  /**
   * Whether the operation requires `If-Match` (optimistic concurrency): the suites send the
   * ETag a GET of the same URL answers, and check what happens without it.
   */
  ifMatch: boolean;
  /** Whether the operation accepts `Idempotency-Key` (a creating POST a client may retry). */
  idempotencyKey: boolean;
  /**
   * The 2xx response: status, the JSON schema (resolved) and the component name it refers to,
   * and every media type it may come as (a download can be JSON, CSV or XLSX).
   */
  success: { status: number; schema: JsonSchema; ref: string | undefined; mediaTypes: string[] } | undefined;
}

/** Operations anyone may call; any other operation without `security` fails the suites. */
export const publicOperations = new Set([
  'GET /.well-known/jwks.json',
  'POST /v1/invites/accept',
  'GET /v1/report-links/{token}',
  // The report viewer's preview frame: a frame sends no token, the URL is signed (auth/email-previews.ts).
  'GET /v1/email-previews/{token}',
  // Logos: <img> and mail clients send no token; the id is a random UUID (routes/logos.ts).
  'GET /v1/logos/{logoId}',
  'GET /v1/logos/{logoId}/raster.png',
]);

export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let depth = 0; s.$ref; depth++) {
    assert.ok(depth < 20, `$ref cycle at ${s.$ref}`);
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    assert.ok(target, `unresolvable $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

export function refName(schema: JsonSchema): string | undefined {
  return schema.$ref?.replace('#/components/schemas/', '');
}

/** Whether a schema (or anything inside it) declares a uuid: its responses name objects. */
export function mentionsUuid(doc: OpenApiDocument, schema: JsonSchema, seen = new Set<JsonSchema>()): boolean {
  const s = resolve(doc, schema);
  if (seen.has(s)) return false;
  seen.add(s);
  if (s.format === 'uuid') return true;
  const children = [
    ...Object.values(s.properties ?? {}),
    ...(s.items ? [s.items] : []),
    ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties] : []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    ...(s.allOf ?? []),
  ];
  return children.some((c) => mentionsUuid(doc, c, seen));
}

function classifySecurity(name: string, op: OperationObject): ApiOperation['security'] {
  const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (schemes.length === 0) {
    assert.ok(publicOperations.has(name), `${name} declares no security and is not a known public operation`);
    return 'public';
  }
  assert.equal(schemes.length, 1, `${name}: one security scheme per operation expected, got ${schemes.join(', ')}`);
  const scheme = schemes[0];
  if (scheme === 'embedSession' || scheme === 'apiKey') return scheme;
  throw new Error(`${name}: unknown security scheme ${scheme}`);
}

export async function loadOpenApi(world: World): Promise<{ document: OpenApiDocument; operations: ApiOperation[] }> {
  const res = await world.app.request('/v1/openapi.json');
  assert.equal(res.status, 200);
  const document = (await res.json()) as OpenApiDocument;
  assert.match(document.openapi, /^3\.1\./);
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item) as [string, OperationObject][]) {
      assert.ok((httpMethods as readonly string[]).includes(method), `${method.toUpperCase()} ${path}: unexpected method`);
      const name = `${method.toUpperCase()} ${path}`;
      const params = op.parameters ?? [];
      for (const p of params) {
        const known = p.in === 'query' || p.in === 'path' || (p.in === 'header' && ['if-match', 'idempotency-key'].includes(p.name.toLowerCase()));
        assert.ok(known, `${name}: parameter ${p.name} in ${p.in} is not handled by the security suites`);
      }
      const ifMatch = params.find((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match');
      const idempotencyKey = params.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
      if (idempotencyKey) assert.ok(!idempotencyKey.required, `${name}: Idempotency-Key must be optional`);
      if (ifMatch) {
        assert.ok(ifMatch.required, `${name}: If-Match must be declared required (a missing one answers 428)`);
        for (const status of ['412', '428']) assert.ok(op.responses[status], `${name}: requires If-Match but documents no ${status}`);
      }
      const bodyTypes = Object.keys(op.requestBody?.content ?? {});
      const raw = exampleRawBodies[name] ? bodyTypes : undefined;
      assert.ok(raw || bodyTypes.every((m) => m === 'application/json'), `${name}: request body ${bodyTypes.join(', ')} is not handled; add it to exampleRawBodies`);
      const body = op.requestBody?.content['application/json']?.schema;
      // A creating operation that may also answer 200 (the object existed already) is probed by
      // its 201: the suites' example bodies for it name a new object each time.
      const ok = Object.entries(op.responses).find(([status]) => status === '201') ?? Object.entries(op.responses).find(([status]) => status.startsWith('2'));
      const mediaTypes = Object.keys(ok?.[1].content ?? {});
      // A binary-only answer (a PDF) is inspected through its one media type's schema.
      const okSchema = ok?.[1].content?.['application/json']?.schema ?? (mediaTypes.length === 1 ? ok?.[1].content?.[mediaTypes[0]!]?.schema : undefined);
      for (const m of mediaTypes) assert.ok(decodable(m), `${name}: responses of type ${m} cannot be read; teach decodeResponse in test/helpers/openapi.ts`);
      operations.push({
        name,
        method: method as HttpMethod,
        path,
        security: classifySecurity(name, op),
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: body ? resolve(document, body) : undefined,
        rawBody: raw,
        ifMatch: !!ifMatch,
        idempotencyKey: !!idempotencyKey,
        success: ok && okSchema ? { status: Number(ok[0]), schema: resolve(document, okSchema), ref: refName(okSchema), mediaTypes } : undefined,
      });
    }
  }
  return { document, operations };
}

/** The URL of an operation with its path parameters filled in. */
export function urlOf(op: ApiOperation, pathValues: Record<string, string> = {}, query: Record<string, string> = {}): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = pathValues[name];
    assert.ok(value !== undefined, `${op.name}: no value for path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

/** A media type without its parameters, lower case: `text/csv; charset=utf-8` → `text/csv`. */
export const essence = (mediaType: string | null) => (mediaType ?? '').split(';')[0]!.trim().toLowerCase();

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const decodable = (mediaType: string) => ['application/json', 'text/csv', XLSX, 'application/pdf', 'text/html'].includes(essence(mediaType)) || /^image\/(?:\*|png)$/.test(essence(mediaType));

/** Whether a response's media type is one the operation declares (`image/*` covers `image/png`). */
export function declaresMediaType(declared: string[], mediaType: string | null): string | undefined {
  const actual = essence(mediaType);
  return declared.find((d) => essence(d) === actual || (essence(d).endsWith('/*') && actual.startsWith(essence(d).slice(0, -1))));
}

/**
 * A response body as data, whatever its type: JSON parsed; CSV and XLSX as rows of cells (dates
 * as ISO strings); a PDF as the text lines of each page (test/helpers/pdf.ts); so the suites can
 * look for ids and names in them the way they do in JSON.
 */
export async function decodeResponse(res: Response): Promise<{ mediaType: string; body: unknown }> {
  const mediaType = essence(res.headers.get('content-type'));
  if (mediaType === 'application/json') return { mediaType, body: JSON.parse(await res.text()) as unknown };
  // Response.text() drops a byte-order mark; the CSV must have one, so decode it ourselves.
  if (mediaType === 'text/csv') return { mediaType, body: parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())) };
  if (mediaType === XLSX) {
    const sheet = await readXlsx(await res.arrayBuffer());
    return { mediaType, body: sheet.rows.map((row) => row.map((v) => (v instanceof Date ? v.toISOString() : v))) };
  }
  if (mediaType === 'application/pdf') {
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-', 'a PDF starts with %PDF-');
    return { mediaType, body: readPdf(bytes).map((page) => page.lines) };
  }
  // An email's HTML part (a preview): its text, where ids would show.
  if (mediaType === 'text/html') return { mediaType, body: await res.text() };
  // An image names nothing: its bytes are not data the suites look into.
  if (mediaType.startsWith('image/')) return { mediaType, body: null };
  throw new Error(`a response of type ${mediaType} cannot be read; teach decodeResponse in test/helpers/openapi.ts`);
}

/**
 * The query variants an operation is probed with: the base query, then every enum query
 * parameter in each of its values (sorts, orders, formats, …).
 */
export function queryVariants(op: ApiOperation, base: Record<string, string> = {}): Record<string, string>[] {
  const variants: Record<string, string>[] = [base];
  for (const p of op.queryParams) {
    for (const value of p.schema.enum ?? []) variants.push({ ...base, [p.name]: String(value) });
  }
  return variants;
}

/**
 * The URL whose GET answers the ETag an If-Match operation sends: its own, or for an action on
 * a resource (`POST /v1/customers/{id}/lock`) the resource's (`/v1/customers/{id}`).
 */
export function etagUrlOf(doc: OpenApiDocument, op: ApiOperation, url: string): string {
  let path = op.path;
  let at = url;
  while (!doc.paths[path]?.get && path.lastIndexOf('/') > 0) {
    path = path.slice(0, path.lastIndexOf('/'));
    at = at.slice(0, at.lastIndexOf('/'));
  }
  return at;
}

/** The ETag a GET of the same URL answers, to send as `If-Match`. */
export async function currentEtag(world: World, url: string, token: string | undefined): Promise<string> {
  const res = await world.request(url, token ? { token } : {});
  assert.equal(res.status, 200, `GET ${url} for its ETag: ${await res.clone().text()}`);
  const etag = res.headers.get('etag');
  assert.ok(etag, `GET ${url} answers no ETag to send as If-Match`);
  return etag;
}

/**
 * A digest of every tenant-owned row, per table and tenant, read as the owner. Comparing two
 * digests shows which tenants a request wrote to.
 */
export async function tenantDigest(world: World): Promise<Map<string, { table: string; tenant: string; hash: string }>> {
  const tables = await queryRows<{ name: string }>(
    world.database.db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind = 'r'
           and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
         order by 1`,
  );
  const digest = new Map<string, { table: string; tenant: string; hash: string }>();
  for (const { name } of tables) {
    const rows = await queryRows<{ tenant: string; hash: string }>(
      world.database.db,
      sql`select t.tenant_id::text as tenant, md5(string_agg(t::text, E'\n' order by t::text)) as hash
            from ${sql.identifier(name)} t group by t.tenant_id`,
    );
    for (const r of rows) digest.set(`${name} ${r.tenant}`, { table: name, tenant: r.tenant, hash: r.hash });
  }
  return digest;
}

/** Tables and tenants whose rows differ between two digests. */
export function digestChanges(
  before: Map<string, { table: string; tenant: string; hash: string }>,
  after: Map<string, { table: string; tenant: string; hash: string }>,
): { table: string; tenant: string }[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .filter((k) => before.get(k)?.hash !== after.get(k)?.hash)
    .map((k) => {
      const e = (after.get(k) ?? before.get(k))!;
      return { table: e.table, tenant: e.tenant };
    });
}

// --- Objects named by path parameters ---------------------------------------------------

/**
 * A path parameter with an enum schema names one of a fixed set of sub-resources (such as a
 * preference key), not an object of some tenant.
 */
export const isEnumParam = (p: Parameter) => Array.isArray(p.schema.enum) && p.schema.enum.length > 0;

/** One object a route can address, with the tenant that owns it. */
export interface AddressableObject {
  id: string;
  tenant: string;
}

interface Collection {
  /**
   * `managed`: the object is an org directory entry (listed even after the customer revoked
   * its MSP's access). `visible`: tenant data, hidden once access is revoked.
   */
  scope: 'managed' | 'visible';
  /** Every object of this kind in the seeded world, read as the owner. */
  objects(world: World): Promise<AddressableObject[]>;
}

/**
 * Where ids for `/v1/<collection>/{id}` come from. A route whose collection is missing here
 * fails the suites that need real ids; add its table in one line.
 */
export const collections: Record<string, Collection> = {
  customers: {
    scope: 'managed',
    objects: (world) =>
      queryRows<AddressableObject>(
        world.database.db,
        sql`select o.id, o.id as tenant from orgs o join customer_profiles cp on cp.tenant_id = o.id order by o.id`,
      ),
  },
  'project-keys': {
    scope: 'visible',
    objects: (world) => queryRows<AddressableObject>(world.database.db, sql`select id, tenant_id as tenant from project_keys order by id`),
  },
  // Every org has a theme (its own row or the fallback), the MSPs' own included; a customer
  // that revoked its MSP's access hides it like its other data.
  // Logos are public by id; their tenant is the org that uploaded them.
  logos: {
    scope: 'visible',
    objects: (world) => queryRows<AddressableObject>(world.database.db, sql`select id, tenant_id as tenant from logos order by id`),
  },
  themes: {
    scope: 'visible',
    objects: (world) => queryRows<AddressableObject>(world.database.db, sql`select id, id as tenant from orgs order by id`),
  },
  'report-schedules': {
    scope: 'visible',
    objects: (world) => queryRows<AddressableObject>(world.database.db, sql`select id, tenant_id as tenant from report_schedules order by id`),
  },
  'scan-schedules': {
    scope: 'visible',
    objects: (world) => queryRows<AddressableObject>(world.database.db, sql`select id, tenant_id as tenant from scan_schedules order by id`),
  },
  // A signed link per seeded schedule, borrowing its creator's access (the id is the token).
  'report-links': {
    scope: 'visible',
    objects: async (world) => {
      const rows = await queryRows<{ tenant: string; created_by: string }>(world.database.db, sql`select tenant_id as tenant, created_by from report_schedules order by id`);
      return Promise.all(
        rows.map(async (row) => ({
          id: (await signReportLink(world.deps.keys, world.config, { customerId: row.tenant, userId: row.created_by, period: { from: '2026-01-01', to: '2026-01-31' } })).token,
          tenant: row.tenant,
        })),
      );
    },
  },
  // A signed email preview per seeded schedule, in its creator's scope, framable by the suites' origin.
  'email-previews': {
    scope: 'visible',
    objects: async (world) => {
      const rows = await queryRows<{ tenant: string; created_by: string }>(world.database.db, sql`select tenant_id as tenant, created_by from report_schedules order by id`);
      return Promise.all(
        rows.map(async (row) => ({
          id: (await signEmailPreview(world.deps.keys, { customerId: row.tenant, userId: row.created_by, period: { from: '2026-01-01', to: '2026-01-31' }, origins: [ORIGIN] })).token,
          tenant: row.tenant,
        })),
      );
    },
  },
  // Invitees first: the routes that address one user so far act on a pending invite.
  users: {
    scope: 'visible',
    objects: (world) =>
      queryRows<AddressableObject>(
        world.database.db,
        sql`select u.id, u.tenant_id as tenant from users u
              left join invites i on i.tenant_id = u.tenant_id and i.user_id = u.id
             order by (u.status = 'invited' and i.accepted_at is null) desc, u.id`,
      ),
  },
};

/**
 * Routes below a customer that answer its data, not its directory entry: once the customer
 * revokes its MSP's access they are gone for the MSP (404), so their objects are in scope only
 * where the customer's data is visible.
 */
const customerDataRoutes = new Set([
  'GET /v1/customers/{id}/ip-distribution',
  'PUT /v1/customers/{id}/ip-distribution',
  'DELETE /v1/customers/{id}/ip-distribution/pending',
  'GET /v1/customers/{id}/reports/executive',
  'GET /v1/customers/{id}/reports/executive.pdf',
  'GET /v1/customers/{id}/reports/executive/email',
  'POST /v1/customers/{id}/reports/executive/email',
  'POST /v1/customers/{id}/reports/executive/email/preview-link',
  'GET /v1/customers/{id}/report-sends',
  'GET /v1/customers/{id}/report-schedules',
  'POST /v1/customers/{id}/report-schedules',
  'GET /v1/customers/{id}/report-schedules/{scheduleId}',
  'PUT /v1/customers/{id}/report-schedules/{scheduleId}',
  'DELETE /v1/customers/{id}/report-schedules/{scheduleId}',
  'GET /v1/customers/{id}/scan-schedules',
  'POST /v1/customers/{id}/scan-schedules',
  'GET /v1/customers/{id}/scan-schedules/{scheduleId}',
  'PUT /v1/customers/{id}/scan-schedules/{scheduleId}',
  'DELETE /v1/customers/{id}/scan-schedules/{scheduleId}',
  'POST /v1/customers/{id}/scan-schedules/{scheduleId}/runs',
  'GET /v1/customers/{id}/scans',
]);

/** The scope an operation's objects live in: its collection's, unless it answers customer data. */
export function scopeOf(op: ApiOperation, collection: Collection): 'managed' | 'visible' {
  return customerDataRoutes.has(op.name) ? 'visible' : collection.scope;
}

/** The collection a path parameter names: the segment before `{param}`. */
export function collectionOf(op: ApiOperation, param: string): { name: string; collection: Collection } {
  const segments = op.path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const name = segments[at - 1] ?? '';
  const collection = collections[name];
  if (!collection) {
    throw new Error(`${op.name}: no object source for {${param}} (collection "${name}"); add it to collections in test/helpers/openapi.ts`);
  }
  return { name, collection };
}

// --- Valid request bodies ----------------------------------------------------------------

/**
 * A valid body per operation that has one. The malformed-input and cross-tenant suites
 * mutate it field by field using the schema; an operation missing here fails them.
 */
export const exampleBodies: Record<string, (world: World) => Record<string, unknown>> = {
  'POST /v1/embed-sessions': () => ({
    user: { externalId: 'suite-user', email: 'suite.user@northwind-cyber.example', name: 'Suite User' },
    role: 'msp_admin',
    origins: [ORIGIN],
  }),
  // Valid for every key: each takes its own fields and ignores the others'.
  'PUT /v1/me/preferences/{key}': () => ({
    value: {
      visible: ['name', 'status', 'posture'],
      order: ['posture', 'name', 'status'],
      open: [{ id: '00000000-0000-4000-8000-00000000a0b1', name: 'Acme' }],
      active: null,
    },
  }),
  // Two categories, so a bad second item and a repeat are both expressible.
  'PUT /v1/me/notification-preferences': () => ({ frequency: 'daily', mutedCategories: ['lifecycle', 'billing'] }),
  'PUT /v1/users/{userId}/notification-preferences': () => ({ frequency: 'weekly', mutedCategories: ['general', 'reports'] }),
  // Every optional field but parentId (the caller's org by default), so each gets mutated.
  'POST /v1/customers': () => ({
    accountType: 'customer',
    name: 'Suite Customer',
    country: 'DE',
    state: 'Hamburg',
    address: { line1: 'Hafenstrasse 1', line2: '2. OG', postalCode: '20459', city: 'Hamburg' },
    vatId: 'DE123456789',
    mainUser: { name: 'Suite Owner', email: 'owner@suite-customer.example' },
    plan: 'purchased',
    licenceModel: 'per_asset',
    licenceQuota: 10,
    serviceMode: 'managed',
    paymentMethod: 'invoice',
    accessDelegation: 'read_only',
    timeZone: 'Europe/Berlin',
  }),
  // Accepted already, so accepting again answers 200 and changes nothing.
  'POST /v1/invites/accept': () => ({ token: seeded.acceptedInviteToken }),
  // A new asset each time (a second spelling of an existing one answers 200 instead of 201).
  'POST /v1/customers/{id}/assets': () => ({ kind: 'subdomain', value: `suite-${randomUUID()}.example.com` }),
  'PUT /v1/price-tables': () => ({
    sell: { currency: 'EUR', articleName: 'Suite scanning per IP', articleNumber: 'SUITE-1', tiers: [{ upTo: 50, unitMinor: 500 }, { upTo: 250, unitMinor: 400 }, { upTo: null, unitMinor: 300 }] },
    cost: { currency: 'EUR', articleName: 'Suite scanning per IP', articleNumber: 'SUITE-1', tiers: [{ upTo: 50, unitMinor: 300 }, { upTo: 250, unitMinor: 250 }, { upTo: null, unitMinor: 200 }] },
    prepaidDiscountBps: 250,
  }),
  // Another accessible primary each time, so every accepted change is one; every field set so each gets mutated.
  'PUT /v1/themes/{orgId}': () => ({
    colorPrimary: `#0b5c${(0x10 + Math.floor(Math.random() * 0x90)).toString(16)}`,
    colorAccent: '#7a3e9d',
    colorBackground: '#ffffff',
    colorText: '#1b1f24',
    colorDanger: '#b3261e',
    colorWarning: '#8a5300',
    colorSuccess: '#1a7139',
    fontFamily: 'Inter, Arial, sans-serif',
    borderRadius: '8px',
    spacingUnit: '4px',
    mode: 'light',
  }),
  // Every field set, so each gets mutated; a period within the seeded history.
  'POST /v1/customers/{id}/reports/executive/email': () => ({ recipients: ['cfo@suite-customer.example', 'it@suite-customer.example'], from: '2026-01-01', to: '2026-01-31' }),
  'POST /v1/customers/{id}/reports/executive/email/preview-link': () => ({ from: '2026-01-01', to: '2026-01-31' }),
  'POST /v1/customers/{id}/report-schedules': () => ({ frequency: 'weekly', weekday: 1, dayOfMonth: null, sendTime: '08:00', timeZone: 'Europe/Berlin', recipients: ['cfo@suite-customer.example'], enabled: true }),
  // Another send time each time, so every accepted change is one.
  'PUT /v1/customers/{id}/report-schedules/{scheduleId}': () => ({
    frequency: 'monthly', weekday: null, dayOfMonth: 1 + Math.floor(Math.random() * 28), sendTime: `0${Math.floor(Math.random() * 10)}:30`, timeZone: 'America/New_York', recipients: ['ceo@suite-customer.example'], enabled: true,
  }),
  'POST /v1/customers/{id}/scan-schedules': () => ({
    name: 'Suite scan', profile: 'external', targets: ['suite.example.com'], frequency: 'weekly', weekday: 3, dayOfMonth: null, startTime: '02:00', timeZone: 'Europe/Berlin', triggers: ['new_asset'], enabled: true,
  }),
  // Another start time each time, so every accepted change is one.
  'PUT /v1/customers/{id}/scan-schedules/{scheduleId}': () => ({
    name: 'Suite scan changed', profile: 'web', targets: [], frequency: 'monthly', weekday: null, dayOfMonth: 1 + Math.floor(Math.random() * 28), startTime: `0${Math.floor(Math.random() * 10)}:15`, timeZone: null, triggers: ['vulnerability_db_update'], enabled: true,
  }),
  'POST /v1/fleet/scan-schedules': (world) => ({
    customerIds: world.orgs.customersA.slice(0, 2),
    schedule: { name: 'Suite fleet scan', profile: 'full', targets: [], frequency: 'daily', weekday: null, dayOfMonth: null, startTime: '03:30', timeZone: 'Asia/Kolkata', triggers: ['new_asset', 'vulnerability_db_update'], enabled: true },
  }),
  // No customerId: every caller prices for its own org (the field is still mutated).
  'POST /v1/quotes': () => ({ ips: 300 }),
  // A new code each time (a code redeemed twice answers 409).
  'POST /v1/project-keys': () => ({ code: `SUITE-${randomUUID().slice(0, 8)}`, ipCount: 100, runtimeMonths: 12, purchasePriceMinor: 120_000 }),
  'PUT /v1/project-keys/{id}': (world) => ({ sellingPriceMinor: 150_000 + Math.floor(Math.random() * 1000), customerId: world.orgs.customersA[0] }),
  // Every field set, so each gets mutated; applied, so the scope checks see a real write.
  'POST /v1/fleet/tags': (world) => ({ customerIds: world.orgs.customersA.slice(0, 2), add: ['Suite tag'], remove: ['Suite old'], dryRun: false }),
  // Another quota each time, so every accepted change is one.
  'PUT /v1/customers/{id}/ip-distribution': () => ({ internal: Math.floor(Math.random() * 300), external: 1 + Math.floor(Math.random() * 300) }),
};

// --- Customer lifecycle: the state each action starts from ---------------------------------

/** The user the main-user example names; `prepareTarget` makes it an active user of the target. */
export const SUITE_MAIN_USER = '5e1f0000-0000-4000-8000-00000000a11e';

Object.assign(exampleBodies, {
  // No VAT-ID: whether one is needed depends on the customer's country (its field is still mutated).
  'PATCH /v1/customers/{id}': () => ({
    name: 'Suite Customer Renamed',
    address: { line1: 'Hafenstrasse 1', line2: '2. OG', postalCode: '20459', city: 'Hamburg', state: 'Hamburg' },
    accessDelegation: 'full',
  }),
  'POST /v1/customers/{id}/convert-to-purchased': () => ({ licenceQuota: 25 }),
  'PUT /v1/customers/{id}/main-user': () => ({ userId: SUITE_MAIN_USER }),
  'POST /v1/customers/{id}/deletion': () => ({ confirm: 'DELETE' }),
} satisfies typeof exampleBodies);

/** Where each lifecycle action must find the customer to succeed (the default: active, managed as seeded). */
const lifecycleStarts: Record<string, { status?: 'locked' | 'cancelled'; serviceMode?: 'self_service'; trial?: boolean; mainUser?: boolean; pendingDecrease?: boolean }> = {
  'PATCH /v1/customers/{id}': {},
  'POST /v1/customers/{id}/lock': {},
  'POST /v1/customers/{id}/unlock': { status: 'locked' },
  'POST /v1/customers/{id}/cancel': {},
  'POST /v1/customers/{id}/reactivate': { status: 'cancelled' },
  'POST /v1/customers/{id}/convert-to-managed': { serviceMode: 'self_service' },
  'POST /v1/customers/{id}/convert-to-purchased': { trial: true },
  'PUT /v1/customers/{id}/main-user': { mainUser: true },
  'POST /v1/customers/{id}/deletion': {},
  // A quota changes on a running subscription; cancelling a decrease needs one pending.
  'PUT /v1/customers/{id}/ip-distribution': {},
  'DELETE /v1/customers/{id}/ip-distribution/pending': { pendingDecrease: true },
};

/**
 * Lifecycle actions succeed only from certain states, and the suites send each many times to
 * one customer: before a request meant to succeed, this puts the customer (as the owner,
 * leaving its version alone) into a state the action accepts. Other operations: nothing.
 */
export async function prepareTarget(world: World, op: ApiOperation, pathValues: Record<string, string> | undefined): Promise<void> {
  const start = lifecycleStarts[op.name];
  const id = pathValues?.id;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // A schedule the suite deleted comes back before the next request addresses it, at the version
  // its deletion answered (as if the deletion had been undone), so ETags read before stay stale.
  const scheduleId = pathValues?.scheduleId;
  if (op.path.endsWith('/report-schedules/{scheduleId}') && id && scheduleId && uuid.test(id) && uuid.test(scheduleId)) {
    await world.database.db.execute(sql`insert into report_schedules (tenant_id, id, frequency, weekday, send_time, time_zone, recipients, next_run_at, created_by, version)
      select o.id, ${scheduleId}::uuid, 'weekly', 1, '08:00', 'Europe/Berlin', array['suite@example.com'], now() + interval '1 day', ${SUITE_MAIN_USER}::uuid,
             coalesce((select (a.before->>'version')::int + 1 from audit_log a where a.action = 'report_schedule.delete' and a.target_id = ${scheduleId}::uuid order by a.id desc limit 1), 1)
        from orgs o where o.id = ${id}::uuid and not exists (select 1 from report_schedules where id = ${scheduleId}::uuid)
      on conflict do nothing`);
  }
  if (op.path.includes('/scan-schedules/{scheduleId}') && id && scheduleId && uuid.test(id) && uuid.test(scheduleId)) {
    await world.database.db.execute(sql`insert into scan_schedules (tenant_id, id, name, profile, frequency, weekday, start_time, next_run_at, created_by, version)
      select o.id, ${scheduleId}::uuid, 'Suite scan', 'external', 'weekly', 1, '02:00', now() + interval '1 day', ${SUITE_MAIN_USER}::uuid,
             coalesce((select (a.before->>'version')::int + 1 from audit_log a where a.action = 'scan_schedule.delete' and a.target_id = ${scheduleId}::uuid order by a.id desc limit 1), 1)
        from orgs o where o.id = ${id}::uuid and not exists (select 1 from scan_schedules where id = ${scheduleId}::uuid)
      on conflict do nothing`);
  }
  // Malformed ids are refused before any state matters.
  if (!start || !id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return;
  const db = world.database.db;
  const status = start.status ?? 'active';
  await db.execute(sql`update customer_profiles
      set status = ${status}::customer_status, deletion_requested_at = null, deletion_requested_by = null
          ${start.serviceMode ? sql`, service_mode = ${start.serviceMode}::service_mode` : sql``}
    where tenant_id = ${id}::uuid`);
  await db.execute(sql`update subscriptions
      set cancelled_at = ${status === 'cancelled' ? sql`now()` : sql`null`}
          ${start.trial ? sql`, plan = 'trial', licence_model = 'per_asset', trial_ends_at = now() + interval '14 days', renews_at = null` : sql``}
    where tenant_id = ${id}::uuid`);
  if (start.pendingDecrease) {
    await db.execute(sql`update subscriptions
        set pending_ips_internal = 0, pending_ips_external = 1, pending_effective_at = now() + interval '20 days'
      where tenant_id = ${id}::uuid`);
  }
  if (start.mainUser) {
    await db.execute(sql`delete from users where id = ${SUITE_MAIN_USER}::uuid and tenant_id <> ${id}::uuid`);
    await db.execute(sql`insert into users (tenant_id, id, external_id, email, name, status)
      values (${id}::uuid, ${SUITE_MAIN_USER}::uuid, 'suite-main-user', 'suite.main@example.com', 'Suite Main User', 'active')
      on conflict do nothing`);
  }
}

/** A valid file body per operation that takes one (not JSON): its media type and bytes. */
export const exampleRawBodies: Record<string, () => { contentType: string; body: string }> = {
  // An SVG, so the sanitiser and the rasteriser run on every probe.
  'PUT /v1/themes/{orgId}/logo': () => ({
    contentType: 'image/svg+xml',
    body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 30"><rect width="90" height="30" rx="4" fill="#0b5cad"/><circle cx="15" cy="15" r="9" fill="#fff"/></svg>',
  }),
};

export function exampleBody(op: ApiOperation, world: World): Record<string, unknown> {
  const make = exampleBodies[op.name];
  if (!make) throw new Error(`${op.name}: no valid example body; add one to exampleBodies in test/helpers/openapi.ts`);
  return make(world);
}
