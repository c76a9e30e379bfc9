import { contrastRatio, parseHex } from './contrast.js';

/**
 * Derived shades (DESIGN.md, Theming): when a theme record sets its own background, text or brand
 * colours, the tokens that only exist to sit next to them — surface, muted text, border, text on
 * primary, the column bands — are recomputed from them, so a dark background over the light
 * preset does not keep a light surface.
 *
 * The arithmetic is done in OKLCH (Björn Ottosson's OKLab in polar form) because equal steps in
 * its lightness look like equal steps to the eye whatever the hue, which plain sRGB mixing does
 * not. Each derived shade is then checked with the WCAG formula and pulled back towards a colour
 * the user chose until it passes: whenever the user's own pair (text on background) reaches
 * 4.5:1, so does every pair a derived shade takes part in. Runs in the browser and in Node.
 */

export interface Oklch {
  /** Perceived lightness, 0 (black) … 1 (white). */
  l: number;
  /** Chroma, 0 (grey) … about 0.37 at the edge of sRGB. */
  c: number;
  /** Hue angle in degrees, 0 … 360; meaningless when c is about 0. */
  h: number;
}

/** WCAG 2.2 AA for body text, the bar every derived text/background pair is built to clear. */
export const AA = 4.5;

const toLinear = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const fromLinear = (v: number) => (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);

/** `#rrggbb` → OKLCH. */
export function hexToOklch(hex: string): Oklch {
  const [r, g, b] = parseHex(hex).map((v) => toLinear(v / 255)) as [number, number, number];
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  const h = (Math.atan2(B, A) * 180) / Math.PI;
  return { l: L, c: Math.hypot(A, B), h: h < 0 ? h + 360 : h };
}

