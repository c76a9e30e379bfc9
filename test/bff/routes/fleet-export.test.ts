import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createApp } from '../../../bff/app.js';
import { queryRows } from '../../../bff/db/client.js';
import { fleetExportHeaders } from '../../../bff/outputs/fleet-export.js';
import { currencyDigits, majorUnits } from '../../../bff/outputs/tabular.js';
import type { FleetRowJson } from '../../../bff/routes/fleet.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';
import { parseCsv, readXlsx } from '../../helpers/tabular.js';

/**
 * GET /v1/fleet/export: the same customers, in the same order, as paging through GET /v1/fleet
 * with the same filters — in JSON, CSV and XLSX — with formula injection neutralised.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FORMULA_START = /^[=+\-@\t\r]/;
const col = (name: string) => {
  const i = fleetExportHeaders.indexOf(name);
  assert.ok(i >= 0, `no export column ${name}`);
  return i;
};

async function listAll(world: World, token: string, query: Record<string, string>): Promise<FleetRowJson[]> {
  const items: FleetRowJson[] = [];
  let cursor: string | null = null;
  do {
    const qs = new URLSearchParams({ ...query, limit: '7', ...(cursor ? { cursor } : {}) });
    const res = await world.request(`/v1/fleet?${qs}`, { token });
    assert.equal(res.status, 200, await res.clone().text());
    const page = (await res.json()) as { items: FleetRowJson[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const download = async (world: World, token: string, query: Record<string, string>) => {
  const res = await world.request(`/v1/fleet/export?${new URLSearchParams(query)}`, { token });
  assert.equal(res.status, 200, await res.clone().text());
  return res;
};

/** The CSV text of a cell as the export should write it. */
function expectedCsv(row: FleetRowJson): string[] {
  const text = (s: string | null | undefined) => (s == null ? '' : FORMULA_START.test(s) ? `'${s}` : s);
  const int = (n: number | null | undefined) => (n == null ? '' : String(n));
  const money = (m: { amountMinor: number; currency: string } | null) => (m ? majorUnits(m) : '');
  return [
    text(row.name), row.status, text(row.tags.join(', ')), row.plan ?? '', row.serviceMode, row.paymentMethod,
    row.licences?.model ?? '', int(row.licences?.used), int(row.licences?.quota), money(row.acv), money(row.averageIpPrice),
    (row.acv ?? row.averageIpPrice ?? row.monthlyPrice)?.currency ?? '', row.renewsAt ?? '', int(row.posture?.score),
    int(row.posture?.trend), row.lastScanAt ?? '', int(row.openPriorityFindings), text(row.parent.name), row.id,
  ];
}

