import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

type StyleProps = Record<string, string | undefined | null>;

const kebab = (name: string) => (name.startsWith('--') ? name : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));

/**
 * Sets inline style properties through the CSSOM (`element.style.setProperty`), never through
 * a `style` attribute. Lit's styleMap writes an attribute on first render, which a host page's
 * strict Content-Security-Policy (`style-src` without 'unsafe-inline') blocks; CSSOM writes are
 * allowed. Use it in element position: `<div ${styleProps({ left: '4px' })}>`.
 */
class StylePropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('styleProps() goes on an element: <div ${styleProps({...})}>');
  }

  render(_props: StyleProps) {
    return noChange;
  }

  override update(part: ElementPart, [props]: [StyleProps]) {
    const style = (part.element as HTMLElement).style;
    for (const name of this.previous) if (!(name in props)) style.removeProperty(kebab(name));
    for (const [name, value] of Object.entries(props)) {
      if (value == null) style.removeProperty(kebab(name));
      else style.setProperty(kebab(name), value);
    }
    this.previous = new Set(Object.keys(props));
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
