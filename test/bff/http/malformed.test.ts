import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backends, ORIGIN, seededWorld, type World } from '../../helpers/db.js';
import {
  collectionOf,
  currentEtag,
  essence,
  etagUrlOf,
  declaresMediaType,
  exampleBody,
  exampleRawBodies,
  httpMethods,
  isEnumParam,
  loadOpenApi,
  prepareTarget,
  queryVariants,
  resolve,
  urlOf,
  type ApiOperation,
  type JsonSchema,
  type OpenApiDocument,
  type Parameter,
} from '../../helpers/openapi.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * Malformed input on every operation of /v1/openapi.json: each declared path parameter, query
 * parameter and body field gets values its schema rules out, and must answer 400
 * problem+json whose errors[].pointer names exactly that field — never a 500. The cases come
 * from the schemas; a schema shape the generator does not know fails the suite.
 */

const NUL = 'x\u0000y';
const LIMIT = 64 * 1024;

interface Case {
  label: string;
  value: unknown;
  pointer: string;
}

type Path = (string | number)[];
const pointerOf = (root: string, path: Path) => ['#', root, ...path.map(String)].join('/');

/** A copy of `root` with the value at `path` replaced (or removed when `remove`). */
function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<string | number, unknown>;
  if (rest.length === 0 && remove) delete copy[head!];
  else copy[head!] = setAt(copy[head!] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value, remove);
  return copy;
}

function baseType(schema: JsonSchema, where: string): { type: string; nullable: boolean } {
  if (schema.anyOf || schema.oneOf || schema.allOf) throw new Error(`${where}: anyOf/oneOf/allOf is not handled by the malformed-input generator`);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nonNull = types.filter((t) => t !== 'null');
  if (nonNull.length !== 1) throw new Error(`${where}: cannot tell the type of ${JSON.stringify(schema)}`);
  return { type: nonNull[0]!, nullable: types.includes('null') };
}

interface BodyMutation {
  label: string;
  path: Path;
  value: unknown;
  remove?: boolean;
}

/** Values the schema rules out for the body field at `path` (and everything inside it). */
function bodyMutations(doc: OpenApiDocument, schemaIn: JsonSchema, path: Path, current: unknown, where: string): BodyMutation[] {
  const s = resolve(doc, schemaIn);
  const field = path.join('/') || '(body)';
  const { type, nullable } = baseType(s, `${where} ${field}`);
  const out: BodyMutation[] = [];
  const bad = (label: string, value: unknown) => out.push({ label: `${field}: ${label}`, path, value });
  if (!nullable) bad('null', null);
  if (s.enum) {
    bad('an unknown enum value', 'not-a-known-value');
    const first = s.enum[0];
    if (typeof first === 'string' && first.toUpperCase() !== first && !s.enum.includes(first.toUpperCase())) bad('an enum value in the wrong case', first.toUpperCase());
  }
  switch (type) {
    case 'string':
      bad('a number', 42);
      bad('an object', { value: 'x' });
      if (!s.enum) bad('a NUL character', NUL);
      if ((s.minLength ?? 0) > 0) bad('empty', '');
      if (s.maxLength !== undefined && s.maxLength < 10_000) bad(`longer than ${s.maxLength}`, 'x'.repeat(s.maxLength + 1));
      if (s.format === 'email') {
        bad('not an email', 'not-an-email');
        bad('an email without a domain', 'user@');
      }
      if (s.format === 'uuid') bad('not a uuid', 'not-a-uuid');
      if (s.format === 'date-time') bad('not a date-time', 'yesterday');
      break;
    case 'integer':
    case 'number':
      bad('a numeric string', '120');
      bad('a boolean', true);
      if (type === 'integer') bad('a fraction', 1.5);
      if (s.minimum !== undefined) bad(`below ${s.minimum}`, s.minimum - 1);
      if (s.maximum !== undefined) bad(`above ${s.maximum}`, s.maximum + 1);
      break;
    case 'boolean':
      bad('a string', 'true');
      bad('a number', 1);
      break;
    case 'array': {
      bad('a string', 'x');
      bad('a number', 42);
      bad('an object', { 0: 'x' });
      const items = Array.isArray(current) ? current : [];
      if ((s.minItems ?? 0) > 0) bad('empty', []);
      if (s.maxItems !== undefined && items.length > 0 && s.maxItems <= 1000) {
        bad(`more than ${s.maxItems} items`, Array.from({ length: s.maxItems + 1 }, (_, i) => items[i % items.length]));
      }
      if (!s.items) throw new Error(`${where} ${field}: an array without items`);
      // A bad first item (in an otherwise valid array, or alone when the array was absent).
      out.push(...bodyMutations(doc, s.items, [...path, 0], items[0], where));
      break;
    }
    case 'object': {
      bad('a string', 'x');
      bad('a number', 42);
      bad('a boolean', true);
      bad('an array', []);
      const value = (current ?? {}) as Record<string, unknown>;
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(name) && current !== undefined) {
          out.push({ label: `${[...path, name].join('/')}: missing`, path: [...path, name], value: undefined, remove: true });
        }
        out.push(...bodyMutations(doc, prop, [...path, name], value[name], where));
      }
      break;
    }
    default:
      throw new Error(`${where} ${field}: type ${type} is not handled by the malformed-input generator`);
  }
  return out;
}

