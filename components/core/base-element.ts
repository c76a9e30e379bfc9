import { LitElement } from 'lit';
import { ensureContextRoot } from './context.js';
import type { CreatedOrg, Customer } from './api-types.js';
import type { MspErrorDetail } from './errors.js';

/**
 * Every Portico event and its `detail`. Adding an event means adding it here, so `emit()` and
 * host-page listeners stay typed.
 */
export interface MspEventMap {
  'msp-error': MspErrorDetail;
  'msp-session': { expiresAt: string };
  'msp-row-action': { action: string; customerId: string };
  'msp-selection-change': { selectedIds: string[] };
  'msp-sort-change': { sort: string; order: 'asc' | 'desc' };
  'msp-customer-tabs-change': { open: { id: string; name: string }[]; active: string | null };
  'msp-customer-created': Pick<CreatedOrg, 'id' | 'kind' | 'customer' | 'invite'>;
  'msp-tab-change': { customerId: string; tab: string };
  'msp-customer-changed': { customerId: string; action: string; customer: Customer };
  'msp-theme-change': { name: string; mode: string; logo: string | null };
  'msp-report-period-change': { customerId: string; from: string; to: string };
  'msp-report-email-sent': { customerId: string; id: string; emailId: string; recipients: string[]; period: { from: string; to: string } };
  'msp-usage-change': { type: 'mssp' | 'reseller'; period: string; seller: string };
}

type MspEvents = { [K in keyof MspEventMap]: CustomEvent<MspEventMap[K]> };

declare global {
  // Listeners on elements and on `document` get typed `detail`s (events bubble and are composed).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends MspEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends MspEvents {}
}

/** Registers a custom element; a tag that is already taken gets a warning instead of an exception. */
export function define(tag: string, ctor: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (existing) {
    if (existing !== ctor) console.warn(`<${tag}> is already defined by another class; keeping the first definition.`);
    return;
  }
  customElements.define(tag, ctor);
}

/** The nearest `lang`/`dir` up the tree, crossing shadow roots. */
function closestAttribute(el: Element, name: 'lang' | 'dir'): string | null {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.hasAttribute(name)) return node.getAttribute(name);
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return null;
}

const connected = new Set<MspElement>();
let documentObserver: MutationObserver | undefined;

/**
 * Base class of every Portico element: typed, bubbling, composed events and locale/direction
 * taken from the nearest `lang` / `dir` (re-rendering when `<html lang|dir>` changes).
 */
export class MspElement extends LitElement {
  /** Dispatches a bubbling, composed (crosses shadow roots), cancelable event. */
  emit<K extends keyof MspEventMap>(name: K, detail: MspEventMap[K]): CustomEvent<MspEventMap[K]> {
    const event = new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true });
    this.dispatchEvent(event);
    return event;
  }

  /** BCP 47 tag used for formatting: nearest `lang`, else `<html lang>`, else the browser's. */
  get locale(): string {
    return closestAttribute(this, 'lang') || document.documentElement.lang || navigator.language || 'en';
  }

  /** Text direction from the nearest `dir`, else `ltr`. */
  get direction(): 'ltr' | 'rtl' {
    return closestAttribute(this, 'dir') === 'rtl' ? 'rtl' : 'ltr';
  }

  override connectedCallback(): void {
    ensureContextRoot();
    super.connectedCallback();
    connected.add(this);
    documentObserver ??= new MutationObserver(() => connected.forEach((el) => el.requestUpdate()));
    if (connected.size === 1) documentObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang', 'dir'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connected.delete(this);
    if (connected.size === 0) documentObserver?.disconnect();
  }
}
