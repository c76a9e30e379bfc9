import { contrastRatio, textPairs } from '../../themes/contrast.js';
import { themeTokens, type PresetName, type ThemeRecord } from '../../themes/loader.js';

/**
 * Tenant themes (DESIGN.md, Theming): checking the values a theme record may hold, the fallback
 * chain customer → the seller's fleet theme → preset, and the WCAG 2.2 AA contrast check. Pure:
 * the routes read and write the rows.
 *
 * Every value accepted here ends up in a CSS custom property, so each kind of value has a grammar
 * narrow enough that no accepted value can end a declaration, open a block or call a function:
 * colours are hex only, lengths a number and a unit, font families plain names.
 */

export const colourFields = ['colorPrimary', 'colorAccent', 'colorBackground', 'colorText', 'colorDanger', 'colorWarning', 'colorSuccess'] as const;
export type ColourField = (typeof colourFields)[number];
export const themeFields = [...colourFields, 'fontFamily', 'borderRadius', 'spacingUnit', 'mode'] as const;
export type ThemeField = (typeof themeFields)[number];

export const themeModes = ['light', 'dark'] as const;
export type ThemeModeValue = (typeof themeModes)[number];

/** A theme record as stored: every field optional (null or absent falls back). */
export type ThemeValues = { [K in ThemeField]?: string | null };
/** Every field set: what the widgets get. */
export type ResolvedThemeValues = { [K in ThemeField]: string };
export type ThemeSource = 'customer' | 'fleet' | 'preset';

// --- Values -------------------------------------------------------------------------------

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#ABC` → `#abc`; anything but `#rgb` or `#rrggbb` → null. */
export function normaliseColour(value: unknown): string | null {
  if (typeof value !== 'string' || !HEX.test(value)) return null;
  return value.toLowerCase();
}

type Unit = 'px' | 'rem' | 'em';
type Ranges = Record<Unit, readonly [min: number, max: number]>;

/** The lengths a theme may set, per unit (rem and em count as 16px). */
export const lengthRanges = {
  borderRadius: { px: [0, 32], rem: [0, 2], em: [0, 2] },
  spacingUnit: { px: [2, 16], rem: [0.125, 1], em: [0.125, 1] },
} as const satisfies Record<'borderRadius' | 'spacingUnit', Ranges>;

const LENGTH = /^(\d{1,3}(?:\.\d{1,4})?|\.\d{1,4})(px|rem|em)$/;

/** `8px`, `0.50rem`, `.5em` → `8px`, `0.5rem`, `0.5em` when inside `ranges`; otherwise null. */
export function normaliseLength(value: unknown, ranges: Ranges): string | null {
  if (typeof value !== 'string') return null;
  const m = LENGTH.exec(value.trim().toLowerCase());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] as Unit;
  const [min, max] = ranges[unit];
  if (!Number.isFinite(n) || n < min || n > max) return null;
  return `${n}${unit}`;
}

export const genericFamilies = [
  'serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui', 'ui-serif', 'ui-sans-serif', 'ui-monospace', 'ui-rounded', 'math', 'emoji', 'fangsong',
] as const;

/** Words that mean something else unquoted in `font-family`. */
const reservedWords = new Set(['inherit', 'initial', 'unset', 'revert', 'revert-layer', 'default']);
/** One word of a family name: a CSS identifier made of letters, digits and hyphens. */
const WORD = /^-?[a-z][a-z0-9-]*$/i;
const MAX_FAMILIES = 10;
const MAX_FONT_LENGTH = 200;

/**
 * `"Open Sans", Arial, sans-serif` → `Open Sans, Arial, sans-serif`: a comma list of family
 * names, each quoted or bare, of letters, digits, spaces and hyphens. The result is written
 * without quotes (every name is a sequence of identifiers, valid unquoted), so it cannot hold a
 * quote, semicolon, brace or parenthesis. Anything else → null.
 */
export function normaliseFontFamily(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_FONT_LENGTH) return null;
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.length > MAX_FAMILIES) return null;
  const names: string[] = [];
  for (const part of parts) {
    const quoted = /^"([^"]*)"$/.exec(part) ?? /^'([^']*)'$/.exec(part);
    const name = (quoted ? quoted[1]! : part).trim();
    const words = name.split(/\s+/);
    if (name === '' || !words.every((w) => WORD.test(w))) return null;
    if (words.some((w) => reservedWords.has(w.toLowerCase()))) return null;
    names.push(words.join(' '));
  }
  return names.join(', ');
}

export const normaliseMode = (value: unknown): ThemeModeValue | null => ((themeModes as readonly unknown[]).includes(value) ? (value as ThemeModeValue) : null);

/** What each field must look like, as the error detail says it. */
export const fieldRules: Record<ThemeField, string> = {
  ...(Object.fromEntries(colourFields.map((f) => [f, 'must be a colour as #rgb or #rrggbb'])) as Record<ColourField, string>),
  fontFamily: 'must be a comma-separated list of font family names (letters, digits, spaces and hyphens; optionally quoted)',
  borderRadius: 'must be a length from 0 to 32px (or 0 to 2rem/em)',
  spacingUnit: 'must be a length from 2 to 16px (or 0.125 to 1rem/em)',
  mode: 'must be light or dark',
};

