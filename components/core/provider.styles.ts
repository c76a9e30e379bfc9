import { css } from 'lit';

export default css`
  :host {
    display: block;
    color: var(--msp-color-text);
    background: var(--msp-color-background);
    font-family: var(--msp-font-family);
    font-size: var(--msp-font-size);
  }
  :host([hidden]) {
    display: none;
  }
`;
