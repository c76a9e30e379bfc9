import { localDate } from '../domain/zoned-date.js';
import type { UsageReportJson } from '../routes/usage.js';
import { toXlsxWorkbook, type Cell, type MoneyCell, type Table, type TableColumn } from './tabular.js';

/**
 * The usage report as Excel workbooks, written from the report's JSON so a file holds exactly
 * the figures the widget shows. Each workbook's first sheet lists every customer of the report
 * with its id, so a sheet can be joined with other data.
 *
 * - `usage`, MSSP: the chosen period per customer (scans per product, invoiced), the invoice
 *   breakdown (the invoice preview's lines and their total) and scans per product per period.
 * - `usage`, reseller: monthly usage per customer and month, and the months' totals.
 * - `acv-history`: each customer's ACV at the end of every period of the report.
 */
export type UsageWorkbookContent = 'usage' | 'acv-history';

type Report = UsageReportJson;

const col = (header: string, kind: TableColumn['kind'], width?: number): TableColumn => ({ header, kind, ...(width ? { width } : {}) });

/** The local calendar day of an instant on the seller's clock, as a date cell (UTC midnight of that day). */
function localDay(iso: string, timeZone: string, shiftMs = 0): Date {
  const d = localDate(new Date(Date.parse(iso) + shiftMs), timeZone);
  return new Date(Date.UTC(d.year, d.month - 1, d.day));
}

function sheets(r: Report, content: UsageWorkbookContent): { name: string; table: Table }[] {
  const currency = r.seller?.currency ?? 'EUR';
  const zone = r.seller?.timeZone ?? 'UTC';
  const money = (amountMinor: number | null): MoneyCell | null => (amountMinor === null ? null : { amountMinor, currency });
  const last = r.periods.length - 1;
  const products = r.products;
  const periodDays = (p: Report['periods'][number]) => [localDay(p.start, zone), localDay(p.end, zone, -1)];

  if (content === 'acv-history') {
    const columns = [col('Customer', 'text', 32), col('Customer ID', 'text', 38), col('Status', 'text', 12), ...r.periods.map((p) => col(`ACV ${p.label}`, 'money', 16))];
    const rows: Cell[][] = r.customers.map((c) => [c.name, c.id, c.status, ...c.acvMinor.map(money)]);
    rows.push(['Total', null, null, ...r.periods.map((p) => money(p.acvMinor))]);
    return [{ name: 'ACV history', table: { columns, rows } }];
  }

  if (r.type === 'reseller') {
    const byCustomer: Table = {
      columns: [col('Customer', 'text', 32), col('Customer ID', 'text', 38), col('Month', 'text'), ...products.map((p) => col(p.label, 'integer', 14)), col('Scans', 'integer'), col('Invoiced', 'money', 16), col('ACV at month end', 'money', 18)],
      rows: r.customers.flatMap((c) =>
        r.periods.map((p, i) => {
          const scans = products.map((x) => c.scans[x.product][i] ?? 0);
          return [c.name, c.id, p.label, ...scans, scans.reduce((a, b) => a + b, 0), money(c.amountMinor[i] ?? 0), money(c.acvMinor[i] ?? 0)];
        }),
      ),
    };
    const months: Table = {
      columns: [col('Month', 'text'), col('First day', 'date', 12), col('Last day', 'date', 12), ...products.map((p) => col(p.label, 'integer', 14)), col('Scans', 'integer'), col('Customers billed', 'integer', 16), col('Invoiced', 'money', 16), ...(r.costs ? [col('Cost', 'money', 16), col('Margin', 'money', 16)] : []), col('ACV at month end', 'money', 18)],
      rows: r.periods.map((p) => {
        const scans = products.map((x) => p.scans[x.product]);
        return [p.label, ...periodDays(p), ...scans, scans.reduce((a, b) => a + b, 0), p.customersBilled, money(p.amountMinor), ...(r.costs ? [money(p.costMinor), money(p.marginMinor)] : []), money(p.acvMinor)];
      }),
    };
    return [
      { name: 'Monthly usage by customer', table: byCustomer },
      { name: 'Monthly totals', table: months },
    ];
  }

  const customers: Table = {
    columns: [col('Customer', 'text', 32), col('Customer ID', 'text', 38), col('Status', 'text', 12), ...products.map((p) => col(`${p.label} scans`, 'integer', 16)), col('Invoiced', 'money', 16), ...(r.costs ? [col('Cost', 'money', 16)] : []), col('ACV', 'money', 16)],
    rows: r.customers.map((c) => [
      c.name, c.id, c.status, ...products.map((x) => (last >= 0 ? c.scans[x.product][last] ?? 0 : 0)),
      money(last >= 0 ? c.amountMinor[last] ?? 0 : 0), ...(r.costs ? [money(last >= 0 ? c.costMinor?.[last] ?? 0 : 0)] : []), money(last >= 0 ? c.acvMinor[last] ?? 0 : 0),
    ]),
  };
  const lineRows: Cell[][] = r.invoice.lines.map((l) => [
    l.customerName, l.customerId, l.description, new Date(l.from), new Date(l.to), l.ips, money(l.amountMinor), ...(r.costs ? [money(l.costMinor), money(l.costMinor === null ? null : l.amountMinor - l.costMinor)] : []),
  ]);
  const t = r.invoice.totals;
  lineRows.push(['Total', null, r.period ? `Period ${r.period.label}` : null, null, null, r.invoice.lines.reduce((a, l) => a + l.ips, 0), money(t.amountMinor), ...(r.costs ? [money(t.costMinor), money(t.marginMinor)] : [])]);
  const breakdown: Table = {
    columns: [col('Customer', 'text', 32), col('Customer ID', 'text', 38), col('Description', 'text', 60), col('From (UTC)', 'datetime', 18), col('To (UTC)', 'datetime', 18), col('IPs', 'integer'), col('Amount', 'money', 16), ...(r.costs ? [col('Cost', 'money', 16), col('Margin', 'money', 16)] : [])],
    rows: lineRows,
  };
  const byProduct: Table = {
    columns: [col('Period', 'text'), col('First day', 'date', 12), col('Last day', 'date', 12), ...products.map((p) => col(p.label, 'integer', 14)), col('Customers billed', 'integer', 16), col('Invoiced', 'money', 16)],
    rows: r.periods.map((p) => [p.label, ...periodDays(p), ...products.map((x) => p.scans[x.product]), p.customersBilled, money(p.amountMinor)]),
  };
  return [
    { name: 'Customers', table: customers },
    { name: 'Invoice breakdown', table: breakdown },
    { name: 'Usage by product', table: byProduct },
  ];
}

export function usageWorkbook(r: Report, content: UsageWorkbookContent, now: Date): Promise<Uint8Array<ArrayBuffer>> {
  return toXlsxWorkbook(sheets(r, content), { created: now });
}

/** `usage-mssp-2026-11.xlsx`, `acv-history-reseller-2026-11.xlsx`. */
export function usageWorkbookName(r: Report, content: UsageWorkbookContent, now: Date): string {
  return `${content}-${r.type}-${r.period?.label ?? now.toISOString().slice(0, 7)}.xlsx`;
}
