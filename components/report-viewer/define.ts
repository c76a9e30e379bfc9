import { define } from '../core/base-element.js';
import { MspReportViewer } from './report-viewer.js';

export { MspReportViewer };
export { MAX_REPORT_DAYS, periodErrors, presetPeriod, type PeriodPreset, type ReportPeriod } from './period.js';
define('msp-report-viewer', MspReportViewer);
