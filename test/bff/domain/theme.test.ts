import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  contrastReport,
  lengthRanges,
  normaliseColour,
  normaliseField,
  normaliseFontFamily,
  normaliseLength,
  resolveTenantTheme,
  themeFields,
  validateTheme,
  type ThemeField,
} from '../../../bff/domain/theme.js';
import { themeTokens } from '../../../themes/loader.js';

/** Tenant theme values: a grammar that keeps CSS injection out, the fallback chain, contrast. */

const FORBIDDEN = /[;{}<>()"'\\]|url\(|expression\(/i;

describe('theme values', () => {
  test('colours: #rgb and #rrggbb, lower-cased; nothing else', () => {
    assert.equal(normaliseColour('#ABC'), '#abc');
    assert.equal(normaliseColour('#0B5CAD'), '#0b5cad');
    for (const bad of ['red', '#abcd', '#12345g', 'rgb(1,2,3)', ' #abc', '#abc ', '#fff}body{', 'red;background:url(x)', '', '#']) {
      assert.equal(normaliseColour(bad), null, bad);
    }
  });

  test('lengths: px/rem/em within each field\'s range, normalised', () => {
    assert.equal(normaliseLength('8px', lengthRanges.borderRadius), '8px');
    assert.equal(normaliseLength('0.50rem', lengthRanges.borderRadius), '0.5rem');
    assert.equal(normaliseLength('.5em', lengthRanges.borderRadius), '0.5em');
    assert.equal(normaliseLength('0px', lengthRanges.borderRadius), '0px');
    assert.equal(normaliseLength('32px', lengthRanges.borderRadius), '32px');
    assert.equal(normaliseLength('33px', lengthRanges.borderRadius), null);
    assert.equal(normaliseLength('2.1rem', lengthRanges.borderRadius), null);
    assert.equal(normaliseLength('1px', lengthRanges.spacingUnit), null);
    assert.equal(normaliseLength('17px', lengthRanges.spacingUnit), null);
    assert.equal(normaliseLength('4px', lengthRanges.spacingUnit), '4px');
    for (const bad of ['8', '8pt', '-1px', '1e1px', 'calc(4px)', '4px;color:red', '4 px', 'NaNpx', 'Infinitypx']) {
      assert.equal(normaliseLength(bad, lengthRanges.borderRadius), null, bad);
    }
  });

  test('font families: names quoted or bare, generic families; written without quotes', () => {
    assert.equal(normaliseFontFamily('"Open Sans", Arial, sans-serif'), 'Open Sans, Arial, sans-serif');
    assert.equal(normaliseFontFamily("'Segoe UI',system-ui"), 'Segoe UI, system-ui');
    assert.equal(normaliseFontFamily('Inter'), 'Inter');
    for (const bad of ['', ',', 'Arial,', '"Arial', 'Ari"al', '1Font', 'inherit', 'Arial; color: red', 'x</style>', 'Arial}body{', 'a\\62 c', '"Open Sans\', Arial']) {
      assert.equal(normaliseFontFamily(bad), null, bad);
    }
  });

  test('any accepted value round-trips and holds nothing that could leave the property', () => {
    const anyString = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...'#0123456789abcdefABCDEF;{}()<>"\'\\ ,.-pxremurlexpression'.split('')), maxLength: 24 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...themeFields), anyString, (field: ThemeField, raw: string) => {
        const v = normaliseField(field, raw);
        if (v === null) return;
        assert.doesNotMatch(v, FORBIDDEN);
        assert.equal(normaliseField(field, v), v, 'normalising again changes nothing');
      }),
      { numRuns: 3000 },
    );
  });

  test('every well-formed value is accepted', () => {
    const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: hex, minLength: 3, maxLength: 3 }), fc.string({ unit: hex, minLength: 6, maxLength: 6 })), (h) => {
        assert.equal(normaliseColour(`#${h}`), `#${h.toLowerCase()}`);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), (n) => {
        assert.equal(normaliseLength(`${n}px`, lengthRanges.borderRadius), `${n}px`);
      }),
    );
  });

  test('CSS injection attempts are refused with the field they were sent in', () => {
    const attempts: [ThemeField, string][] = [
      ['colorPrimary', 'red;background:url(x)'],
      ['colorBackground', '#fff}body{'],
      ['fontFamily', '</style><script>alert(1)</script>'],
      ['colorText', 'expression(alert(1))'],
      ['fontFamily', 'Arial;background:url(//evil)'],
      ['borderRadius', '4px;}*{display:none'],
      ['spacingUnit', 'expression(alert(1))'],
      ['mode', 'dark;'],
    ];
    for (const [field, value] of attempts) {
      const res = validateTheme({ [field]: value });
      assert.equal(res.ok, false, `${field}: ${value}`);
      if (!res.ok) assert.deepEqual(res.errors.map((e) => e.field), [field]);
    }
  });

  test('validateTheme: nulls and absent fields fall back; good values normalised', () => {
    const res = validateTheme({ colorPrimary: '#0B5CAD', borderRadius: '0.50rem', fontFamily: null });
    assert.ok(res.ok);
    assert.equal(res.value.colorPrimary, '#0b5cad');
    assert.equal(res.value.borderRadius, '0.5rem');
    assert.equal(res.value.fontFamily, null);
    assert.equal(res.value.mode, null);
  });
});

