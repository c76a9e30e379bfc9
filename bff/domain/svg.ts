import { SaxesParser, type SaxesTagNS } from 'saxes';

/**
 * The SVG logo sanitiser (DESIGN.md, Theming: "SVG is sanitised (no script, event handlers,
 * external references) or rejected").
 *
 * The file is parsed as XML (saxes: strict, namespace-aware, no DTD processing) into a tree and
 * written out again from an allow-list of SVG elements and attributes; nothing the allow-list
 * does not name reaches the output, and every value is re-escaped on the way out.
 *
 * Policy:
 * - Rejected, with a reason naming what and where, so the uploader learns the file is not
 *   acceptable instead of getting a silently different logo: anything that is not well-formed
 *   XML, a DOCTYPE (entity declarations: billion laughs, XXE), processing instructions other
 *   than the XML declaration, an encoding other than UTF-8, a root other than `<svg>`, active
 *   content (`script`, `foreignObject`, `iframe`, `embed`, `object`, … in any namespace or
 *   letter case), event-handler attributes (`on…`), `javascript:` anywhere, references out of
 *   the document (`href`/`xlink:href` other than `#id`, `url(…)` other than `url(#id)`, CSS
 *   `@import`, `expression(`, escapes), animations that target `href`, `style` or a handler,
 *   `<use>` chains, and sizes beyond {@link SVG_LIMITS}.
 * - Dropped silently, because they are inert: comments, elements outside the allow-list or the
 *   SVG namespace with their content (editor metadata such as `sodipodi:namedview` or RDF),
 *   attributes outside the allow-list (`inkscape:label`, `data-*`), animations of presentation
 *   values. `<a>` is unwrapped (its content kept) when its link stays in the document.
 * - `<image>` is kept only with an embedded `data:image/png` or `data:image/jpeg` base64 URL.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export const SVG_LIMITS = {
  /** Elements in the file. */
  elements: 5000,
  /** Nesting depth. */
  depth: 64,
  /** `<use>` elements. */
  uses: 200,
  /** The largest width or height the root may declare, in px. */
  size: 4096,
} as const;

export class SvgRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SvgRejected';
  }
}

export interface SanitisedSvg {
  /** The sanitised document, UTF-8, with the SVG namespace declared on the root. */
  svg: string;
  /** The root's aspect ratio as width / height (from its viewBox, else its width and height). */
  aspect: number;
  /** The root's declared size in px, when both width and height are plain lengths. */
  width: number | null;
  height: number | null;
}

const ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'title', 'desc', 'switch',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker', 'style', 'image',
  'filter', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix', 'feDiffuseLighting',
  'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR',
  'feGaussianBlur', 'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'fePointLight', 'feSpecularLighting',
  'feSpotLight', 'feTile', 'feTurbulence',
]);

/** Active content: refused in any namespace and any letter case. */
const ACTIVE = new Set(['script', 'foreignobject', 'iframe', 'frame', 'frameset', 'embed', 'object', 'applet', 'handler', 'listener', 'link', 'base', 'meta']);
const ANIMATIONS = new Set(['animate', 'set', 'animatemotion', 'animatetransform', 'animatecolor', 'discard']);