for (const backend of backends) {
  describe(`GET /v1/fleet/export (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
      // Hostile names and tags, as an MSP's customer could type them.
      const [first, second, third] = world.orgs.customersA;
      await world.database.db.execute(sql`update orgs set name = '=HYPERLINK("http://x","click")' where id = ${first!}::uuid`);
      await world.database.db.execute(sql`update orgs set name = '@SUM(1+1)' where id = ${second!}::uuid`);
      await world.database.db.execute(sql`update orgs set name = '+cmd|'' /C calc''!A0, "quoted"' where id = ${third!}::uuid`);
      await world.database.db.execute(sql`update customer_profiles set tags = array['-2+3', 'fine'] where tenant_id = ${first!}::uuid`);
    });
    after(() => world?.close());

    const filters: Record<string, string>[] = [
      {},
      { sort: 'postureScore', order: 'desc' },
      { status: 'active,connection_lost', sort: 'lastScan' },
      { plan: 'trial' },
      { tag: 'priority,finance', sort: 'licenceUse', order: 'desc' },
      { q: 'a', serviceMode: 'managed', paymentMethod: 'invoice,credit_card' },
    ];

    test('JSON: the same rows in the same order as paging through the list, as a download', async () => {
      for (const query of filters) {
        const expected = await listAll(world, admin, query);
        const res = await download(world, admin, { ...query, format: 'json' });
        assert.equal(res.headers.get('content-type'), 'application/json');
        assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="fleet-\d{4}-\d{2}-\d{2}\.json"$/);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        const body = (await res.json()) as { items: FleetRowJson[] };
        assert.deepEqual(Object.keys(body), ['items']);
        assert.deepEqual(body.items, expected, JSON.stringify(query));
      }
      const none = (await (await download(world, admin, { q: 'no customer is called this' })).json()) as { items: unknown[] };
      assert.deepEqual(none.items, []);
    });

    test('CSV: RFC 4180 with a BOM, the list rows cell by cell, formulas neutralised', async () => {
      for (const query of filters) {
        const expected = await listAll(world, admin, query);
        const res = await download(world, admin, { ...query, format: 'csv' });
        assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
        assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="fleet-\d{4}-\d{2}-\d{2}\.csv"$/);
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
        const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
        assert.deepEqual(rows[0], fleetExportHeaders);
        assert.deepEqual(rows.slice(1), expected.map(expectedCsv), JSON.stringify(query));
        for (const cell of rows.flat()) {
          if (FORMULA_START.test(cell)) assert.match(cell, /^-\d+(\.\d+)?$/, `a cell a spreadsheet would evaluate: ${cell}`);
        }
      }
      const text = new TextDecoder().decode(await (await download(world, admin, { format: 'csv' })).arrayBuffer());
      assert.ok(text.includes(`"'=HYPERLINK(""http://x"",""click"")"`), 'the hostile name is quoted, its quotes doubled, and neutralised');
      assert.ok(text.includes(`'@SUM(1+1)`));
      assert.ok(text.includes(`"'+cmd|' /C calc'!A0, ""quoted"""`));
      assert.ok(text.includes(`"'-2+3, fine"`), 'tags are text too');
    });

    test('XLSX: a header row, the list rows, money as numbers in major units, dates as dates, no formulas', async () => {
      for (const query of filters.slice(0, 3)) {
        const expected = await listAll(world, admin, query);
        const res = await download(world, admin, { ...query, format: 'xlsx' });
        assert.equal(res.headers.get('content-type'), XLSX);
        assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="fleet-\d{4}-\d{2}-\d{2}\.xlsx"$/);
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.deepEqual([...bytes.slice(0, 2)], [0x50, 0x4b], 'a zip container');
        const sheet = await readXlsx(bytes);
        assert.deepEqual(sheet.formulas, []);
        assert.deepEqual(sheet.rows[0], fleetExportHeaders);
        assert.equal(sheet.rows.length, expected.length + 1, JSON.stringify(query));
        expected.forEach((row, i) => {
          const cells = sheet.rows[i + 1]!;
          const r = i + 2;
          const csv = expectedCsv(row);
          // Text cells read back exactly as the CSV writes them (neutralised the same way).
          for (const name of ['Customer', 'Status', 'Tags', 'Plan', 'Service mode', 'Payment method', 'Licence model', 'Currency', 'Parent', 'Customer ID']) {
            assert.equal(cells[col(name)] ?? '', csv[col(name)], `${row.id} ${name}`);
          }
          for (const [name, value] of [
            ['Licences used', row.licences?.used],
            ['Licence quota', row.licences?.quota],
            ['Posture score', row.posture?.score],
            ['Posture trend (30 days)', row.posture?.trend],
            ['Open priority findings', row.openPriorityFindings],
          ] as const) {
            assert.equal(cells[col(name)], value ?? null, `${row.id} ${name}`);
          }
          for (const [name, money] of [['ACV', row.acv], ['Average IP price', row.averageIpPrice]] as const) {
            const cell = cells[col(name)];
            if (!money) {
              assert.equal(cell, null, `${row.id} ${name}`);
              continue;
            }
            assert.equal(typeof cell, 'number', `${row.id} ${name} is a number`);
            assert.equal(cell, money.amountMinor / 10 ** currencyDigits(money.currency), `${row.id} ${name}`);
            const fmt = sheet.numFmt(r, col(name) + 1) ?? '';
            assert.ok(fmt.includes(money.currency) && fmt.includes('0.00'), `${row.id} ${name}: number format ${fmt}`);
          }
          const lastScan = cells[col('Last scan')];
          if (row.lastScanAt) {
            assert.ok(lastScan instanceof Date, `${row.id} last scan is a date`);
            assert.ok(Math.abs(lastScan.getTime() - Date.parse(row.lastScanAt)) < 1000, `${row.id} last scan ${lastScan.toISOString()} vs ${row.lastScanAt}`);
            assert.match(sheet.numFmt(r, col('Last scan') + 1) ?? '', /yyyy-mm-dd hh:mm/);
          } else assert.equal(lastScan, null);
          const renewal = cells[col('Renewal')];
          if (row.renewsAt) {
            assert.ok(renewal instanceof Date, `${row.id} renewal is a date`);
            assert.equal(renewal.toISOString().slice(0, 10), row.renewsAt.slice(0, 10));
            assert.match(sheet.numFmt(r, col('Renewal') + 1) ?? '', /yyyy-mm-dd/);
          } else assert.equal(renewal, null);
        });
        for (const cell of sheet.rows.flat()) {
          if (typeof cell === 'string') assert.doesNotMatch(cell, FORMULA_START, `an XLSX text cell a spreadsheet would evaluate: ${cell}`);
        }
      }
      const sheet = await readXlsx(await (await download(world, admin, { format: 'xlsx' })).arrayBuffer());
      const names = sheet.rows.map((r) => r[col('Customer')]);
      assert.ok(names.includes(`'=HYPERLINK("http://x","click")`));
      assert.ok(names.includes(`'@SUM(1+1)`));
    });

    test("an account manager's export holds only its assigned customers, in every format; marketing gets none", async () => {
      const am = await world.staffToken('A', 'accountManager');
      for (const format of ['json', 'csv', 'xlsx']) {
        const res = await download(world, am, { format });
        const ids =
          format === 'json' ? ((await res.json()) as { items: FleetRowJson[] }).items.map((i) => i.id)
          : format === 'csv' ? parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())).slice(1).map((r) => r[col('Customer ID')]!)
          : (await readXlsx(await res.arrayBuffer())).rows.slice(1).map((r) => r[col('Customer ID')] as string);
        assert.deepEqual([...ids].sort(), [...world.orgs.assignedA].sort(), format);
      }
      const marketing = await world.staffToken('A', 'marketing');
      await expectProblem(await world.request('/v1/fleet/export?format=csv', { token: marketing }), 403, 'forbidden');
    });

    test('more customers than the export limit → 400 naming the query, nothing partial', async () => {
      const capped = createApp({ ...world.deps, config: { ...world.config, exportMaxRows: 3 } });
      const res = await capped.request('/v1/fleet/export?format=csv', { headers: { authorization: `Bearer ${admin}` } });
      const problem = await expectFieldError(res, '#/query', 'over the limit');
      assert.match(problem.detail, /More than 3 customers/);
      const narrowed = await capped.request(`/v1/fleet/export?format=json&q=${encodeURIComponent('@SUM')}`, { headers: { authorization: `Bearer ${admin}` } });
      assert.equal(narrowed.status, 200, 'a filtered set under the limit exports');
    });

    test('filters are validated like the list: bad values → 400 with a pointer', async () => {
      await expectFieldError(await world.request('/v1/fleet/export?format=pdf', { token: admin }), '#/query/format');
      await expectFieldError(await world.request('/v1/fleet/export?status=gone', { token: admin }), '#/query/status');
      await expectFieldError(
        await world.request('/v1/fleet/export?lastScanAfter=2026-02-01T00:00:00Z&lastScanBefore=2026-01-01T00:00:00Z', { token: admin }),
        '#/query/lastScanAfter',
      );
      // Paging belongs to the list; the export ignores undeclared parameters like every route.
      assert.equal((await world.request('/v1/fleet/export?limit=1', { token: admin })).status, 200);
    });

    test('every export is recorded in the audit log with its format and size', async () => {
      const before = await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from audit_log where action = 'fleet.export'`);
      await download(world, admin, { format: 'csv', plan: 'trial' });
      const rows = await queryRows<{ actor_role: string; after: unknown }>(
        world.database.db,
        sql`select actor_role, after from audit_log where action = 'fleet.export' order by id desc limit 1`,
      );
      const [count] = await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from audit_log where action = 'fleet.export'`);
      assert.equal(count!.n, before[0]!.n + 1);
      const after = (typeof rows[0]!.after === 'string' ? JSON.parse(rows[0]!.after) : rows[0]!.after) as { format: string; rows: number; filters: { plan: string[] } };
      assert.equal(rows[0]!.actor_role, 'msp_admin');
      assert.equal(after.format, 'csv');
      assert.deepEqual(after.filters.plan, ['trial']);
      assert.equal(after.rows, (await listAll(world, admin, { plan: 'trial' })).length);
    });
  });
}
