/** Entry point: registers <msp-report-viewer> (chart.js loads later, once a report is shown). */
export * from './report-viewer/define.js';
