/** WCAG 2.2 contrast of sRGB colours given as `#rgb` or `#rrggbb`. */

export function parseHex(hex: string): [number, number, number] {
  const h = hex.trim().replace(/^#/, '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  if (!/^[0-9a-f]{6}$/i.test(full)) throw new Error(`not a hex colour: ${hex}`);
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance (WCAG 2.x definition). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** (L1 + 0.05) / (L2 + 0.05), the lighter colour on top: 1 … 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The text/background token pairs every theme must keep at 4.5:1 or more. */
export const textPairs: ReadonlyArray<readonly [text: string, background: string]> = [
  ['--msp-color-text', '--msp-color-background'],
  ['--msp-color-text', '--msp-color-surface'],
  ['--msp-color-text-muted', '--msp-color-background'],
  ['--msp-color-text-muted', '--msp-color-surface'],
  ['--msp-color-on-primary', '--msp-color-primary'],
  ['--msp-color-primary', '--msp-color-background'],
  ['--msp-color-primary', '--msp-color-surface'],
  ['--msp-color-danger', '--msp-color-background'],
  ['--msp-color-danger', '--msp-color-surface'],
  ['--msp-color-warning', '--msp-color-background'],
  ['--msp-color-warning', '--msp-color-surface'],
  ['--msp-color-success', '--msp-color-background'],
  ['--msp-color-success', '--msp-color-surface'],
  ['--msp-color-text', '--msp-color-band-customer'],
  ['--msp-color-text', '--msp-color-band-commercial'],
  ['--msp-color-text', '--msp-color-band-security'],
];
