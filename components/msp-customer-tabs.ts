/** Entry point: registers <msp-customer-tabs> (place `<msp-customer-detail>`'s entry beside it). */
export * from './customer-tabs/define.js';
