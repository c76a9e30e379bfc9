import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * Tables as files people open in a spreadsheet: CSV (RFC 4180) and XLSX. A table is a list of
 * typed columns and rows of typed cells; each format writes the types its own way (money as
 * exact decimal text in CSV, as numbers with a currency format in XLSX).
 *
 * Text cells are neutralised against formula injection: a spreadsheet treats a cell starting
 * with `= + - @` (or a tab or carriage return, which some strip before looking) as a formula,
 * and a customer name like `=HYPERLINK("http://evil")` would then run in the reader's
 * spreadsheet. Such text gets a leading `'`, which spreadsheets show as text. Numbers are not
 * touched: they are written from integers here and cannot hold a formula (`-5` stays `-5`).
 */

/** An amount in integer minor units of an ISO 4217 currency. */
export interface MoneyCell {
  amountMinor: number;
  currency: string;
}

export type Cell = string | number | Date | MoneyCell | null;

export type CellKind =
  /** Free text; neutralised against formula injection. */
  | 'text'
  /** An integer. */
  | 'integer'
  /** `MoneyCell`: CSV gets the amount in major units, XLSX a number with a currency format. */
  | 'money'
  /** A calendar date (the UTC day of the instant). */
  | 'date'
  /** An instant, UTC. */
  | 'datetime';

export interface TableColumn {
  header: string;
  kind: CellKind;
  /** XLSX column width in characters. */
  width?: number;
}

export interface Table {
  columns: TableColumn[];
  rows: Cell[][];
}

/** Characters that make a spreadsheet read a cell as a formula (with their full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Text a spreadsheet will show as text, never evaluate. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const fractionDigitsCache = new Map<string, number>();

/** Minor-unit digits of a currency (2 for EUR, 0 for JPY, 3 for KWD). */
export function currencyDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // not an ISO 4217 code Intl knows; minor units are hundredths by convention
    }
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

/** `123456` EUR → `"1234.56"`: exact decimal text, no floating point on the way. */
export function majorUnits(money: MoneyCell): string {
  const digits = currencyDigits(money.currency);
  const sign = money.amountMinor < 0 ? '-' : '';
  const abs = String(Math.abs(Math.trunc(money.amountMinor)));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

function isMoney(cell: Cell): cell is MoneyCell {
  return typeof cell === 'object' && cell !== null && !(cell instanceof Date);
}

// --- CSV ------------------------------------------------------------------------------------

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvCell(cell: Cell, kind: CellKind): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  if (isMoney(cell)) return majorUnits(cell);
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return csvField(kind === 'text' ? neutraliseFormula(cell) : cell);
}

/**
 * RFC 4180 CSV: CRLF line ends, fields with `"`, `,`, CR or LF quoted and their quotes doubled,
 * a header line; UTF-8 with a byte-order mark so Excel does not read it as a legacy code page.
 */
export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvField(neutraliseFormula(c.header))).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c, i) => csvCell(row[i] ?? null, c.kind)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// --- XLSX -----------------------------------------------------------------------------------

const dateFormats: Partial<Record<CellKind, string>> = { date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm' };

/** `#,##0.00 "EUR"`: the amount with the currency's digits and its code. */
function moneyFormat(currency: string): string {
  const digits = currencyDigits(currency);
  const code = currency.replace(/[^A-Za-z]/g, '').slice(0, 3);
  return `#,##0${digits > 0 ? '.' + '0'.repeat(digits) : ''} "${code}"`;
}

/** The midnight (UTC) of an instant's day, which is what a date-only cell shows. */
const utcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/**
 * An .xlsx workbook of one sheet: a bold, frozen header row with a filter, then one row per table
 * row. Written with the streaming writer, so rows are serialised as they are added instead of
 * living as an object model until the end.
 */
export function toXlsx(table: Table, options: { sheetName: string; created?: Date }): Promise<Uint8Array<ArrayBuffer>> {
  return toXlsxWorkbook([{ name: options.sheetName, table }], options.created ? { created: options.created } : {});
}

/** An .xlsx workbook of several sheets, in order, each written as `toXlsx` writes its one. */
export async function toXlsxWorkbook(sheets: { name: string; table: Table }[], options: { created?: Date } = {}): Promise<Uint8Array<ArrayBuffer>> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    output.on('end', resolve);
    output.on('error', reject);
  });

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: true });
  workbook.creator = 'Portico';
  if (options.created) workbook.created = options.created;
  for (const { name, table } of sheets) writeSheet(workbook, name, table);
  await workbook.commit();
  await finished;
  return new Uint8Array(Buffer.concat(chunks));
}

function writeSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheetName: string, table: Table): void {
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({
    header: c.header,
    width: c.width ?? Math.max(10, c.header.length + 2),
    ...(dateFormats[c.kind] ? { style: { numFmt: dateFormats[c.kind] } } : {}),
  }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();

  for (const cells of table.rows) {
    const row = sheet.addRow([]);
    table.columns.forEach((column, i) => {
      const value = cells[i] ?? null;
      if (value === null) return;
      const cell = row.getCell(i + 1);
      if (isMoney(value)) {
        cell.value = value.amountMinor / 10 ** currencyDigits(value.currency);
        cell.numFmt = moneyFormat(value.currency);
      } else if (value instanceof Date) {
        cell.value = column.kind === 'date' ? utcDay(value) : value;
        cell.numFmt = dateFormats[column.kind] ?? dateFormats.datetime!;
      } else if (typeof value === 'number') {
        cell.value = value;
      } else {
        cell.value = column.kind === 'text' ? neutraliseFormula(value) : value;
      }
    });
    row.commit();
  }
  sheet.commit();
}
