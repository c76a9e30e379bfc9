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
  layout(text: string, features?: unknown): unknown;
}

const require = createRequire(import.meta.url);
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Uint8Array): FontkitFont };

const files = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

export type FontName = keyof typeof files;

const parsed = new Map<FontName, FontkitFont>();

/** The parsed font, read from disk on first use. */
export function reportFont(name: FontName): FontkitFont {
  let font = parsed.get(name);
  if (!font) {
    font = fontkit.create(readFileSync(files[name]));
    parsed.set(name, font);
  }
  return font;
}

/** Registers `regular` and `bold` on a document; pdfkit's typings only know paths and bytes. */
export function registerReportFonts(doc: PDFKit.PDFDocument): void {
  for (const name of Object.keys(files) as FontName[]) doc.registerFont(name, reportFont(name) as unknown as Uint8Array);
}
