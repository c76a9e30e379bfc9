import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';

/**
 * Reading back the files the BFF writes, strictly: a CSV parser that follows RFC 4180 (and fails
 * on anything it does not allow, so a quoting bug cannot hide), and an XLSX reader on exceljs.
 */

/** RFC 4180: CRLF records, `"` quoting with `""` escapes; a leading UTF-8 BOM is required. */
export function parseCsv(text: string): string[][] {
  assert.ok(text.startsWith('\uFEFF'), 'CSV must start with a UTF-8 byte-order mark');
  const s = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < s.length) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        assert.ok(i >= s.length || s[i] === ',' || s.startsWith('\r\n', i), `CSV: text after a closing quote at ${i}`);
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      assert.ok(fieldStart, `CSV: a quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStart = false;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStart = true;
      i++;
    } else if (ch === '\r') {
      assert.equal(s[i + 1], '\n', `CSV: a bare CR at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStart = true;
      i += 2;
    } else {
      assert.notEqual(ch, '\n', `CSV: a bare LF at ${i} (records end with CRLF)`);
      field += ch;
      fieldStart = false;
      i++;
    }
  }
  assert.ok(!quoted, 'CSV: an unterminated quoted field');
  assert.ok(fieldStart && field === '' && row.length === 0, 'CSV: the last record must end with CRLF');
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, n) => assert.equal(r.length, width, `CSV: record ${n + 1} has ${r.length} fields, the header ${width}`));
  return rows;
}

export type XlsxValue = string | number | Date | null;

export interface XlsxSheet {
  rows: XlsxValue[][];
  /** Number formats, per row and column (1-based like the sheet; row 1 is the header). */
  numFmt(row: number, column: number): string | undefined;
  /** Cells holding a formula, wherever they are. */
  formulas: string[];
}

/** The first sheet of an .xlsx file as plain values (rich text flattened). */
export async function readXlsx(bytes: ArrayBuffer | Uint8Array): Promise<XlsxSheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  assert.ok(sheet, 'the workbook has no sheet');
  const width = sheet.getRow(1).cellCount;
  const rows: XlsxValue[][] = [];
  const formulas: string[] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const values: XlsxValue[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      const v = cell.value;
      if (cell.type === ExcelJS.ValueType.Formula) formulas.push(`${cell.address}: ${cell.formula}`);
      if (v === null || v === undefined) values.push(null);
      else if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) values.push(v);
      else if (typeof v === 'object' && 'richText' in v) values.push(v.richText.map((t) => t.text).join(''));
      else assert.fail(`row ${n} column ${c}: unexpected cell value ${JSON.stringify(v)}`);
    }
    rows[n - 1] = values;
  });
  return { rows, numFmt: (r, c) => sheet.getRow(r).getCell(c).numFmt, formulas };
}
