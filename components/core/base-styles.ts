import { css, unsafeCSS } from 'lit';

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

/*
 * The pieces below are interpolated into a widget's own `css` at the place the rules stood
 * (css`… ${dataTable} …`), so the cascade order inside the widget stays as it was. The first two
 * are declarations only: they go inside a rule of the widget's, never into `static styles`.
 */

/** The look of a text field or select (colours, border, padding, height); the selector is the widget's. */
export const fieldLook = css`
  color: var(--msp-color-text);
  background: var(--msp-color-background);
  border: 1px solid var(--msp-color-border);
  border-radius: var(--msp-radius);
  padding: var(--msp-space) calc(var(--msp-space) * 2);
  min-block-size: 2.25em;
`;

/** A button that looks like a link (underlined, in the primary colour); the selector is the widget's. */
export const linkButton = css`
  background: none;
  border: 0;
  padding: 0;
  color: var(--msp-color-primary);
  text-decoration: underline;
  cursor: pointer;
`;

/**
 * For widgets laid out as a document (the customer detail, the report): `hidden` wins over any
 * display the widget sets, and headings, paragraphs and figures lose their margins (spacing is
 * the layout's).
 */
export const documentFlow = css`
  [hidden] {
    display: none !important;
  }
  h2,
  h3,
  p,
  figure {
    margin: 0;
  }
`;

/** A full-width table in a smaller font. */
export const tableBase = css`
  table {
    border-collapse: collapse;
    inline-size: 100%;
    font-size: 0.9em;
  }
`;

/** A compact table with a caption above it (the theme editor's contrast table, the IP distribution's). */
export const compactTable = css`
  ${tableBase}
  caption {
    text-align: start;
    font-weight: 600;
    padding-block-end: var(--msp-space);
  }
  th,
  td {
    text-align: start;
    padding: var(--msp-space) calc(var(--msp-space) * 2);
    border-block-end: 1px solid var(--msp-color-border);
  }
`;

/** A data table in a `.table-scroll` box that scrolls sideways, with muted column headings. */
export const dataTable = css`
  .table-scroll {
    overflow-x: auto;
    max-inline-size: 100%;
  }
  ${tableBase}
  th,
  td {
    text-align: start;
    padding: calc(var(--msp-space) * 1.5) calc(var(--msp-space) * 2);
    border-block-end: 1px solid var(--msp-color-border);
    vertical-align: top;
  }
  thead th {
    color: var(--msp-color-text-muted);
    font-weight: 600;
  }
`;

/** A big figure (`.big`), its unit or note in `.muted` at normal weight. */
export const bigFigure = css`
  .big {
    font-size: 2em;
    font-weight: 700;
    line-height: 1.1;
  }
  .big .muted {
    font-size: 0.5em;
    font-weight: 400;
  }
`;

/** `<details>` under the content they open, their summary in the primary colour. */
export const disclosure = css`
  details {
    margin-block-start: calc(var(--msp-space) * 2);
  }
  summary {
    cursor: pointer;
    color: var(--msp-color-primary);
  }
`;

/** The findings by severity in a `.severities` row, each after a `.dot` in its severity's colour. */
export const severities = css`
  .severities {
    list-style: none;
    padding: 0;
    margin: calc(var(--msp-space) * 2) 0 0;
    display: flex;
    flex-wrap: wrap;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
    font-size: 0.9em;
  }
`;

/** The colour of a `.dot` inside an element with `data-severity`; the dot's shape is the widget's. */
export const severityDots = css`
  [data-severity='critical'] .dot,
  [data-severity='high'] .dot {
    background: var(--msp-color-danger);
  }
  [data-severity='medium'] .dot {
    background: var(--msp-color-warning);
  }
  [data-severity='low'] .dot {
    background: var(--msp-color-accent);
  }
`;

/** A `.form-field` column (label, control, message) and a muted `.hint` beside a field. */
export const formField = css`
  .form-field {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
  }
  .hint {
    font-size: 0.85em;
    color: var(--msp-color-text-muted);
  }
`;

/** A report's title: a small upper-case `.eyebrow` line above its `h2` (the report viewer, the usage report). */
export const reportTitle = css`
  .eyebrow {
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
    text-transform: uppercase;
    letter-spacing: 0.06em;
  }
  h2 {
    font-size: 1.5em;
    overflow-wrap: anywhere;
  }
`;

/** A modal `<dialog>` in the widget's colours over a dimmed page, at most `width` wide (a CSS length). */
export const modalDialog = (width: string) => css`
  dialog {
    color: var(--msp-color-text);
    background: var(--msp-color-background);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 4);
    inline-size: min(${unsafeCSS(width)}, calc(100vw - 2rem));
    max-block-size: calc(100vh - 2rem);
  }
  dialog::backdrop {
    background: color-mix(in srgb, var(--msp-color-text) 45%, transparent);
  }
`;

/**
 * A list of schedules (`.schedule-list` of `.schedule` cards with `.row-actions`), and the
 * schedule dialog's `.choices` (radios, checkboxes in `.check` labels) in borderless fieldsets.
 */
export const scheduleList = css`
  .schedule-list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .schedule {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: calc(var(--msp-space) * 2);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
  }
  .schedule p {
    margin: 0;
  }
  .row-actions,
  .choices {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
    align-items: center;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-block-end: var(--msp-space);
  }
  .check {
    display: flex;
    gap: var(--msp-space);
    align-items: center;
  }
`;
