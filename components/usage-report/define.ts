import { define } from '../core/base-element.js';
import { MspUsageReport } from './usage-report.js';

export { MspUsageReport };
export type { Partnership, UsageReport, UsageWorkbook } from './usage-api.js';
define('msp-usage-report', MspUsageReport);
