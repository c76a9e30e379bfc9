/** Entry point: registers <msp-license-meter>. */
export * from './license-meter/define.js';
