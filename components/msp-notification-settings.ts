/** Entry point: registers <msp-notification-settings>. */
export * from './notification-settings/define.js';
