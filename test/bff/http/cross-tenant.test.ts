import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import {
  collectionOf,
  currentEtag,
  decodeResponse,
  digestChanges,
  essence,
  etagUrlOf,
  exampleBody,
  exampleRawBodies,
  isEnumParam,
  loadOpenApi,
  mentionsUuid,
  prepareTarget,
  queryVariants,
  resolve,
  scopeOf,
  tenantDigest,
  urlOf,
  type AddressableObject,
  type ApiOperation,
  type JsonSchema,
  type OpenApiDocument,
} from '../../helpers/openapi.js';
import { expectFieldError, expectProblem, type ProblemBody } from '../../helpers/problem.js';

/**
 * The cross-tenant matrix, generated from /v1/openapi.json. Four sessions — MSP A's admin,
 * MSP B's admin, customer A1 (MSP A, delegation full) and customer A2 (MSP A, read-only) —
 * are turned against each other's objects on every session route; the MSPs' API keys against
 * each other's tenants on every API-key route. What each may see is computed here from the
 * seed data (the org tree, delegation, revocation), not asked of the database functions under
 * test.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Caller {
  label: string;
  home: string;
  token: string;
  /** Orgs whose directory entry it may see: its subtree. */
  managed: Set<string>;
  /** Orgs whose data it may see: the subtree without customers that revoked their MSP. */
  visible: Set<string>;
  /** Orgs it may see named by id: its subtree and the orgs above it. */
  references: Set<string>;
}

type Probe =
  | { kind: 'object'; op: ApiOperation; param: string; scope: 'managed' | 'visible'; objects: AddressableObject[] }
  | { kind: 'list'; op: ApiOperation }
  | { kind: 'singleton'; op: ApiOperation }
  | { kind: 'tenant'; op: ApiOperation }
  /**
   * The caller's own resources, addressed without an object id (`/v1/me/preferences/{key}`,
   * the key an enum): one URL per combination of path values.
   */
  | { kind: 'own'; op: ApiOperation; urls: string[] }
  /** A creating POST without path parameters: `parentId` in its body says where the new org goes. */
  | { kind: 'create'; op: ApiOperation }
  /**
   * A mutation of one object (its body, if any, the valid example; If-Match, if required, a
   * well-formed version), addressed by its id (the last path parameter) and, before it, the
   * customer that owns it.
   */
  | { kind: 'mutation'; op: ApiOperation; scope: 'managed' | 'visible'; objects: AddressableObject[] };

interface SeedFacts {
  orgs: { id: string; slug: string; parent: string | null; kind: string }[];
  profiles: Map<string, { status: string; delegation: string; revoked: boolean; tags: string[] }>;
  /** Every uuid the seed holds, with the table and tenant it belongs to. */
  owners: Map<string, { table: string; tenant: string }>;
}

/**
 * Checks for responses that name no objects (totals): each gets the caller and the seed
 * facts and must prove the figures cover exactly the caller's scope.
 */
