import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { periodForLabel } from '../../../bff/domain/billing.js';
import { shiftLabel } from '../../../bff/domain/usage-report.js';
import { scanProduct, products } from '../../../bff/domain/usage.js';
import type { UsageReportJson } from '../../../bff/routes/usage.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * The usage report over HTTP: its invoiced figures are the invoice preview's for every period
 * and scope (MSSP, reseller, a reselling sub-partner seen from its MSP, an account manager's
 * assigned customers), its ACV now is the fleet's, its scans are the rows', and its Excel files
 * hold the same figures.
 */

interface Preview {
  period: { start: string; end: string; label: string };
  partnership: 'mssp' | 'reseller';
  currency: string;
  lines: { customerId: string; customerName: string; description: string; from: string; to: string; ips: number; amountMinor: number; costMinor: number }[];
  totals: { amountMinor: number; costMinor: number; marginMinor: number };
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const NOW = new Date('2026-11-20T10:00:00Z');

async function workbook(res: Response): Promise<ExcelJS.Workbook> {
  assert.equal(res.status, 200, res.status === 200 ? '' : await res.clone().text());
  assert.equal(res.headers.get('content-type'), XLSX);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
  return book;
}

/** A sheet's rows as plain values, header first. */
function rowsOf(book: ExcelJS.Workbook, name: string): unknown[][] {
  const sheet = book.getWorksheet(name);
  assert.ok(sheet, `the workbook has no sheet ${name}: ${book.worksheets.map((s) => s.name).join(', ')}`);
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** Minor units of a money cell (major units with two digits, as the sheets write EUR and GBP). */
const minor = (v: unknown) => Math.round(Number(v) * 100);

for (const backend of backends) {
  describe(`usage report (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend);
      world.deps.now = () => NOW;
      admin = await world.staffToken('A', 'admin');
    });
    afterEach(() => {
      world.deps.now = () => NOW;
    });
    after(() => world?.close());

    const get = async <T>(path: string, token: string): Promise<T> => {
      const res = await world.request(path, { token });
      const text = await res.text();
      assert.equal(res.status, 200, `${path}: ${text.slice(0, 400)}`);
      return JSON.parse(text) as T;
    };
    const usage = (token: string, query = '') => get<UsageReportJson>(`/v1/usage-report${query}`, token);
    const preview = (token: string, label: string) => get<Preview>(`/v1/billing/invoice-preview?period=${label}`, token);
    const partnerAdmin = () => world.token(seeded.staff.admin, world.orgs.partner, 'msp_admin');

    /** Every period of the report bills exactly what the invoice preview of that period bills. */
    async function expectEqualsPreview(report: UsageReportJson, previewToken: string, onlyCustomers?: Set<string>) {
      assert.equal(report.periods.length, 12);
      for (const [i, period] of report.periods.entries()) {
        const p = await preview(previewToken, period.label);
        assert.equal(p.partnership, report.type);
        assert.deepEqual({ start: p.period.start, end: p.period.end }, { start: period.start, end: period.end }, period.label);
        const lines = onlyCustomers ? p.lines.filter((l) => onlyCustomers.has(l.customerId)) : p.lines;
        const amount = lines.reduce((a, l) => a + l.amountMinor, 0);
        const cost = lines.reduce((a, l) => a + l.costMinor, 0);
        assert.equal(period.amountMinor, amount, `${period.label}: invoiced`);
        assert.equal(period.customersBilled, new Set(lines.map((l) => l.customerId)).size, `${period.label}: customers billed`);
        if (report.costs) {
          assert.equal(period.costMinor, cost, `${period.label}: cost`);
          assert.equal(period.marginMinor, amount - cost, `${period.label}: margin`);
        }
        // Per customer too: each customer's figure is its own lines' sum.
        for (const c of report.customers) {
          const own = lines.filter((l) => l.customerId === c.id).reduce((a, l) => a + l.amountMinor, 0);
          assert.equal(c.amountMinor[i], own, `${period.label}: ${c.name}`);
        }
        if (i === report.periods.length - 1) {
          assert.deepEqual(
            report.invoice.lines,
            lines.map((l) => ({ ...l, costMinor: report.costs ? l.costMinor : null })),
            'the chosen period lists the invoice preview lines',
          );
          assert.equal(report.invoice.totals.amountMinor, amount);
        }
      }
      assert.ok(report.periods.some((p) => p.amountMinor > 0), 'the seed bills something, so the comparison proves something');
    }

    test('MSSP: every period bills what the invoice preview of that period bills, line for line in the chosen one', async () => {
      const report = await usage(admin);
      assert.equal(report.type, 'mssp');
      assert.equal(report.seller?.id, world.orgs.mspA);
      assert.equal(report.period?.label, '2026-11');
      // 26 October to 25 November on Berlin's clock (winter time from 25 October on).
      assert.equal(report.period?.start, '2026-10-25T23:00:00.000Z');
      assert.equal(report.period?.end, '2026-11-25T23:00:00.000Z');
      assert.equal(report.costs, true);
      assert.deepEqual(report.partnerships.map((p) => p.type), ['mssp', 'reseller']);
      await expectEqualsPreview(report, admin);
    });

    test('a past period asked for by label ends the report, and still equals its preview', async () => {
      const report = await usage(admin, '?period=2026-06');
      assert.equal(report.period?.label, '2026-06');
      assert.equal(report.periods[0]!.label, shiftLabel('2026-06', -11));
      await expectEqualsPreview(report, admin);
    });

    test("reseller: an MSSP's reselling sub-partner is reported in calendar months, equal to the sub-partner's own invoice preview", async () => {
      const report = await usage(admin, '?type=reseller');
      assert.equal(report.type, 'reseller');
      assert.equal(report.seller?.id, world.orgs.partner);
      assert.equal(report.period?.start, periodForLabel('2026-11', 'reseller', 'Europe/Berlin').start);
      assert.deepEqual(new Set(report.customers.map((c) => c.id)), new Set(world.orgs.customersPartner));
      await expectEqualsPreview(report, await partnerAdmin());
      // Naming the sub-partner says the same.
      assert.deepEqual(await usage(admin, `?seller=${world.orgs.partner}`), report);
    });

    test('a reseller MSP: calendar months equal to its preview; its ACV now is the fleet\'s; it has no MSSP business to show', async () => {
      // The seed's rows are today's: cancellations and IP changes of the last days must have happened.
      world.deps.now = () => new Date();
      const b = await world.staffToken('B', 'admin');
      const report = await usage(b);
      assert.equal(report.type, 'reseller');
      assert.deepEqual(report.partnerships.map((p) => p.type), ['reseller']);
      await expectEqualsPreview(report, b);
      const fleet = await get<{ customers: number; active: number; acv: { currency: string; amountMinor: number }[]; renewalsNextThreeMonths: number }>('/v1/fleet/summary', b);
      assert.deepEqual(fleet.acv, [{ currency: 'GBP', amountMinor: report.summary.acvMinor }]);
      assert.equal(report.summary.renewalsNextThreeMonths, fleet.renewalsNextThreeMonths);
      assert.equal(report.summary.customers, fleet.customers);
      assert.equal(report.summary.active, fleet.active);
      // The running period's ACV is the one of now.
      assert.equal(report.periods[11]!.acvMinor, report.summary.acvMinor);
      assert.ok(report.summary.acvMinor > 0);

      const none = await usage(b, '?type=mssp');
      assert.equal(none.type, 'mssp');
      assert.equal(none.seller, null);
      assert.deepEqual([none.periods, none.customers, none.invoice.lines], [[], [], []]);
    });

    test("an account manager's report holds only its assigned customers, their preview lines, and no costs", async () => {
      const am = await world.staffToken('A', 'accountManager');
      const report = await usage(am);
      assert.equal(report.costs, false);
      const expected = world.orgs.assignedA;
      assert.deepEqual(new Set(report.customers.map((c) => c.id)), new Set(expected));
      for (const p of report.periods) assert.equal(p.costMinor, null);
      assert.equal(report.invoice.totals.costMinor, null);
      // Its sellers: only its own org (it cannot see the sub-partner).
      assert.deepEqual(report.partnerships, [{ type: 'mssp', sellers: [{ id: world.orgs.mspA, name: 'Northwind Cyber' }] }]);
      await expectEqualsPreview(report, admin, new Set(expected));
    });

    test('analysts read it without costs; customers and marketing are refused', async () => {
      const analyst = await usage(await world.staffToken('A', 'analyst'));
      assert.equal(analyst.costs, false);
      assert.ok(analyst.customers.length > 3);
      for (const token of [
        await world.staffToken('A', 'marketing'),
        await world.customerToken(world.orgs.customersA[1]!, 'customer_admin'),
      ]) {
        for (const path of ['/v1/usage-report', '/v1/usage-report/export?format=xlsx']) {
          await expectProblem(await world.request(path, { token }), 403, 'forbidden', path);
        }
      }
    });

    test('scans per product and period are the rows of the portfolio in each period', async () => {
      const report = await usage(admin);
      const first = report.periods[0]!.start;
      const end = report.periods[11]!.end;
      const ids = report.customers.map((c) => c.id);
      const rows = await queryRows<{ customer: string; profile: string; started_at: Date | string }>(
        world.database.db,
        sql`select case when o.id = any(${sql.param(ids)}::uuid[]) then o.id else o.parent_id end as customer, s.profile, s.started_at
              from scans s join orgs o on o.id = s.tenant_id
             where (o.id = any(${sql.param(ids)}::uuid[]) or o.parent_id = any(${sql.param(ids)}::uuid[]))
               and s.started_at >= ${first}::timestamptz and s.started_at < ${end}::timestamptz`,
      );
      assert.ok(rows.length > 0, 'the seed has scans in the report');
      const expected = report.periods.map(() => Object.fromEntries(products.map((p) => [p, 0])) as Record<string, number>);
      for (const r of rows) {
        const at = new Date(r.started_at).getTime();
        const i = report.periods.findIndex((p) => Date.parse(p.start) <= at && at < Date.parse(p.end));
        const product = scanProduct(r.profile);
        if (product) expected[i]![product]!++;
      }
      assert.deepEqual(report.periods.map((p) => p.scans), expected);
      for (const [i] of report.periods.entries()) {
        for (const p of products) assert.equal(report.customers.reduce((a, c) => a + c.scans[p][i]!, 0), report.periods[i]!.scans[p]);
      }
    });

    test('bad query parameters answer problem+json naming the parameter; a seller out of view is a 404', async () => {
      await expectFieldError(await world.request('/v1/usage-report?period=2026-13', { token: admin }), '#/query/period');
      await expectFieldError(await world.request('/v1/usage-report?type=msp', { token: admin }), '#/query/type');
      await expectFieldError(await world.request('/v1/usage-report?seller=nope', { token: admin }), '#/query/seller');
      await expectFieldError(await world.request(`/v1/usage-report?type=mssp&seller=${world.orgs.partner}`, { token: admin }), '#/query/seller');
      await expectFieldError(await world.request('/v1/usage-report/export?content=pdf', { token: admin }), '#/query/content');
      await expectProblem(await world.request(`/v1/usage-report?seller=${world.orgs.mspB}`, { token: admin }), 404, 'not-found');
      await expectProblem(await world.request(`/v1/usage-report?seller=${world.orgs.customersA[0]}`, { token: admin }), 404, 'not-found');
    });

    test('the MSSP workbook holds the customers, the invoice breakdown with its total and the usage by product', async () => {
      const report = await usage(admin);
      const res = await world.request('/v1/usage-report/export?format=xlsx', { token: admin });
      assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="usage-mssp-2026-11\.xlsx"/);
      const book = await workbook(res);
      assert.deepEqual(book.worksheets.map((s) => s.name), ['Customers', 'Invoice breakdown', 'Usage by product']);
      const customers = rowsOf(book, 'Customers');
      assert.deepEqual(customers.slice(1).map((r) => r[1]), report.customers.map((c) => c.id));
      const lines = rowsOf(book, 'Invoice breakdown');
      assert.deepEqual(lines[0]!.slice(0, 7), ['Customer', 'Customer ID', 'Description', 'From (UTC)', 'To (UTC)', 'IPs', 'Amount']);
      const body = lines.slice(1, -1);
      assert.equal(body.length, report.invoice.lines.length);
      body.forEach((row, i) => {
        const line = report.invoice.lines[i]!;
        assert.deepEqual([row[1], row[2], row[5], minor(row[6]), minor(row[7])], [line.customerId, line.description, line.ips, line.amountMinor, line.costMinor]);
      });
      const total = lines[lines.length - 1]!;
      assert.equal(total[0], 'Total');
      const p = await preview(admin, '2026-11');
      assert.equal(minor(total[6]), p.totals.amountMinor);
      assert.equal(minor(total[7]), p.totals.costMinor);
      assert.equal(minor(total[8]), p.totals.marginMinor);
      const byProduct = rowsOf(book, 'Usage by product');
      assert.deepEqual(byProduct.slice(1).map((r) => [r[0], ...r.slice(3, 7)]), report.periods.map((x) => [x.label, ...products.map((pr) => x.scans[pr])]));
    });

    test('the reseller workbooks: monthly usage per customer and month with their totals, and the ACV history', async () => {
      const b = await world.staffToken('B', 'admin');
      const report = await usage(b);
      const book = await workbook(await world.request('/v1/usage-report/export?format=xlsx', { token: b }));
      assert.deepEqual(book.worksheets.map((s) => s.name), ['Monthly usage by customer', 'Monthly totals']);
      const months = rowsOf(book, 'Monthly totals');
      assert.deepEqual(
        months.slice(1).map((r) => [r[0], minor(r[9])]),
        report.periods.map((p) => [p.label, p.amountMinor]),
      );
      const perCustomer = rowsOf(book, 'Monthly usage by customer').slice(1);
      assert.equal(perCustomer.length, report.customers.length * 12);

      const res = await world.request('/v1/usage-report/export?format=xlsx&content=acv-history', { token: b });
      assert.match(res.headers.get('content-disposition') ?? '', /filename="acv-history-reseller-2026-11\.xlsx"/);
      const acv = rowsOf(await workbook(res), 'ACV history');
      assert.deepEqual(acv[0], ['Customer', 'Customer ID', 'Status', ...report.periods.map((p) => `ACV ${p.label}`)]);
      acv.slice(1, -1).forEach((row, i) => {
        const c = report.customers[i]!;
        assert.equal(row[1], c.id);
        assert.deepEqual(row.slice(3).map(minor), c.acvMinor);
      });
      assert.deepEqual(acv[acv.length - 1]!.slice(3).map(minor), report.periods.map((p) => p.acvMinor));

      const json = await get<{ items: { id: string }[] }>('/v1/usage-report/export?content=acv-history', b);
      assert.deepEqual(json.items, report.customers);
    });
  });
}
