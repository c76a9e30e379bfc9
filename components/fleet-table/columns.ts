import type { FleetColumnId, FleetRowJson, FleetSortKey } from '../core/api-types.js';
import { defaultFleetColumns } from '../../bff/domain/fleet-columns.js';

export type ColumnGroup = 'customer' | 'commercial' | 'security';

/** A data column of the fleet table. Rendering lives in the element; this is the catalogue. */
export interface FleetColumn {
  /** The id the BFF's column preference uses (bff/domain/fleet-columns.ts). */
  id: FleetColumnId;
  label: string;
  group: ColumnGroup;
  /** Grid track; the minimum also sets the table's scroll width. */
  min: number;
  grow: number;
  sort?: FleetSortKey;
  /** Kept below 640 px width. */
  compact?: boolean;
  /** The grid track below 640 px, when it should not share the width (e.g. a status dot). */
  compactTrack?: string;
  /** `false` for columns the chooser cannot hide. */
  hideable: boolean;
}

export const groupLabels: Record<ColumnGroup, string> = {
  customer: 'Customer',
  commercial: 'Commercial',
  security: 'Security',
};

export const fleetColumns: readonly FleetColumn[] = [
  { id: 'name', label: 'Name', group: 'customer', min: 170, grow: 2, sort: 'name', compact: true, hideable: false },
  { id: 'status', label: 'Status', group: 'customer', min: 130, grow: 1, sort: 'status', compact: true, compactTrack: '2.25rem', hideable: true },
  { id: 'tags', label: 'Tags', group: 'customer', min: 110, grow: 1, hideable: true },
  { id: 'parent', label: 'Partner', group: 'customer', min: 130, grow: 1, hideable: true },
  { id: 'plan', label: 'Plan', group: 'commercial', min: 90, grow: 0, hideable: true },
  { id: 'serviceMode', label: 'Service', group: 'commercial', min: 100, grow: 0, hideable: true },
  { id: 'paymentMethod', label: 'Payment', group: 'commercial', min: 110, grow: 0, hideable: true },
  { id: 'licences', label: 'Licences', group: 'commercial', min: 120, grow: 1, sort: 'licenceUse', hideable: true },
  { id: 'acv', label: 'ACV', group: 'commercial', min: 80, grow: 0, hideable: true },
  { id: 'averageIpPrice', label: 'Avg. IP price', group: 'commercial', min: 100, grow: 0, hideable: true },
  { id: 'renewsAt', label: 'Renews', group: 'commercial', min: 120, grow: 0, hideable: true },
  { id: 'posture', label: 'Posture', group: 'security', min: 160, grow: 1, sort: 'postureScore', compact: true, hideable: true },
  { id: 'lastScan', label: 'Last scan', group: 'security', min: 112, grow: 0, sort: 'lastScan', hideable: true },
  { id: 'openFindings', label: 'Priority findings', group: 'security', min: 140, grow: 0, hideable: true },
];

/** Shown until the saved choice (or the BFF's default) arrives; the same as the BFF's default. */
/** The BFF's default, so a table shows the same columns before and after the saved choice arrives. */
export const defaultVisibleColumns: readonly FleetColumnId[] = defaultFleetColumns.visible;

/** Filter choices; `satisfies` ties each list to the BFF's enum so a new value fails to compile until listed. */
export const statusOptions = ['active', 'invited', 'locked', 'cancelled', 'deleting', 'connection_lost'] as const satisfies readonly FleetRowJson['status'][];
export const planOptions = ['trial', 'purchased'] as const satisfies readonly NonNullable<FleetRowJson['plan']>[];
export const serviceModeOptions = ['managed', 'self_service'] as const satisfies readonly FleetRowJson['serviceMode'][];
export const paymentMethodOptions = ['invoice', 'credit_card', 'project_key'] as const satisfies readonly FleetRowJson['paymentMethod'][];

type Exhaustive<All, Listed> = [All] extends [Listed] ? true : never;
// Compile-time check that no enum value is missing from the lists above.
const _complete: [
  Exhaustive<FleetRowJson['status'], (typeof statusOptions)[number]>,
  Exhaustive<NonNullable<FleetRowJson['plan']>, (typeof planOptions)[number]>,
  Exhaustive<FleetRowJson['serviceMode'], (typeof serviceModeOptions)[number]>,
  Exhaustive<FleetRowJson['paymentMethod'], (typeof paymentMethodOptions)[number]>,
] = [true, true, true, true];
void _complete;

export const optionLabels: Record<string, string> = {
  active: 'Active',
  invited: 'Invited',
  locked: 'Locked',
  cancelled: 'Cancelled',
  deleting: 'Deleting',
  connection_lost: 'Connection lost',
  trial: 'Trial',
  purchased: 'Purchased',
  managed: 'Managed',
  self_service: 'Self-service',
  invoice: 'Invoice',
  credit_card: 'Credit card',
  project_key: 'Project key',
};

/** Actions in each row's menu unless the host sets `rowActions`. */
export const defaultRowActions: readonly { action: string; label: string }[] = [
  { action: 'open-customer', label: 'Open customer' },
  { action: 'see-reports', label: 'See reports' },
  { action: 'schedule-scan', label: 'Schedule scan' },
];
