/**
 * Small DOM and money helpers shared by the portal's own pages (demo/main.ts, the Settings and
 * Reports pages). Plain DOM: an MSP's portal needs no framework to call the BFF.
 */

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { class?: string } = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { class: className, ...rest } = props;
  Object.assign(node, rest);
  if (className) node.className = className;
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

export const lang = () => document.documentElement.lang || undefined;

/** RFC 9457 problem details as the BFF sends them, with a JSON pointer per field at fault. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

/** What a page module gets from the portal: requests with the persona's session, and who it is. */
export interface PageContext {
  /** A BFF request with the signed-in persona's session (retried once with a new one after a 401). */
  api: (path: string, init?: RequestInit) => Promise<Response>;
  permissions: readonly string[];
  /** False once the user went elsewhere, so a late answer does not repaint another page. */
  current: () => boolean;
}

/** The body of an error response, as far as it is a problem. */
export async function problemOf(res: Response): Promise<Problem> {
  try {
    return (await res.json()) as Problem;
  } catch {
    return { status: res.status, detail: `The server answered ${res.status}.` };
  }
}

/** A page section telling a role without the permission why the page is empty. */
export function onlyAdmins(what: string) {
  return h(
    'div',
    { class: 'panel empty', role: 'status', id: 'only-admins' },
    h('h2', { textContent: 'Only MSP admins' }),
    h('p', { textContent: `${what} is available to MSP admins only. Ask an admin of your organisation if you need it.` }),
  );
}

/** One term of a facts list (`<dl>` groups each term in a div, so the grid keeps pairs together). */
export function fact(label: string, value: string, id?: string) {
  return h('div', {}, h('dt', { textContent: label }), h('dd', { textContent: value, ...(id ? { id } : {}) }));
}

// --- Money: integer minor units + ISO 4217 currency ------------------------------------------

/** The currency's minor-unit exponent (EUR 2, JPY 0, BHD 3), as Intl knows it. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units as an exact decimal string ("-12.05"): no float ever touches the amount. */
export function minorToDecimal(minor: number, digits: number): string {
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${whole}` : whole;
}

/** Formats minor units in the currency; Intl takes the decimal string exactly. */
export function formatMoney(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  const decimal = minorToDecimal(minor, minorDigits(currency));
  // A decimal string is a valid argument of format() (Intl.NumberFormat v3); the typings lag behind.
  return new Intl.NumberFormat(lang(), { style: 'currency', currency }).format(decimal as unknown as number);
}

/**
 * "12.5" or "12,50" in major units → integer minor units; null when it is not an amount with at
 * most the currency's decimals. Parsed as text, so 0.1 + 0.2 never happens.
 */
export function parseMajor(text: string, digits: number): number | null {
  const match = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

export const formatInt = (n: number | null | undefined) => (n === null || n === undefined ? '—' : new Intl.NumberFormat(lang()).format(n));

/** Basis points as a percentage ("12.5 %"). */
export const formatBps = (bps: number | null | undefined) =>
  bps === null || bps === undefined ? '—' : new Intl.NumberFormat(lang(), { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);

// --- Form fields with their errors -------------------------------------------------------------

let fieldCounter = 0;

/**
 * A labelled input with a slot for its error message. `pointer` is the JSON pointer the BFF uses
 * for this field (`#/body/sell/tiers/2/upTo`), so a 400 lands next to the right input.
 */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement, opts: { pointer?: string; hint?: string; hideLabel?: boolean } = {}) {
  const id = input.id || `f${++fieldCounter}`;
  input.id = id;
  if (opts.pointer) input.dataset.pointer = opts.pointer;
  const error = h('span', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hint = opts.hint ? h('span', { class: 'field-hint', id: `${id}-hint`, textContent: opts.hint }) : null;
  if (hint) input.setAttribute('aria-describedby', hint.id);
  return h('div', { class: 'field' }, h('label', { htmlFor: id, textContent: label, class: opts.hideLabel ? 'visually-hidden' : '' }), input, hint, error);
}

/** Shows `message` next to the input (or clears it with null). */
export function setFieldError(input: HTMLInputElement | HTMLSelectElement, message: string | null) {
  const error = document.getElementById(`${input.id}-error`);
  const hint = document.getElementById(`${input.id}-hint`);
  const described = [hint?.id, message ? error?.id : undefined].filter(Boolean).join(' ');
  if (described) input.setAttribute('aria-describedby', described);
  else input.removeAttribute('aria-describedby');
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (error) {
    error.textContent = message ?? '';
    error.hidden = !message;
  }
}

/**
 * Puts each of a problem's field errors next to the input with that pointer; returns the messages
 * no input on `root` claims (shown in the form's summary instead).
 */
export function showFieldErrors(root: HTMLElement, problem: Problem): string[] {
  const unclaimed: string[] = [];
  let first: HTMLElement | null = null;
  for (const e of problem.errors ?? []) {
    const input = root.querySelector<HTMLInputElement>(`[data-pointer="${CSS.escape(e.pointer)}"]`);
    if (input) {
      setFieldError(input, e.detail);
      first ??= input;
    } else unclaimed.push(`${e.pointer.replace(/^#\/body\//, '')}: ${e.detail}`);
  }
  first?.focus();
  return unclaimed;
}

export function clearFieldErrors(root: HTMLElement) {
  for (const input of Array.from(root.querySelectorAll<HTMLInputElement>('[aria-invalid="true"]'))) setFieldError(input, null);
}

/** What a page reuses from the portal's `<msp-provider>` (its full API is in components/README.md). */
interface PortalProvider extends HTMLElement {
  apiBase: string;
  theme: unknown;
  fetchSession: () => Promise<{ token: string; expiresAt: string }>;
}

/**
 * An `<msp-provider>` for a page's widgets, on the portal's session and theme (marked
 * `data-page-provider`: the theme menu changes it with the portal's). The widgets read their API
 * client from the nearest provider, and a page lives outside the portal's own.
 */
export function pageProvider(id: string, ...widgets: HTMLElement[]): HTMLElement {
  const portal = document.getElementById('provider') as PortalProvider | null;
  const provider = document.createElement('msp-provider') as PortalProvider;
  provider.id = id;
  provider.dataset.pageProvider = '';
  if (portal) {
    provider.apiBase = portal.apiBase;
    provider.theme = portal.theme;
    provider.fetchSession = portal.fetchSession;
  }
  provider.append(...widgets);
  return provider;
}
