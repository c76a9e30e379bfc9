import { css } from 'lit';
import { buttons, controlBase, dataTable, fieldLook, focusRing, hostBase, severityDots, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  form {
    display: grid;
    gap: calc(var(--msp-space) * 3);
    margin-block-end: calc(var(--msp-space) * 3);
  }
  .query {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--msp-space) calc(var(--msp-space) * 2);
  }
  .query label {
    font-weight: 600;
    inline-size: 100%;
  }
  .query input {
    ${fieldLook}
    flex: 1 1 20em;
    min-inline-size: 0;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: calc(var(--msp-space) * 2) calc(var(--msp-space) * 4);
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
    align-items: center;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-block-end: var(--msp-space);
    float: inline-start;
    inline-size: 100%;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: var(--msp-space);
    cursor: pointer;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--msp-space);
    font-weight: 600;
  }
  .field select {
    ${fieldLook}
    font-weight: 400;
    min-inline-size: 10em;
  }
  .dot {
    display: inline-block;
    inline-size: 0.7em;
    block-size: 0.7em;
    border-radius: 50%;
    background: var(--msp-color-text-muted);
    margin-inline-end: var(--msp-space);
    flex: none;
  }
  ${severityDots}
  .summary {
    margin: 0 0 calc(var(--msp-space) * 2);
    color: var(--msp-color-text-muted);
    min-block-size: 1.4em;
  }
  .groups {
    list-style: none;
    margin: 0;
    padding: 0;
    border-block-start: 1px solid var(--msp-color-border);
  }
  .group {
    border-block-end: 1px solid var(--msp-color-border);
    padding-block: calc(var(--msp-space) * 2);
  }
  .group-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
  }
  .toggle {
    display: inline-flex;
    align-items: baseline;
    gap: calc(var(--msp-space) * 2);
    background: none;
    border: 0;
    padding: var(--msp-space);
    cursor: pointer;
    text-align: start;
    flex: 1 1 16em;
  }
  .chevron {
    inline-size: 1em;
    color: var(--msp-color-text-muted);
  }
  .name {
    font-weight: 600;
  }
  .count {
    color: var(--msp-color-text-muted);
    white-space: nowrap;
  }
  .severities {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
    font-size: 0.9em;
  }
  .severities li {
    display: inline-flex;
    align-items: center;
    white-space: nowrap;
  }
  .open {
    margin-inline-start: auto;
  }
  ${dataTable}
  .table-scroll {
    margin-block-start: calc(var(--msp-space) * 2);
    padding-inline-start: calc(var(--msp-space) * 6);
  }
  td[data-severity] {
    white-space: nowrap;
  }
  .title {
    display: block;
  }
  .type,
  .note {
    font-size: 0.85em;
    color: var(--msp-color-text-muted);
  }
  .asset {
    overflow-wrap: anywhere;
  }
  .note {
    margin: var(--msp-space) 0 0;
  }
  .more {
    margin-block-start: calc(var(--msp-space) * 3);
  }
`;

export default [hostBase, controlBase, focusRing, visuallyHidden, buttons, stateStyles, own];
