/** Entry point: registers <msp-customer-create>. */
export * from './customer-create/define.js';