/** One field's value normalised, or null when it is not acceptable. */
export function normaliseField(field: ThemeField, value: unknown): string | null {
  switch (field) {
    case 'fontFamily':
      return normaliseFontFamily(value);
    case 'borderRadius':
    case 'spacingUnit':
      return normaliseLength(value, lengthRanges[field]);
    case 'mode':
      return normaliseMode(value);
    default:
      return normaliseColour(value);
  }
}

export interface ThemeFieldError {
  field: ThemeField;
  detail: string;
}

/**
 * A theme record as sent: every field absent or null (falls back) or a value its grammar
 * accepts. Answers the normalised record (every field present, null where unset) or the fields
 * at fault.
 */
export function validateTheme(input: Partial<Record<ThemeField, unknown>>): { ok: true; value: Record<ThemeField, string | null> } | { ok: false; errors: ThemeFieldError[] } {
  const value = {} as Record<ThemeField, string | null>;
  const errors: ThemeFieldError[] = [];
  for (const field of themeFields) {
    const raw = input[field];
    if (raw === undefined || raw === null) {
      value[field] = null;
      continue;
    }
    const v = normaliseField(field, raw);
    if (v === null) errors.push({ field, detail: fieldRules[field] });
    else value[field] = v;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

// --- The fallback chain ---------------------------------------------------------------------

/** Which `--msp-*` token a preset keeps each field's value in. */
const presetToken: Record<Exclude<ThemeField, 'mode'>, string> = {
  colorPrimary: '--msp-color-primary',
  colorAccent: '--msp-color-accent',
  colorBackground: '--msp-color-background',
  colorText: '--msp-color-text',
  colorDanger: '--msp-color-danger',
  colorWarning: '--msp-color-warning',
  colorSuccess: '--msp-color-success',
  fontFamily: '--msp-font-family',
  borderRadius: '--msp-radius',
  spacingUnit: '--msp-space',
};

export interface ResolvedTenantTheme {
  values: ResolvedThemeValues;
  sources: Record<ThemeField, ThemeSource>;
  /** The preset the values are laid over: the resolved mode's. */
  preset: PresetName;
  /** Every `--msp-*` property the widgets get. */
  tokens: Record<string, string>;
}

/**
 * A complete theme from the org's own row, the fleet theme of the nearest MSP or sub-partner
 * above it (null when none), and the preset of the resulting mode. The org's own values are
 * labelled `fleet` when the org is itself a seller (its own row is the fleet theme of its
 * customers), otherwise `customer`. A stored value that no longer passes validation is skipped.
 */
export function resolveTenantTheme(own: ThemeValues | null, fleet: ThemeValues | null, ownIsFleet = false): ResolvedTenantTheme {
  const ownSource: ThemeSource = ownIsFleet ? 'fleet' : 'customer';
  const pick = (field: ThemeField): { value: string; source: ThemeSource } | null => {
    const mine = own?.[field] != null ? normaliseField(field, own[field]) : null;
    if (mine !== null) return { value: mine, source: ownSource };
    const theirs = fleet?.[field] != null ? normaliseField(field, fleet[field]) : null;
    if (theirs !== null) return { value: theirs, source: 'fleet' };
    return null;
  };
  const mode = pick('mode');
  const preset: PresetName = mode?.value === 'dark' ? 'dark' : 'light';
  const base = themeTokens(preset);
  const values = { mode: mode?.value ?? preset } as ResolvedThemeValues;
  const sources = { mode: mode?.source ?? 'preset' } as Record<ThemeField, ThemeSource>;
  for (const field of themeFields) {
    if (field === 'mode') continue;
    const chosen = pick(field);
    values[field] = chosen?.value ?? base[presetToken[field]]!;
    sources[field] = chosen?.source ?? 'preset';
  }
  const record: ThemeRecord = Object.fromEntries(themeFields.filter((f) => f !== 'mode' && sources[f] !== 'preset').map((f) => [f, values[f]]));
  return { values, sources, preset, tokens: themeTokens(preset, record) };
}

// --- Contrast -------------------------------------------------------------------------------

/** WCAG 2.2 AA for body text. */
export const MIN_CONTRAST = 4.5;

export interface ContrastPair {
  text: string;
  background: string;
  textColour: string;
  backgroundColour: string;
  /** Rounded down to two decimals, so a shown 4.50 always passes. */
  ratio: number;
  pass: boolean;
}

/** Each text/background pair the widgets draw (themes/contrast.ts) with its ratio and verdict. */
export function contrastReport(tokens: Record<string, string>): ContrastPair[] {
  return textPairs.map(([text, background]) => {
    const textColour = tokens[text]!;
    const backgroundColour = tokens[background]!;
    const ratio = contrastRatio(textColour, backgroundColour);
    return { text, background, textColour, backgroundColour, ratio: Math.floor(ratio * 100) / 100, pass: ratio >= MIN_CONTRAST };
  });
}
