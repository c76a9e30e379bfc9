import { ContextRoot, createContext } from '@lit/context';
import type { ResolvedTheme } from '../../themes/loader.js';
import type { ApiClient } from './api-client.js';

/** The API client `<msp-provider>` hands to its descendants (undefined until it has an api-base). */
export const apiContext = createContext<ApiClient | undefined>(Symbol.for('msp-api'));
/** The theme `<msp-provider>` resolved (preset + overrides). */
export const themeContext = createContext<ResolvedTheme | undefined>(Symbol.for('msp-theme'));

const rootKey = Symbol.for('msp-context-root');

/**
 * Widgets can upgrade before their `<msp-provider>` (scripts load in any order, pages parse
 * HTML first). A ContextRoot on the document keeps their unanswered requests and replays them
 * when a provider appears. One per document, whichever bundle gets there first.
 */
export function ensureContextRoot(): void {
  const holder = document as unknown as Record<symbol, unknown>;
  if (holder[rootKey]) return;
  const root = new ContextRoot();
  root.attach(document.documentElement);
  holder[rootKey] = root;
}
