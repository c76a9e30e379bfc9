/** Entry point: registers <msp-scan-schedules>. */
export * from './scan-schedules/define.js';
