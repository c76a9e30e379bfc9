import { css } from 'lit';
import { controlBase, focusRing, hostBase, visuallyHidden } from '../core/base-styles.js';

const own = css`
  /* Tabs and close buttons sit edge to edge in the strip: the focus ring goes inside them. */
  :focus-visible {
    outline-offset: -2px;
  }
  /* The tabs and their close buttons are siblings (a close button may not sit inside a tab);
     'order' pairs each close button with its tab. */
  .strip {
    display: flex;
    align-items: stretch;
    gap: 0;
    overflow-x: auto;
    border-block-end: 1px solid var(--msp-color-border);
    margin-block-end: calc(var(--msp-space) * 4);
  }
  .tablist {
    display: contents;
  }
  ::slotted([slot='start']) {
    order: -1;
    align-self: center;
    margin-inline-end: calc(var(--msp-space) * 3);
  }
  .tab {
    flex: none;
    max-inline-size: 16em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    background: transparent;
    border: 0;
    border-block-end: 3px solid transparent;
    padding: calc(var(--msp-space) * 2) var(--msp-space) calc(var(--msp-space) * 2) calc(var(--msp-space) * 3);
    color: var(--msp-color-text-muted);
    cursor: pointer;
  }
  .tab:hover {
    color: var(--msp-color-text);
  }
  .tab[aria-selected='true'] {
    color: var(--msp-color-text);
    font-weight: 600;
    border-block-end-color: var(--msp-color-primary);
  }
  .close {
    flex: none;
    align-self: center;
    inline-size: 1.75em;
    block-size: 1.75em;
    margin-inline-end: calc(var(--msp-space) * 2);
    padding: 0;
    line-height: 1;
    background: transparent;
    border: 1px solid transparent;
    border-radius: var(--msp-radius);
    color: var(--msp-color-text-muted);
    cursor: pointer;
  }
  .close:hover {
    color: var(--msp-color-text);
    border-color: var(--msp-color-border);
    background: var(--msp-color-surface);
  }
  .panel[hidden] {
    display: none;
  }
`;

export default [hostBase, controlBase, focusRing, visuallyHidden, own];