const ATTRIBUTES = new Set([
  'id', 'class', 'lang', 'tabindex', 'role', 'aria-label', 'aria-labelledby', 'aria-describedby', 'aria-hidden', 'focusable',
  'version', 'baseProfile', 'viewBox', 'preserveAspectRatio', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy', 'fr',
  'width', 'height', 'd', 'points', 'pathLength', 'transform', 'style',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit',
  'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'opacity', 'color', 'display', 'visibility', 'overflow',
  'clip-path', 'clip-rule', 'mask', 'filter', 'vector-effect', 'shape-rendering', 'text-rendering', 'image-rendering',
  'color-interpolation', 'color-interpolation-filters', 'paint-order', 'mix-blend-mode', 'isolation',
  'font-family', 'font-size', 'font-size-adjust', 'font-weight', 'font-style', 'font-variant', 'font-stretch', 'text-anchor',
  'dominant-baseline', 'alignment-baseline', 'baseline-shift', 'letter-spacing', 'word-spacing', 'text-decoration',
  'writing-mode', 'direction', 'unicode-bidi', 'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'startOffset', 'method', 'spacing', 'side',
  'gradientUnits', 'gradientTransform', 'spreadMethod', 'offset', 'stop-color', 'stop-opacity',
  'patternUnits', 'patternContentUnits', 'patternTransform', 'clipPathUnits', 'maskUnits', 'maskContentUnits',
  'markerWidth', 'markerHeight', 'markerUnits', 'refX', 'refY', 'orient', 'marker-start', 'marker-mid', 'marker-end',
  'filterUnits', 'primitiveUnits', 'in', 'in2', 'result', 'stdDeviation', 'mode', 'operator', 'k1', 'k2', 'k3', 'k4',
  'values', 'type', 'tableValues', 'slope', 'intercept', 'amplitude', 'exponent', 'flood-color', 'flood-opacity', 'lighting-color',
  'radius', 'scale', 'xChannelSelector', 'yChannelSelector', 'baseFrequency', 'numOctaves', 'seed', 'stitchTiles',
  'edgeMode', 'kernelMatrix', 'kernelUnitLength', 'order', 'divisor', 'bias', 'targetX', 'targetY', 'preserveAlpha',
  'surfaceScale', 'diffuseConstant', 'specularConstant', 'specularExponent', 'azimuth', 'elevation',
  'pointsAtX', 'pointsAtY', 'pointsAtZ', 'limitingConeAngle', 'media', 'requiredFeatures', 'requiredExtensions', 'systemLanguage',
]);

const LOCAL_REF = /^#[A-Za-z_][\w.:-]*$/;
const DATA_IMAGE = /^data:image\/(?:png|jpeg);base64,[A-Za-z0-9+/\s]*={0,2}\s*$/;

interface Node {
  name: string;
  attrs: [string, string][];
  children: (Node | string)[];
  /** `<a>`: written as its children. */
  unwrap?: boolean;
}

