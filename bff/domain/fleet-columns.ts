/**
 * The columns of the fleet view, grouped under the three bands the table shows. Their ids are
 * what a user's saved column choice (`/v1/me/preferences/fleet-columns`) names, so they are
 * part of the API: add ids, never rename one.
 */
export const fleetColumnGroups = {
  customer: ['name', 'status', 'tags', 'parent'],
  commercial: ['plan', 'serviceMode', 'paymentMethod', 'licences', 'acv', 'averageIpPrice', 'renewsAt'],
  security: ['posture', 'lastScan', 'openFindings'],
} as const;

export type FleetColumnId = (typeof fleetColumnGroups)[keyof typeof fleetColumnGroups][number];

export const fleetColumnIds: readonly [FleetColumnId, ...FleetColumnId[]] = [
  ...fleetColumnGroups.customer,
  ...fleetColumnGroups.commercial,
  ...fleetColumnGroups.security,
];

/**
 * What a user who never chose sees: the columns that fit a laptop screen. Tags, service mode,
 * payment method, parent and average IP price are one click away in the column chooser.
 */
const optionalColumns: readonly FleetColumnId[] = ['tags', 'parent', 'serviceMode', 'paymentMethod', 'averageIpPrice'];
export const defaultFleetColumns: { visible: FleetColumnId[]; order: FleetColumnId[] } = {
  visible: fleetColumnIds.filter((id) => !optionalColumns.includes(id)),
  order: [...fleetColumnIds],
};