/** OKLCH → linear sRGB, unclamped: a component outside 0 … 1 means outside the sRGB gamut. */
function oklchToLinear({ l: L, c, h }: Oklch): [number, number, number] {
  const A = c * Math.cos((h * Math.PI) / 180);
  const B = c * Math.sin((h * Math.PI) / 180);
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

const GAMUT_EPSILON = 1e-6;
const inGamut = (rgb: readonly number[]) => rgb.every((v) => v >= -GAMUT_EPSILON && v <= 1 + GAMUT_EPSILON);

/**
 * OKLCH → `#rrggbb`. A colour outside sRGB keeps its lightness and hue and loses chroma until it
 * fits (binary search), which changes it less to the eye than clipping each channel would.
 */
export function oklchToHex(colour: Oklch): string {
  const l = Math.min(1, Math.max(0, colour.l));
  let rgb = oklchToLinear({ ...colour, l });
  if (!inGamut(rgb)) {
    let lo = 0;
    let hi = colour.c;
    for (let i = 0; i < 24; i++) {
      const mid = (lo + hi) / 2;
      if (inGamut(oklchToLinear({ l, c: mid, h: colour.h }))) lo = mid;
      else hi = mid;
    }
    rgb = oklchToLinear({ l, c: lo, h: colour.h });
  }
  return `#${rgb.map((v) => Math.round(Math.min(1, Math.max(0, fromLinear(Math.min(1, Math.max(0, v))))) * 255).toString(16).padStart(2, '0')).join('')}`;
}

/** Below this chroma a colour is a grey and its hue carries no information. */
const ACHROMATIC = 0.002;

/**
 * `from` moved the fraction `t` of the way to `to` in OKLCH, along the shorter way round the hue
 * circle. A grey takes the other colour's hue (CSS Color 4's "powerless" hue), so mixing grey
 * with blue gives greyish blue rather than a detour through red.
 */
export function mixOklch(from: Oklch, to: Oklch, t: number): Oklch {
  let h1 = from.h;
  let h2 = to.h;
  if (from.c < ACHROMATIC) h1 = h2;
  if (to.c < ACHROMATIC) h2 = h1;
  let dh = h2 - h1;
  if (dh > 180) dh -= 360;
  if (dh < -180) dh += 360;
  const h = (h1 + dh * t + 360) % 360;
  return { l: from.l + (to.l - from.l) * t, c: from.c + (to.c - from.c) * t, h };
}

/** The hex colour `t` of the way from `from` to `to` (both hex), mixed in OKLCH. */
export function mixHex(from: string, to: string, t: number): string {
  return oklchToHex(mixOklch(hexToOklch(from), hexToOklch(to), t));
}

/** A colour made lighter (positive `dl`) or darker in OKLCH lightness, hue and chroma kept. */
export function shiftLightness(hex: string, dl: number): string {
  const c = hexToOklch(hex);
  return oklchToHex({ ...c, l: c.l + dl });
}

const passesOn = (text: string, backgrounds: readonly string[]) => backgrounds.every((bg) => contrastRatio(text, bg) >= AA);

/**
 * The candidate furthest along `0 … t` (in `steps` steps) for which `ok` holds, or `fallback`
 * when none does. The candidates are tried from the full step down, so the result is the shade
 * asked for whenever it passes and moves towards the user's own colour only as far as needed.
 */
function furthestPassing(make: (t: number) => string, t: number, ok: (hex: string) => boolean, fallback: string, steps = 24): string {
  for (let i = steps; i > 0; i--) {
    const candidate = make((t * i) / steps);
    if (ok(candidate)) return candidate;
  }
  return fallback;
}

/** How far muted text moves from the text towards the background. */
export const MUTED_MIX = 0.3;
/** How far a border moves from the background towards the text. */
export const BORDER_MIX = 0.22;
/** The luminance contrast a surface keeps from the background: visible, but only just. */
export const SURFACE_STEP = 1.08;
/** The same for a column band, which also carries a tint. */
export const BAND_STEP = 1.15;
/** The most chroma a band takes from its brand colour: a faint wash, not the colour itself. */
export const BAND_CHROMA = 0.03;

/**
 * The smallest OKLCH lightness step (in 0.005s) that makes `make(dl)` differ from `background`
 * by `ratio` in WCAG contrast. A fixed step in lightness would be invisible near black, where
 * lightness changes luminance least, so the step is sized by the contrast it gives.
 */
function stepFor(make: (dl: number) => string, background: string, ratio: number): number {
  for (let dl = 0.005; dl < 0.3; dl += 0.005) if (contrastRatio(make(dl), background) >= ratio) return dl;
  return 0.3;
}

/** +1 when the text is lighter than the background (dark themes), otherwise -1. */
const towardsText = (background: Oklch, text: string) => Math.sign(hexToOklch(text).l - background.l) || -1;

/**
 * A raised surface: the background's lightness moved a little towards the text, hue and chroma
 * kept. Every colour in `onTop` that reaches 4.5:1 on the background still does on the surface
 * (the surface comes closer to the background until it is so; at worst it is the background).
 */
export function deriveSurface(background: string, text: string, onTop: readonly string[]): string {
  const bg = hexToOklch(background);
  const direction = towardsText(bg, text);
  const make = (dl: number) => oklchToHex({ ...bg, l: bg.l + direction * dl });
  const keep = onTop.filter((c) => contrastRatio(c, background) >= AA);
  return furthestPassing(make, stepFor(make, background, SURFACE_STEP), (s) => keep.every((c) => contrastRatio(c, s) >= AA), background);
}

/**
 * Secondary text: the text mixed towards the background, kept at 4.5:1 on every background it
 * is drawn on. When the text itself passes on all of them the result always does (at worst it is
 * the text).
 */
export function deriveMutedText(text: string, backgrounds: readonly string[]): string {
  return furthestPassing((t) => mixHex(text, backgrounds[0]!, t), MUTED_MIX, (m) => passesOn(m, backgrounds), text);
}

/** Hairlines and outlines: a step from the background towards the text. Not text, so no 4.5:1. */
export function deriveBorder(background: string, text: string): string {
  return mixHex(background, text, BORDER_MIX);
}

/**
 * Text on the primary colour: the current one while it still reaches 4.5:1 (a designed pair is
 * kept), otherwise whichever of white and black contrasts more — one of them always reaches
 * 4.5:1 on any colour.
 */
export function deriveOnPrimary(primary: string, current: string): string {
  if (contrastRatio(current, primary) >= AA) return current;
  return contrastRatio('#ffffff', primary) >= contrastRatio('#000000', primary) ? '#ffffff' : '#000000';
}

/**
 * A band behind a column group: the background stepped a little towards the text and washed with
 * the hue of the brand colour it stands for, with the text kept at 4.5:1 on it (the wash fades
 * back towards the background until it is so; at worst it is the background).
 */
export function deriveBand(background: string, tint: string, text: string): string {
  const bg = hexToOklch(background);
  const tone = hexToOklch(tint);
  const direction = towardsText(bg, text);
  const chroma = Math.min(tone.c * 0.25, BAND_CHROMA);
  const wash = (dl: number) => oklchToHex({ l: bg.l + direction * dl, c: chroma, h: tone.h });
  const dl = stepFor(wash, background, BAND_STEP);
  const make = (t: number) => oklchToHex({ l: bg.l + direction * dl * t, c: bg.c + (chroma - bg.c) * t, h: tone.h });
  const ok = (b: string) => contrastRatio(text, background) < AA || contrastRatio(text, b) >= AA;
  return furthestPassing(make, 1, ok, background);
}

/** The base colours a record may set, by token. */
export const baseColourTokens = {
  colorPrimary: '--msp-color-primary',
  colorAccent: '--msp-color-accent',
  colorBackground: '--msp-color-background',
  colorText: '--msp-color-text',
  colorDanger: '--msp-color-danger',
  colorWarning: '--msp-color-warning',
  colorSuccess: '--msp-color-success',
} as const;
export type BaseColour = keyof typeof baseColourTokens;

/**
 * Recomputes, in place, the tokens that depend on the base colours in `changed`; the others keep
 * the preset's designed values, so a preset alone is exactly as written. Surface comes first
 * (muted text is checked against it), then muted text, border, text on primary and the bands.
 */
export function deriveTokens(tokens: Record<string, string>, changed: ReadonlySet<BaseColour>): Record<string, string> {
  const t = (name: string) => tokens[name]!;
  const background = t('--msp-color-background');
  const text = t('--msp-color-text');
  const surfaceInputs = changed.has('colorBackground') || changed.has('colorText');
  if (surfaceInputs) {
    const onTop = ['--msp-color-text', '--msp-color-primary', '--msp-color-danger', '--msp-color-warning', '--msp-color-success'].map(t);
    tokens['--msp-color-surface'] = deriveSurface(background, text, onTop);
    tokens['--msp-color-text-muted'] = deriveMutedText(text, [background, t('--msp-color-surface')]);
    tokens['--msp-color-border'] = deriveBorder(background, text);
  }
  if (changed.has('colorPrimary')) tokens['--msp-color-on-primary'] = deriveOnPrimary(t('--msp-color-primary'), t('--msp-color-on-primary'));
  const bands = [
    ['--msp-color-band-customer', 'colorPrimary'],
    ['--msp-color-band-commercial', 'colorAccent'],
    ['--msp-color-band-security', 'colorSuccess'],
  ] as const;
  for (const [band, tint] of bands) {
    if (surfaceInputs || changed.has(tint)) tokens[band] = deriveBand(background, t(baseColourTokens[tint]), text);
  }
  return tokens;
}