describe('fallback chain', () => {
  test('nothing anywhere: the light preset, every value from it', () => {
    const t = resolveTenantTheme(null, null);
    assert.equal(t.preset, 'light');
    assert.equal(t.values.mode, 'light');
    assert.equal(t.values.colorPrimary, themeTokens('light')['--msp-color-primary']);
    assert.equal(t.values.borderRadius, '6px');
    assert.ok(Object.values(t.sources).every((s) => s === 'preset'));
    assert.deepEqual(t.tokens, themeTokens('light'));
  });

  test('customer values win, then the fleet theme, then the preset of the resolved mode', () => {
    const t = resolveTenantTheme({ colorPrimary: '#123456' }, { colorPrimary: '#654321', colorAccent: '#222222', mode: 'dark' });
    assert.equal(t.values.colorPrimary, '#123456');
    assert.equal(t.sources.colorPrimary, 'customer');
    assert.equal(t.values.colorAccent, '#222222');
    assert.equal(t.sources.colorAccent, 'fleet');
    assert.equal(t.values.mode, 'dark');
    assert.equal(t.sources.mode, 'fleet');
    assert.equal(t.preset, 'dark');
    assert.equal(t.values.colorText, themeTokens('dark')['--msp-color-text']);
    assert.equal(t.sources.colorText, 'preset');
    assert.equal(t.tokens['--msp-color-primary'], '#123456');
    assert.equal(t.tokens['--msp-color-accent'], '#222222');
  });

  test("a seller's own row is its fleet theme", () => {
    const t = resolveTenantTheme({ colorAccent: '#333333' }, null, true);
    assert.equal(t.sources.colorAccent, 'fleet');
  });

  test('a stored value that no longer validates is skipped', () => {
    const t = resolveTenantTheme({ colorPrimary: 'red;' }, { colorPrimary: '#111111' });
    assert.equal(t.values.colorPrimary, '#111111');
    assert.equal(t.sources.colorPrimary, 'fleet');
  });

  test('every resolved value passes its own validation', () => {
    for (const mode of ['light', 'dark'] as const) {
      const t = resolveTenantTheme({ mode }, null);
      for (const field of themeFields) assert.notEqual(normaliseField(field, t.values[field]), null, `${mode} ${field}: ${t.values[field]}`);
    }
  });
});

describe('contrast', () => {
  test('the presets pass every pair', () => {
    for (const mode of ['light', 'dark'] as const) {
      const report = contrastReport(resolveTenantTheme({ mode }, null).tokens);
      assert.ok(report.length > 10);
      assert.ok(report.every((p) => p.pass), JSON.stringify(report.filter((p) => !p.pass)));
    }
  });

  test('a pale primary fails against the background and surface, with its ratio; its text is derived to pass', () => {
    const report = contrastReport(resolveTenantTheme({ colorPrimary: '#aaccff' }, null).tokens);
    const failing = report.filter((p) => !p.pass).map((p) => `${p.text} on ${p.background}`);
    assert.deepEqual(failing, ['--msp-color-primary on --msp-color-background', '--msp-color-primary on --msp-color-surface']);
    const pair = report.find((p) => p.text === '--msp-color-primary' && p.background === '--msp-color-background')!;
    assert.equal(pair.textColour, '#aaccff');
    assert.equal(pair.backgroundColour, '#ffffff');
    assert.ok(pair.ratio > 1 && pair.ratio < 4.5);
    const onPrimary = report.find((p) => p.text === '--msp-color-on-primary')!;
    assert.equal(onPrimary.textColour, '#000000', 'black, not the preset\'s white, on a pale primary');
    assert.ok(onPrimary.pass);
  });

  test('derived shades follow the chosen colours and pass whenever those do', () => {
    const report = contrastReport(resolveTenantTheme({ colorBackground: '#101418', colorText: '#f0f3f6', colorPrimary: '#6cb6ff', colorDanger: '#ff8b8a', colorWarning: '#e3b341', colorSuccess: '#5bd26a' }, null).tokens);
    assert.ok(report.every((p) => p.pass), JSON.stringify(report.filter((p) => !p.pass)));
    const surface = report.find((p) => p.background === '--msp-color-surface')!.backgroundColour;
    assert.notEqual(surface, themeTokens('light')['--msp-color-surface'], 'a dark surface under a dark background');
  });

  test('black on white is 21:1', () => {
    const report = contrastReport(resolveTenantTheme({ colorText: '#000', colorBackground: '#fff' }, null).tokens);
    assert.equal(report[0]!.ratio, 21);
  });
});
