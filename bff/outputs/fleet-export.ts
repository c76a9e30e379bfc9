import type { FleetRowJson } from '../routes/fleet.js';
import type { Cell, Table, TableColumn } from './tabular.js';

/**
 * The fleet as a table for CSV and XLSX: the columns the fleet view shows, in its bands
 * (Customer · Commercial · Security), then the parent and the customer id so a sheet can be
 * joined with other data. Values keep the API's spelling (`connection_lost`, `per_asset`), the
 * same words the list filters take.
 */
const columns: (TableColumn & { value: (r: FleetRowJson) => Cell })[] = [
  { header: 'Customer', kind: 'text', width: 32, value: (r) => r.name },
  { header: 'Status', kind: 'text', width: 16, value: (r) => r.status },
  { header: 'Tags', kind: 'text', width: 24, value: (r) => (r.tags.length ? r.tags.join(', ') : null) },
  { header: 'Plan', kind: 'text', value: (r) => r.plan },
  { header: 'Service mode', kind: 'text', width: 14, value: (r) => r.serviceMode },
  { header: 'Payment method', kind: 'text', width: 16, value: (r) => r.paymentMethod },
  { header: 'Licence model', kind: 'text', width: 14, value: (r) => r.licences?.model ?? null },
  { header: 'Licences used', kind: 'integer', value: (r) => r.licences?.used ?? null },
  { header: 'Licence quota', kind: 'integer', value: (r) => r.licences?.quota ?? null },
  { header: 'ACV', kind: 'money', width: 16, value: (r) => r.acv },
  { header: 'Average IP price', kind: 'money', width: 18, value: (r) => r.averageIpPrice },
  { header: 'Currency', kind: 'text', value: (r) => (r.acv ?? r.averageIpPrice ?? r.monthlyPrice)?.currency ?? null },
  { header: 'Renewal', kind: 'date', width: 12, value: (r) => (r.renewsAt ? new Date(r.renewsAt) : null) },
  { header: 'Posture score', kind: 'integer', value: (r) => r.posture?.score ?? null },
  { header: 'Posture trend (30 days)', kind: 'integer', width: 22, value: (r) => r.posture?.trend ?? null },
  { header: 'Last scan', kind: 'datetime', width: 18, value: (r) => (r.lastScanAt ? new Date(r.lastScanAt) : null) },
  { header: 'Open priority findings', kind: 'integer', width: 22, value: (r) => r.openPriorityFindings },
  { header: 'Parent', kind: 'text', width: 24, value: (r) => r.parent.name },
  { header: 'Customer ID', kind: 'text', width: 38, value: (r) => r.id },
];

export const fleetExportHeaders = columns.map((c) => c.header);

export function fleetExportTable(rows: FleetRowJson[]): Table {
  return {
    columns: columns.map(({ header, kind, width }) => ({ header, kind, ...(width ? { width } : {}) })),
    rows: rows.map((r) => columns.map((c) => c.value(r))),
  };
}
