import { css, html, type TemplateResult } from 'lit';
import type { MspErrorDetail } from './errors.js';

/** Styles of the shared loading / empty / error boxes; widgets add them to their `styles`. */
export const stateStyles = css`
  .msp-state {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: calc(var(--msp-space) * 2);
    padding: calc(var(--msp-space) * 8) calc(var(--msp-space) * 4);
    color: var(--msp-color-text-muted);
    text-align: center;
  }
  .msp-state[data-state='error'] {
    color: var(--msp-color-danger);
  }
  .msp-state button {
    font: inherit;
    color: var(--msp-color-on-primary);
    background: var(--msp-color-primary);
    border: 0;
    border-radius: var(--msp-radius);
    padding: var(--msp-space) calc(var(--msp-space) * 3);
    cursor: pointer;
  }
  .msp-spinner {
    inline-size: 1.5em;
    block-size: 1.5em;
    border: 3px solid var(--msp-color-border);
    border-top-color: var(--msp-color-primary);
    border-radius: 50%;
    animation: msp-spin 0.8s linear infinite;
  }
  @keyframes msp-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .msp-spinner {
      animation: none;
    }
  }
`;

export function loadingState(label = 'Loading…'): TemplateResult {
  return html`<div class="msp-state" part="state" data-state="loading" role="status" aria-live="polite">
    <span class="msp-spinner" aria-hidden="true"></span><span>${label}</span>
  </div>`;
}

export function emptyState(message: string): TemplateResult {
  return html`<div class="msp-state" part="state" data-state="empty" role="status">${message}</div>`;
}

export function errorState(error: MspErrorDetail, retry?: () => void): TemplateResult {
  return html`<div class="msp-state" part="state" data-state="error" role="alert" data-error-type=${error.type}>
    <span>${error.message}</span>
    ${retry ? html`<button type="button" @click=${retry}>Try again</button>` : null}
  </div>`;
}
