import { contrastReport, normaliseColour, normaliseField, resolveTenantTheme, themeFields, type ContrastPair, type ResolvedTenantTheme, type ThemeField, type ThemeValues } from '../../bff/domain/theme.js';
import { presets, type PresetName, type TokenDocument } from '../../themes/loader.js';

/**
 * The theme editor's pure side: the draft record, how it resolves (the BFF's own fallback chain
 * and contrast report, imported from bff/domain/theme.ts so the editor and the server always
 * agree), the checks of a logo file and the design-token export. No DOM.
 */

/** A theme row as the editor holds it: every field, null = inherit (fleet theme, then preset). */
export type ThemeDraft = Record<ThemeField, string | null>;

export const emptyDraft = (): ThemeDraft => Object.fromEntries(themeFields.map((f) => [f, null])) as ThemeDraft;

/** A draft from a `ThemeRecord` answer (`own`), every field present. */
export function draftOf(own: Partial<Record<ThemeField, string | null>> | null | undefined): ThemeDraft {
  const draft = emptyDraft();
  for (const f of themeFields) draft[f] = own?.[f] ?? null;
  return draft;
}

export const sameDraft = (a: ThemeDraft, b: ThemeDraft) => themeFields.every((f) => (a[f] ?? null) === (b[f] ?? null));

export interface DraftResolution extends ResolvedTenantTheme {
  contrast: ContrastPair[];
  failing: ContrastPair[];
}

/**
 * The theme the draft gives: its own values over the inherited ones (the fleet theme the org
 * inherits) over the preset of the resulting mode, with every text/background pair checked.
 * `ownIsFleet`: the draft is a seller's own row (the fleet theme of its customers).
 */
export function resolveDraft(draft: ThemeDraft, inherited: ThemeValues | null, ownIsFleet: boolean): DraftResolution {
  const resolved = resolveTenantTheme(draft, inherited, ownIsFleet);
  const contrast = contrastReport(resolved.tokens);
  return { ...resolved, contrast, failing: contrast.filter((p) => !p.pass) };
}

// --- Colours ------------------------------------------------------------------------------------

/**
 * Typed text → a colour the BFF accepts (`#rgb`/`#rrggbb`, lower case), or null. A missing `#`
 * is added: designers paste hex codes from tools that leave it off.
 */
export function parseHexInput(text: string): string | null {
  const t = text.trim();
  return normaliseColour(t.startsWith('#') ? t : `#${t}`);
}

/** `<input type="color">` only takes `#rrggbb`. */
export function sixDigitHex(colour: string): string {
  const c = colour.toLowerCase();
  return /^#[0-9a-f]{3}$/.test(c) ? `#${[...c.slice(1)].map((d) => d + d).join('')}` : c;
}

// --- Fonts --------------------------------------------------------------------------------------

/** Font stacks that render on every major system without a web font. */
export const safeFontStacks: readonly { label: string; value: string }[] = [
  { label: 'System UI', value: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif' },
  { label: 'Humanist sans (Seravek, Gill Sans, Calibri)', value: 'Seravek, Gill Sans Nova, Ubuntu, Calibri, DejaVu Sans, sans-serif' },
  { label: 'Neo-grotesque (Inter, Roboto, Helvetica)', value: 'Inter, Roboto, Helvetica Neue, Arial Nova, Nimbus Sans, Arial, sans-serif' },
  { label: 'Geometric sans (Avenir, Montserrat)', value: 'Avenir, Montserrat, Corbel, URW Gothic, source-sans-pro, sans-serif' },
  { label: 'Transitional serif (Charter, Georgia)', value: 'Charter, Bitstream Charter, Sitka Text, Cambria, Georgia, serif' },
  { label: 'Old-style serif (Garamond, Palatino)', value: 'Iowan Old Style, Palatino Linotype, URW Palladio L, P052, serif' },
  { label: 'Monospace (code)', value: 'ui-monospace, Cascadia Code, Source Code Pro, Menlo, Consolas, DejaVu Sans Mono, monospace' },
];

/** The safe stack a value is (compared after the BFF's normalisation), or undefined for a custom one. */
export function safeStackOf(value: string): string | undefined {
  const n = normaliseField('fontFamily', value);
  return safeFontStacks.find((s) => normaliseField('fontFamily', s.value) === n)?.value;
}

// --- Lengths ------------------------------------------------------------------------------------

/** The border radius in whole pixels for the slider (rem and em count as 16px, as the BFF's ranges do). */
export function radiusPixels(value: string): number {
  const m = /^(\d*\.?\d+)(px|rem|em)$/.exec(value.trim());
  if (!m) return 0;
  const n = Number(m[1]) * (m[2] === 'px' ? 1 : 16);
  return Math.round(n);
}

export const RADIUS_MAX_PX = 32;

// --- Logo ---------------------------------------------------------------------------------------

/** What `PUT /v1/themes/{orgId}/logo` takes. */
export const logoTypes = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
export const MAX_LOGO_BYTES = 1024 * 1024;

/** Why a chosen file cannot be a logo, or null. Checked before upload so nothing large is sent in vain. */
export function logoFileProblem(file: { type: string; size: number; name: string }): string | null {
  if (!(logoTypes as readonly string[]).includes(file.type)) {
    return `“${file.name}” is not a PNG, JPEG or SVG image. Choose one of those.`;
  }
  if (file.size > MAX_LOGO_BYTES) {
    const mb = (file.size / MAX_LOGO_BYTES).toLocaleString(undefined, { maximumFractionDigits: 1 });
    return `“${file.name}” is ${mb} MB; a logo may be at most 1 MB.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

// --- Export -------------------------------------------------------------------------------------

/** A token's `$value` in the design-token format, from its CSS custom-property text. */
function tokenValue(type: unknown, css: string, fallback: unknown): unknown {
  if (type === 'fontFamily') return css.split(',').map((f) => f.trim().replace(/^["']|["']$/g, ''));
  if (type === 'dimension') {
    const m = /^(-?\d*\.?\d+)([a-z%]+)$/.exec(css.trim());
    return m ? { value: Number(m[1]), unit: m[2] } : fallback;
  }
  return css;
}

/**
 * The resolved theme as a W3C design-token document with the structure of the presets
 * (themes/light.json): every token of the preset the theme is laid over, with the theme's value.
 */
export function designTokens(preset: PresetName, tokens: Record<string, string>, description: string): TokenDocument {
  const walk = (node: TokenDocument, prefix: string): TokenDocument => {
    const out: TokenDocument = {};
    for (const [key, child] of Object.entries(node)) {
      if (key.startsWith('$')) {
        out[key] = child;
        continue;
      }
      if (!child || typeof child !== 'object') continue;
      const name = `${prefix}-${key}`;
      if ('$value' in child) {
        const token = child as { $type?: unknown; $value: unknown };
        const css = tokens[name];
        out[key] = { ...token, $value: css === undefined ? token.$value : tokenValue(token.$type, css, token.$value) };
      } else out[key] = walk(child as TokenDocument, name);
    }
    return out;
  };
  const doc = walk(presets[preset], '--msp');
  doc.$description = description;
  return doc;
}
