import { define } from './base-element.js';
import { MspProvider } from './provider.js';

export { MspProvider };
export type { EmbedSession } from './provider.js';
define('msp-provider', MspProvider);