const aggregateChecks: Record<string, (body: Record<string, unknown>, caller: Caller, facts: SeedFacts) => void> = {
  FleetSummary: (body, caller, facts) => {
    const customers = facts.orgs.filter((o) => caller.managed.has(o.id) && facts.profiles.has(o.id) && (o.kind === 'customer' || o.kind === 'enterprise'));
    const lost = customers.filter((o) => facts.profiles.get(o.id)?.revoked);
    const active = customers.filter((o) => facts.profiles.get(o.id)?.status === 'active' && !facts.profiles.get(o.id)?.revoked);
    assert.equal(body.customers, customers.length, `${caller.label}: customers`);
    assert.equal(body.connectionLost, lost.length, `${caller.label}: connectionLost`);
    assert.equal(body.active, active.length, `${caller.label}: active`);
  },
  // Exactly the customers of the caller's subtree, revoked ones included (as connection lost).
  FleetExport: (body, caller, facts) => {
    const customers = facts.orgs.filter((o) => caller.managed.has(o.id) && facts.profiles.has(o.id) && (o.kind === 'customer' || o.kind === 'enterprise'));
    const items = body.items as { id: string }[];
    assert.deepEqual(items.map((i) => i.id).sort(), customers.map((o) => o.id).sort(), `${caller.label}: exported customers`);
  },
  // Each tag of the caller's customers once (ignoring case), counted over exactly those customers.
  FleetTagList: (body, caller, facts) => {
    const expected = new Map<string, number>();
    for (const [tenant, profile] of facts.profiles) {
      if (!caller.managed.has(tenant)) continue;
      for (const key of new Set(profile.tags.map((t) => t.toLowerCase()))) expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const tags = body.tags as { tag: string; customers: number }[];
    assert.deepEqual(
      new Map(tags.map((t) => [t.tag.toLowerCase(), t.customers])),
      expected,
      `${caller.label}: tags and their counts`,
    );
  },
};

function isListSchema(doc: OpenApiDocument, schema: JsonSchema): boolean {
  const items = schema.properties?.items;
  return !!items && resolve(doc, items).type === 'array' && !!schema.properties?.nextCursor;
}

/** Decides how to probe an operation, or says what this suite needs to learn about it. */
async function classify(world: World, doc: OpenApiDocument, op: ApiOperation): Promise<Probe | null> {
  if (op.security === 'public') return null;
  if (op.security === 'apiKey') {
    if (!op.body?.properties?.tenantId) {
      throw new Error(`${op.name}: an API-key operation without a tenantId in its body; teach cross-tenant.test.ts how it picks a tenant`);
    }
    return { kind: 'tenant', op };
  }
  const objectParams = op.pathParams.filter((p) => !isEnumParam(p));
  // Mutations, and reads of an object below a customer (`/customers/{id}/report-schedules/{scheduleId}`):
  // a foreign object answers 404 like an unknown one, through the customer it belongs to and through one's own.
  if ((op.method !== 'get' || objectParams.length > 1) && objectParams.length > 0 && objectParams.length === op.pathParams.length) {
    const last = objectParams[objectParams.length - 1]!;
    const outer = objectParams.slice(0, -1).map((p) => collectionOf(op, p.name).name);
    if (outer.every((name) => name === 'customers') && outer.length <= 1) {
      const { collection } = collectionOf(op, last.name);
      return { kind: 'mutation', op, scope: scopeOf(op, collection), objects: await collection.objects(world) };
    }
  }
  if (op.method !== 'get' && objectParams.length > 0) {
    throw new Error(`${op.name}: no cross-tenant probe for mutations of objects yet; add one (a foreign id must answer 404 before anything changes, and nothing may be written into a foreign tenant)`);
  }
  if (!op.success) throw new Error(`${op.name}: no JSON success response to inspect`);
  if (objectParams.length === 0 && op.pathParams.length > 0) {
    // Every combination of the enum values (one parameter so far).
    let combos: Record<string, string>[] = [{}];
    for (const p of op.pathParams) combos = combos.flatMap((c) => (p.schema.enum ?? []).map((v) => ({ ...c, [p.name]: String(v) })));
    return { kind: 'own', op, urls: combos.map((c) => urlOf(op, c)) };
  }
  if (op.method === 'post' && op.success.status === 201 && op.body?.properties?.parentId) return { kind: 'create', op };
  // Without a parent to name, a write acts for the caller's own org (its price tables, a quote, a
  // key it redeems): probed like the caller's own resources.
  if (op.method !== 'get' && op.pathParams.length === 0) return { kind: 'own', op, urls: [op.path] };
  if (op.pathParams.length > 1) throw new Error(`${op.name}: more than one path parameter; extend the object probe`);
  const [param] = op.pathParams;
  if (param) {
    const { collection } = collectionOf(op, param.name);
    return { kind: 'object', op, param: param.name, scope: scopeOf(op, collection), objects: await collection.objects(world) };
  }
  if (isListSchema(doc, op.success.schema)) {
    const item = resolve(doc, resolve(doc, op.success.schema.properties!.items!).items ?? {});
    if (!item.properties?.id) throw new Error(`${op.name}: list items carry no id to check`);
    return { kind: 'list', op };
  }
  if (!mentionsUuid(doc, op.success.schema) && !(op.success.ref && aggregateChecks[op.success.ref])) {
    throw new Error(`${op.name}: its response names no objects; add an aggregate check for ${op.success.ref ?? 'its schema'}`);
  }
  return { kind: 'singleton', op };
}

function descendantsOf(facts: SeedFacts, root: string): Set<string> {
  const out = new Set<string>([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of facts.orgs) {
      if (o.parent && out.has(o.parent) && !out.has(o.id)) {
        out.add(o.id);
        grew = true;
      }
    }
  }
  return out;
}

function ancestorsOf(facts: SeedFacts, id: string): string[] {
  const out: string[] = [];
  for (let at = facts.orgs.find((o) => o.id === id)?.parent; at; at = facts.orgs.find((o) => o.id === at)?.parent) out.push(at);
  return out;
}

function callerFor(facts: SeedFacts, label: string, home: string, token: string): Caller {
  const managed = descendantsOf(facts, home);
  const visible = new Set(managed);
  for (const [tenant, profile] of facts.profiles) {
    if (!profile.revoked) continue;
    const below = descendantsOf(facts, tenant);
    if (!below.has(home)) for (const id of below) visible.delete(id);
  }
  return { label, home, token, managed, visible, references: new Set([...managed, ...ancestorsOf(facts, home)]) };
}

/** Every uuid in a response that the caller may not see, with where it was found. */
function foreignIds(body: unknown, caller: Caller, facts: SeedFacts, path = '$'): string[] {
  if (typeof body === 'string') {
    if (!UUID.test(body)) return [];
    const owner = facts.owners.get(body.toLowerCase());
    if (!owner) return [`${path}: ${body} belongs to no seeded object`];
    // Orgs above the caller may be named; so may their logos: a customer shows its seller's
    // fleet logo, which is public by id (routes/logos.ts).
    const allowed = owner.table === 'orgs' || owner.table === 'logos' ? caller.references.has(owner.tenant) : caller.visible.has(owner.tenant);
    return allowed ? [] : [`${path}: ${owner.table} ${body} of tenant ${owner.tenant}`];
  }
  if (body === null || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([k, v]) => foreignIds(v, caller, facts, `${path}.${k}`));
}

async function seedFacts(world: World): Promise<SeedFacts> {
  const db = world.database.db;
  const orgs = await queryRows<{ id: string; slug: string; parent: string | null; kind: string }>(
    db,
    sql`select id, slug, parent_id as parent, kind::text as kind from orgs order by id`,
  );
  const profiles = await queryRows<{ tenant: string; status: string; delegation: string; revoked: boolean; tags: string[] }>(
    db,
    sql`select tenant_id as tenant, status::text as status, access_delegation::text as delegation,
               revoked_at is not null as revoked, tags from customer_profiles`,
  );
  const owners = new Map<string, { table: string; tenant: string }>(orgs.map((o) => [o.id, { table: 'orgs', tenant: o.id }]));
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select c.table_name as name from information_schema.columns c
         where c.table_schema = 'public' and c.column_name = 'id' and c.data_type = 'uuid'
           and exists (select 1 from information_schema.columns t where t.table_schema = 'public'
                         and t.table_name = c.table_name and t.column_name = 'tenant_id')
         order by 1`,
  );
  for (const { name } of tables) {
    const rows = await queryRows<{ id: string; tenant: string }>(db, sql`select id::text as id, tenant_id::text as tenant from ${sql.identifier(name)}`);
    for (const r of rows) owners.set(r.id, { table: name, tenant: r.tenant });
  }
  return { orgs, profiles: new Map(profiles.map((p) => [p.tenant, p])), owners };
}

for (const backend of backends) {
  describe(`cross-tenant matrix from the OpenAPI document (${backend})`, () => {
    let world: World;
    let doc: OpenApiDocument;
    let operations: ApiOperation[];
    let facts: SeedFacts;
    let callers: Caller[];
    const probes: Probe[] = [];
    const unclassified: string[] = [];

    before(async () => {
      world = await seededWorld(backend);
      ({ document: doc, operations } = await loadOpenApi(world));
      facts = await seedFacts(world);

      const a1 = await customerWithDelegation(world, 'full', world.orgs.customersA);
      const a2 = await customerWithDelegation(world, 'read_only', world.orgs.customersA.filter((id) => id !== a1));
      assert.equal(facts.profiles.get(a1)?.delegation, 'full');
      assert.equal(facts.profiles.get(a2)?.delegation, 'read_only');
      callers = [
        callerFor(facts, 'MSP A admin', world.orgs.mspA, await world.staffToken('A', 'admin')),
        callerFor(facts, 'MSP B admin', world.orgs.mspB, await world.staffToken('B', 'admin')),
        callerFor(facts, 'customer A1 (admin, delegation full)', a1, await world.customerToken(a1, 'customer_admin')),
        callerFor(facts, 'customer A2 (viewer, delegation read_only)', a2, await world.customerToken(a2, 'customer_viewer')),
      ];

      for (const op of operations) {
        try {
          const probe = await classify(world, doc, op);
          if (probe) probes.push(probe);
        } catch (error) {
          unclassified.push((error as Error).message);
        }
      }
    });
    after(() => world?.close());

    test('every operation in the OpenAPI document is one this matrix knows how to probe', () => {
      assert.deepEqual(unclassified, []);
      // The document really lists the routes (guards against a matrix that probes nothing).
      for (const kind of ['object', 'list', 'singleton', 'tenant', 'own'] as const) {
        assert.ok(probes.some((p) => p.kind === kind), `no ${kind} operation found in ${operations.map((o) => o.name).join(', ')}`);
      }
      assert.ok(operations.some((o) => o.name === 'GET /v1/customers/{id}'));
      assert.ok(operations.some((o) => o.name === 'GET /v1/fleet'));
    });

    test("another tenant's object answers 404, exactly like an id that does not exist", async (t) => {
      for (const probe of probes) {
        if (probe.kind !== 'object') continue;
        const { op } = probe;
        let admitted = 0;
        for (const caller of callers) {
          const missing = await world.request(urlOf(op, { [probe.param]: randomUUID() }), { token: caller.token });
          if (missing.status === 403) {
            // The caller's role may not use this operation: every id, its own included, gets the same 403.
            const refused = await expectProblem(missing, 403, 'forbidden', `${op.name} as ${caller.label}, unknown id`);
            for (const object of probe.objects) {
              const res = await world.request(urlOf(op, { [probe.param]: object.id }), { token: caller.token });
              assert.deepEqual(await expectProblem(res, 403, 'forbidden', `${op.name} ${object.id} as ${caller.label}`), refused);
            }
            continue;
          }
          admitted++;
          const absent = await expectProblem(missing, 404, 'not-found', `${op.name} as ${caller.label}, unknown id`);
          let foreignCount = 0;
          for (const owner of callers) {
            if (owner === caller) continue;
            const foreign = probe.objects.filter((o) => owner.managed.has(o.tenant) && !caller[probe.scope].has(o.tenant));
            if (foreign.length === 0) continue; // all of them inside the caller's scope: see the next test
            foreignCount += foreign.length;
            await t.test(`${op.name} as ${caller.label} on ${foreign.length} objects of ${owner.label} → 404`, async () => {
              for (const object of foreign) {
                const res = await world.request(urlOf(op, { [probe.param]: object.id }), { token: caller.token });
                const body: ProblemBody = await expectProblem(res, 404, 'not-found', `${op.name} ${object.id} as ${caller.label}`);
                assert.deepEqual(body, absent, 'a foreign object must be indistinguishable from a missing one');
              }
            });
          }
          assert.ok(foreignCount > 0, `${op.name}: ${caller.label} was not turned against any foreign object`);
        }
        assert.ok(admitted >= 2, `${op.name}: fewer than two callers may use it, so it proves little`);
      }
    });

    test("objects inside the caller's scope answer 200 and carry nothing foreign", async (t) => {
      for (const probe of probes) {
        if (probe.kind !== 'object') continue;
        const { op } = probe;
        for (const caller of callers) {
          // A role refused the operation was checked in the test before.
          if ((await world.request(urlOf(op, { [probe.param]: randomUUID() }), { token: caller.token })).status === 403) continue;
          const mine = probe.objects.filter((o) => caller[probe.scope].has(o.tenant));
          assert.ok(mine.length > 0, `${op.name}: ${caller.label} has no object of its own to read`);
          await t.test(`${op.name} as ${caller.label} on its ${mine.length} objects → 200`, async () => {
            for (const object of mine) {
              const res = await world.request(urlOf(op, { [probe.param]: object.id }), { token: caller.token });
              assert.equal(res.status, 200, res.status === 200 ? '' : `${object.id}: ${(await res.text()).slice(0, 300)}`);
              // JSON, or the text of a binary answer (a PDF's lines) where no id can hide.
              const body = (await decodeResponse(res)).body as Record<string, unknown>;
              if (!Array.isArray(body) && 'id' in body) assert.equal(body.id, object.id);
              assert.deepEqual(foreignIds(body, caller, facts), [], `${op.name} ${object.id} as ${caller.label}`);
            }
          });
        }
      }
    });

    test('lists hold only rows the caller may see, on every page and in every sort', async (t) => {
      for (const probe of probes) {
        if (probe.kind !== 'list') continue;
        const { op } = probe;
        // Small pages so the keyset cursor is exercised; every enum parameter in each of its values.
        const limit = op.queryParams.find((p) => p.name === 'limit');
        const base: Record<string, string> = limit ? { limit: String(Math.max(limit.schema.minimum ?? 1, 4)) } : {};
        const variants: Record<string, string>[] = [base];
        for (const p of op.queryParams) {
          for (const value of p.schema.enum ?? []) variants.push({ ...base, [p.name]: String(value) });
        }
        let admitted = 0;
        for (const caller of callers) {
          // A role refused the list gets a 403 and nothing else.
          const probeRes = await world.request(urlOf(op, {}, base), { token: caller.token });
          if (probeRes.status === 403) {
            await expectProblem(probeRes, 403, 'forbidden', `${op.name} as ${caller.label}`);
            continue;
          }
          await probeRes.arrayBuffer();
          admitted++;
          await t.test(`${op.name} as ${caller.label} in ${variants.length} orders`, async () => {
            let first: string[] | undefined;
            for (const query of variants) {
              const seen: string[] = [];
              let cursor: string | null = null;
              let pages = 0;
              do {
                const res = await world.request(urlOf(op, {}, cursor ? { ...query, cursor } : query), { token: caller.token });
                const text = await res.text();
                assert.equal(res.status, 200, `${JSON.stringify(query)}: ${text.slice(0, 300)}`);
                const page = JSON.parse(text) as { items: Record<string, unknown>[]; nextCursor: string | null };
                assert.ok(Array.isArray(page.items));
                for (const item of page.items) {
                  assert.equal(typeof item.id, 'string');
                  seen.push(item.id as string);
                }
                assert.deepEqual(foreignIds(page.items, caller, facts), [], `${JSON.stringify(query)} page ${pages + 1}`);
                cursor = page.nextCursor;
                pages++;
                assert.ok(pages < 500, 'the cursor never ends');
              } while (cursor);
              assert.ok(seen.length > 0, `${JSON.stringify(query)}: the list is empty, so it proves nothing`);
              assert.equal(new Set(seen).size, seen.length, `${JSON.stringify(query)}: a row appeared on two pages`);
              // Every order lists the same rows.
              first ??= [...seen].sort();
              assert.deepEqual([...seen].sort(), first, `${JSON.stringify(query)} lists other rows than the default order`);
            }
          });
        }
        assert.ok(admitted > 0, `${op.name}: no caller may read it, so it proves nothing`);
      }
    });

    test("single resources show only the caller's own scope, in every variant and format", async (t) => {
      for (const probe of probes) {
        if (probe.kind !== 'singleton') continue;
        const { op } = probe;
        const variants = queryVariants(op);
        let admitted = 0;
        for (const caller of callers) {
          // A role refused the resource gets a 403 and nothing else.
          const probeRes = await world.request(urlOf(op), { token: caller.token });
          if (probeRes.status === 403) {
            await expectProblem(probeRes, 403, 'forbidden', `${op.name} as ${caller.label}`);
            continue;
          }
          await probeRes.arrayBuffer();
          admitted++;
          await t.test(`${op.name} as ${caller.label} in ${variants.length} variants`, async () => {
            const produced = new Set<string>();
            let jsonIds: string[] | undefined;
            for (const query of variants) {
              const res = await world.request(urlOf(op, {}, query), { token: caller.token });
              assert.equal(res.status, 200, `${JSON.stringify(query)}: ${(await res.clone().text()).slice(0, 300)}`);
              const { mediaType, body } = await decodeResponse(res);
              produced.add(mediaType);
              assert.deepEqual(foreignIds(body, caller, facts), [], `${JSON.stringify(query)} as ${mediaType}`);
              if (mediaType === 'application/json') {
                const check = op.success?.ref ? aggregateChecks[op.success.ref] : undefined;
                check?.(body as Record<string, unknown>, caller, facts);
                const items = (body as { items?: { id?: unknown }[] }).items;
                if (Array.isArray(items)) jsonIds ??= items.map((i) => String(i.id));
              } else {
                // A file names the same objects as the JSON form (so an empty file cannot pass).
                assert.ok(jsonIds, `${op.name}: the JSON form must come first to compare ${mediaType} with`);
                const cells = new Set((body as unknown[][]).flat().map(String));
                assert.deepEqual(jsonIds.filter((id) => !cells.has(id)), [], `${JSON.stringify(query)}: ${mediaType} lacks rows the JSON form has`);
              }
            }
            assert.deepEqual([...produced].sort(), op.success!.mediaTypes.map(essence).sort(), 'every declared response type was produced');
          });
        }
        assert.ok(admitted > 0, `${op.name}: no caller may read it, so it proves nothing`);
      }
    });

    test("the caller's own resources: readable by each caller, and a write touches nothing of anyone else", async (t) => {
      const reads = probes.filter((p): p is Extract<Probe, { kind: 'own' }> => p.kind === 'own' && p.op.method === 'get');
      const writes = probes.filter((p): p is Extract<Probe, { kind: 'own' }> => p.kind === 'own' && p.op.method !== 'get');
      assert.ok(writes.length > 0, 'no own-resource mutation found');
      for (const probe of reads) {
        for (const caller of callers) {
          await t.test(`${probe.op.name} as ${caller.label}`, async () => {
            for (const url of probe.urls) {
              const res = await world.request(url, { token: caller.token });
              const text = await res.text();
              assert.equal(res.status, 200, `${url}: ${text.slice(0, 300)}`);
              assert.deepEqual(foreignIds(JSON.parse(text), caller, facts), [], url);
            }
          });
        }
      }
      const admitted = new Set<string>();
      for (const probe of writes) {
        const { op } = probe;
        // What every caller reads at each URL: a write by one must leave the others' reads alike.
        const readAll = async () => {
          const seen = new Map<string, string>();
          for (const url of probe.urls) {
            for (const reader of callers) {
              const res = await world.request(url, { token: reader.token });
              seen.set(`${reader.label} ${url}`, `${res.status} ${res.headers.get('etag')} ${await res.text()}`);
            }
          }
          return seen;
        };
        for (const caller of callers) {
          await t.test(`${op.name} as ${caller.label}`, async () => {
            for (const url of probe.urls) {
              const before = await tenantDigest(world);
              const views = await readAll();
              const headers: Record<string, string> = { 'content-type': 'application/json' };
              // A role refused the resource: its GET answers 403 (then some version goes along).
              const read = op.ifMatch ? await world.request(url, { token: caller.token }) : undefined;
              if (read) headers['if-match'] = read.status === 403 ? '"1"' : await currentEtag(world, url, caller.token);
              await read?.arrayBuffer();
              const res = await world.request(url, {
                method: op.method.toUpperCase(),
                token: caller.token,
                headers,
                ...(op.body ? { body: JSON.stringify(exampleBody(op, world)) } : {}),
              });
              if (read?.status === 403 || res.status === 403) {
                await expectProblem(res, 403, 'forbidden', `${op.name} as ${caller.label}`);
                assert.deepEqual(digestChanges(before, await tenantDigest(world)), [], 'a refused write wrote something');
                continue;
              }
              admitted.add(op.name);
              assert.equal(res.status, op.success!.status, `${url}: ${await res.text()}`);
              const foreign = digestChanges(before, await tenantDigest(world)).filter((c) => !caller.visible.has(c.tenant));
              assert.deepEqual(foreign, [], `${op.name} as ${caller.label} wrote outside its scope`);
              const after = await readAll();
              for (const [who, view] of views) {
                if (who.startsWith(`${caller.label} `)) continue;
                assert.equal(after.get(who), view, `${op.name} as ${caller.label} changed what ${who} reads`);
              }
            }
          });
        }
      }
      for (const { op } of writes) assert.ok(admitted.has(op.name), `${op.name}: no caller may use it, so it proves nothing`);
    });

    test("an API key cannot name a tenant outside its org's subtree, by id or by slug", async (t) => {
      for (const probe of probes) {
        if (probe.kind !== 'tenant') continue;
        const { op } = probe;
        const roles = (probe.op.body?.properties?.role?.enum as string[] | undefined) ?? [exampleBody(op, world).role as string];
        const keys = [
          { label: "MSP A's key", key: world.apiKeys.A.key, own: world.orgs.mspA, foreignRoot: world.orgs.mspB },
          { label: "MSP B's key", key: world.apiKeys.B.key, own: world.orgs.mspB, foreignRoot: world.orgs.mspA },
        ];
        for (const k of keys) {
          const send = (body: Record<string, unknown>) =>
            world.request(urlOf(op), { method: op.method.toUpperCase(), token: k.key, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          const foreign = facts.orgs.filter((o) => descendantsOf(facts, k.foreignRoot).has(o.id));
          assert.ok(foreign.length > 0);
          await t.test(`${op.name} with ${k.label}: ${foreign.length} foreign orgs × ${roles.length} roles → 404`, async () => {
            // The same key reaches its own org (so the 404s below are about the tenant, not the key).
            const own = facts.orgs.find((o) => o.id === k.own)!;
            for (const ref of [own.id, own.slug]) {
              const res = await send({ ...exampleBody(op, world), role: 'msp_admin', tenantId: ref });
              assert.equal(res.status, op.success?.status ?? 201, await res.text());
            }
            const absent = await expectProblem(await send({ ...exampleBody(op, world), tenantId: randomUUID() }), 404, 'not-found');
            for (const org of foreign) {
              for (const role of roles) {
                for (const ref of [org.id, org.slug]) {
                  const res = await send({ ...exampleBody(op, world), role, tenantId: ref });
                  const body = await expectProblem(res, 404, 'not-found', `${k.label} → ${org.kind} ${org.slug} as ${role}`);
                  assert.deepEqual(body, absent, 'a foreign tenant must be indistinguishable from a missing one');
                }
              }
            }
          });
        }
      }
    });

    test("an account manager's customerIds cannot name another MSP's customers", async () => {
      const op = operations.find((o) => o.name === 'POST /v1/embed-sessions');
      assert.ok(op?.body?.properties?.customerIds, 'the embed-session body declares customerIds');
      const send = (customerIds: string[]) =>
        world.request(urlOf(op), {
          method: 'POST',
          token: world.apiKeys.B.key,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...exampleBody(op, world), role: 'msp_account_manager', customerIds }),
        });
      const ownB = world.orgs.customersB[0]!;
      const ok = await send([ownB]);
      assert.equal(ok.status, 201, await ok.text());
      const absent = await expectFieldError(await send([ownB, randomUUID()]), '#/body/customerIds/1');
      for (const foreign of [...world.orgs.customersA, ...world.orgs.customersPartner, world.orgs.revoked]) {
        const body = await expectFieldError(await send([ownB, foreign]), '#/body/customerIds/1', `customer ${foreign}`);
        assert.deepEqual(body, absent, 'a foreign customer must be indistinguishable from a missing one');
      }
    });

    // The tests below create objects the seed facts do not know, so they run last.

    test("mutations of another tenant's object answer 404, exactly like an unknown id, and write nothing", async (t) => {
      const mutations = probes.filter((p): p is Extract<Probe, { kind: 'mutation' }> => p.kind === 'mutation');
      assert.ok(mutations.length > 0, 'no object mutation found');
      for (const probe of mutations) {
        const { op } = probe;
        const [outer, inner] = op.pathParams.length === 2 ? [op.pathParams[0]!.name, op.pathParams[1]!.name] : [undefined, op.pathParams[0]!.name];
        const urlFor = (object: AddressableObject, tenant = object.tenant) => urlOf(op, outer ? { [outer]: tenant, [inner]: object.id } : { [inner]: object.id });
        // A body, when the operation takes one, is its valid example: only the address is foreign.
        // If-Match names some version: a foreign or unknown object is refused before versions matter.
        // A file body (a logo) is its example file with its own media type.
        const raw = op.rawBody ? exampleRawBodies[op.name]!() : undefined;
        const send = (url: string, token: string, ifMatch = '"1"') =>
          world.request(url, {
            method: op.method.toUpperCase(),
            token,
            headers: { ...(raw ? { 'content-type': raw.contentType } : op.body ? { 'content-type': 'application/json' } : {}), ...(op.ifMatch ? { 'if-match': ifMatch } : {}) },
            ...(raw ? { body: raw.body } : op.body ? { body: JSON.stringify(exampleBody(op, world)) } : {}),
          });
        let admitted = 0;
        for (const caller of callers) {
          await t.test(`${op.name} as ${caller.label}`, async () => {
            const before = await tenantDigest(world);
            const unknown = await send(urlFor({ id: randomUUID(), tenant: randomUUID() }), caller.token);
            // Outside the scope the object's GET answers in (a revoked customer is still managed).
            const foreign = probe.objects.filter((o) => !caller[probe.scope].has(o.tenant));
            assert.ok(foreign.length > 0);
            if (unknown.status === 403) {
              // The role may not use the operation: every object, its own included, gets the same 403.
              const refused = await expectProblem(unknown, 403, 'forbidden', 'unknown id');
              for (const object of probe.objects) assert.deepEqual(await expectProblem(await send(urlFor(object), caller.token), 403, 'forbidden', object.id), refused);
            } else {
              admitted++;
              const absent = await expectProblem(unknown, 404, 'not-found', 'unknown id');
              for (const object of foreign) {
                assert.deepEqual(await expectProblem(await send(urlFor(object), caller.token), 404, 'not-found', `${object.tenant}/${object.id}`), absent);
                // Nor through a customer of its own with a foreign object id.
                if (outer) assert.deepEqual(await expectProblem(await send(urlFor(object, caller.home), caller.token), 404, 'not-found', `own tenant, ${object.id}`), absent);
              }
            }
            assert.deepEqual(digestChanges(before, await tenantDigest(world)), [], 'a refused mutation wrote something');
          });
        }
        assert.ok(admitted > 0, `${op.name}: no caller may use it, so it proves nothing`);
        // Some object of an admitted caller's own succeeds, writing only inside its scope.
        const [admin] = callers;
        const before = await tenantDigest(world);
        const statuses: number[] = [];
        for (const object of probe.objects.filter((o) => admin!.visible.has(o.tenant)).slice(0, 10)) {
          // A versioned object: put it where the action applies, and send its current ETag; one
          // success is enough (a deletion need not mark ten customers deleting).
          let etag: string | undefined;
          if (op.ifMatch) {
            await prepareTarget(world, op, { [inner]: object.id });
            etag = await currentEtag(world, etagUrlOf(doc, op, urlFor(object)), admin!.token);
          }
          const res = await send(urlFor(object), admin!.token, etag);
          statuses.push(res.status);
          await res.arrayBuffer();
          if (op.ifMatch && res.status === op.success!.status) break;
        }
        assert.ok(statuses.includes(op.success!.status), `${op.name}: none of ${admin!.label}'s objects answered ${op.success!.status} (${statuses.join(', ')})`);
        const outside = digestChanges(before, await tenantDigest(world)).filter((c) => !admin!.visible.has(c.tenant));
        assert.deepEqual(outside, [], `${op.name} wrote outside ${admin!.label}'s scope`);
      }
    });

    test("creating POSTs: a parent outside the caller's scope answers 404 like an unknown one, and nothing is written", async (t) => {
      const creates = probes.filter((p): p is Extract<Probe, { kind: 'create' }> => p.kind === 'create');
      assert.ok(creates.length > 0, 'no creating POST found');
      for (const { op } of creates) {
        for (const caller of callers) {
          await t.test(`${op.name} as ${caller.label}`, async () => {
            const send = (parentId?: string) =>
              world.request(urlOf(op), {
                method: 'POST',
                token: caller.token,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ ...exampleBody(op, world), ...(parentId ? { parentId } : {}) }),
              });
            const before = await tenantDigest(world);
            const unknown = await send(randomUUID());
            const foreign = facts.orgs.filter((o) => !caller.managed.has(o.id));
            assert.ok(foreign.length > 0);
            if (unknown.status === 403) {
              const refused = await expectProblem(unknown, 403, 'forbidden', 'unknown parent');
              for (const org of [...foreign, ...facts.orgs.filter((o) => caller.managed.has(o.id))]) {
                assert.deepEqual(await expectProblem(await send(org.id), 403, 'forbidden', org.slug), refused);
              }
              assert.deepEqual(digestChanges(before, await tenantDigest(world)), [], 'a refused create wrote something');
              return;
            }
            const absent = await expectProblem(unknown, 404, 'not-found', 'unknown parent');
            for (const org of foreign) {
              assert.deepEqual(await expectProblem(await send(org.id), 404, 'not-found', `${org.kind} ${org.slug}`), absent, 'a foreign parent must be indistinguishable from a missing one');
            }
            assert.deepEqual(digestChanges(before, await tenantDigest(world)), [], 'a refused create wrote something');

            // Below its own org: created there, and nothing written outside its scope.
            const res = await send();
            const text = await res.text();
            assert.equal(res.status, 201, text);
            const created = JSON.parse(text) as { id: string; parentId: string };
            assert.equal(created.parentId, caller.home);
            const outside = digestChanges(before, await tenantDigest(world)).filter((c) => !caller.visible.has(c.tenant) && c.tenant !== created.id);
            assert.deepEqual(outside, [], `${op.name} as ${caller.label} wrote outside its scope`);
          });
        }
      }
    });
  });
}
