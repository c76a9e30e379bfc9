/** Entry point: registers <msp-ip-distribution>. */
export * from './ip-distribution/define.js';
