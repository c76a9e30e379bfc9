import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { queryRows } from '../../../bff/db/client.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * Logos: PUT/DELETE /v1/themes/{orgId}/logo (types checked by their bytes, sizes, SVG
 * sanitising, If-Match, roles, tenancy, audit) and the public GET /v1/logos/{id} and
 * …/raster.png (headers, fallback to the fleet logo).
 */

interface Theme {
  orgId: string;
  logo: { id: string; url: string; rasterUrl: string; source: 'customer' | 'fleet' } | null;
  version: number;
}

const png = (width = 64, height = 32, alpha = 0.5) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 30, b: 60, alpha } } }).png().toBuffer();
const jpeg = (width = 64, height = 32) => sharp({ create: { width, height, channels: 3, background: '#1d7a5f' } }).jpeg().toBuffer();
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="#0b5cad"/><text x="10" y="28" fill="#fff">NW</text></svg>';

/** Malicious SVGs: each must be refused, and nothing of it stored. */
const malicious: [string, string][] = [
  ['<script>', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>'],
  ['CDATA script', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script><![CDATA[alert(1)]]></script></svg>'],
  ['mixed-case <SCRIPT>', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><SCRIPT>alert(1)</SCRIPT></svg>'],
  ['namespaced svg:script', '<svg xmlns="http://www.w3.org/2000/svg" xmlns:svg="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><svg:script>alert(1)</svg:script></svg>'],
  ['onload on the root', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="alert(1)"><rect width="1" height="1"/></svg>'],
  ['onclick on a child', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><g><rect width="1" height="1" OnClick="alert(1)"/></g></svg>'],
  ['javascript: href', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><a href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>'],
  ['javascript: hidden by a character reference', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><a href="&#x6A;ava&#9;script:alert(1)"><rect width="1" height="1"/></a></svg>'],
  ['xlink:href to http', '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 1 1"><a xlink:href="http://evil.example/"><rect width="1" height="1"/></a></svg>'],
  ['<use href="http://…">', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><use href="http://evil.example/sprite.svg#x"/></svg>'],
  ['<image href="https://…">', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><image href="https://evil.example/track.png" width="1" height="1"/></svg>'],
  ['style url(http…)', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" style="fill: url(http://evil.example/x)"/></svg>'],
  ['<style> @import', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><style>@import url("https://evil.example/a.css");</style><rect width="1" height="1"/></svg>'],
  ['fill="url(http…)"', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="url(https://evil.example/#g)"/></svg>'],
  ['<foreignObject> with HTML', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><foreignObject width="1" height="1"><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject></svg>'],
  ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&lol3;</text></svg>'],
  ['XXE', '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&xxe;</text></svg>'],
  ['an undeclared entity', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&xxe;</text></svg>'],
  ['a processing instruction', '<?xml-stylesheet href="https://evil.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'],
  ['<animate> setting href', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><a href="#x"><animate attributeName="href" to="javascript:alert(1)"/><rect id="x" width="1" height="1"/></a></svg>'],
  ['<set> of an event handler', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><set attributeName="onmouseover" to="alert(1)"/></svg>'],
  ['<iframe>', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><iframe src="https://evil.example/"/></svg>'],
  ['huge width and height', '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="10" height="10"/></svg>'],
  ['not well-formed', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><g></svg>'],
  ['an HTML root', '<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>'],
  ['a <use> chain', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><defs><g id="a"><rect width="1" height="1"/></g><g id="b"><use href="#a"/><use href="#a"/></g></defs><use href="#b"/></svg>'],
];

/** Nothing in these bytes can run or fetch. */
function assertInert(svg: string, context: string): void {
  assert.doesNotMatch(svg, /<script|foreignObject|<iframe|\son[a-z]+\s*=|javascript:|@import|DOCTYPE|ENTITY/i, context);
  for (const m of svg.matchAll(/(?:href|xlink:href)="([^"]*)"/g)) assert.match(m[1]!, /^#/, `${context}: href ${m[1]}`);
  for (const m of svg.matchAll(/url\(([^)]*)\)/g)) assert.match(m[1]!, /^['"]?#/, `${context}: url(${m[1]})`);
}

for (const backend of backends) {
  describe(`logos (${backend})`, () => {
    let world: World;
    let adminA: string;
    let analystA: string;
    let adminB: string;
    before(async () => {
      world = await seededWorld(backend);
      adminA = await world.staffToken('A', 'admin');
      analystA = await world.staffToken('A', 'analyst');
      adminB = await world.staffToken('B', 'admin');
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const read = async (orgId: string, token = adminA) => {
      const res = await world.request(`/v1/themes/${orgId}`, { token });
      assert.equal(res.status, 200, await res.clone().text());
      return { theme: (await res.json()) as Theme, etag: res.headers.get('etag')! };
    };
    const upload = async (orgId: string, body: Uint8Array | string, contentType: string, opts: { token?: string; ifMatch?: string | null } = {}) => {
      const ifMatch = opts.ifMatch === undefined ? (await read(orgId)).etag : opts.ifMatch;
      return world.request(`/v1/themes/${orgId}/logo`, {
        method: 'PUT',
        token: opts.token ?? adminA,
        headers: { 'content-type': contentType, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
    };
    const uploaded = async (orgId: string, body: Uint8Array | string, contentType: string) => {
      const res = await upload(orgId, body, contentType);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return JSON.parse(text) as Theme;
    };
    const logosOf = async (orgId: string) =>
      Number((await owner<{ n: number | string }>(sql`select count(*) as n from logos where tenant_id = ${orgId}::uuid`))[0]!.n);
    const customer = () => world.orgs.customersA[1]!;

    test('PNG, JPEG and SVG uploads: a new logo each, the theme points at it, the version moves, the audit names it', async () => {
      const org = customer();
      for (const [type, bytes] of [
        ['image/png', await png()],
        ['image/jpeg', await jpeg()],
        ['image/svg+xml', Buffer.from(SVG)],
      ] as const) {
        const before = await read(org);
        const theme = await uploaded(org, bytes, type);
        assert.equal(theme.version, before.theme.version + 1, type);
        assert.ok(theme.logo, type);
        assert.notEqual(theme.logo.id, before.theme.logo?.id);
        assert.deepEqual(theme.logo, { id: theme.logo.id, url: `/v1/logos/${theme.logo.id}`, rasterUrl: `/v1/logos/${theme.logo.id}/raster.png`, source: 'customer' });
        assert.deepEqual((await read(org)).theme.logo, theme.logo);

        const served = await world.request(theme.logo.url);
        assert.equal(served.status, 200);
        assert.equal(served.headers.get('content-type'), type);
        const body = Buffer.from(await served.arrayBuffer());
        if (type !== 'image/svg+xml') assert.ok(body.equals(Buffer.from(bytes)), `${type}: served as uploaded`);
        else assertInert(body.toString('utf8'), 'the served SVG');

        const raster = await world.request(theme.logo.rasterUrl);
        assert.equal(raster.headers.get('content-type'), 'image/png');
        const meta = await sharp(Buffer.from(await raster.arrayBuffer())).metadata();
        assert.equal(meta.format, 'png');
        assert.ok(meta.width! <= 1200 && meta.height! <= 400, `${type}: ${meta.width} × ${meta.height}`);
        if (type === 'image/png') assert.ok(meta.hasAlpha, 'transparency kept');
        if (type === 'image/svg+xml') assert.equal(meta.width, 1200, 'an SVG is drawn to fill the raster box');

        const [audit] = await owner<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
          sql`select before, after from audit_log where tenant_id = ${org}::uuid and action = 'theme.logo_updated' order by id desc limit 1`,
        );
        assert.equal(audit!.after.logoId, theme.logo.id);
        assert.equal(audit!.after.sha256, createHash('sha256').update(body).digest('hex'));
        assert.equal(audit!.before.logoId, before.theme.logo?.source === 'customer' ? before.theme.logo.id : null);
        assert.doesNotMatch(JSON.stringify(audit), /base64|<svg|PNG/, 'no bytes in the audit record');
      }
    });

    test('public serving: no session, CSP, nosniff, immutable cache, ETag, CORP; unknown ids 404', async () => {
      const theme = await uploaded(customer(), Buffer.from(SVG), 'image/svg+xml');
      for (const url of [theme.logo!.url, theme.logo!.rasterUrl]) {
        const res = await world.request(url, { headers: { origin: 'https://elsewhere.example' } });
        assert.equal(res.status, 200, url);
        assert.equal(res.headers.get('content-security-policy'), "default-src 'none'");
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
        const etag = res.headers.get('etag');
        assert.match(etag ?? '', /^"[0-9a-f]{64}(-raster)?"$/);
        await res.arrayBuffer();
        const again = await world.request(url, { headers: { 'if-none-match': etag! } });
        assert.equal(again.status, 304);
      }
      await expectProblem(await world.request(`/v1/logos/${randomUUID()}`), 404, 'not-found');
      await expectProblem(await world.request(`/v1/logos/${randomUUID()}/raster.png`), 404, 'not-found');
      await expectFieldError(await world.request('/v1/logos/not-a-uuid'), '#/path/logoId');
    });

    test('refused uploads: too large, wrong type, mismatched bytes, corrupt, too many pixels; nothing stored', async () => {
      const org = customer();
      const count = await logosOf(org);
      const big = Buffer.concat([await png(), Buffer.alloc(1024 * 1024)]);
      await expectProblem(await upload(org, big, 'image/png'), 413, 'payload-too-large', 'over 1 MB');
      await expectProblem(await upload(org, await png(), 'image/gif'), 415, 'invalid-request', 'image/gif');
      await expectProblem(await upload(org, '{}', 'application/json'), 415, 'invalid-request', 'JSON');
      await expectFieldError(await upload(org, await jpeg(), 'image/png'), '#/body', 'a JPEG sent as PNG');
      await expectFieldError(await upload(org, await png(), 'image/svg+xml'), '#/body', 'a PNG sent as SVG');
      await expectFieldError(await upload(org, Buffer.from(SVG), 'image/png'), '#/body', 'an SVG sent as PNG');
      await expectFieldError(await upload(org, Buffer.from('GIF89a……'), 'image/png'), '#/body', 'a GIF');
      const truncated = (await png(400, 400, 1)).subarray(0, 120);
      await expectFieldError(await upload(org, truncated, 'image/png'), '#/body', 'a truncated PNG');
      const corrupt = Buffer.from(await jpeg());
      corrupt.fill(0, 20, 200);
      await expectFieldError(await upload(org, corrupt, 'image/jpeg'), '#/body', 'a corrupt JPEG');
      const wide = await sharp({ create: { width: 5000, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
      await expectFieldError(await upload(org, wide, 'image/png'), '#/body', '5000 px wide');
      await expectFieldError(await upload(org, new Uint8Array(0), 'image/png'), '#/body', 'empty');
      assert.equal(await logosOf(org), count);
    });

    test('malicious SVGs are refused with the reason, and nothing is stored', async () => {
      const org = customer();
      const count = await logosOf(org);
      for (const [label, svg] of malicious) {
        const body = await expectFieldError(await upload(org, Buffer.from(svg), 'image/svg+xml'), '#/body', label);
        assert.match(body.detail, /SVG|root|element/, label);
      }
      assert.equal(await logosOf(org), count);
    });

    test('inert extras are dropped: editor metadata, unknown attributes, comments; links inside the document kept', async () => {
      const svg = `<?xml version="1.0" encoding="UTF-8"?>
        <!-- made by hand -->
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
             width="120" height="40" inkscape:version="1.3" data-x="1">
          <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
          <defs><linearGradient id="g"><stop offset="0" stop-color="#0b5cad"/><stop offset="1" stop-color="#7a3e9d"/></linearGradient><path id="p" d="M0 0h10"/></defs>
          <rect width="120" height="40" fill="url(#g)" inkscape:label="bg"/>
          <use xlink:href="#p" style="stroke: #fff; stroke-width: 2"/>
          <text x="8" y="28" font-family="Inter, sans-serif">A &amp; B</text>
        </svg>`;
      const theme = await uploaded(customer(), Buffer.from(svg), 'image/svg+xml');
      const served = await (await world.request(theme.logo!.url)).text();
      assertInert(served, 'the sanitised SVG');
      assert.doesNotMatch(served, /inkscape|metadata|rdf|data-x|<!--/);
      assert.match(served, /fill="url\(#g\)"/);
      assert.match(served, /xlink:href="#p"/);
      assert.match(served, /A &amp; B/);
      assert.match(served, /viewBox="0 0 120 40"/, 'a viewBox from its size, so the raster scales');
    });

    test('If-Match: missing → 428, stale → 412 with the current theme; a theme without a row is version 0', async () => {
      const [fresh] = await owner<{ id: string }>(
        sql`select o.id from orgs o where o.id = any(${`{${world.orgs.customersA.join(',')}}`}::uuid[])
              and not exists (select 1 from themes t where t.tenant_id = o.id) order by o.id limit 1`,
      );
      const org = fresh!.id;
      assert.equal((await read(org)).etag, '"0"');
      await expectProblem(await upload(org, await png(), 'image/png', { ifMatch: null }), 428, 'precondition-required');
      await expectProblem(await upload(org, await png(), 'image/png', { ifMatch: '"3"' }), 412, 'precondition-failed', '', ['current']);
      const theme = await uploaded(org, await png(), 'image/png');
      assert.equal(theme.version, 1, 'the row is created');
      await expectProblem(await upload(org, await png(), 'image/png', { ifMatch: '"0"' }), 412, 'precondition-failed', 'stale', ['current']);

      const del = (ifMatch: string | null, token = adminA) =>
        world.request(`/v1/themes/${org}/logo`, { method: 'DELETE', token, headers: ifMatch ? { 'if-match': ifMatch } : {} });
      await expectProblem(await del(null), 428, 'precondition-required');
      await expectProblem(await del('"0"'), 412, 'precondition-failed', '', ['current']);
      const res = await del('"1"');
      assert.equal(res.status, 200, await res.clone().text());
      const after = (await res.json()) as Theme;
      assert.equal(after.version, 2);
      const [fleet] = await owner<{ logo_id: string | null }>(sql`select logo_id from themes where tenant_id = ${world.orgs.mspA}::uuid`);
      assert.equal(after.logo?.id ?? null, fleet?.logo_id ?? null, 'the fleet logo shows again');
      const [audit] = await owner<{ n: number | string }>(sql`select count(*) as n from audit_log where tenant_id = ${org}::uuid and action = 'theme.logo_removed'`);
      assert.equal(Number(audit!.n), 1);
      // The logo itself stays: it is immutable and may still be referenced by a sent report.
      const served = await world.request(theme.logo!.url);
      assert.equal(served.status, 200);
      await served.arrayBuffer();
    });

    test('roles and tenancy: analysts and customer users 403, another MSP 404', async () => {
      const org = customer();
      const etag = (await read(org)).etag;
      await expectProblem(await upload(org, await png(), 'image/png', { token: analystA, ifMatch: etag }), 403, 'forbidden', 'analyst');
      const own = await world.customerToken(org, 'customer_admin');
      await expectProblem(await upload(org, await png(), 'image/png', { token: own, ifMatch: etag }), 403, 'forbidden', 'customer admin');
      const absent = await expectProblem(await upload(randomUUID(), await png(), 'image/png', { token: adminB, ifMatch: '"0"' }), 404, 'not-found');
      const foreign = await expectProblem(await upload(org, await png(), 'image/png', { token: adminB, ifMatch: etag }), 404, 'not-found');
      assert.deepEqual(foreign, absent);
      const removed = await world.request(`/v1/themes/${org}/logo`, { method: 'DELETE', token: adminB, headers: { 'if-match': etag } });
      assert.deepEqual(await expectProblem(removed, 404, 'not-found'), absent);
    });

    test("a customer without a logo of its own shows its MSP's fleet logo, to its own users too; the seed has logos", async () => {
      const [seededLogos] = await owner<{ n: number | string }>(sql`select count(*) as n from themes t join logos l on l.tenant_id = t.tenant_id and l.id = t.logo_id`);
      assert.ok(Number(seededLogos!.n) >= 3, 'fleet logos of both MSPs and a customer\'s own');
      const fleetTheme = await uploaded(world.orgs.mspA, Buffer.from(SVG), 'image/svg+xml');
      assert.equal(fleetTheme.logo!.source, 'fleet', "an MSP's own logo is its fleet logo");
      const plain = await owner<{ id: string }>(
        sql`select o.id from orgs o join customer_profiles cp on cp.tenant_id = o.id
             where o.parent_id = ${world.orgs.mspA}::uuid and cp.revoked_at is null
               and not exists (select 1 from themes t where t.tenant_id = o.id and t.logo_id is not null) order by o.id`,
      );
      const id = await customerWithDelegation(world, 'read_only', plain.map((p) => p.id));
      const { theme } = await read(id);
      assert.deepEqual(theme.logo, { ...fleetTheme.logo!, source: 'fleet' });
      const ownUser = await world.customerToken(id, 'customer_viewer');
      assert.deepEqual((await read(id, ownUser)).theme.logo, theme.logo);
    });
  });
}
