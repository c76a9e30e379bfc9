import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { sanitiseSvg, SvgRejected, unsafeCss } from '../../../bff/domain/svg.js';

/**
 * The SVG sanitiser on its own: whatever it accepts comes out with no script, no handler and no
 * reference outside the document, and sanitising its output changes nothing.
 */

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="http://www.w3.org/2000/svg"';

/**
 * Nothing in `svg` can run or fetch: no active element, no handler, and in what a renderer
 * interprets (attribute values, style sheets) no script URL and no reference outside the
 * document. Plain text may say anything.
 */
function assertInert(svg: string, context: string): void {
  assert.doesNotMatch(svg, /<(?:svg:)?script|<foreignObject|<iframe|<embed|<object|\son[a-z]*\s*=|<!DOCTYPE|<!ENTITY|<\?/i, context);
  const interpreted = [...[...svg.matchAll(/="([^"]*)"/g)].map((m) => m[1]!), ...[...svg.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!)];
  for (const value of interpreted) {
    assert.doesNotMatch(value, /javascript:|@import|expression\(/i, `${context}: ${value}`);
    for (const m of value.matchAll(/url\(([^)]*)\)/gi)) assert.match(m[1]!, /^\s*['"]?#/, `${context}: url(${m[1]})`);
  }
  for (const m of svg.matchAll(/\s(?:xlink:)?href="([^"]*)"/g)) assert.match(m[1]!, /^#|^data:image\/(?:png|jpeg);base64,/, `${context}: href ${m[1]}`);
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const elementNames = ['g', 'rect', 'path', 'text', 'a', 'use', 'image', 'style', 'defs', 'linearGradient', 'stop', 'animate', 'set', 'title', 'script', 'SCRIPT', 'svg:script', 'foreignObject', 'iframe', 'metadata', 'svg'];
const attrNames = ['fill', 'stroke', 'style', 'href', 'xlink:href', 'onload', 'onClick', 'ONMOUSEOVER', 'id', 'transform', 'attributeName', 'to', 'width', 'x', 'data-x', 'filter', 'mask'];
const attrValues = [
  '#a', '#b', 'red', 'url(#a)', "url('#b')", 'url(http://evil.example/x)', 'url( https://evil.example )', 'javascript:alert(1)', ' JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)', 'http://evil.example/', '//evil.example/x.svg', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/svg+xml;base64,PHN2Zz4=',
  'fill: red', 'fill: url(http://evil.example/)', '@import "x.css"', 'expression(alert(1))', 'href', 'onload', '10', 'a\\75 rl(x)', 'translate(1 2)',
];
const texts = ['A & B', 'alert(1)', '</svg>', '@import url(http://e/x.css);', 'rect { fill: url(https://e/) }', 'rect { fill: red }', ']]>'];

type Tree = { name: string; attrs: [string, string][]; children: (Tree | string)[] };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.record({
    name: fc.constantFrom(...elementNames),
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom(...attrNames), fc.constantFrom(...attrValues)), { maxLength: 4, selector: ([k]) => k.toLowerCase() }),
    children: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom(...texts), tie('node')), { maxLength: 3 }),
  }),
})).node;

function write(t: Tree | string): string {
  if (typeof t === 'string') return escapeText(t);
  const attrs = t.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  return `<${t.name}${attrs}>${t.children.map(write).join('')}</${t.name}>`;
}

describe('SVG sanitiser', () => {
  test('whatever is accepted is inert, and sanitising it again changes nothing', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 4 }), (children) => {
        const input = `<svg ${NS} viewBox="0 0 10 10">${children.map(write).join('')}</svg>`;
        let out: string;
        try {
          out = sanitiseSvg(input).svg;
        } catch (e) {
          assert.ok(e instanceof SvgRejected, String(e));
          return;
        }
        accepted++;
        assertInert(out, input);
        assert.equal(sanitiseSvg(out).svg, out, 'idempotent');
      }),
      { numRuns: 600, seed: 20261125 },
    );
    assert.ok(accepted > 50, `only ${accepted} generated files were accepted; the property proves little`);
  });

  test('CSS: only references inside the document', () => {
    assert.equal(unsafeCss('fill: url(#g); stroke: red'), null);
    assert.equal(unsafeCss("fill: url('#g')"), null);
    for (const css of ['fill: url(http://e/x)', '@import "x"', 'width: expression(alert(1))', 'background: url(javascript:alert(1))', 'fill: u\\72l(http://e/)', 'fill: url(//e/x)', '@IMPORT url(x)']) {
      assert.notEqual(unsafeCss(css), null, css);
    }
  });

  test('a file without a size is refused; a size without a viewBox gets one', () => {
    assert.throws(() => sanitiseSvg('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'), SvgRejected);
    assert.match(sanitiseSvg('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"/>').svg, /viewBox="0 0 30 10"/);
    assert.throws(() => sanitiseSvg('<svg xmlns="http://www.w3.org/2000/svg" width="5000px" height="10"/>'), /at most 4096/);
  });
});
