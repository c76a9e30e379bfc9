/** Shared building blocks for Portico widgets (no element is registered by importing this). */
export { ApiClient, fleetQuery, type FleetListParams, type SessionSource, type Versioned } from './api-client.js';
export type * from './api-types.js';
export { define, MspElement, type MspEventMap } from './base-element.js';
export { apiContext, themeContext } from './context.js';
export { ApiError, classifyProblem, mspErrorTypes, type MspErrorDetail, type MspErrorType } from './errors.js';
export { formatDate, formatMoney, formatNumber, formatPercent, formatRelative, type MoneyValue } from './format.js';
export { emptyState, errorState, loadingState, stateStyles } from './states.js';