/** Control characters and whitespace removed, lower case: how a URL scheme is hidden in practice. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const squeeze = (value: string) => value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();

/** CSS (a `style` attribute or element): the reason it is refused, or null. */
export function unsafeCss(css: string): string | null {
  const s = squeeze(css.replace(/\/\*[\s\S]*?\*\//g, ''));
  if (s.includes('\\')) return 'CSS escapes';
  if (s.includes('@import')) return 'CSS @import';
  if (s.includes('expression(')) return 'CSS expression()';
  if (s.includes('javascript:') || s.includes('vbscript:')) return 'a script URL';
  if (s.includes('-moz-binding') || s.includes('behavior:')) return 'CSS bindings';
  for (const m of s.matchAll(/url\(([^)]*)\)?/g)) {
    const target = m[1]!.replace(/^["']|["']$/g, '');
    if (!LOCAL_REF.test(target)) return `a reference outside the document (url(${target.slice(0, 40)}))`;
  }
  return null;
}

/** A presentation attribute's value: the reason it is refused, or null. */
function unsafeValue(value: string): string | null {
  const s = squeeze(value);
  if (s.includes('javascript:') || s.includes('vbscript:')) return 'a script URL';
  // Presentation attributes are CSS values too (and become CSS when a renderer maps them).
  return unsafeCss(value);
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');

function serialise(node: Node, out: string[], root: boolean, xlink: boolean): void {
  const children = () => {
    for (const c of node.children) {
      if (typeof c !== 'string') serialise(c, out, false, xlink);
      else if (c !== '') out.push(escapeText(c));
    }
  };
  if (node.unwrap) {
    children();
    return;
  }
  out.push(`<${node.name}`);
  if (root) {
    out.push(` xmlns="${SVG_NS}"`);
    if (xlink) out.push(` xmlns:xlink="${XLINK_NS}"`);
  }
  for (const [k, v] of node.attrs) out.push(` ${k}="${escapeAttr(v)}"`);
  const at = out.length;
  children();
  // Written self-closing when nothing is inside (an unwrapped empty <a> included), as it reads back.
  if (out.length === at) out.push('/>');
  else {
    out.splice(at, 0, '>');
    out.push(`</${node.name}>`);
  }
}

/** A plain or px length as a number; null for percentages, other units or garbage. */
function px(value: string | undefined): number | null {
  const m = value && /^\s*(\d+(?:\.\d+)?|\.\d+)(?:px)?\s*$/.exec(value);
  return m ? Number(m[1]) : null;
}

/**
 * Sanitises an SVG file: the allow-listed document, or {@link SvgRejected} saying why not.
 * `text` is the file decoded as UTF-8.
 */
export function sanitiseSvg(text: string): SanitisedSvg {
  const parser = new SaxesParser({ xmlns: true });
  const stack: (Node | null)[] = [];
  let root: Node | null = null;
  let rootSeen = false;
  let elements = 0;
  let uses = 0;
  /** Ids of elements holding a `<use>`, and the targets of every `<use>`: no chains. */
  const idsHoldingUse = new Set<string>();
  const useTargets: string[] = [];
  let xlink = false;
  let error: string | null = null;
  const fail = (message: string): never => {
    throw new SvgRejected(message);
  };
  const where = () => `line ${parser.line}`;

  parser.on('error', (e) => {
    error ??= e.message;
    const m = /(\d+):(\d+): (.*)$/.exec(e.message);
    throw new SvgRejected(m ? `The SVG is not well-formed XML (line ${m[1]}, column ${m[2]}): ${m[3]}` : `The SVG is not well-formed XML: ${e.message}`);
  });
  parser.on('xmldecl', (decl) => {
    if (decl.encoding && !/^utf-?8$/i.test(decl.encoding)) fail(`The SVG declares the encoding ${decl.encoding}; only UTF-8 is accepted.`);
  });
  parser.on('doctype', () => fail('The SVG has a DOCTYPE; DTDs and entity declarations are not accepted.'));
  parser.on('processinginstruction', (pi) => fail(`The SVG has a processing instruction <?${pi.target}?> (${where()}); only the XML declaration is accepted.`));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const local = tag.local;
    const lower = local.toLowerCase();
    const parent = stack[stack.length - 1];
    if (++elements > SVG_LIMITS.elements) fail(`The SVG has more than ${SVG_LIMITS.elements} elements.`);
    if (stack.length >= SVG_LIMITS.depth) fail(`The SVG nests elements deeper than ${SVG_LIMITS.depth} levels.`);
    if (ACTIVE.has(lower)) fail(`The SVG contains active content: <${tag.name}> (${where()}).`);

    // Handlers and script URLs are refused wherever they are, even on elements that are dropped.
    for (const a of Object.values(tag.attributes)) {
      if (/^on/i.test(a.local)) fail(`The SVG contains an event handler: ${a.name} on <${tag.name}> (${where()}).`);
      const reason = /^(?:href|src|action|formaction|xlink:href)$/i.test(a.local) ? null : unsafeValue(a.value);
      if (reason && reason === 'a script URL') fail(`The SVG contains ${reason} in ${a.name} on <${tag.name}> (${where()}).`);
    }

    const svgNs = tag.uri === SVG_NS || (tag.uri === '' && !tag.prefix);
    if (!rootSeen) {
      rootSeen = true;
      if (!svgNs || local !== 'svg') fail(`The file's root element is <${tag.name}>, not <svg> in the SVG namespace.`);
    }
    const attr = (name: string) => Object.values(tag.attributes).find((a) => a.local === name && (a.uri === '' || a.uri === XLINK_NS))?.value;
    const href = attr('href');
    if (href !== undefined) {
      const h = href.trim();
      const embedded = local === 'image' && DATA_IMAGE.test(h);
      if (!LOCAL_REF.test(h) && !embedded) {
        fail(`The SVG refers outside the document: ${local === 'image' ? 'an image' : 'a link'} to "${h.slice(0, 60)}" on <${tag.name}> (${where()}).`);
      }
    }
    if (ANIMATIONS.has(lower)) {
      const target = (attr('attributeName') ?? '').trim().toLowerCase();
      if (/^(?:on|xlink:href$|href$|style$)/.test(target)) fail(`The SVG animates ${target} on <${tag.name}> (${where()}).`);
    }

    // Inside a dropped element everything is dropped (but was checked above).
    const keep = parent !== null && svgNs && (ELEMENTS.has(local) || local === 'a');
    if (!keep) {
      stack.push(null);
      return;
    }

    const node: Node = { name: local, attrs: [], children: [] };
    if (local === 'a') node.unwrap = true;
    if (local === 'use') {
      if (++uses > SVG_LIMITS.uses) fail(`The SVG has more than ${SVG_LIMITS.uses} <use> elements.`);
      if (href) useTargets.push(href.trim().slice(1));
    }
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.uri === XLINK_NS && a.local === 'href') {
        node.attrs.push(['xlink:href', a.value.trim()]);
        xlink = true;
        continue;
      }
      if (a.uri === '' && a.local === 'href') {
        node.attrs.push(['href', a.value.trim()]);
        continue;
      }
      if (a.uri === XML_NS && a.local === 'space') {
        node.attrs.push(['xml:space', a.value]);
        continue;
      }
      if (a.uri !== '' || !ATTRIBUTES.has(a.local)) continue;
      const reason = a.local === 'style' ? unsafeCss(a.value) : unsafeValue(a.value);
      if (reason) fail(`The SVG contains ${reason} in ${a.name} on <${tag.name}> (${where()}).`);
      node.attrs.push([a.local, a.value]);
    }
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', (tag) => {
    const node = stack.pop();
    if (node?.name === 'use') {
      // Mark every open ancestor with an id as holding a <use>.
      for (const open of stack) {
        const id = open?.attrs.find(([k]) => k === 'id')?.[1];
        if (id) idsHoldingUse.add(id);
      }
    }
    if (node?.name === 'style') {
      const css = node.children.filter((c): c is string => typeof c === 'string').join('');
      const reason = unsafeCss(css);
      if (reason) fail(`The SVG contains ${reason} in a <style> element (${where()}).`);
    }
    if (node === undefined) fail(`Unexpected </${tag.name}>.`);
  });
  const onText = (t: string) => {
    const node = stack[stack.length - 1];
    if (node) node.children.push(t);
    else if (stack.length === 0 && t.trim() !== '') fail('The SVG has text outside its root element.');
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof SvgRejected) throw e;
    throw new SvgRejected(`The SVG is not well-formed XML: ${error ?? (e as Error).message}`);
  }
  const doc = root as Node | null;
  if (!doc) fail('The file holds no <svg> element.');
  for (const target of useTargets) {
    if (idsHoldingUse.has(target)) fail(`The SVG's <use> refers to #${target}, which holds a <use> itself; chains of <use> are not accepted.`);
  }

  const rootAttr = (name: string) => doc!.attrs.find(([k]) => k === name)?.[1];
  const width = px(rootAttr('width'));
  const height = px(rootAttr('height'));
  if ((width ?? 0) > SVG_LIMITS.size || (height ?? 0) > SVG_LIMITS.size) {
    fail(`The SVG declares ${rootAttr('width')} × ${rootAttr('height')}; at most ${SVG_LIMITS.size} × ${SVG_LIMITS.size} px.`);
  }
  const box = (rootAttr('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  let aspect: number | null = null;
  if (box.length === 4 && box.every(Number.isFinite) && box[2]! > 0 && box[3]! > 0) aspect = box[2]! / box[3]!;
  else if (width && height) aspect = width / height;
  if (!aspect) fail('The SVG needs a viewBox, or a width and height in px, to be drawn at a known size.');
  // Without a viewBox a new width and height would crop instead of scaling: give it the one
  // its size implies.
  if (box.length !== 4 && width && height) doc!.attrs.push(['viewBox', `0 0 ${width} ${height}`]);
  if (aspect! > 100 || aspect! < 0.01) fail('The SVG is more than 100 times wider than high (or higher than wide).');

  const out: string[] = [];
  serialise(doc!, out, true, xlink);
  return { svg: out.join(''), aspect: aspect!, width, height };
}

/** The sanitised SVG with its root sized `width` × `height` px, for rendering at that size. */
export function sizedSvg(svg: string, width: number, height: number): string {
  // The root tag is ours (written by serialise): replace or add its width and height.
  const end = svg.indexOf('>');
  let head = svg.slice(0, end).replace(/ (?:width|height)="[^"]*"/g, '');
  const selfClosing = head.endsWith('/');
  if (selfClosing) head = head.slice(0, -1);
  return `${head} width="${width}" height="${height}"${selfClosing ? '/' : ''}${svg.slice(end)}`;
}
