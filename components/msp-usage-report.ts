/** Entry point: registers <msp-usage-report> (chart.js loads later, once a report is shown). */
export * from './usage-report/define.js';
