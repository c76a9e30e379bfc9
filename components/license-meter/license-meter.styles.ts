import { css } from 'lit';
import { hostBase } from '../core/base-styles.js';
import { stateStyles } from '../core/states.js';

const own = css`
  p {
    margin: 0;
  }
  .box {
    display: grid;
    gap: calc(var(--msp-space) * 1.5);
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: baseline;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
    margin-block-end: var(--msp-space);
  }
  .label {
    font-weight: 600;
  }
  .numbers strong {
    font-size: 1.25em;
  }
  .track {
    position: relative;
    block-size: 0.75em;
    border-radius: var(--msp-radius);
    background: var(--msp-color-border);
    overflow: hidden;
  }
  .fill {
    block-size: 100%;
    background: var(--msp-color-success);
  }
  .threshold {
    position: absolute;
    inset-block: 0;
    inline-size: 2px;
    margin-inline-start: -1px;
    background: var(--msp-color-text);
  }
  .meter[data-level='warning'] .fill {
    background: var(--msp-color-warning);
  }
  .meter[data-level='exhausted'] .fill {
    background: var(--msp-color-danger);
  }
  .note,
  .trial {
    font-size: 0.9em;
  }
  .note[data-level='warning'],
  .note[data-level='exhausted'] {
    font-weight: 600;
  }
  .note[data-level='exhausted'] .icon {
    color: var(--msp-color-danger);
  }
  .icon {
    margin-inline-end: var(--msp-space);
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: var(--msp-space) calc(var(--msp-space) * 3);
  }
  .trial[data-ended='true'] {
    color: var(--msp-color-danger);
    font-weight: 600;
  }
  .muted {
    color: var(--msp-color-text-muted);
    font-weight: 400;
  }
`;

export default [stateStyles, hostBase, own];
