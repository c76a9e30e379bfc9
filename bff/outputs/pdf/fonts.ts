import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * DejaVu Sans, regular and bold, parsed once per process and handed to every PDF document.
 *
 * Given a file path, pdfkit reads and parses the font again for each document, and fontkit then
 * decodes the tables shaping needs (cmap, GSUB, GPOS, hmtx, glyf) lazily, again for each
 * document: in the executive report that was about a third of the render time, and much of its
 * garbage. pdfkit (≥ 0.20) also accepts an already-parsed fontkit `Font`; a font object keeps
 * what it has decoded, so the second and later documents start with warm tables. Sharing it is
 * safe: a document only reads the font, and subsets it into an `EmbeddedFont` of its own (the
 * glyphs one document uses are embedded in that document alone).
 *
 * fontkit is loaded from pdfkit's own dependencies, so the font objects always come from the
 * fontkit version pdfkit was built and tested with.
 */

/** What pdfkit needs of a fontkit font; `font()`/`registerFont()` accept one in place of a path. */
export interface FontkitFont {
  readonly postscriptName: string;
  layout(text: string, features?: unknown, ...rest: unknown[]): GlyphRun;
  getGlyph(id: number, codePoints?: number[]): { codePoints: number[] } | null;
}

/** fontkit's shaped text: glyphs, their positions in font units, and a getter summing the advances. */
interface GlyphRun {
  glyphs: unknown[];
  positions: GlyphPosition[];
}

/** fontkit's `GlyphPosition`: exactly these four fields, which pdfkit scales with `for…in`. */
interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

/** A copy of the same class as fontkit's (pdfkit's loop over it stays monomorphic). */
function copyPosition(p: GlyphPosition): GlyphPosition {
  const Position = p.constructor as new (xAdvance: number, yAdvance: number, xOffset: number, yOffset: number) => GlyphPosition;
  return new Position(p.xAdvance, p.yAdvance, p.xOffset, p.yOffset);
}

const require = createRequire(import.meta.url);
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Uint8Array): FontkitFont };

const files = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

export type FontName = keyof typeof files;

/**
 * Shaped words, kept across documents. pdfkit shapes text a word at a time (it splits at spaces)
 * and remembers the words of one document; fontkit's OpenType shaping (GSUB and GPOS lookups of
 * DejaVu Sans, in JavaScript) was then the largest cost left in a report, for words every report
 * repeats: headings, labels, severities, dates, digits, check titles. Bounded: emptied when full.
 */
const SHAPED_MAX = 20_000;

/**
 * The font as pdfkit sees it: the parsed fontkit font, whose `layout` answers a word shaped before
 * from the cache. Shaping depends only on the text and the font when no features, script,
 * language or direction are asked for (pdfkit asks for none unless a caller passes `features`).
 * pdfkit scales the positions of a run it receives in place, so each caller gets its own copy
 * of the positions; the glyph objects are fontkit's own, shared by the font anyway.
 */
function withShapingCache(font: FontkitFont): FontkitFont {
  const shaped = new Map<string, GlyphRun>();
  const view = Object.create(font) as FontkitFont;
  view.layout = (text: string, features?: unknown, ...rest: unknown[]): GlyphRun => {
    if (features !== undefined || rest.some((a) => a !== undefined)) return font.layout(text, features, ...rest);
    let run = shaped.get(text);
    if (!run) {
      if (shaped.size >= SHAPED_MAX) shaped.clear();
      run = font.layout(text);
      shaped.set(text, run);
    }
    const copy = Object.create(Object.getPrototypeOf(run) as object) as GlyphRun;
    Object.assign(copy, run);
    copy.glyphs = run.glyphs.slice();
    copy.positions = run.positions.map(copyPosition);
    return copy;
  };
  caches.push(shaped);
  return view;
}

const caches: Map<string, GlyphRun>[] = [];
const parsed = new Map<FontName, FontkitFont>();

/**
 * fontkit keeps one glyph object per glyph id in a font, with the code points of the call that
 * created it. Subsetting a document's font (and reading a composite glyph's outline) creates
 * glyphs without code points: with the font shared, a later document that draws such a glyph
 * (Cyrillic "ь" after a document that used "ы", built from it) wrote an empty ToUnicode entry, and
 * the character was lost to text extraction and search. A glyph created without code points takes
 * those of the first caller that knows them.
 */
function withGlyphCodePoints(font: FontkitFont): FontkitFont {
  const getGlyph = font.getGlyph;
  font.getGlyph = function (this: FontkitFont, id: number, codePoints: number[] = []) {
    const glyph = getGlyph.call(this, id, codePoints);
    if (glyph && glyph.codePoints.length === 0 && codePoints.length > 0) glyph.codePoints = codePoints;
    return glyph;
  };
  return font;
}

/** The parsed font, read from disk on first use. */
export function reportFont(name: FontName): FontkitFont {
  let font = parsed.get(name);
  if (!font) {
    font = withShapingCache(withGlyphCodePoints(fontkit.create(readFileSync(files[name]))));
    parsed.set(name, font);
  }
  return font;
}

/** Forgets every shaped word (the benchmark measures renders that shape every word afresh). */
export function clearShapingCache(): void {
  for (const c of caches) c.clear();
}

/** Registers `regular` and `bold` on a document; pdfkit's typings only know paths and bytes. */
export function registerReportFonts(doc: PDFKit.PDFDocument): void {
  for (const name of Object.keys(files) as FontName[]) doc.registerFont(name, reportFont(name) as unknown as Uint8Array);
}
