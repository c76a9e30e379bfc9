import type { FontName } from './fonts.js';

/**
 * Single-line text that always fits its box. pdfkit 0.20 wraps any text given a `width`, even
 * with `lineBreak: false`, and applies `ellipsis` only to a box with a `height`: a label wider
 * than its box ran onto a second line over whatever lay below it. Here the text is measured,
 * drawn smaller when a smaller size is allowed and enough, and otherwise cut with "…"; it is then
 * drawn without a width, so pdfkit never wraps it.
 */

type Doc = PDFKit.PDFDocument;

export interface FitOptions {
  font: FontName;
  /** The size the text is drawn at when it fits. */
  size: number;
  /** The smallest size it may shrink to before it is cut (default `size`: never shrinks). */
  minSize?: number;
}

export interface Fitted {
  /** The text as drawn: whole, or cut at a grapheme boundary and ended with "…". */
  text: string;
  /** The font size it fits at. */
  size: number;
  /** Its width at that size (never more than the box's). */
  width: number;
}

const ELLIPSIS = '…';
/** Sizes shrink to a multiple of this, so a row of similar labels does not get many sizes. */
const SIZE_STEP = 0.5;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The text and size that fit `width` on one line, leaving the document's font set to them.
 * Widths scale linearly with the size in pdfkit, so the size that fits is computed, not searched.
 */
export function fitText(doc: Doc, raw: string, width: number, { font, size, minSize = size }: FitOptions): Fitted {
  doc.font(font).fontSize(size);
  // Drawn without a width, pdfkit would still break at a line feed.
  const text = raw.replace(/[\r\n\t]+/g, ' ');
  if (width <= 0) return { text: '', size, width: 0 };
  const full = doc.widthOfString(text);
  if (full <= width) return { text, size, width: full };
  const fits = Math.floor(((size * width) / full) / SIZE_STEP) * SIZE_STEP;
  if (fits >= minSize) {
    doc.fontSize(fits);
    return { text, size: fits, width: doc.widthOfString(text) };
  }
  doc.fontSize(minSize);
  // The longest run of whole graphemes that fits with the ellipsis (binary search: widths grow
  // with each grapheme, kerning aside).
  const parts = Array.from(graphemes.segment(text), (s) => s.segment);
  const cut = (n: number) => parts.slice(0, n).join('').trimEnd() + ELLIPSIS;
  let lo = 0;
  let hi = parts.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(cut(mid)) <= width) lo = mid;
    else hi = mid - 1;
  }
  const out = cut(lo);
  const w = doc.widthOfString(out);
  return w <= width ? { text: out, size: minSize, width: w } : { text: '', size: minSize, width: 0 };
}

export interface LineOptions extends FitOptions {
  align?: 'left' | 'right' | 'center';
}

/**
 * Draws `text` on one line in the box of `width` at (`x`, `y`), fitted as `fitText` does. `y` is
 * the top of the line at the full size; smaller text keeps the same baseline, so a shrunk value
 * still lines up with its neighbours. Returns what was drawn.
 */
export function fitLine(doc: Doc, text: string, x: number, y: number, width: number, options: LineOptions): Fitted {
  const fitted = fitText(doc, text, width, options);
  if (!fitted.text) return fitted;
  const ascender = (doc as unknown as { _font: { ascender: number } })._font.ascender / 1000;
  const align = options.align ?? 'left';
  const dx = align === 'right' ? width - fitted.width : align === 'center' ? (width - fitted.width) / 2 : 0;
  // No width: pdfkit draws the text as it is. `textWidth` spares it measuring the text again.
  doc.text(fitted.text, x + dx, y + ascender * (options.size - fitted.size), { lineBreak: false, textWidth: fitted.width } as PDFKit.Mixins.TextOptions);
  return fitted;
}
