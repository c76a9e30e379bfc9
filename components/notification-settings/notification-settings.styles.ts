import { css } from 'lit';
import { buttons, controlBase, fieldLook, focusRing, formField, hostBase } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  p {
    margin: 0;
  }
  form {
    display: grid;
    gap: calc(var(--msp-space) * 4);
    max-inline-size: 44rem;
  }
  .picker {
    max-inline-size: 44rem;
    margin-block-end: calc(var(--msp-space) * 4);
  }
  .picker label {
    font-weight: 600;
  }
  select {
    ${fieldLook}
  }
  fieldset {
    margin: 0;
    padding: calc(var(--msp-space) * 3) calc(var(--msp-space) * 4) calc(var(--msp-space) * 4);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-surface);
    display: grid;
    gap: calc(var(--msp-space) * 2.5);
  }
  legend {
    padding-inline: var(--msp-space);
    font-weight: 600;
  }
  /* The control beside its label, the description under the label. */
  .choice {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: calc(var(--msp-space) * 2);
    row-gap: 2px;
    align-items: baseline;
  }
  .choice input {
    margin: 0;
    inline-size: 1.1em;
    block-size: 1.1em;
    accent-color: var(--msp-color-primary);
  }
  .choice label {
    font-weight: 500;
    cursor: pointer;
  }
  .choice .hint,
  .choice .field-error {
    grid-column: 2;
  }
  .next,
  .notice {
    font-size: 0.9em;
    color: var(--msp-color-text-muted);
  }
  .notice {
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    border-inline-start: 3px solid var(--msp-color-warning);
    background: var(--msp-color-surface);
  }
  .field-error {
    font-size: 0.85em;
    color: var(--msp-color-danger);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
  }
  .message:empty {
    display: none;
  }
  .message[data-kind='saved'] {
    color: var(--msp-color-success);
  }
  .message[data-kind='conflict'],
  .message[data-kind='error'] {
    color: var(--msp-color-danger);
  }
`;

export default [hostBase, controlBase, focusRing, buttons, formField, stateStyles, own];
