/** Entry point: registers <msp-provider>. */
export * from './core/provider.define.js';
