import { css } from 'lit';
import { controlBase, fieldLook, focusRing, hostBase, menu, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    position: relative;
  }
  /* Grid cells sit edge to edge: the focus ring goes inside them. */
  :focus-visible {
    outline-offset: -2px;
  }

  /* Portfolio totals */
  .totals {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(140px, 1fr));
    gap: calc(var(--msp-space) * 2);
    margin: 0 0 calc(var(--msp-space) * 3);
    padding: 0;
  }
  .total {
    background: var(--msp-color-surface);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    margin: 0;
  }
  .total dt {
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
  }
  .total dd {
    margin: 0;
    font-size: 1.35em;
    font-weight: 600;
  }

  /* Toolbar */
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: calc(var(--msp-space) * 2);
    margin-block-end: calc(var(--msp-space) * 3);
  }
  .toolbar label {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    font-size: 0.85em;
    color: var(--msp-color-text-muted);
  }
  .toolbar input,
  .toolbar select {
    ${fieldLook}
  }
  .search {
    flex: 1 1 12em;
  }
  .tool-button {
    color: var(--msp-color-text);
    background: var(--msp-color-surface);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: var(--msp-space) calc(var(--msp-space) * 3);
    min-block-size: 2.25em;
    cursor: pointer;
  }
  .tool-button:hover {
    border-color: var(--msp-color-primary);
  }
  .export {
    display: flex;
    gap: var(--msp-space);
  }
  .chooser {
    position: absolute;
    z-index: 3;
    inset-inline-end: 0;
    background: var(--msp-color-surface);
    color: var(--msp-color-text);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 3);
    margin: 0;
    display: grid;
    gap: var(--msp-space);
  }
  .chooser legend {
    font-weight: 600;
    float: left;
    margin-block-end: var(--msp-space);
  }
  .chooser label {
    flex-direction: row;
    align-items: center;
    color: var(--msp-color-text);
    font-size: 1em;
  }

  /* Grid */
  .grid {
    position: relative; /* keeps visually hidden text inside the scroll box */
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    overflow-x: auto;
    background: var(--msp-color-background);
  }
  .inner {
    min-inline-size: var(--_min-width);
  }
  .row {
    display: grid;
    grid-template-columns: var(--_columns);
    align-items: center;
    inline-size: 100%;
    border-block-end: 1px solid var(--msp-color-border);
  }
  .groups {
    font-weight: 600;
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    border-block-end: 0;
  }
  .band {
    padding: var(--msp-space) calc(var(--msp-space) * 2);
    border-block-start: 4px solid var(--msp-color-border);
    color: var(--msp-color-text);
  }
  .band-customer {
    background: var(--msp-color-band-customer);
    border-block-start-color: var(--msp-color-primary);
  }
  .band-commercial {
    background: var(--msp-color-band-commercial);
    border-block-start-color: var(--msp-color-accent);
  }
  .band-security {
    background: var(--msp-color-band-security);
    border-block-start-color: var(--msp-color-success);
  }
  .head .cols {
    background: var(--msp-color-surface);
    font-weight: 600;
  }
  [role='columnheader'],
  [role='gridcell'] {
    padding: calc(var(--msp-space) * 2);
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .sortable {
    cursor: pointer;
    user-select: none;
  }
  .sortable:hover {
    color: var(--msp-color-primary);
  }
  .sort-indicator {
    margin-inline-start: var(--msp-space);
  }
  .body {
    block-size: var(--msp-fleet-table-height, 28rem);
    overflow-y: auto;
    position: relative;
  }
  .body.fit {
    block-size: auto;
  }
  .body .row:hover {
    background: var(--msp-color-surface);
  }
  .body .row[aria-selected='true'] {
    background: var(--msp-color-band-customer);
  }
  .name {
    font-weight: 600;
  }
  .sub {
    display: block;
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
    font-weight: 400;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .status::before {
    content: '';
    display: inline-block;
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    margin-inline-end: calc(var(--msp-space) * 1.5);
    background: var(--msp-color-text-muted);
  }
  .status[data-status='active']::before {
    background: var(--msp-color-success);
  }
  .status[data-status='invited']::before {
    background: var(--msp-color-warning);
  }
  .status[data-status='locked']::before,
  .status[data-status='connection_lost']::before {
    background: var(--msp-color-danger);
  }
  .tag {
    display: inline-block;
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: 0 var(--msp-space);
    margin-inline-end: var(--msp-space);
    font-size: 0.85em;
  }
  .posture {
    display: flex;
    align-items: center;
    gap: calc(var(--msp-space) * 2);
  }
  .score {
    font-weight: 600;
    min-inline-size: 2ch;
  }
  .sparkline {
    color: var(--msp-color-primary);
    flex: none;
  }
  .trend-up {
    color: var(--msp-color-success);
  }
  .trend-down {
    color: var(--msp-color-danger);
  }
  .meter {
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .meter-track {
    block-size: 6px;
    border-radius: 3px;
    background: var(--msp-color-border);
    overflow: hidden;
  }
  .meter-fill {
    block-size: 100%;
    background: var(--msp-color-success);
  }
  .meter[data-level='warning'] .meter-fill {
    background: var(--msp-color-warning);
  }
  .meter[data-level='danger'] .meter-fill {
    background: var(--msp-color-danger);
  }
  .meter-text {
    font-size: 0.85em;
  }
  .findings[data-some] {
    color: var(--msp-color-danger);
    font-weight: 600;
  }
  .muted {
    color: var(--msp-color-text-muted);
  }
  [role='gridcell'].actions-cell {
    padding-inline: 0;
    text-align: center;
  }
  .actions-button {
    background: transparent;
    border: 1px solid transparent;
    border-radius: var(--msp-radius);
    padding: 0 calc(var(--msp-space) * 2);
    cursor: pointer;
    font-size: 1.2em;
    line-height: 1.4;
  }
  .actions-button:hover {
    border-color: var(--msp-color-border);
  }
  .menu {
    position: fixed;
    min-inline-size: 12em;
  }
  .full {
    grid-column: 1 / -1;
  }
  .footer {
    padding: calc(var(--msp-space) * 2);
    color: var(--msp-color-text-muted);
    font-size: 0.85em;
  }
  input[type='checkbox'] {
    accent-color: var(--msp-color-primary);
    inline-size: 1.1em;
    block-size: 1.1em;
    margin: 0;
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, menu, own];
