import { css } from 'lit';
import { bigFigure, buttons, controlBase, dataTable, disclosure, documentFlow, fieldLook, focusRing, hostBase, linkButton, reportTitle, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    min-inline-size: 0;
    background: var(--msp-color-background);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 4);
  }
  ${documentFlow}
  h3 {
    font-size: 1.05em;
  }
  .muted,
  .sub {
    color: var(--msp-color-text-muted);
  }
  .sub {
    font-size: 0.9em;
  }

  /* Header and toolbar */
  .header {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    padding-block-end: calc(var(--msp-space) * 3);
    border-block-end: 3px solid var(--msp-color-primary);
  }
  ${reportTitle}
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: calc(var(--msp-space) * 3);
    margin-block: calc(var(--msp-space) * 3);
  }
  .switch {
    border: 0;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
  }
  .switch legend {
    font-size: 0.85em;
    padding: 0;
    margin-block-end: var(--msp-space);
  }
  .segments {
    display: inline-flex;
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    overflow: hidden;
  }
  .segments label {
    position: relative;
    padding: var(--msp-space) calc(var(--msp-space) * 3);
    cursor: pointer;
    min-block-size: 2.25em;
    display: inline-flex;
    align-items: center;
  }
  .segments input {
    position: absolute;
    opacity: 0;
    inset: 0;
    margin: 0;
    cursor: pointer;
  }
  .segments label:has(input:checked) {
    color: var(--msp-color-on-primary);
    background: var(--msp-color-primary);
  }
  .segments label:has(input:focus-visible) {
    outline: 2px solid var(--msp-color-focus);
    outline-offset: -2px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    font-size: 0.85em;
  }
  select {
    ${fieldLook}
    font-size: 1.15em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
    margin-inline-start: auto;
  }
  .status {
    flex-basis: 100%;
    margin-block-start: calc(var(--msp-space) * -2);
    font-size: 0.9em;
  }
  .status[data-kind='error'] {
    color: var(--msp-color-danger);
    font-weight: 600;
  }

  /* Cards and sections */
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 11rem), 1fr));
    gap: calc(var(--msp-space) * 3);
    margin-block-end: calc(var(--msp-space) * 3);
  }
  .card {
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-surface);
    padding: calc(var(--msp-space) * 3);
    min-inline-size: 0;
  }
  .figure {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
  }
  .figure .label {
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
  }
  ${bigFigure}
  .big {
    font-size: 1.6em;
    overflow-wrap: anywhere;
  }
  section.card + section.card,
  section.card + .grid,
  .grid + section.card {
    margin-block-start: calc(var(--msp-space) * 3);
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  section.card > h3 + .sub {
    margin-block: var(--msp-space) calc(var(--msp-space) * 2);
  }
  .chart-box {
    position: relative;
    block-size: 16rem;
    margin-block-start: calc(var(--msp-space) * 2);
  }
  .summary,
  .empty {
    margin-block-start: calc(var(--msp-space) * 2);
    font-size: 0.9em;
  }
  ${disclosure}
  ${dataTable}
  details .table-scroll,
  .drill .table-scroll,
  .lines .table-scroll {
    max-block-size: 24rem;
    overflow-y: auto;
  }
  td.number,
  th.number {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  tbody th {
    font-weight: 400;
  }
  tfoot th,
  tfoot td {
    font-weight: 700;
    border-block-end: 0;
  }
  .cell-button {
    ${linkButton}
    font: inherit;
  }
  .drill {
    border-color: var(--msp-color-primary);
  }
  .drill-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: calc(var(--msp-space) * 2);
  }

  @media print {
    :host {
      border: 0;
      padding: 0;
    }
    .toolbar,
    details {
      display: none !important;
    }
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, buttons, own];
