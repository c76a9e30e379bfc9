import { css } from 'lit';
import { buttons, compactTable, controlBase, fieldLook, focusRing, hostBase, linkButton, visuallyHidden } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  :host {
    min-inline-size: 0;
    /* Two columns (editor | preview) when the element itself is wide enough, whatever the viewport. */
    container-type: inline-size;
  }
  p,
  h2,
  h3 {
    margin: 0;
  }
  h2 {
    font-size: 1.25em;
  }
  h3 {
    font-size: 1.05em;
  }
  .layout {
    display: grid;
    gap: calc(var(--msp-space) * 6);
    grid-template-columns: minmax(0, 1fr);
    align-items: start;
  }
  @container (min-width: 900px) {
    .layout {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    }
    .side {
      position: sticky;
      inset-block-start: calc(var(--msp-space) * 2);
    }
  }
  .editor,
  .side,
  .group {
    display: grid;
    gap: calc(var(--msp-space) * 4);
    min-inline-size: 0;
  }
  .muted,
  .hint,
  .source {
    color: var(--msp-color-text-muted);
  }
  .hint,
  .source {
    font-size: 0.85em;
  }
  fieldset {
    margin: 0;
    padding: calc(var(--msp-space) * 3);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    min-inline-size: 0;
  }
  fieldset.field.mode {
    border: 0;
    padding: 0;
  }
  legend {
    font-weight: 600;
    padding-inline: var(--msp-space);
  }
  .field {
    display: grid;
    gap: var(--msp-space);
  }
  .field-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--msp-space) calc(var(--msp-space) * 2);
  }
  .field-head label,
  .field-head .label,
  .export .label {
    font-weight: 600;
  }
  .source[data-source='own'] {
    color: var(--msp-color-text);
  }
  .sub-label {
    font-size: 0.9em;
  }
  input[type='text'],
  input[type='number'],
  select {
    ${fieldLook}
    max-inline-size: 100%;
  }
  input[aria-invalid='true'] {
    border-color: var(--msp-color-danger);
    border-width: 2px;
  }
  input:disabled,
  select:disabled {
    opacity: 0.7;
  }
  .colour-inputs,
  .radius-inputs,
  .choices,
  .buttons,
  .logo-current {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--msp-space) * 2);
  }
  .picker {
    inline-size: 2.75em;
    block-size: 2.25em;
    padding: 2px;
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-background);
    cursor: pointer;
  }
  .hex {
    font-family: ui-monospace, monospace;
    inline-size: 8em;
  }
  .radius-inputs input[type='range'] {
    flex: 1 1 10em;
    accent-color: var(--msp-color-primary);
  }
  .number-unit input {
    inline-size: 5em;
  }
  .number-unit {
    display: inline-flex;
    align-items: center;
    gap: var(--msp-space);
  }
  select {
    inline-size: 100%;
  }
  .field input#fontFamily-custom {
    inline-size: 100%;
  }
  .choice {
    display: inline-flex;
    align-items: center;
    gap: var(--msp-space);
    cursor: pointer;
  }
  .choice input {
    accent-color: var(--msp-color-primary);
    margin: 0;
  }
  .target {
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .target-choice {
    align-items: flex-start;
    padding: calc(var(--msp-space) * 2);
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
  }
  .target-choice:has(input:checked) {
    border-color: var(--msp-color-primary);
    box-shadow: inset 0 0 0 1px var(--msp-color-primary);
  }
  .target-choice input {
    margin-block-start: 0.2em;
  }
  .target-choice > span {
    display: grid;
  }
  .error {
    color: var(--msp-color-danger);
    font-size: 0.85em;
  }
  .link {
    ${linkButton}
    font: inherit;
    font-size: 0.85em;
  }
  .link:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .advanced {
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
  }
  .advanced summary {
    cursor: pointer;
    font-weight: 600;
  }
  .advanced[open] summary {
    margin-block-end: calc(var(--msp-space) * 3);
  }

  /* Logo */
  .logo {
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .logo-image {
    max-block-size: 3em;
    max-inline-size: 12em;
    object-fit: contain;
    padding: var(--msp-space);
    background: var(--msp-color-surface);
    border-radius: var(--msp-radius);
  }
  .logo-none {
    font-style: italic;
    color: var(--msp-color-text-muted);
  }
  .drop {
    display: grid;
    gap: var(--msp-space);
    padding: calc(var(--msp-space) * 3);
    border: 2px dashed var(--msp-color-border);
    border-radius: var(--msp-radius);
  }
  .drop[data-over] {
    border-color: var(--msp-color-primary);
    background: var(--msp-color-surface);
  }
  .drop label {
    font-weight: 600;
  }

  /* Save, reasons, notes */
  .actions {
    display: grid;
    gap: calc(var(--msp-space) * 2);
    padding-block-start: calc(var(--msp-space) * 2);
    border-block-start: 1px solid var(--msp-color-border);
  }
  .button[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .reason {
    display: grid;
    gap: var(--msp-space);
    font-size: 0.9em;
    color: var(--msp-color-text-muted);
    justify-items: start;
  }
  .reason[data-blocked='true'] {
    color: var(--msp-color-danger);
  }
  .note {
    border-inline-start: 4px solid var(--msp-color-border);
    padding: calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    background: var(--msp-color-surface);
    display: grid;
    gap: calc(var(--msp-space) * 2);
  }
  .note ul {
    margin: 0;
    padding-inline-start: 1.25em;
  }
  .note[data-kind='conflict'],
  .note[data-kind='error'] {
    border-inline-start-color: var(--msp-color-danger);
  }
  .note[data-kind='success'] {
    border-inline-start-color: var(--msp-color-success);
  }
  .note[data-kind='read-only'] {
    border-inline-start-color: var(--msp-color-warning);
  }
  .export {
    display: grid;
    gap: var(--msp-space);
  }

  /* Tables */
  .table-scroll {
    overflow-x: auto;
  }
  ${compactTable}
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .contrast tr[data-pass='false'] .verdict,
  .contrast tr[data-pass='false'] th {
    color: var(--msp-color-danger);
    font-weight: 600;
  }
  .contrast tr[data-pass='true'] .verdict {
    color: var(--msp-color-success);
  }
  .sample {
    display: inline-block;
    min-inline-size: 2.5em;
    text-align: center;
    padding: 0 var(--msp-space);
    border: 1px solid var(--msp-color-border);
    border-radius: 3px;
    font-weight: 600;
  }
  /* Drawn text, not content: a sample of a failing pair is meant to be hard to read, and its
     colours are in the row's text for screen readers. */
  .sample::before {
    content: 'Aa';
  }

  /* Preview: everything inside takes the draft's tokens, set on .preview. */
  .preview-pane {
    display: grid;
    gap: var(--msp-space);
  }
  .preview {
    display: grid;
    border: 1px solid var(--msp-color-border);
    border-radius: var(--msp-radius);
    background: var(--msp-color-background);
    color: var(--msp-color-text);
    font-family: var(--msp-font-family);
    font-size: var(--msp-font-size);
    overflow: hidden;
  }
  .pv-header {
    display: flex;
    align-items: center;
    gap: calc(var(--msp-space) * 3);
    padding: calc(var(--msp-space) * 3) calc(var(--msp-space) * 4);
    background: var(--msp-color-surface);
    border-block-end: 1px solid var(--msp-color-border);
  }
  .pv-logo {
    max-block-size: 2em;
    max-inline-size: 9em;
    object-fit: contain;
  }
  .pv-name {
    font-weight: 700;
  }
  .pv-body {
    display: grid;
    gap: calc(var(--msp-space) * 3);
    padding: calc(var(--msp-space) * 4);
  }
  .pv-link {
    color: var(--msp-color-primary);
    text-decoration: underline;
  }
  .pv-danger {
    color: var(--msp-color-danger);
  }
  .pv-warning {
    color: var(--msp-color-warning);
  }
  .pv-success {
    color: var(--msp-color-success);
  }
  .pv-bands {
    display: flex;
    flex-wrap: wrap;
    gap: var(--msp-space);
  }
  .band {
    padding: var(--msp-space) calc(var(--msp-space) * 2);
    border-radius: var(--msp-radius);
    font-size: 0.85em;
  }
  .band.customer {
    background: var(--msp-color-band-customer);
  }
  .band.commercial {
    background: var(--msp-color-band-commercial);
  }
  .band.security {
    background: var(--msp-color-band-security);
  }
  .pv-meter {
    padding: calc(var(--msp-space) * 3);
    background: var(--msp-color-surface);
    border-radius: var(--msp-radius);
  }
`;

export default [stateStyles, hostBase, controlBase, focusRing, visuallyHidden, buttons, own];
