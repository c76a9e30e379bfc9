/** Entry point: registers <msp-customer-detail> (and the <msp-license-meter> it shows). */
export * from './customer-detail/define.js';
