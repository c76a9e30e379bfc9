import { userRole } from '../db/schema.js';

export const roles = userRole.enumValues;
export type Role = (typeof roles)[number];

export const mspRoles: readonly Role[] = ['msp_admin', 'msp_analyst', 'msp_account_manager', 'msp_marketing'];
export const customerRoles: readonly Role[] = ['customer_admin', 'customer_viewer'];

export type Permission = 'fleet:read' | 'customers:read';

/** What each role may do; which rows it may do it to is decided by RLS. */
const permissions: Record<Role, readonly Permission[]> = {
  msp_admin: ['fleet:read', 'customers:read'],
  msp_analyst: ['fleet:read', 'customers:read'],
  msp_account_manager: ['fleet:read', 'customers:read'],
  msp_marketing: [],
  customer_admin: ['fleet:read', 'customers:read'],
  customer_viewer: ['fleet:read', 'customers:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return permissions[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return permissions[role];
}

/** The delegation levels under which a customer role may hold a session. */
export function delegationAllows(role: Role, delegation: 'disabled' | 'read_only' | 'full'): boolean {
  if (role === 'customer_admin') return delegation === 'full';
  if (role === 'customer_viewer') return delegation === 'read_only' || delegation === 'full';
  return true;
}
