import { define } from '../core/base-element.js';
import { MspFleetTable } from './fleet-table.js';

export { MspFleetTable };
export type { FleetFilters, FleetRowAction } from './fleet-table.js';
define('msp-fleet-table', MspFleetTable);
