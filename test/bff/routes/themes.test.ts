import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { themeTokens } from '../../../themes/loader.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/** GET/PUT /v1/themes/{orgId}: the fallback chain, roles, tenancy, If-Match, contrast, audit. */

interface Theme {
  orgId: string;
  own: Record<string, string | null>;
  fleetOrgId: string | null;
  resolved: Record<string, string>;
  sources: Record<string, 'customer' | 'fleet' | 'preset'>;
  tokens: Record<string, string>;
  contrast: { text: string; background: string; ratio: number; pass: boolean }[];
  accessible: boolean;
  version: number;
  updatedAt: string | null;
}

for (const backend of backends) {
  describe(`themes (${backend})`, () => {
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

    const url = (orgId: string) => `/v1/themes/${orgId}`;
    const get = (token: string, orgId: string) => world.request(url(orgId), { token });
    const put = (token: string, orgId: string, body: unknown, ifMatch?: string) =>
      world.request(url(orgId), {
        method: 'PUT',
        token,
        headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        body: JSON.stringify(body),
      });
    const read = async (token: string, orgId: string) => {
      const res = await get(token, orgId);
      assert.equal(res.status, 200, await res.clone().text());
      return { theme: (await res.json()) as Theme, etag: res.headers.get('etag')! };
    };
    /** A customer of MSP A (not the sub-partner's) without a theme row of its own. */
    const plainCustomer = async () => {
      const rows = await queryRows<{ id: string }>(
        world.database.db,
        sql`select o.id from orgs o where o.id = any(${sql.param(world.orgs.customersA)}::uuid[])
              and not exists (select 1 from themes t where t.tenant_id = o.id) order by o.id`,
      );
      return rows.map((r) => r.id);
    };

    test("the MSP's own theme: its seeded fleet row, sources fleet or preset, accessible", async () => {
      const { theme, etag } = await read(adminA, world.orgs.mspA);
      assert.equal(theme.orgId, world.orgs.mspA);
      assert.equal(theme.version, 1);
      assert.equal(etag, '"1"');
      assert.equal(theme.own.colorPrimary, '#0f5fa8');
      assert.equal(theme.resolved.colorPrimary, '#0f5fa8');
      assert.equal(theme.sources.colorPrimary, 'fleet');
      assert.equal(theme.own.colorDanger, null);
      assert.equal(theme.sources.colorDanger, 'preset');
      assert.equal(theme.resolved.colorDanger, themeTokens('light')['--msp-color-danger']);
      assert.equal(theme.fleetOrgId, null);
      assert.ok(theme.accessible);
      assert.equal(theme.contrast.length, 16);
      assert.equal(theme.tokens['--msp-color-primary'], '#0f5fa8');
    });

    test("a customer without a row inherits its MSP's fleet theme, also as its own users read it", async () => {
      const [id] = await plainCustomer();
      const { theme } = await read(adminA, id!);
      assert.equal(theme.version, 0);
      assert.equal(theme.fleetOrgId, world.orgs.mspA);
      assert.equal(theme.resolved.colorPrimary, '#0f5fa8');
      assert.equal(theme.sources.colorPrimary, 'fleet');
      assert.ok(Object.values(theme.own).every((v) => v === null));

      // The customer's own users cannot read their MSP's rows, yet get its fleet theme.
      const customer = await customerWithDelegation(world, 'read_only', await plainCustomer());
      const viewer = await world.customerToken(customer, 'customer_viewer');
      const mine = await read(viewer, customer);
      assert.equal(mine.theme.resolved.colorPrimary, '#0f5fa8');
      assert.equal(mine.theme.fleetOrgId, world.orgs.mspA);
      // …but not the MSP's theme itself.
      await expectProblem(await get(viewer, world.orgs.mspA), 404, 'not-found');
    });

    test("a sub-partner's customer inherits the sub-partner's theme, not the MSP's", async () => {
      const [customer] = world.orgs.customersPartner;
      const before = await read(adminA, customer!);
      assert.equal(before.theme.fleetOrgId, null, 'the seeded sub-partner has no theme');
      assert.equal(before.theme.sources.colorPrimary === 'fleet', false);

      const partner = await read(adminA, world.orgs.partner);
      assert.equal(partner.theme.fleetOrgId, world.orgs.mspA, "the sub-partner itself falls back to its MSP's theme");
      const saved = await put(adminA, world.orgs.partner, { colorPrimary: '#8a1c5c', mode: 'light' }, partner.etag);
      assert.equal(saved.status, 200, await saved.clone().text());
      const after = await read(adminA, customer!);
      assert.equal(after.theme.fleetOrgId, world.orgs.partner);
      assert.equal(after.theme.resolved.colorPrimary, '#8a1c5c');
      assert.equal(after.theme.sources.colorPrimary, 'fleet');
    });

    test('PUT: If-Match required (428), stale (412 with current), then saved, normalised and audited', async () => {
      const [id] = await plainCustomer();
      const body = { colorPrimary: '#1A4D8F', borderRadius: '0.50rem', fontFamily: '"Open Sans", Arial, sans-serif' };
      await expectProblem(await put(adminA, id!, body), 428, 'precondition-required');
      const stale = await expectProblem(await put(adminA, id!, body, '"7"'), 412, 'precondition-failed', '', ['current']);
      assert.equal((stale.current as Theme).version, 0);

      const res = await put(adminA, id!, body, '"0"');
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('etag'), '"1"');
      const saved = (await res.json()) as Theme;
      assert.equal(saved.own.colorPrimary, '#1a4d8f');
      assert.equal(saved.own.borderRadius, '0.5rem');
      assert.equal(saved.own.fontFamily, 'Open Sans, Arial, sans-serif');
      assert.equal(saved.sources.colorPrimary, 'customer');
      assert.equal(saved.sources.colorAccent, 'fleet');
      assert.equal(saved.tokens['--msp-radius'], '0.5rem');
      assert.deepEqual((await read(adminA, id!)).theme, saved);

      // The same version again: someone saved in between.
      await expectProblem(await put(adminA, id!, body, '"0"'), 412, 'precondition-failed', '', ['current']);
      // Replacing with nothing clears the row's values: all inherited again.
      const cleared = await put(adminA, id!, {}, '"1"');
      assert.equal(cleared.status, 200);
      assert.equal(((await cleared.json()) as Theme).sources.colorPrimary, 'fleet');

      const audit = await queryRows<{ action: string; actor_role: string; before: unknown; after: { colorPrimary: string | null; version: number } }>(
        world.database.db,
        sql`select action, actor_role, before, after from audit_log where target_id = ${id}::uuid and action = 'theme.update' order by id`,
      );
      assert.equal(audit.length, 2);
      assert.equal(audit[0]!.before, null);
      assert.equal(audit[0]!.after.colorPrimary, '#1a4d8f');
      assert.equal(audit[0]!.actor_role, 'msp_admin');
      assert.equal(audit[1]!.after.version, 2);
    });

    test('bad values: 400 naming each field; CSS injection never stored', async () => {
      const [id] = await plainCustomer();
      const { etag } = await read(adminA, id!);
      const cases: [string, unknown][] = [
        ['colorPrimary', 'red;background:url(x)'],
        ['colorBackground', '#fff}body{'],
        ['fontFamily', '</style><script>alert(1)</script>'],
        ['colorText', 'expression(alert(1))'],
        ['borderRadius', '40px'],
        ['spacingUnit', '1px'],
        ['mode', 'high-contrast'],
        ['colorAccent', 12],
      ];
      for (const [field, value] of cases) {
        await expectFieldError(await put(adminA, id!, { [field]: value }, etag), `#/body/${field}`, `${field}: ${String(value)}`);
      }
      assert.equal((await read(adminA, id!)).theme.version, Number(etag.slice(1, -1)));
    });

    test('an inaccessible theme is refused, naming the failing pairs', async () => {
      const [id] = await plainCustomer();
      const { etag, theme } = await read(adminA, id!);
      const res = await put(adminA, id!, { colorPrimary: '#aaccff', colorText: '#999999' }, etag);
      const problem = await expectProblem(res, 400, 'inaccessible-theme', '', ['contrast']);
      const failing = (problem.contrast as Theme['contrast']).map((p) => `${p.text} on ${p.background}`);
      assert.ok(failing.includes('--msp-color-primary on --msp-color-background'), failing.join());
      assert.ok(failing.includes('--msp-color-text on --msp-color-background'), failing.join());
      assert.ok(!failing.includes('--msp-color-on-primary on --msp-color-primary'), 'the text on primary is derived to pass');
      assert.ok((problem.contrast as Theme['contrast']).every((p) => !p.pass && p.ratio < 4.5));
      assert.match(problem.detail, /--msp-color-primary on --msp-color-background/);
      assert.deepEqual((await read(adminA, id!)).theme, theme, 'nothing saved');
    });

    test('roles: an analyst and customer users read but may not change a theme', async () => {
      const [id] = await plainCustomer();
      const { etag } = await read(analystA, id!);
      await expectProblem(await put(analystA, id!, { colorPrimary: '#123456' }, etag), 403, 'forbidden');
      const customer = await customerWithDelegation(world, 'full', world.orgs.customersA);
      const admin = await world.customerToken(customer, 'customer_admin');
      const own = await read(admin, customer);
      await expectProblem(await put(admin, customer, { colorPrimary: '#123456' }, own.etag), 403, 'forbidden');
      const marketing = await world.staffToken('A', 'marketing');
      await expectProblem(await get(marketing, world.orgs.mspA), 403, 'forbidden');
    });

    test("another MSP's orgs, and unknown ones, are 404 for reading and writing", async () => {
      const [foreign] = world.orgs.customersB;
      await expectProblem(await get(adminA, foreign!), 404, 'not-found');
      await expectProblem(await get(adminA, world.orgs.mspB), 404, 'not-found');
      await expectProblem(await put(adminA, foreign!, { colorPrimary: '#123456' }, '"0"'), 404, 'not-found');
      await expectProblem(await put(adminA, world.orgs.mspB, { colorPrimary: '#123456' }, '"1"'), 404, 'not-found');
      await expectProblem(await get(adminB, world.orgs.mspA), 404, 'not-found');
      await expectProblem(await get(adminA, '00000000-0000-4000-8000-000000000000'), 404, 'not-found');
      // A customer that revoked its MSP's access hides its theme like its other data.
      await expectProblem(await get(adminA, world.orgs.revoked), 404, 'not-found');
      const [row] = await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from themes where tenant_id = ${foreign!}::uuid`);
      assert.equal(row!.n, 0);
    });

    test("a change to the MSP's fleet theme reaches its customers at once", async () => {
      const [id] = await plainCustomer();
      const msp = await read(adminA, world.orgs.mspA);
      const res = await put(adminA, world.orgs.mspA, { ...msp.theme.own, colorPrimary: '#0a4a80', spacingUnit: '6px' }, msp.etag);
      assert.equal(res.status, 200, await res.clone().text());
      const { theme } = await read(adminA, id!);
      assert.equal(theme.resolved.colorPrimary, '#0a4a80');
      assert.equal(theme.resolved.spacingUnit, '6px');
      assert.equal(theme.sources.spacingUnit, 'fleet');
      assert.equal(theme.resolved.colorAccent, msp.theme.own.colorAccent);
    });
  });
}
