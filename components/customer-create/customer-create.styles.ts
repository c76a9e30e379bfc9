import { css } from 'lit';
import { controlBase, focusRing, hostBase, linkButton, visuallyHidden } from '../core/base-styles.js';

const own = css`
  h2 {
    margin: 0 0 calc(var(--msp-space) * 3);
    font-size: 1.35em;
  }
  h3 {
    margin: 0 0 calc(var(--msp-space) * 3);
    font-size: 1.15em;
  }
  h3:focus {
    outline: none;
  }
  h3:focus-visible {
    outline: 2px solid var(--msp-color-focus);
  }
  .step-count {
    display: block;
    font-size: 0.8em;
    font-weight: 400;
    color: var(--msp-color-text-muted);
  }

  /* Step list */
  .steps {
    display: flex;
    flex-wrap: wrap;
    gap: var(--msp-space) calc(var(--msp-space) * 2);
    list-style: none;
    margin: 0 0 calc(var(--msp-space) * 4);
    padding: 0 0 calc(var(--msp-space) * 3);
    border-block-end: 1px solid var(--msp-color-border);
  }
  .step-button {
    display: inline-flex;
    align-items: center;
    gap: var(--msp-space);
    padding: var(--msp-space) calc(var(--msp-space) * 1.5);
    border: 0;
    border-radius: var(--msp-radius);
    background: transparent;
    color: var(--msp-color-text-muted);
    font-size: 0.9em;
  }
  button.step-button {
    cursor: pointer;
    color: var(--msp-color-text);
    text-decoration: underline;
    text-underline-offset: 0.2em;
  }
  .step-number {
    display: inline-grid;
    place-items: center;
    inline-size: 1.6em;
    block-size: 1.6em;
    border-radius: 50%;
    border: 1px solid var(--msp-color-border);
    font-size: 0.85em;
    text-decoration: none;
  }
  .step[data-state='done'] .step-number {
    border-color: var(--msp-color-success);
    color: var(--msp-color-text);
  }
  .step[data-state='current'] .step-button {
    color: var(--msp-color-text);
    font-weight: 600;
  }
  .step[data-state='current'] .step-number {
    background: var(--msp-color-primary);
    border-color: var(--msp-color-primary);
    color: var(--msp-color-on-primary);
  }

  /* Fields */
  form {
    display: grid;
    gap: calc(var(--msp-space) * 3);
  }
  .field {
    display: grid;
    align-content: start;
    gap: var(--msp-space);
    margin: 0;
    min-inline-size: 0;
  }
  fieldset {
    border: 0;
    padding: 0;
  }
  fieldset.group {
    gap: calc(var(--msp-space) * 2);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3) calc(var(--msp-space) * 3);
  }
  legend,
  label {
    font-weight: 600;
  }
  fieldset.group > legend {
    padding: 0 var(--msp-space);
  }
  .choices legend {
    margin-block-end: var(--msp-space);
  }
  .required,
  .optional {
    font-weight: 400;
    color: var(--msp-color-text-muted);
    font-size: 0.9em;
  }
  input[type='text'],
  input[type='email'],
  input[type='number'],
  select {
    inline-size: 100%;
    max-inline-size: 32em;
    min-block-size: 2.5em;
    padding: var(--msp-space) calc(var(--msp-space) * 2);
    color: var(--msp-color-text);
    background: var(--msp-color-background);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
  }
  input[type='number'] {
    max-inline-size: 10em;
  }
  [aria-invalid='true'] {
    border-color: var(--msp-color-danger);
    box-shadow: 0 0 0 1px var(--msp-color-danger);
  }
  .row {
    display: grid;
    grid-template-columns: minmax(6em, 10em) minmax(0, 1fr);
    gap: calc(var(--msp-space) * 2);
    align-items: start;
    max-inline-size: 32em;
  }
  .choice {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: calc(var(--msp-space) * 2);
    align-items: center;
    padding: var(--msp-space) 0;
  }
  .choice label {
    font-weight: 400;
  }
  .choice .hint {
    grid-column: 2;
  }
  input[type='radio'] {
    inline-size: 1.1em;
    block-size: 1.1em;
    margin: 0;
    accent-color: var(--msp-color-primary);
  }
  .hint,
  .intro {
    margin: 0;
    color: var(--msp-color-text-muted);
    font-size: 0.9em;
  }
  .intro {
    font-size: 1em;
  }
  .error,
  .form-error {
    margin: 0;
    color: var(--msp-color-danger);
    font-weight: 600;
    font-size: 0.9em;
  }
  .form-error {
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    border: 1px solid var(--msp-color-danger);
    border-radius: var(--msp-radius);
  }

  /* Actions */
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--msp-space) * 2);
    justify-content: flex-end;
    padding-block-start: calc(var(--msp-space) * 3);
    border-block-start: 1px solid var(--msp-color-border);
  }
  .primary,
  .secondary {
    min-block-size: 2.5em;
    padding: var(--msp-space) calc(var(--msp-space) * 4);
    border-radius: var(--msp-radius);
    cursor: pointer;
  }
  .primary {
    color: var(--msp-color-on-primary);
    background: var(--msp-color-primary);
    border: 1px solid var(--msp-color-primary);
    font-weight: 600;
  }
  .secondary {
    background: var(--msp-color-surface);
    border: 1px solid var(--msp-color-border);
  }
  button:disabled {
    cursor: progress;
    opacity: 0.7;
  }
  .link {
    ${linkButton}
  }

  /* Review */
  .review {
    display: grid;
    gap: calc(var(--msp-space) * 3);
  }
  .review-section {
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
  }
  .review-head {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: calc(var(--msp-space) * 2);
  }
  h4 {
    margin: 0 0 var(--msp-space);
    font-size: 1em;
  }
  dl {
    margin: 0;
    display: grid;
    gap: var(--msp-space);
  }
  dl > div {
    display: grid;
    grid-template-columns: minmax(8em, 12em) minmax(0, 1fr);
    gap: calc(var(--msp-space) * 2);
  }
  dt {
    color: var(--msp-color-text-muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }

  .success {
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .success h3 {
    color: var(--msp-color-text);
  }
  .success p {
    margin: 0;
  }

  @media (max-width: 480px) {
    dl > div,
    .row {
      grid-template-columns: 1fr;
    }
  }
`;

export default [hostBase, controlBase, focusRing, visuallyHidden, own];