/** Fields a body schema declares, at every depth: the generator must make cases for each. */
function fieldCount(doc: OpenApiDocument, schema: JsonSchema): number {
  const s = resolve(doc, schema);
  const props = Object.values(s.properties ?? {});
  return props.length + props.reduce((n, p) => n + fieldCount(doc, p), 0) + (s.items ? fieldCount(doc, s.items) : 0);
}

/** Whole bodies, each the valid example with one field made invalid, and where it must be reported. */
function bodyMatrix(doc: OpenApiDocument, op: ApiOperation, base: Record<string, unknown>): Case[] {
  return bodyMutations(doc, op.body!, [], base, op.name).map((m) => ({
    label: m.label,
    value: setAt(base, m.path, m.value, m.remove),
    pointer: pointerOf('body', m.path),
  }));
}

/** The values of a comma-separated enum list, which the schema documents in its description. */
function enumList(p: Parameter): string[] | undefined {
  return /^Comma-separated: (.+)$/.exec(p.schema.description ?? p.description ?? '')?.[1]?.split(', ');
}

/** Query values the parameter's schema rules out. */
function queryCases(p: Parameter, where: string): string[] {
  const s = p.schema;
  const { type } = baseType(s, `${where} ?${p.name}`);
  const values: string[] = [];
  if (type === 'integer' || type === 'number') {
    values.push('abc', '1,2', 'NaN');
    if (type === 'integer') values.push('1.5');
    if (s.minimum !== undefined) values.push(String(s.minimum - 1));
    if (s.minimum !== undefined && s.minimum > 0) values.push('');
    if (s.maximum !== undefined) values.push(String(s.maximum + 1));
    return values;
  }
  if (type === 'boolean') return ['maybe', '2'];
  if (type !== 'string') throw new Error(`${where} ?${p.name}: type ${type} is not handled by the malformed-input generator`);
  values.push(NUL);
  if (s.enum) {
    values.push('not-a-known-value', '');
    const first = String(s.enum[0]);
    if (first.toUpperCase() !== first && !s.enum.includes(first.toUpperCase())) values.push(first.toUpperCase());
  }
  if (s.format === 'date-time') values.push('yesterday', '2026-13-45T00:00:00Z', '2026-01-01', '1700000000');
  if (s.format === 'uuid') values.push('not-a-uuid');
  if (s.pattern && !new RegExp(s.pattern).test('not-matching')) values.push('not-matching');
  if (s.maxLength !== undefined) values.push('x'.repeat(s.maxLength + 1));
  // A comma-separated enum list documents its values in the description.
  const listed = enumList(p);
  if (listed) values.push(`${listed[0]},not-a-known-value`, 'NOT-A-KNOWN-VALUE');
  if (p.name === 'cursor') {
    values.push('not-a-cursor', Buffer.from('["x","not-a-uuid"]').toString('base64url'), Buffer.from('{}').toString('base64url'), Buffer.from('[1,2]').toString('base64url'));
  }
  return values;
}

/** Whether a query parameter takes free text (anything but NUL is valid). */
function freeText(p: Parameter): boolean {
  const s = p.schema;
  return s.type === 'string' && !s.enum && !s.format && !s.pattern && p.name !== 'cursor' && !enumList(p);
}

