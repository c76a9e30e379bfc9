import dark from './dark.json' with { type: 'json' };
import highContrast from './high-contrast.json' with { type: 'json' };
import light from './light.json' with { type: 'json' };
import { baseColourTokens, deriveTokens, type BaseColour } from './derive.js';

/**
 * Turns the W3C design-token presets into `--msp-*` custom properties. Runs in the browser (the
 * provider) and in Node (tests, the BFF's PDF/email rendering later), so it touches no DOM.
 */

export const presetNames = ['light', 'dark', 'high-contrast'] as const;
export type PresetName = (typeof presetNames)[number];
export type ThemeMode = 'light' | 'dark' | 'high-contrast';

/** A design-token document: groups nest, a token is an object with `$value`. */
export interface TokenDocument {
  [key: string]: unknown;
}

/**
 * The theme record of DESIGN.md (Theming). Every field is optional: a missing one falls back to
 * the preset named by `mode` (light when absent).
 */
export interface ThemeRecord {
  colorPrimary?: string;
  colorAccent?: string;
  colorBackground?: string;
  colorText?: string;
  colorDanger?: string;
  colorWarning?: string;
  colorSuccess?: string;
  fontFamily?: string;
  borderRadius?: string | number;
  spacingUnit?: string | number;
  mode?: ThemeMode;
  logo?: string | null;
}

/** What the provider hands to widgets: the preset it started from and every `--msp-*` value. */
export interface ResolvedTheme {
  name: PresetName | 'custom';
  mode: ThemeMode;
  tokens: Record<string, string>;
  logo?: string | null;
}

export const presets: Record<PresetName, TokenDocument> = {
  light,
  dark,
  'high-contrast': highContrast,
};

function tokenValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((f) => (/\s/.test(String(f)) ? `"${String(f)}"` : String(f))).join(', ');
  if (value && typeof value === 'object' && 'value' in value && 'unit' in value) {
    const d = value as { value: number; unit: string };
    return `${d.value}${d.unit}`;
  }
  return String(value);
}

/** `{color: {text: {$value: '#000'}}}` → `{'--msp-color-text': '#000'}`. */
export function flattenTokens(doc: TokenDocument, prefix = '--msp'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, node] of Object.entries(doc)) {
    if (key.startsWith('$') || !node || typeof node !== 'object') continue;
    const name = `${prefix}-${key}`;
    if ('$value' in node) out[name] = tokenValue((node as { $value: unknown }).$value);
    else Object.assign(out, flattenTokens(node as TokenDocument, name));
  }
  return out;
}

export function presetMode(name: PresetName): ThemeMode {
  const ext = presets[name]['$extensions'] as { 'dev.portico'?: { mode?: ThemeMode } } | undefined;
  return ext?.['dev.portico']?.mode ?? 'light';
}

const length = (v: string | number) => (typeof v === 'number' ? `${v}px` : v);

/** Which token each theme-record field overrides. */
const recordTokens: Partial<Record<keyof ThemeRecord, (v: string | number) => Record<string, string>>> = {
  colorPrimary: (v) => ({ '--msp-color-primary': String(v), '--msp-color-focus': String(v) }),
  colorAccent: (v) => ({ '--msp-color-accent': String(v) }),
  colorBackground: (v) => ({ '--msp-color-background': String(v) }),
  colorText: (v) => ({ '--msp-color-text': String(v) }),
  colorDanger: (v) => ({ '--msp-color-danger': String(v) }),
  colorWarning: (v) => ({ '--msp-color-warning': String(v) }),
  colorSuccess: (v) => ({ '--msp-color-success': String(v) }),
  fontFamily: (v) => ({ '--msp-font-family': String(v) }),
  borderRadius: (v) => ({ '--msp-radius': length(v) }),
  spacingUnit: (v) => ({ '--msp-space': length(v) }),
};

const isPreset = (v: unknown): v is PresetName => (presetNames as readonly unknown[]).includes(v);

/** `#ABC` and `#aabbcc` alike as `#aabbcc`, so a record repeating a preset colour is no change. */
const sameColour = (a: string, b: string) => {
  const full = (h: string) => {
    const x = h.trim().toLowerCase().replace(/^#/, '');
    return x.length === 3 ? [...x].map((c) => c + c).join('') : x;
  };
  return full(a) === full(b);
};

const isHex = (v: string) => /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v.trim());

/**
 * The `--msp-*` properties of a preset with a theme record's values laid over it. When the record
 * changes a base colour, the shades that depend on it (surface, muted text, border, text on
 * primary, bands) are derived from the new colours (themes/derive.ts); everything else keeps the
 * preset's designed value, so a preset alone gives exactly its tokens.
 */
export function themeTokens(preset: PresetName, overrides: ThemeRecord = {}): Record<string, string> {
  const tokens = flattenTokens(presets[preset]);
  const changed = new Set<BaseColour>();
  for (const [key, value] of Object.entries(overrides) as [keyof ThemeRecord, unknown][]) {
    const map = recordTokens[key];
    if (!map || (typeof value !== 'string' && typeof value !== 'number') || value === '') continue;
    const token = baseColourTokens[key as BaseColour] as string | undefined;
    if (token && typeof value === 'string' && isHex(value) && !sameColour(value, tokens[token]!)) changed.add(key as BaseColour);
    Object.assign(tokens, map(value));
  }
  // The provider also takes records from page authors, who may write `red`: shades are derived
  // from hex colours only, and a record holding anything else is laid over the preset as is.
  const derivable = changed.size > 0 && Object.values(baseColourTokens).every((t) => isHex(tokens[t]!));
  return derivable ? deriveTokens(tokens, changed) : tokens;
}

/** A preset name, a theme record, or nothing (light) → the theme the widgets use. */
export function resolveTheme(theme: PresetName | ThemeRecord | string | null | undefined): ResolvedTheme {
  if (theme == null || theme === '') return { name: 'light', mode: 'light', tokens: themeTokens('light') };
  if (typeof theme === 'string') {
    const name = isPreset(theme) ? theme : 'light';
    return { name, mode: presetMode(name), tokens: themeTokens(name) };
  }
  const base: PresetName = theme.mode === 'dark' ? 'dark' : theme.mode === 'high-contrast' ? 'high-contrast' : 'light';
  return { name: 'custom', mode: theme.mode ?? presetMode(base), tokens: themeTokens(base, theme), logo: theme.logo ?? null };
}
