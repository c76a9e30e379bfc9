import { inflateSync } from 'node:zlib';

/**
 * Reads what the tests need from a PDF that pdfkit wrote: each page's text (through the fonts'
 * ToUnicode maps, so embedded subset fonts read back as text) and the RGB fill colours it sets.
 * Flate-compressed streams are inflated, so the bytes a route streams can be read as they are.
 * Not a general PDF parser: it knows pdfkit's object layout and nothing more.
 */

export interface PdfPage {
  /** One line per text-showing operator, in drawing order. */
  lines: string[];
  /** The same text runs with where and how they are drawn (`lines[i]` is `runs[i].text`). */
  runs: PdfTextRun[];
  /** Fill colours set on the page, as lower-case `#rrggbb`. */
  fills: string[];
}

export interface PdfTextRun {
  text: string;
  /** The start of the baseline, in PDF units from the page's left and bottom edges. */
  x: number;
  y: number;
  /** The font's PostScript name without its subset prefix (`DejaVuSans-Bold`), and its size. */
  font: string;
  size: number;
}

interface PdfObject {
  dict: string;
  stream: string | null;
}

function objects(bytes: Uint8Array): Map<number, PdfObject> {
  const text = Buffer.from(bytes).toString('latin1');
  const out = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s/g;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const from = m.index + m[0].length;
    const streamAt = text.indexOf('stream\n', from);
    const endAt = text.indexOf('endobj', from);
    if (streamAt < 0 || streamAt > endAt) {
      out.set(Number(m[1]), { dict: text.slice(from, endAt), stream: null });
      header.lastIndex = endAt;
      continue;
    }
    // A stream is read by its /Length: its bytes may contain anything, `endobj` included.
    const dict = text.slice(from, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? NaN);
    const start = streamAt + 'stream\n'.length;
    let raw = text.slice(start, start + length);
    if (/\/FlateDecode/.test(dict)) raw = inflateSync(Buffer.from(raw, 'latin1')).toString('latin1');
    out.set(Number(m[1]), { dict, stream: raw });
    header.lastIndex = text.indexOf('endobj', start + length);
  }
  return out;
}

/** A ToUnicode CMap → code (hex, upper case) to text. */
function cmap(source: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(\[[^\]]*\]|<[0-9a-f ]+>)/gi)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      const width = m[1]!.length;
      const dst = m[3]!;
      if (dst.startsWith('[')) {
        // An empty entry (`<>`: a glyph without text) keeps its place in the array.
        const items = [...dst.matchAll(/<([0-9a-f ]*)>/gi)].map((x) => x[1]!.replace(/\s/g, ''));
        for (let c = lo; c <= hi; c++) map.set(c.toString(16).toUpperCase().padStart(width, '0'), utf16(items[c - lo] ?? ''));
      } else {
        const base = parseInt(dst.slice(1, -1).replace(/\s/g, ''), 16);
        for (let c = lo; c <= hi; c++) map.set(c.toString(16).toUpperCase().padStart(width, '0'), String.fromCharCode(base + c - lo));
      }
    }
  }
  for (const block of source.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f ]+)>/gi)) map.set(m[1]!.toUpperCase(), utf16(m[2]!.replace(/\s/g, '')));
  }
  return map;
}

function decodeHex(hex: string, map: Map<string, string> | undefined): string {
  const h = hex.replace(/\s/g, '').toUpperCase();
  if (!map) return Buffer.from(h, 'hex').toString('latin1');
  let out = '';
  for (let i = 0; i < h.length; i += 4) out += map.get(h.slice(i, i + 4)) ?? '?';
  return out;
}

const ref = (dict: string, key: string) => {
  const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
  return m ? Number(m[1]) : null;
};

/** The pages of a PDF, in order, with their text lines and fill colours. */
export function readPdf(bytes: Uint8Array): PdfPage[] {
  const objs = objects(bytes);
  const catalog = [...objs.values()].find((o) => /\/Type \/Pages\b/.test(o.dict));
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(catalog?.dict ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  const toHex = (v: string) => Math.round(Number(v) * 255).toString(16).padStart(2, '0');
  return kids.map((id) => {
    const page = objs.get(id)!;
    const resources = objs.get(ref(page.dict, 'Resources') ?? -1)?.dict ?? page.dict;
    const fontDict = /\/Font <<([\s\S]*?)>>/.exec(resources)?.[1] ?? '';
    const fonts = new Map<string, { map: Map<string, string> | undefined; name: string }>();
    for (const m of fontDict.matchAll(/\/(\w+) (\d+) 0 R/g)) {
      const font = objs.get(Number(m[2]))!;
      const tu = ref(font.dict, 'ToUnicode');
      const name = /\/BaseFont \/(?:[A-Z]{6}\+)?([^\s/>]+)/.exec(font.dict)?.[1] ?? m[1]!;
      fonts.set(m[1]!, { map: tu !== null ? cmap(objs.get(tu)?.stream ?? '') : undefined, name });
    }
    const content = objs.get(ref(page.dict, 'Contents') ?? -1)?.stream ?? '';
    const runs: PdfTextRun[] = [];
    const fills: string[] = [];
    let font: { map: Map<string, string> | undefined; name: string } | undefined;
    let size = 0;
    let at = { x: 0, y: 0 };
    const run = (text: string) => runs.push({ text, ...at, font: font?.name ?? '', size });
    for (const m of content.matchAll(
      /\/(\w+) ([\d.]+) Tf|\[((?:<[0-9a-f]*>|[\s\d.-])*)\] TJ|<([0-9a-f]*)> Tj|([\d.]+) ([\d.]+) ([\d.]+) (?:scn|rg)\b|1 0 0 1 ([\d.-]+) ([\d.-]+) Tm/gi,
    )) {
      if (m[1]) [font, size] = [fonts.get(m[1]), Number(m[2])];
      else if (m[3] !== undefined) run([...m[3].matchAll(/<([0-9a-f]*)>/gi)].map((x) => decodeHex(x[1]!, font?.map)).join(''));
      else if (m[4] !== undefined) run(decodeHex(m[4], font?.map));
      else if (m[8] !== undefined) at = { x: Number(m[8]), y: Number(m[9]) };
      else fills.push(`#${toHex(m[5]!)}${toHex(m[6]!)}${toHex(m[7]!)}`);
    }
    return { lines: runs.map((r) => r.text), runs, fills };
  });
}
