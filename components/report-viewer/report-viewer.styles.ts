import { css } from 'lit';
import { bigFigure, reportTitle, buttons, controlBase, dataTable, disclosure, documentFlow, fieldLook, focusRing, formField, hostBase, modalDialog, severities, severityDots, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    min-inline-size: 0;
    /* The report is a light sheet in the customer's brand, whatever the page's theme. */
    background: var(--msp-color-background);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 4);
  }
  ${documentFlow}
  h3 {
    font-size: 1.05em;
    margin-block-end: calc(var(--msp-space) * 2);
  }
  .muted,
  .sub {
    color: var(--msp-color-text-muted);
  }
  .sub {
    display: block;
    font-size: 0.85em;
    font-weight: 400;
  }

  /* Header */
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--msp-space) * 3);
    padding-block-end: calc(var(--msp-space) * 3);
    border-block-end: 3px solid var(--msp-color-primary);
  }
  .logo {
    display: block;
    max-block-size: 3.5rem;
    max-inline-size: 12rem;
    object-fit: contain;
  }
  .heading {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    min-inline-size: 0;
  }
  ${reportTitle}

  /* Period and actions */
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    justify-content: space-between;
    gap: calc(var(--msp-space) * 3);
    margin-block: calc(var(--msp-space) * 3);
  }
  .period {
    border: 0;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    align-items: start;
    gap: calc(var(--msp-space) * 2);
  }
  .period legend {
    font-weight: 600;
    margin-block-end: var(--msp-space);
    padding: 0;
  }
  .presets {
    display: flex;
    flex-wrap: wrap;
    gap: var(--msp-space);
    align-self: end;
  }
  .button[aria-pressed='true'] {
    color: var(--msp-color-on-primary);
    background: var(--msp-color-primary);
    border-color: var(--msp-color-primary);
  }
  [data-apply-period] {
    align-self: end;
  }
  .date-field {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    font-size: 0.85em;
    max-inline-size: 14rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
  }
  input,
  textarea {
    font: inherit;
    ${fieldLook}
  }
  [aria-invalid='true'] {
    border-color: var(--msp-color-danger);
  }
  .field-error,
  .form-error {
    color: var(--msp-color-danger);
    font-weight: 600;
    font-size: 0.9em;
  }
  .status {
    min-block-size: 1.4em;
    font-size: 0.9em;
  }
  .status[data-kind='error'] {
    color: var(--msp-color-danger);
    font-weight: 600;
  }

  /* Sections */
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  .card {
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-surface);
    padding: calc(var(--msp-space) * 3);
    min-inline-size: 0;
    break-inside: avoid;
  }
  .wide {
    grid-column: 1 / -1;
  }
  .score-line {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: calc(var(--msp-space) * 3);
  }
  ${bigFigure}
  .trend-up {
    color: var(--msp-color-success);
    font-weight: 600;
  }
  .trend-down {
    color: var(--msp-color-danger);
    font-weight: 600;
  }
  .summary,
  .empty {
    margin-block-start: calc(var(--msp-space) * 2);
    font-size: 0.9em;
  }
  .empty {
    color: var(--msp-color-text-muted);
  }
  .chart-box {
    position: relative;
    block-size: 12rem;
    margin-block-start: calc(var(--msp-space) * 2);
  }
  .chart-box.small {
    block-size: 9rem;
  }
  ${disclosure}
  ${severities}
  .dot {
    display: inline-block;
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    margin-inline-end: var(--msp-space);
    background: var(--msp-color-text-muted);
  }
  ${severityDots}
  [data-severity='critical'] .dot {
    box-shadow: 0 0 0 2px var(--msp-color-surface), 0 0 0 3px var(--msp-color-danger);
  }
  .severity {
    white-space: nowrap;
    font-weight: 600;
  }
  ${dataTable}
  details .table-scroll {
    max-block-size: 18rem;
    overflow-y: auto;
  }
  tbody th {
    font-weight: 600;
  }
  tfoot th,
  tfoot td {
    font-weight: 600;
    border-block-end: 0;
  }
  .asset {
    overflow-wrap: anywhere;
  }

  .footer {
    margin-block-start: calc(var(--msp-space) * 4);
    padding-block-start: calc(var(--msp-space) * 2);
    border-block-start: 1px solid var(--msp-color-border);
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: calc(var(--msp-space) * 2);
  }

  /* Dialogs */
  ${modalDialog('44rem')}
  .dialog-body {
    display: grid;
    gap: calc(var(--msp-space) * 3);
  }
  .dialog-head {
    display: flex;
    justify-content: space-between;
    align-items: start;
    gap: calc(var(--msp-space) * 2);
  }
  .subject {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .tablist {
    display: flex;
    gap: var(--msp-space);
    border-block-end: 1px solid var(--msp-color-border);
  }
  [role='tab'] {
    font: inherit;
    color: var(--msp-color-text);
    background: transparent;
    border: 0;
    border-block-end: 3px solid transparent;
    padding: var(--msp-space) calc(var(--msp-space) * 3);
    cursor: pointer;
  }
  [role='tab'][aria-selected='true'] {
    border-block-end-color: var(--msp-color-primary);
    font-weight: 600;
  }
  iframe {
    inline-size: 100%;
    block-size: min(60vh, 32rem);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-background);
  }
  pre {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-block-size: min(60vh, 32rem);
    overflow: auto;
    padding: calc(var(--msp-space) * 3);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-surface);
    font-size: 0.9em;
  }
  form {
    display: grid;
    gap: calc(var(--msp-space) * 3);
  }
  ${formField}
  .success {
    border-inline-start: 4px solid var(--msp-color-success);
    padding-inline-start: calc(var(--msp-space) * 2);
  }
  .dialog-buttons {
    display: flex;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
  }

  @media print {
    :host {
      border: 0;
      padding: 0;
    }
    .toolbar,
    .status,
    dialog,
    details {
      display: none !important;
    }
    .card {
      background: none;
    }
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, buttons, own];
