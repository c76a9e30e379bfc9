/** Entry point: registers <msp-finding-search>. */
export * from './finding-search/define.js';
