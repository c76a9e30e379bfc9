import { define } from '../core/base-element.js';
import { MspScanSchedules } from './scan-schedules.js';

export { MspScanSchedules };
export { describeScanSchedule, type ScanFrequency, type ScanItem, type ScanProfile, type ScanSchedule, type ScanTrigger, type UpcomingRun } from './scan-schedules.js';
define('msp-scan-schedules', MspScanSchedules);

declare global {
  interface HTMLElementTagNameMap {
    'msp-scan-schedules': MspScanSchedules;
  }
}
