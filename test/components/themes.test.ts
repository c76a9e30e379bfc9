import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { contrastRatio, textPairs } from '../../themes/contrast.js';
import { flattenTokens, presetNames, presets, resolveTheme, themeTokens } from '../../themes/loader.js';

describe('theme presets', () => {
  it('computes WCAG contrast the way the specification does', () => {
    assert.equal(contrastRatio('#000000', '#ffffff').toFixed(2), '21.00');
    assert.equal(contrastRatio('#fff', '#fff'), 1);
    // A well-known pair: #767676 on white is the lightest grey that passes AA.
    assert.ok(contrastRatio('#767676', '#ffffff') >= 4.5);
    assert.ok(contrastRatio('#777777', '#ffffff') < 4.5);
  });

  for (const name of presetNames) {
    it(`keeps every text/background pair of ${name} at 4.5:1 or more`, () => {
      const tokens = themeTokens(name);
      const failing = textPairs
        .map(([text, bg]) => ({ text, bg, ratio: contrastRatio(tokens[text]!, tokens[bg]!) }))
        .filter((p) => p.ratio < 4.5)
        .map((p) => `${p.text} on ${p.bg}: ${p.ratio.toFixed(2)}`);
      assert.deepEqual(failing, []);
    });

    it(`writes ${name} as W3C design tokens with $value and $type`, () => {
      const walk = (node: Record<string, unknown>, path: string): void => {
        for (const [key, child] of Object.entries(node)) {
          if (key.startsWith('$') || !child || typeof child !== 'object') continue;
          const c = child as Record<string, unknown>;
          if ('$value' in c) assert.ok(typeof c.$type === 'string', `${path}.${key} has a $type`);
          else walk(c, `${path}.${key}`);
        }
      };
      walk(presets[name], name);
      assert.ok(Object.keys(flattenTokens(presets[name])).length >= 19);
    });
  }

  it('keeps tokens.css equal to the light preset', () => {
    const css = fs.readFileSync(new URL('../../themes/tokens.css', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(themeTokens('light'))) {
      assert.ok(css.includes(`${name}: ${value};`), `${name} in tokens.css`);
    }
  });

  it('lays a theme record over the preset its mode names', () => {
    const theme = resolveTheme({ mode: 'dark', colorPrimary: '#ff00aa', borderRadius: 10, spacingUnit: '5px' });
    assert.equal(theme.name, 'custom');
    assert.equal(theme.tokens['--msp-color-primary'], '#ff00aa');
    assert.equal(theme.tokens['--msp-color-background'], themeTokens('dark')['--msp-color-background']);
    assert.equal(theme.tokens['--msp-radius'], '10px');
    assert.equal(theme.tokens['--msp-space'], '5px');
    assert.equal(resolveTheme('high-contrast').mode, 'high-contrast');
    assert.equal(resolveTheme('no-such-preset').name, 'light');
  });
});
