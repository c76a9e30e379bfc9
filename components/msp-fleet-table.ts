/** Entry point: registers <msp-fleet-table>. */
export * from './fleet-table/define.js';
