import { css } from 'lit';
import { bigFigure, buttons, controlBase, dataTable, disclosure, documentFlow, fieldLook, focusRing, formField, hostBase, menu, modalDialog, severities, severityDots, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    position: relative;
    /* In a host's grid or flex layout, wide tabs or tables scroll inside instead of widening the page. */
    min-inline-size: 0;
  }
  ${documentFlow}
  h3 {
    font-size: 1em;
    margin-block-end: calc(var(--msp-space) * 2);
  }
  a {
    color: var(--msp-color-primary);
  }
  .muted {
    color: var(--msp-color-text-muted);
  }
  .sub {
    display: block;
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
    font-weight: 400;
  }

  /* Header */
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--msp-space) * 2);
    margin-block-end: calc(var(--msp-space) * 3);
  }
  .title {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--msp-space) * 2);
    min-inline-size: 0;
  }
  h2 {
    font-size: 1.5em;
    overflow-wrap: anywhere;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: var(--msp-space);
    border: 1px solid var(--msp-color-border);
    border-radius: 999px;
    padding: 0 calc(var(--msp-space) * 2.5);
    font-size: 0.85em;
    font-weight: 600;
    line-height: 1.8;
    background: var(--msp-color-surface);
  }
  .badge::before {
    content: '';
    inline-size: 0.55em;
    block-size: 0.55em;
    border-radius: 50%;
    background: var(--msp-color-text-muted);
  }
  .badge[data-status='active']::before {
    background: var(--msp-color-success);
  }
  .badge[data-status='invited']::before,
  .badge[data-status='trial']::before {
    background: var(--msp-color-warning);
  }
  .badge[data-status='locked']::before,
  .badge[data-status='deleting']::before,
  .badge[data-status='connection_lost']::before {
    background: var(--msp-color-danger);
  }
  .actions {
    position: relative;
    /* Stays at the end when the header wraps, so the end-aligned menu opens inside the element. */
    margin-inline-start: auto;
  }
  .menu {
    position: absolute;
    inset-inline-end: 0;
    inset-block-start: calc(100% + 2px);
    min-inline-size: 15em;
  }
  .menu .danger {
    color: var(--msp-color-danger);
    border-block-start: 1px solid var(--msp-color-border);
  }

  /* Buttons */
  .button.secondary[aria-pressed='true'] {
    border-color: var(--msp-color-primary);
    box-shadow: inset 0 0 0 1px var(--msp-color-primary);
    font-weight: 600;
  }
  .button.danger {
    color: var(--msp-color-on-primary);
    background: var(--msp-color-danger);
    border-color: var(--msp-color-danger);
  }

  /* Notices */
  .notices:empty {
    display: none;
  }
  .notice {
    border: 1px solid var(--msp-color-border);
    border-inline-start: 4px solid var(--msp-color-primary);
    border-radius: var(--msp-radius);
    background: var(--msp-color-surface);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    margin-block-end: calc(var(--msp-space) * 3);
  }
  .notice[data-kind='success'] {
    border-inline-start-color: var(--msp-color-success);
  }
  .notice[data-kind='error'],
  .notice[data-kind='deleting'],
  .notice[data-kind='revoked'] {
    border-inline-start-color: var(--msp-color-danger);
  }

  /* Tabs */
  .tablist {
    display: flex;
    gap: calc(var(--msp-space) * 1);
    border-block-end: 1px solid var(--msp-color-border);
    overflow-x: auto;
    scrollbar-width: thin;
  }
  [role='tab'] {
    flex: none;
    background: transparent;
    border: 0;
    border-block-end: 3px solid transparent;
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    cursor: pointer;
    color: var(--msp-color-text-muted);
    white-space: nowrap;
  }
  [role='tab']:hover {
    color: var(--msp-color-text);
  }
  [role='tab'][aria-selected='true'] {
    color: var(--msp-color-text);
    font-weight: 600;
    border-block-end-color: var(--msp-color-primary);
  }
  [role='tab']:focus-visible {
    outline-offset: -2px;
  }
  .panel {
    padding-block: calc(var(--msp-space) * 4);
    display: grid;
    gap: calc(var(--msp-space) * 4);
  }
  .panel:focus-visible {
    outline-offset: 0;
  }

  /* Overview */
  .fields {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr));
    gap: calc(var(--msp-space) * 3) calc(var(--msp-space) * 4);
    margin: 0;
  }
  .field dt {
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
  }
  .field dd {
    margin: 0;
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  /* Security and usage */
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  .card,
  .chart-card,
  .slot-box {
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-surface);
    padding: calc(var(--msp-space) * 3);
    min-inline-size: 0;
  }
  ${bigFigure}
  .big-text {
    font-size: 1.25em;
    font-weight: 600;
  }
  .trend-up {
    color: var(--msp-color-success);
  }
  .trend-down {
    color: var(--msp-color-danger);
  }
  ${severities}
  .severities .dot {
    display: inline-block;
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    margin-inline-end: var(--msp-space);
    background: var(--msp-color-text-muted);
  }
  ${severityDots}
  figcaption {
    font-weight: 600;
    margin-block-end: calc(var(--msp-space) * 2);
  }
  .chart-box {
    position: relative;
    block-size: 14rem;
  }
  .chart-box.small {
    block-size: 9rem;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  ${disclosure}
  .range {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: calc(var(--msp-space) * 2);
  }
  .range label {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    font-size: 0.85em;
    color: var(--msp-color-text-muted);
  }
  input:not([type='radio']),
  select {
    ${fieldLook}
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    border-color: var(--msp-color-danger);
  }

  /* Tables */
  ${dataTable}
  details .table-scroll {
    max-block-size: 20rem;
    overflow-y: auto;
  }
  tbody th {
    font-weight: 400;
  }
  .users .name {
    font-weight: 600;
  }
  .pill {
    display: inline-block;
    font-size: 0.75em;
    font-weight: 600;
    border: 1px solid var(--msp-color-primary);
    color: var(--msp-color-text);
    border-radius: 999px;
    padding: 0 var(--msp-space);
    margin-inline-start: var(--msp-space);
  }
  .outcome[data-ok='true'] {
    color: var(--msp-color-text);
  }
  .outcome[data-ok='false'] {
    color: var(--msp-color-danger);
  }

  /* Activity */
  .activity {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .activity li {
    display: grid;
    grid-template-columns: minmax(9rem, max-content) 1fr;
    gap: 0 calc(var(--msp-space) * 3);
    padding-block: calc(var(--msp-space) * 2);
    border-block-end: 1px solid var(--msp-color-border);
  }
  .activity time {
    color: var(--msp-color-text-muted);
    font-size: 0.9em;
  }
  .activity .sub {
    grid-column: 2;
    overflow-wrap: anywhere;
  }
  [data-more] {
    justify-self: start;
  }

  /* Dialogs */
  ${modalDialog('32rem')}
  dialog form {
    display: grid;
    gap: calc(var(--msp-space) * 3);
  }
  .form-grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  ${formField}
  .form-field label {
    font-size: 0.85em;
    color: var(--msp-color-text);
  }
  .field-error,
  .form-error {
    color: var(--msp-color-danger);
    font-size: 0.9em;
    font-weight: 600;
  }
  .choices {
    border: 0;
    padding: 0;
    margin: 0;
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .choices legend {
    margin-block-end: calc(var(--msp-space) * 2);
  }
  .choices input {
    accent-color: var(--msp-color-primary);
  }
  .dialog-buttons {
    display: flex;
    justify-content: flex-end;
    gap: calc(var(--msp-space) * 2);
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, menu, buttons, own];
