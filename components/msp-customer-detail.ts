/** Entry point: registers <msp-customer-detail> (and the <msp-license-meter> it shows; <msp-ip-distribution> loads with the Licences tab). */
export * from './customer-detail/define.js';
