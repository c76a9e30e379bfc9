import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { contrastRatio, parseHex, textPairs } from '../../themes/contrast.js';
import { deriveMutedText, deriveSurface, hexToOklch, mixHex, oklchToHex } from '../../themes/derive.js';
import { flattenTokens, presetNames, presets, resolveTheme, themeTokens } from '../../themes/loader.js';

/** Derived shades: OKLCH conversion, and shades that follow a record's colours and stay readable. */

const hexDigit = fc.constantFrom(...'0123456789abcdef'.split(''));
const hexColour = fc.string({ unit: hexDigit, minLength: 6, maxLength: 6 }).map((h) => `#${h}`);

/** Text and background colours whose own contrast reaches AA. */
const readablePair = fc.tuple(hexColour, hexColour).filter(([text, bg]) => contrastRatio(text, bg) >= 4.5);

describe('OKLCH', () => {
  it('turns hex into OKLCH and back within one step of 255 per channel', () => {
    fc.assert(
      fc.property(hexColour, (hex) => {
        const back = parseHex(oklchToHex(hexToOklch(hex)));
        parseHex(hex).forEach((v, i) => assert.ok(Math.abs(v - back[i]!) <= 1, `${hex} → ${oklchToHex(hexToOklch(hex))}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('knows the reference points: white is L 1, black L 0, greys have no chroma', () => {
    assert.ok(Math.abs(hexToOklch('#ffffff').l - 1) < 1e-4);
    assert.ok(Math.abs(hexToOklch('#000000').l) < 1e-6);
    assert.ok(hexToOklch('#777777').c < 1e-4);
    // Ottosson's published value for sRGB red: L 0.6279, C 0.2577, h 29.23°.
    const red = hexToOklch('#ff0000');
    assert.ok(Math.abs(red.l - 0.6279) < 1e-3 && Math.abs(red.c - 0.2577) < 1e-3 && Math.abs(red.h - 29.23) < 0.1);
  });

  it('maps colours outside sRGB back in by giving up chroma, keeping lightness', () => {
    const hex = oklchToHex({ l: 0.7, c: 0.4, h: 150 });
    assert.match(hex, /^#[0-9a-f]{6}$/);
    const got = hexToOklch(hex);
    assert.ok(Math.abs(got.l - 0.7) < 0.01, `lightness kept: ${got.l}`);
    assert.ok(got.c < 0.4);
  });

  it('mixes grey with a colour without passing through other hues', () => {
    const mid = hexToOklch(mixHex('#808080', '#0b5cad', 0.5));
    assert.ok(Math.abs(mid.h - hexToOklch('#0b5cad').h) < 2, `hue ${mid.h}`);
  });
});

describe('derived shades', () => {
  for (const name of presetNames) {
    it(`leave ${name} exactly as written when the record changes no colour`, () => {
      assert.deepEqual(themeTokens(name), flattenTokens(presets[name]));
      assert.deepEqual(themeTokens(name, { borderRadius: 8, fontFamily: 'Inter' }), { ...flattenTokens(presets[name]), '--msp-radius': '8px', '--msp-font-family': 'Inter' });
      const own = themeTokens(name);
      const same = themeTokens(name, { colorBackground: own['--msp-color-background']!.toUpperCase(), colorText: own['--msp-color-text'] });
      assert.deepEqual({ ...same, '--msp-color-background': own['--msp-color-background'] }, own, 'repeating the preset colours derives nothing');
    });
  }

  it('give a dark background over the light preset a dark surface, light muted text and dark bands', () => {
    const tokens = themeTokens('light', { colorBackground: '#101418', colorText: '#f0f3f6' });
    const l = (token: string) => hexToOklch(tokens[token]!).l;
    assert.ok(l('--msp-color-surface') < 0.35, tokens['--msp-color-surface']);
    assert.ok(l('--msp-color-surface') > l('--msp-color-background'), 'raised towards the text');
    assert.ok(l('--msp-color-text-muted') > 0.6, tokens['--msp-color-text-muted']);
    for (const band of ['customer', 'commercial', 'security']) assert.ok(l(`--msp-color-band-${band}`) < 0.4, band);
    const derived = ['--msp-color-text-muted', '--msp-color-surface', '--msp-color-on-primary', '--msp-color-band-customer', '--msp-color-band-commercial', '--msp-color-band-security'];
    const text = ['--msp-color-text', '--msp-color-text-muted'];
    const failing = textPairs.filter(([t, b]) => text.includes(t) && (derived.includes(t) || derived.includes(b)) && contrastRatio(tokens[t]!, tokens[b]!) < 4.5);
    assert.deepEqual(failing, []);
  });

  it('pick white or black text for a primary the preset\'s text no longer suits', () => {
    assert.equal(themeTokens('light', { colorPrimary: '#aaccff' })['--msp-color-on-primary'], '#000000');
    assert.equal(themeTokens('light', { colorPrimary: '#123456' })['--msp-color-on-primary'], '#ffffff', 'the designed white is kept while it passes');
    assert.equal(themeTokens('dark', { colorPrimary: '#99ccff' })['--msp-color-on-primary'], '#0a1a2b');
  });

  it('keep muted text at 4.5:1 on the background and the surface whenever the text is', () => {
    fc.assert(
      fc.property(readablePair, ([text, background]) => {
        const surface = deriveSurface(background, text, [text]);
        assert.ok(contrastRatio(text, surface) >= 4.5, `text ${text} on surface ${surface}`);
        const muted = deriveMutedText(text, [background, surface]);
        assert.ok(contrastRatio(muted, background) >= 4.5, `muted ${muted} on ${background}`);
        assert.ok(contrastRatio(muted, surface) >= 4.5, `muted ${muted} on surface ${surface}`);
      }),
      { numRuns: 1500 },
    );
  });

  it('pass every pair a derived shade is in whenever the chosen colours pass against the background', () => {
    const derived = new Set(['--msp-color-surface', '--msp-color-text-muted', '--msp-color-on-primary', '--msp-color-band-customer', '--msp-color-band-commercial', '--msp-color-band-security']);
    fc.assert(
      fc.property(fc.constantFrom('light', 'dark'), readablePair, hexColour, hexColour, (mode, [colorText, colorBackground], colorPrimary, colorAccent) => {
        const tokens = resolveTheme({ mode, colorText, colorBackground, colorPrimary, colorAccent }).tokens;
        for (const [t, b] of textPairs) {
          if (!derived.has(t) && !derived.has(b)) continue;
          // A chosen colour that already fails on the background is the user's to fix.
          if (!derived.has(t) && contrastRatio(tokens[t]!, tokens['--msp-color-background']!) < 4.5) continue;
          assert.ok(contrastRatio(tokens[t]!, tokens[b]!) >= 4.5, `${t} ${tokens[t]} on ${b} ${tokens[b]}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leave a record with colours that are not hex laid over the preset as is', () => {
    const tokens = themeTokens('light', { colorBackground: 'black', colorText: '#ffffff' });
    assert.equal(tokens['--msp-color-background'], 'black');
    assert.equal(tokens['--msp-color-surface'], themeTokens('light')['--msp-color-surface']);
  });
});
