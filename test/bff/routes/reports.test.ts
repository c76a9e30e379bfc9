import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';
import { readPdf } from '../../helpers/pdf.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * The executive report: its figures are the database's as the owner reads them, the PDF shows
 * them in the customer's colours with the MSP's attribution, a long findings table breaks
 * across pages with its header repeated, and the usual tenancy and validation rules hold.
 */

interface Report {
  customer: { id: string; name: string; slug: string };
  msp: { id: string; name: string } | null;
  preparedBy: string | null;
  period: { from: string; to: string };
  posture: { score: number | null; trend: number | null; series: { day: string; score: number }[] };
  findingsBySeverity: Record<string, number>;
  topRisks: { title: string; asset: string; severity: string; ageDays: number }[];
  assetCoverage: { kind: string; total: number; scanned: number; notScanned: number }[];
  scanActivity: { weekStart: string; scans: number }[];
  brand: { colorPrimary: string; logoId: string | null; logoUrl: string | null };
}

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const NOW = new Date('2026-11-25T12:00:00Z');

for (const backend of backends) {
  describe(`executive report (${backend})`, () => {
    let world: World;
    let admin: string;
    let customer: string;
    before(async () => {
      world = await seededWorld(backend);
      world.deps.now = () => NOW;
      admin = await world.staffToken('A', 'admin');
      // The customer of MSP A with the most findings.
      const [top] = await owner<{ tenant_id: string }>(
        sql`select tenant_id from findings where tenant_id = any(${`{${world.orgs.customersA.join(',')}}`}::uuid[])
             group by tenant_id order by count(*) desc, tenant_id limit 1`,
      );
      customer = top!.tenant_id;
    });
    after(() => world?.close());

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const getJson = async (id: string, query = '', token = admin) => {
      const res = await world.request(`/v1/customers/${id}/reports/executive${query}`, { token });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return JSON.parse(text) as Report;
    };
    const getPdf = async (id: string, query = '', token = admin) => {
      const res = await world.request(`/v1/customers/${id}/reports/executive.pdf${query}`, { token });
      assert.equal(res.status, 200, res.status === 200 ? '' : await res.text());
      return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
    };
    /** Stores `raster` as a logo of `id` (as the upload route would, minus the checks); its id. */
    const addLogo = async (id: string, raster: Buffer) => {
      const hex = raster.toString('hex');
      const [row] = await owner<{ id: string }>(
        sql`insert into logos (tenant_id, content_type, image, raster, raster_width, raster_height, sha256)
            values (${id}::uuid, 'image/png', decode(${hex}, 'hex'), decode(${hex}, 'hex'), 1, 1, encode(sha256(decode(${hex}, 'hex')), 'hex'))
            returning id`,
      );
      return row!.id;
    };
    const setTheme = (id: string, primary: string | null, logoId: string | null = null) =>
      owner(sql`insert into themes (tenant_id, color_primary, logo_id) values (${id}::uuid, ${primary}, ${logoId}::uuid)
                on conflict (tenant_id) do update set color_primary = excluded.color_primary, logo_id = excluded.logo_id`);

    test('the figures are the database\'s: posture, open findings, coverage, scans', async () => {
      const r = await getJson(customer, '?from=2026-10-27&to=2026-11-25');
      assert.deepEqual(r.period, { from: '2026-10-27', to: '2026-11-25' });
      const [names] = await owner<{ name: string; msp: string }>(
        sql`select o.name, m.name as msp from orgs o join orgs m on m.id = o.parent_id where o.id = ${customer}::uuid`,
      );
      assert.equal(r.customer.name, names!.name);
      assert.equal(r.msp?.name, names!.msp);
      assert.equal(r.preparedBy, names!.msp);

      const [latest] = await owner<{ score: number }>(sql`select score from posture_snapshots where tenant_id = ${customer}::uuid and day <= '2026-11-25' order by day desc limit 1`);
      const [start] = await owner<{ score: number }>(sql`select score from posture_snapshots where tenant_id = ${customer}::uuid and day <= '2026-10-27' order by day desc limit 1`);
      assert.ok(latest, 'the seeded customer has posture snapshots');
      assert.equal(r.posture.score, latest.score);
      assert.equal(r.posture.trend, latest.score - start!.score);
      assert.ok(r.posture.series.every((p) => p.day >= '2026-10-27' && p.day <= '2026-11-25'));

      const counts = await owner<{ severity: string; n: string | number }>(
        sql`select severity::text as severity, count(*) as n from findings
             where tenant_id = ${customer}::uuid and first_seen_at < '2026-11-26T00:00:00Z'
               and (status = 'open' or last_seen_at >= '2026-11-26T00:00:00Z') group by severity`,
      );
      const expected = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<string, number>;
      for (const c of counts) expected[c.severity] = Number(c.n);
      assert.deepEqual(r.findingsBySeverity, expected);
      const total = Object.values(expected).reduce((a, n) => a + n, 0);
      assert.equal(r.topRisks.length, total);
      const rank = ['critical', 'high', 'medium', 'low', 'info'];
      for (let i = 1; i < r.topRisks.length; i++) {
        const [a, b] = [r.topRisks[i - 1]!, r.topRisks[i]!];
        assert.ok(rank.indexOf(a.severity) < rank.indexOf(b.severity) || (a.severity === b.severity && a.ageDays >= b.ageDays), 'most severe first, then oldest');
      }

      const [assets] = await owner<{ n: string | number }>(sql`select count(*) as n from assets where tenant_id = ${customer}::uuid`);
      assert.equal(r.assetCoverage.reduce((a, c) => a + c.total, 0), Number(assets!.n));
      assert.ok(r.assetCoverage.every((c) => c.scanned + c.notScanned === c.total));

      const [scans] = await owner<{ n: string | number }>(
        sql`select count(*) as n from scans where tenant_id = ${customer}::uuid and started_at >= '2026-10-27T00:00:00Z' and started_at < '2026-11-26T00:00:00Z'`,
      );
      assert.equal(r.scanActivity.reduce((a, w) => a + w.scans, 0), Number(scans!.n));
      assert.equal(r.scanActivity[0]!.weekStart, '2026-10-26', 'weeks start on Monday');
    });

    test('the default period is the last 30 days', async () => {
      const r = await getJson(customer);
      assert.deepEqual(r.period, { from: '2026-10-27', to: '2026-11-25' });
    });

    test('the PDF: A4, the customer, the MSP attribution, the figures, page numbers, the customer\'s colour', async () => {
      await setTheme(customer, '#1d7a5f');
      const r = await getJson(customer);
      assert.equal(r.brand.colorPrimary, '#1d7a5f');
      const { res, bytes } = await getPdf(customer);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="executive-report-${r.customer.slug}-2026-10-27-2026-11-25.pdf"`);
      assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
      assert.match(Buffer.from(bytes).toString('latin1'), /\/MediaBox \[0 0 595\.28 841\.89\]/, 'A4');
      assert.match(Buffer.from(bytes).toString('latin1'), /\/FontFile2/, 'the font is embedded');

      const pages = readPdf(bytes);
      const first = pages[0]!.lines;
      assert.ok(first.some((l) => l.includes(r.customer.name)), 'the customer name');
      assert.ok(first.includes('Executive security report'));
      const cardValue = (label: string) => first[first.indexOf(label) + 1];
      assert.equal(cardValue('Posture score'), String(r.posture.score));
      const open = Object.values(r.findingsBySeverity).reduce((a, n) => a + n, 0);
      assert.equal(cardValue('Open findings'), String(open));
      assert.equal(first[first.indexOf('Open findings') + 2], `${r.findingsBySeverity.critical} critical, ${r.findingsBySeverity.high} high`);
      for (const [label, key] of [['Critical', 'critical'], ['High', 'high'], ['Medium', 'medium'], ['Low', 'low'], ['Info', 'info']] as const) {
        assert.equal(first[first.indexOf(label) + 1], String(r.findingsBySeverity[key]), `${label} bar`);
      }
      pages.forEach((p, i) => {
        assert.ok(p.lines.includes(`Prepared by ${r.preparedBy!} for ${r.customer.name}`), `attribution on page ${i + 1}`);
        assert.ok(p.lines.includes(`Page ${i + 1} of ${pages.length}`), `page number on page ${i + 1}`);
      });
      assert.ok(pages[0]!.fills.includes('#1d7a5f'), 'the customer\'s primary colour fills');
      assert.ok(!pages[0]!.fills.includes('#0b5cad'), 'not the preset\'s');
    });

    test('without colours of its own the fleet theme brands it; a logo replaces the wordmark', async () => {
      const other = world.orgs.customersA.find((c) => c !== customer)!;
      await owner(sql`delete from themes where tenant_id = ${other}::uuid`);
      const [fleet] = await owner<{ color_primary: string | null; logo_id: string | null }>(sql`select color_primary, logo_id from themes where tenant_id = ${world.orgs.mspA}::uuid`);
      // Without the seeded fleet logo, for the wordmark.
      await owner(sql`update themes set logo_id = null where tenant_id = ${world.orgs.mspA}::uuid`);
      const plain = readPdf((await getPdf(other)).bytes);
      assert.ok(plain[0]!.fills.includes(fleet?.color_primary ?? '#0b5cad'));
      const name = (await getJson(other)).customer.name;
      assert.equal(plain[0]!.lines[0], name);

      const logoId = await addLogo(other, PNG_1x1);
      await setTheme(other, null, logoId);
      const brand = (await getJson(other)).brand;
      assert.deepEqual([brand.logoId, brand.logoUrl], [logoId, `/v1/logos/${logoId}`]);
      const { bytes } = await getPdf(other);
      assert.match(Buffer.from(bytes).toString('latin1'), /\/Subtype \/Image/);
      assert.notEqual(readPdf(bytes)[0]!.lines[0], name, 'no wordmark when the logo is drawn');

      await setTheme(other, null, await addLogo(other, Buffer.from('not a PNG')));
      assert.equal(readPdf((await getPdf(other)).bytes)[0]!.lines[0], name, 'a raster pdfkit cannot read falls back to the wordmark');
      await owner(sql`delete from themes where tenant_id = ${other}::uuid`);
      await owner(sql`update themes set logo_id = ${fleet?.logo_id ?? null}::uuid where tenant_id = ${world.orgs.mspA}::uuid`);
    });

    test("a customer without colours of its own takes its MSP's fleet theme, for its own users too", async () => {
      const [active] = await owner<{ tenant_id: string }>(
        sql`select u.tenant_id from users u join role_assignments r on r.user_id = u.id
             where r.role = 'customer_admin' and u.status = 'active' and u.tenant_id = any(${`{${world.orgs.customersA.join(',')}}`}::uuid[])
             order by u.tenant_id limit 1`,
      );
      const id = active!.tenant_id;
      await owner(sql`delete from themes where tenant_id = ${id}::uuid`);
      const [before] = await owner<{ color_primary: string | null; logo_id: string | null }>(
        sql`select color_primary, logo_id from themes where tenant_id = ${world.orgs.mspA}::uuid`,
      );
      const fleetLogo = await addLogo(world.orgs.mspA, PNG_1x1);
      await setTheme(world.orgs.mspA, '#5a2d82', fleetLogo);
      try {
        assert.equal((await getJson(id)).brand.colorPrimary, '#5a2d82');
        const own = await world.customerToken(id, 'customer_admin');
        const brand = (await getJson(id, '', own)).brand;
        assert.equal(brand.colorPrimary, '#5a2d82');
        assert.equal(brand.logoId, fleetLogo, "the fleet logo, for the customer's own users too");
        const { bytes } = await getPdf(id, '', own);
        assert.ok(readPdf(bytes)[0]!.fills.includes('#5a2d82'));
        assert.match(Buffer.from(bytes).toString('latin1'), /\/Subtype \/Image/, 'the fleet logo is drawn');
        await setTheme(world.orgs.mspA, null);
        assert.equal((await getJson(id)).brand.colorPrimary, '#0b5cad', 'neither has one: the light preset');
        await setTheme(id, '#1d7a5f');
        assert.equal((await getJson(id)).brand.colorPrimary, '#1d7a5f', "the customer's own colour wins");
      } finally {
        if (before) await setTheme(world.orgs.mspA, before.color_primary, before.logo_id);
        else await owner(sql`delete from themes where tenant_id = ${world.orgs.mspA}::uuid`);
        await owner(sql`delete from themes where tenant_id = ${id}::uuid`);
      }
    });

    test('a long findings table spans pages, repeats its header, and never splits a row', async () => {
      const target = world.orgs.customersA.find((c) => c !== customer)!;
      const [asset] = await owner<{ id: string }>(
        sql`insert into assets (tenant_id, kind, value, normalized_value) values (${target}::uuid, 'domain', 'long-table.example', 'long-table.example') returning id`,
      );
      const many = 90;
      for (let i = 0; i < many; i++) {
        const seen = new Date(Date.UTC(2026, 9, 1) + i * 3_600_000).toISOString();
        await owner(
          sql`insert into findings (tenant_id, asset_id, severity, type, title, status, first_seen_at, last_seen_at)
              values (${target}::uuid, ${asset!.id}::uuid, 'medium', 'long_table', ${`Long table finding ${String(i).padStart(3, '0')}`}, 'open', ${seen}::timestamptz, ${seen}::timestamptz)`,
        );
      }
      const pages = readPdf((await getPdf(target)).bytes);
      const tablePages = pages.filter((p) => p.lines.some((l) => l.startsWith('Long table finding')));
      assert.ok(tablePages.length >= 3, `the table spans ${tablePages.length} pages`);
      const header = ['Severity', 'Finding', 'Asset', 'Age (days)'];
      const seen: string[] = [];
      for (const [n, p] of tablePages.entries()) {
        const at = p.lines.indexOf('Severity');
        assert.deepEqual(p.lines.slice(at, at + 4), header, `the header row on table page ${n + 1}`);
        const rows = p.lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('Long table finding'));
        assert.ok(rows.every(([, i]) => i > at), 'rows come after the header');
        for (const [title, i] of rows) {
          // A whole row on one page: severity before, asset and age after its title.
          assert.equal(p.lines[i - 1], 'Medium', `${title}: severity on its page`);
          assert.equal(p.lines[i + 1], 'long-table.example', `${title}: asset on its page`);
          assert.match(p.lines[i + 2] ?? '', /^\d+$/, `${title}: age on its page`);
          seen.push(title);
        }
      }
      const titles = Array.from({ length: many }, (_, i) => `Long table finding ${String(i).padStart(3, '0')}`);
      assert.deepEqual(seen, titles, 'every row once, oldest first');
    });

    test('a customer of another MSP is not found; the customer itself sees its report', async () => {
      const foreign = world.orgs.customersB[0]!;
      for (const suffix of ['', '.pdf']) {
        await expectProblem(await world.request(`/v1/customers/${foreign}/reports/executive${suffix}`, { token: admin }), 404, 'not-found', suffix);
        const bToken = await world.staffToken('B', 'admin');
        await expectProblem(await world.request(`/v1/customers/${customer}/reports/executive${suffix}`, { token: bToken }), 404, 'not-found', suffix);
      }
      const active = await owner<{ tenant_id: string }>(
        sql`select u.tenant_id from users u join role_assignments r on r.user_id = u.id
             where r.role = 'customer_admin' and u.status = 'active' and u.tenant_id = any(${`{${world.orgs.customersA.join(',')}}`}::uuid[])
             order by u.tenant_id limit 2`,
      );
      assert.equal(active.length, 2, 'two customers with an active main user');
      const [mine, theirs] = active.map((a) => a.tenant_id) as [string, string];
      const own = await world.customerToken(mine, 'customer_admin');
      const r = await getJson(mine, '', own);
      assert.equal(r.customer.id, mine);
      // The customer's own users cannot see the MSP's org, but the attribution still names it.
      assert.equal(r.msp, null);
      const [seller] = await owner<{ name: string }>(sql`select m.name from orgs o join orgs m on m.id = o.parent_id where o.id = ${mine}::uuid`);
      assert.equal(r.preparedBy, seller!.name);
      const lines = readPdf((await getPdf(mine, '', own)).bytes)[0]!.lines;
      assert.ok(lines.includes(`Prepared by ${seller!.name} for ${r.customer.name}`), 'attribution names the MSP');
      await expectProblem(await world.request(`/v1/customers/${theirs}/reports/executive.pdf`, { token: own }), 404, 'not-found');
    });

    test('marketing may not read reports', async () => {
      const marketing = await world.staffToken('A', 'marketing');
      for (const suffix of ['', '.pdf']) {
        await expectProblem(await world.request(`/v1/customers/${customer}/reports/executive${suffix}`, { token: marketing }), 403, 'forbidden', suffix);
      }
    });

    test('bad periods are refused with pointers', async () => {
      for (const suffix of ['', '.pdf']) {
        const url = `/v1/customers/${customer}/reports/executive${suffix}`;
        await expectFieldError(await world.request(`${url}?from=2026-13-01`, { token: admin }), '#/query/from');
        await expectFieldError(await world.request(`${url}?to=yesterday`, { token: admin }), '#/query/to');
        await expectFieldError(await world.request(`${url}?from=2026-11-20&to=2026-11-01`, { token: admin }), '#/query/from');
        await expectFieldError(await world.request(`${url}?from=2024-01-01&to=2026-11-01`, { token: admin }), '#/query/from');
      }
    });
  });
}