for (const backend of backends) {
  describe(`malformed input on every route of the OpenAPI document (${backend})`, () => {
    let world: World;
    let doc: OpenApiDocument;
    let operations: ApiOperation[];
    let adminToken: string;
    /** A valid value for every path parameter: an object inside MSP A's admin's scope. */
    const pathValues = new Map<string, Record<string, string>>();

    before(async () => {
      world = await seededWorld(backend);
      ({ document: doc, operations } = await loadOpenApi(world));
      adminToken = await world.staffToken('A', 'admin');
      for (const op of operations) {
        const values: Record<string, string> = {};
        // The innermost object first; a customer id before it is that object's tenant
        // (`/v1/customers/{id}/users/{userId}`), so the pair addresses one real object.
        let innerTenant: string | undefined;
        for (const p of [...op.pathParams].reverse()) {
          if (isEnumParam(p)) {
            values[p.name] = String(p.schema.enum![0]);
            continue;
          }
          const { name, collection } = collectionOf(op, p.name);
          if (name === 'customers' && innerTenant) {
            values[p.name] = innerTenant;
            continue;
          }
          const objects = await collection.objects(world);
          // A customer's object, or one of MSP A's own (a project key it redeemed).
          const mine = objects.find((o) => world.orgs.customersA.includes(o.tenant)) ?? objects.find((o) => o.tenant === world.orgs.mspA);
          assert.ok(mine, `${op.name}: no object of MSP A to address`);
          values[p.name] = mine.id;
          innerTenant ??= mine.tenant;
        }
        pathValues.set(op.name, values);
      }
    });
    after(() => world?.close());

    const credentials = (op: ApiOperation) =>
      op.security === 'embedSession' ? adminToken : op.security === 'apiKey' ? world.apiKeys.A.key : undefined;

    const validBody = (op: ApiOperation) => (op.body ? JSON.stringify(exampleBody(op, world)) : undefined);

    /**
     * Sends an operation with its credentials, valid path values unless given, its valid example
     * body unless given, and — when it requires If-Match — the ETag a GET of the same URL answers
     * at that moment, unless `ifMatch` says otherwise (`null`: none at all).
     */
    const send = async (
      op: ApiOperation,
      opts: { path?: Record<string, string>; query?: Record<string, string>; body?: string; headers?: Record<string, string>; ifMatch?: string | null } = {},
    ) => {
      const token = credentials(op);
      const url = urlOf(op, opts.path ?? pathValues.get(op.name), opts.query);
      // A file body (a logo) is sent as its example with its own media type.
      const raw = op.rawBody && opts.body === undefined ? exampleRawBodies[op.name]!() : undefined;
      const body = opts.body ?? raw?.body ?? validBody(op);
      await prepareTarget(world, op, opts.path ?? pathValues.get(op.name));
      const ifMatch = !op.ifMatch || opts.ifMatch === null ? undefined : (opts.ifMatch ?? (await currentEtag(world, etagUrlOf(doc, op, url), token)));
      return world.request(url, {
        method: op.method.toUpperCase(),
        ...(token ? { token } : {}),
        headers: { ...(body !== undefined ? { 'content-type': raw?.contentType ?? 'application/json' } : {}), ...(ifMatch ? { 'if-match': ifMatch } : {}), ...opts.headers },
        ...(body !== undefined ? { body } : {}),
      });
    };

    test('a well-formed request to every operation succeeds (the baseline each case departs from)', async () => {
      assert.ok(operations.length >= 6);
      for (const op of operations) {
        assert.ok(op.success, `${op.name}: no JSON success response declared`);
        const res = await send(op);
        assert.equal(res.status, op.success.status, `${op.name}: ${await res.text()}`);
        // Undeclared query parameters are ignored, not errors.
        const extra = await send(op, { query: { undeclaredParameter: '1' } });
        assert.equal(extra.status, op.success.status, `${op.name} with an undeclared parameter`);
      }
    });

    test('every declared response type is produced, by some value of the enum query parameters', async () => {
      for (const op of operations) {
        const produced = new Set<string>();
        for (const query of queryVariants(op)) {
          const res = await send(op, { query });
          assert.equal(res.status, op.success!.status, `${op.name} ${JSON.stringify(query)}: ${await res.clone().text()}`);
          const type = res.headers.get('content-type');
          const declared = op.success!.mediaTypes.includes(type ?? '') ? type : declaresMediaType(op.success!.mediaTypes, type);
          assert.ok(declared, `${op.name} ${JSON.stringify(query)}: answered ${type}, declared ${op.success!.mediaTypes.join(', ')}`);
          produced.add(essence(declared));
          await res.arrayBuffer();
        }
        assert.deepEqual([...produced].sort(), op.success!.mediaTypes.map(essence).sort(), op.name);
      }
    });

    test('malformed path parameters → 400 naming the parameter', async (t) => {
      for (const op of operations) {
        for (const p of op.pathParams) {
          const { type } = baseType(p.schema, `${op.name} {${p.name}}`);
          const first = String(p.schema.enum?.[0] ?? '');
          const values =
            p.schema.format === 'uuid' ? ['not-a-uuid', '12345', `${randomUUID()}0`, randomUUID().replace(/^./, 'g'), "1' or '1'='1", NUL]
            : type === 'integer' ? ['abc', '1.5', NUL]
            : type === 'string' && p.schema.pattern ? ['not-a-token', 'a.b', "1' or '1'='1", 'x'.repeat(5000), NUL]
            : type === 'string' && isEnumParam(p) ? ['not-a-known-value', first.toUpperCase(), `${first} `, randomUUID(), "1' or '1'='1", NUL].filter((v) => !p.schema.enum!.includes(v))
            : null;
          if (!values) throw new Error(`${op.name}: path parameter {${p.name}} of type ${type} is not handled by the malformed-input generator`);
          await t.test(`${op.name} {${p.name}}`, async () => {
            for (const value of values) {
              // A well-formed If-Match: the path is refused before any version is compared.
              const res = await send(op, { path: { ...pathValues.get(op.name), [p.name]: value }, ifMatch: '"0"' });
              await expectFieldError(res, pointerOf('path', [p.name]), `${op.name} {${p.name}} = ${JSON.stringify(value)}`);
            }
          });
        }
      }
    });

    test('If-Match: missing → 428, malformed → 400 #/header/if-match, stale → 412 with what is current', async (t) => {
      const guarded = operations.filter((o) => o.ifMatch);
      assert.ok(guarded.length > 0, 'no operation requires If-Match');
      for (const op of guarded) {
        await t.test(op.name, async () => {
          await expectProblem(await send(op, { ifMatch: null }), 428, 'precondition-required', 'without If-Match');
          for (const value of ['3', 'W/"1"', '*', '"abc"', '"1", "2"', '""', '"-1"', '"1.5"', `"${'9'.repeat(30)}"`, "' or 1=1 --"]) {
            await expectFieldError(await send(op, { ifMatch: value }), '#/header/if-match', `If-Match: ${value}`);
          }
          // The members a 412 documents beyond the standard ones (`current`, …) must be present.
          const declared = doc.paths[op.path]?.[op.method]?.responses['412']?.content?.['application/problem+json']?.schema;
          assert.ok(declared, `${op.name}: no problem+json schema for 412`);
          const propertiesOf = (schema: JsonSchema): string[] => {
            const r = resolve(doc, schema);
            return [...Object.keys(r.properties ?? {}), ...(r.allOf ?? []).flatMap(propertiesOf)];
          };
          const extensions = propertiesOf(declared).filter((k) => !['type', 'title', 'status', 'detail', 'errors'].includes(k));
          assert.ok(extensions.includes('current'), `${op.name}: a 412 should tell what is current (documented: ${extensions.join(', ')})`);
          const url = etagUrlOf(doc, op, urlOf(op, pathValues.get(op.name)));
          const etag = await currentEtag(world, url, credentials(op));
          const first = await send(op, { ifMatch: etag });
          assert.equal(first.status, op.success!.status, await first.text());
          const now = first.headers.get('etag');
          assert.ok(now && now !== etag, `a successful write answers its new ETag (was ${etag}, now ${now})`);
          const stale = await send(op, { ifMatch: etag });
          const body = await expectProblem(stale, 412, 'precondition-failed', 'the ETag of the previous version', extensions);
          for (const k of extensions) assert.ok(body[k] !== undefined, `412 lacks its documented member ${k}`);
          assert.equal(stale.headers.get('etag'), now, 'a 412 answers the current ETag');
          assert.equal(await currentEtag(world, url, credentials(op)), now, 'the refused write changed nothing');
        });
      }
    });

    test('Idempotency-Key: not 1 to 200 printable ASCII characters → 400 #/header/idempotency-key', async (t) => {
      const keyed = operations.filter((o) => o.idempotencyKey);
      assert.ok(keyed.length > 0, 'no operation accepts Idempotency-Key');
      for (const op of keyed) {
        await t.test(op.name, async () => {
          for (const key of ['', 'x'.repeat(201), 'tab\there', 'caf\u00e9', '\u007f']) {
            const res = await send(op, { headers: { 'idempotency-key': key } });
            await expectFieldError(res, '#/header/idempotency-key', `Idempotency-Key: ${JSON.stringify(key)}`);
          }
          const ok = await send(op, { headers: { 'idempotency-key': `suite-${randomUUID()}` } });
          assert.equal(ok.status, op.success!.status, await ok.text());
        });
      }
    });

    test('malformed query parameters → 400 naming the parameter', async (t) => {
      let cases = 0;
      for (const op of operations) {
        for (const p of op.queryParams) {
          const values = queryCases(p, op.name);
          cases += values.length;
          await t.test(`${op.name} ?${p.name}: ${values.length} values`, async () => {
            for (const value of values) {
              const res = await send(op, { query: { [p.name]: value } });
              await expectFieldError(res, pointerOf('query', [p.name]), `${op.name} ?${p.name}=${JSON.stringify(value)}`);
            }
          });
        }
      }
      assert.ok(cases > 20, `only ${cases} query cases generated`);
    });

    test('free-text query parameters answer odd but valid text instead of failing on it', async (t) => {
      const odd = ['%', '_', '\\', "'", '"', "' or 1=1 --", '%_\\', 'Zürich 東京 🚀', ',,,', ' ', '\u202e'];
      for (const op of operations) {
        for (const p of op.queryParams.filter(freeText)) {
          await t.test(`${op.name} ?${p.name}`, async () => {
            for (const value of odd) {
              const res = await send(op, { query: { [p.name]: value } });
              assert.equal(res.status, op.success!.status, `?${p.name}=${JSON.stringify(value)}: ${await res.text()}`);
            }
          });
        }
      }
    });

    test('a cursor replayed on a sort or order it was not made for → 400 #/query/cursor', async () => {
      const fleet = operations.find((o) => o.name === 'GET /v1/fleet')!;
      const first = await send(fleet, { query: { limit: '2', sort: 'name' } });
      const { nextCursor } = (await first.json()) as { nextCursor: string };
      assert.ok(nextCursor);
      for (const sort of ['status', 'postureScore', 'lastScan', 'licenceUse']) {
        await expectFieldError(await send(fleet, { query: { limit: '2', sort, cursor: nextCursor } }), '#/query/cursor', `sort=${sort}`);
      }
      await expectFieldError(await send(fleet, { query: { limit: '2', sort: 'name', order: 'desc', cursor: nextCursor } }), '#/query/cursor', 'order=desc');
      const page = await send(fleet, { query: { limit: '2', sort: 'name', cursor: nextCursor } });
      assert.equal(page.status, 200, 'the cursor still works on its own sort');
    });

    test('bodies that are not JSON → 400 #/body', async (t) => {
      for (const op of operations.filter((o) => o.body)) {
        await t.test(op.name, async () => {
          for (const text of ['{"user":', '', 'null,', "{'role': 'msp_admin'}", '{"role": "msp_admin",}', 'undefined', '\u0000']) {
            await expectFieldError(await send(op, { body: text }), '#/body', `${op.name} body ${JSON.stringify(text)}`);
          }
        });
      }
    });

    test('bodies of the wrong shape → 400 naming the field at fault', async (t) => {
      for (const op of operations.filter((o) => o.body)) {
        const base = exampleBody(op, world);
        const cases = bodyMatrix(doc, op, base);
        const fields = fieldCount(doc, op.body!);
        assert.ok(cases.length >= 5 + 3 * fields, `${op.name}: only ${cases.length} body cases for ${fields} fields`);
        await t.test(`${op.name}: ${cases.length} cases`, async () => {
          assert.ok(cases.some((c) => c.pointer === '#/body'), 'the body itself is among the cases');
          for (const c of cases) {
            await expectFieldError(await send(op, { body: JSON.stringify(c.value) }), c.pointer, `${op.name} ${c.label}`);
          }
        });
      }
    });

    test('a body sent without a JSON content type → 415 problem+json', async () => {
      for (const op of operations.filter((o) => o.body)) {
        for (const contentType of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
          const res = await send(op, { body: validBody(op)!, headers: contentType ? { 'content-type': contentType } : { 'content-type': '' } });
          await expectProblem(res, 415, 'invalid-request', `${op.name} as ${contentType}`);
        }
      }
    });

    test('bodies over 64 KiB → 413, before authentication, with or without Content-Length', async (t) => {
      for (const op of operations.filter((o) => o.body)) {
        await t.test(op.name, async () => {
          const padded = (size: number) => {
            const base = JSON.stringify({ ...exampleBody(op, world), padding: '' });
            return base.replace('"padding":""', `"padding":"${'x'.repeat(size - base.length)}"`);
          };
          const exact = padded(LIMIT);
          assert.equal(Buffer.byteLength(exact), LIMIT);
          const ok = await send(op, { body: exact });
          assert.equal(ok.status, op.success!.status, `exactly 64 KiB: ${await ok.text()}`);

          const over = padded(LIMIT + 1);
          await expectProblem(await send(op, { body: over }), 413, 'payload-too-large', 'one byte over');
          const anonymous = await world.request(urlOf(op, pathValues.get(op.name)), { method: op.method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: over });
          await expectProblem(anonymous, 413, 'payload-too-large', 'without credentials');
          const stream = new ReadableStream({
            start(controller) {
              const bytes = new TextEncoder().encode(padded(LIMIT * 4));
              for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
              controller.close();
            },
          });
          const chunked = await world.app.request(urlOf(op, pathValues.get(op.name)), {
            method: op.method.toUpperCase(),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${credentials(op)}` },
            body: stream,
            duplex: 'half',
          } as RequestInit);
          await expectProblem(chunked, 413, 'payload-too-large', 'streamed without Content-Length');
        });
      }
    });

    test('unknown routes and undeclared methods → 404 problem+json', async () => {
      for (const path of ['/v1/nope', '/v1', '/v1/', '/nope', '/', '/v1/customers', `/v1/customers/${randomUUID()}/nope`, '/v2/fleet']) {
        await expectProblem(await world.request(path, { token: adminToken }), 404, 'not-found', path);
        await expectProblem(await world.request(path), 404, 'not-found', `${path} without credentials`);
      }
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const method of httpMethods) {
          if (item[method]) continue;
          const url = path.replace(/\{[^}]+\}/g, randomUUID());
          await expectProblem(await world.request(url, { method: method.toUpperCase(), token: adminToken }), 404, 'not-found', `${method.toUpperCase()} ${path}`);
        }
      }
    });

    test("CORS: a session answers only the origins it was minted for; preflights answer 204", async (t) => {
      const refused = ['https://evil.example', `${ORIGIN}.evil.example`, ORIGIN.replace('https:', 'http:'), `${ORIGIN}:8443`, 'null', ORIGIN.toUpperCase()];
      for (const op of operations.filter((o) => o.security === 'embedSession')) {
        await t.test(op.name, async () => {
          const allowed = await send(op, { headers: { origin: ORIGIN } });
          assert.equal(allowed.status, op.success!.status, await allowed.text());
          assert.equal(allowed.headers.get('access-control-allow-origin'), ORIGIN);
          assert.match(allowed.headers.get('vary') ?? '', /Origin/i);
          assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /X-Request-Id/i);

          const sameOrigin = await send(op);
          assert.equal(sameOrigin.status, op.success!.status);
          assert.equal(sameOrigin.headers.get('access-control-allow-origin'), null);

          for (const origin of refused) {
            const res = await send(op, { headers: { origin } });
            await expectProblem(res, 403, 'forbidden', `Origin ${origin}`);
            assert.equal(res.headers.get('access-control-allow-origin'), null, `${origin} must not be allowed to read the answer`);
          }

          const preflight = await world.request(urlOf(op, pathValues.get(op.name)), {
            method: 'OPTIONS',
            headers: { origin: ORIGIN, 'access-control-request-method': op.method.toUpperCase(), 'access-control-request-headers': 'authorization, content-type' },
          });
          assert.equal(preflight.status, 204);
          assert.equal(await preflight.text(), '');
          assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
          assert.ok((preflight.headers.get('access-control-allow-methods') ?? '').split(/,\s*/).includes(op.method.toUpperCase()));
          const allowHeaders = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
          assert.ok(allowHeaders.includes('authorization') && allowHeaders.includes('content-type'), allowHeaders.join(', '));
        });
      }
    });

    test('CORS: API-key routes never let a browser read their answer', async () => {
      for (const op of operations.filter((o) => o.security === 'apiKey')) {
        const res = await send(op, { body: validBody(op)!, headers: { origin: ORIGIN } });
        assert.equal(res.status, op.success!.status, await res.text());
        assert.equal(res.headers.get('access-control-allow-origin'), null);
      }
    });
  });
}
