import { css } from 'lit';
import { buttons, controlBase, dataTable, documentFlow, fieldLook, focusRing, formField, hostBase, modalDialog, scheduleList, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    min-inline-size: 0;
  }
  ${documentFlow}
  .sections {
    display: grid;
    gap: calc(var(--msp-space) * 4);
  }
  section {
    display: grid;
    gap: calc(var(--msp-space) * 2);
    padding: calc(var(--msp-space) * 3);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-background);
    min-inline-size: 0;
  }
  h3 {
    font-size: 1.05em;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: center;
    gap: calc(var(--msp-space) * 2);
  }
  .muted {
    color: var(--msp-color-text-muted);
  }
  ${scheduleList}
  ${dataTable}
  td[data-status='failed'] {
    color: var(--msp-color-danger);
  }
  td[data-status='completed'] {
    color: var(--msp-color-success);
  }
  .status:empty {
    display: none;
  }
  .form-error,
  .field-error {
    color: var(--msp-color-danger);
    margin: 0;
  }
  .field-error {
    font-size: 0.85em;
  }
  ${modalDialog('40rem')}
  form,
  .dialog-body {
    display: grid;
    gap: calc(var(--msp-space) * 3);
  }
  ${formField}
  input:not([type='checkbox']):not([type='radio']),
  select,
  textarea {
    ${fieldLook}
  }
  .pair {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: calc(var(--msp-space) * 3);
  }
  .dialog-buttons {
    display: flex;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, buttons, own];
