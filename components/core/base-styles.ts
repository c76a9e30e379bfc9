import { css } from 'lit';

/*
 * Style pieces every Portico widget composes in its `static styles = [...]`, before its own
 * module, so a rule the widget repeats later (same selector) wins: e.g. the fleet table's and the
 * customer tabs' `:focus-visible { outline-offset: -2px }`, or `position` / `min-inline-size` on
 * the customer detail's `:host`. Only what the widgets really share lives here; each piece is its
 * own `CSSResult`, so a browser builds its stylesheet once for all widgets on the page.
 */

/**
 * The host box: a block in the theme's text colour and font (`--msp-*` tokens), hidden by the
 * `hidden` attribute, and border-box sizing for everything in the shadow tree.
 */
export const hostBase = css`
  :host {
    display: block;
    color: var(--msp-color-text);
    font-family: var(--msp-font-family);
    font-size: var(--msp-font-size);
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
`;

/** Form controls take the widget's font and colour instead of the browser's defaults. */
export const controlBase = css`
  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }
`;

/**
 * The keyboard focus ring, in the theme's focus colour, 2px outside the element. Widgets whose
 * focusable parts sit edge to edge (grid cells, tabs) move it inside with `outline-offset: -2px`
 * in their own module.
 */
export const focusRing = css`
  :focus-visible {
    outline: 2px solid var(--msp-color-focus);
    outline-offset: 2px;
  }
`;

/** `.visually-hidden`: text for screen readers only (labels, captions, live announcements). */
export const visuallyHidden = css`
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/**
 * `.button` (primary colours), `.button.secondary` (surface colours) and a disabled `.button`.
 * Variants (`danger`, `aria-pressed`) and another background stay in the widget's module.
 */
export const buttons = css`
  .button {
    color: var(--msp-color-on-primary);
    background: var(--msp-color-primary);
    border: 1px solid var(--msp-color-primary);
    border-radius: var(--msp-radius);
    padding: var(--msp-space) calc(var(--msp-space) * 3);
    min-block-size: 2.25em;
    cursor: pointer;
  }
  .button.secondary {
    color: var(--msp-color-text);
    background: var(--msp-color-surface);
    border-color: var(--msp-color-border);
  }
  .button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
`;

/**
 * The look of an actions menu (`.menu` holding `role="menuitem"` buttons): a surface-coloured
 * column above the content. Where it opens (`position`, insets) and its width are the widget's.
 */
export const menu = css`
  .menu {
    z-index: 4;
    background: var(--msp-color-surface);
    color: var(--msp-color-text);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: var(--msp-space) 0;
    display: flex;
    flex-direction: column;
  }
  .menu [role='menuitem'] {
    text-align: start;
    background: transparent;
    border: 0;
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    cursor: pointer;
  }
  .menu [role='menuitem']:hover,
  .menu [role='menuitem']:focus {
    background: var(--msp-color-background);
  }
`;
