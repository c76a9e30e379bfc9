import { css } from 'lit';
import { buttons, compactTable, controlBase, fieldLook, focusRing, hostBase, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    min-inline-size: 0;
  }
  p,
  dl,
  dd {
    margin: 0;
  }
  .box {
    display: grid;
    gap: calc(var(--msp-space) * 4);
  }
  .muted {
    color: var(--msp-color-text-muted);
  }
  .counts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(6rem, 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
  }
  .field label,
  .figure .name {
    font-size: 0.85em;
    color: var(--msp-color-text-muted);
  }
  .figure .value {
    font-size: 1.25em;
    font-weight: 600;
  }
  input {
    ${fieldLook}
    inline-size: 100%;
  }
  input[aria-invalid='true'] {
    border-color: var(--msp-color-danger);
  }
  input:disabled {
    opacity: 0.6;
  }
  .error {
    color: var(--msp-color-danger);
    font-size: 0.85em;
  }

  /* The split slider: internal fills from the start, external is the rest of the track. */
  .split {
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .split-label {
    font-size: 0.85em;
    color: var(--msp-color-text-muted);
  }
  .legend {
    display: flex;
    justify-content: space-between;
    gap: calc(var(--msp-space) * 2);
    font-size: 0.9em;
  }
  .swatch {
    display: inline-block;
    inline-size: 0.75em;
    block-size: 0.75em;
    border-radius: 2px;
    margin-inline-end: var(--msp-space);
    vertical-align: -0.05em;
  }
  .swatch.internal,
  .fill {
    background: var(--msp-color-primary);
  }
  .swatch.external,
  .track {
    background: var(--msp-color-accent);
  }
  .rail {
    position: relative;
    padding-block: calc(var(--msp-space) * 3);
    /* Dragging with a finger moves the thumb instead of scrolling the page. */
    touch-action: none;
    cursor: pointer;
    user-select: none;
  }
  .track {
    position: relative;
    block-size: 0.75em;
    border-radius: 999px;
    overflow: hidden;
  }
  .fill {
    block-size: 100%;
  }
  .thumb {
    position: absolute;
    inset-block-start: 50%;
    inline-size: 1.5em;
    block-size: 1.5em;
    margin-inline-start: -0.75em;
    margin-block-start: -0.75em;
    border-radius: 50%;
    background: var(--msp-color-background);
    border: 2px solid var(--msp-color-text);
    box-shadow: 0 1px 3px rgb(0 0 0 / 0.3);
    touch-action: none;
  }
  .thumb:focus-visible {
    outline: 3px solid var(--msp-color-focus);
    outline-offset: 2px;
  }
  .rail[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .rail[data-dragging] .thumb {
    cursor: grabbing;
  }

  /* Price preview */
  .preview {
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    /* The page colour, so the preview stands out inside a host's surface-coloured card too. */
    background: var(--msp-color-background);
    padding: calc(var(--msp-space) * 3);
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .price {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
  }
  .price .amount {
    font-size: 1.5em;
    font-weight: 700;
  }
  .change[data-sign='up'] {
    color: var(--msp-color-warning);
  }
  .change[data-sign='down'] {
    color: var(--msp-color-success);
  }
  ${compactTable}
  td.num,
  th.num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  tfoot th,
  tfoot td {
    font-weight: 600;
    border-block-end: 0;
  }
  .table-scroll {
    overflow-x: auto;
  }

  /* Notes, pending change, conflict */
  .note {
    border-inline-start: 4px solid var(--msp-color-border);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    background: var(--msp-color-surface);
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .note[data-kind='pending'],
  .note[data-kind='decrease'] {
    border-inline-start-color: var(--msp-color-warning);
  }
  .note[data-kind='conflict'],
  .note[data-kind='error'] {
    border-inline-start-color: var(--msp-color-danger);
  }
  .note[data-kind='success'] {
    border-inline-start-color: var(--msp-color-success);
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
  }
  /* Page-coloured like the preview, not surface-coloured: it stands out inside a host's card. */
  .button.secondary {
    background: var(--msp-color-background);
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, buttons, own];
