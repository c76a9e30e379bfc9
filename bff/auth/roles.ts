import { userRole } from '../db/schema.js';

export const roles = userRole.enumValues;
export type Role = (typeof roles)[number];

export const mspRoles: readonly Role[] = ['msp_admin', 'msp_analyst', 'msp_account_manager', 'msp_marketing'];
export const customerRoles: readonly Role[] = ['customer_admin', 'customer_viewer'];

export type Permission =
  | 'fleet:read'
  | 'customers:read'
  /** Onboard a customer, sub-partner or enterprise. */
  | 'customers:create'
  /** Lifecycle: lock, cancel, convert, edit address and VAT-ID, delegation, main user, delete. */
  | 'customers:manage'
  /** A tenant's users and contacts, and re-sending invites. */
  | 'users:read'
  /** A tenant's audit log. */
  | 'audit:read'
  /** Register assets (which count against per-asset licences). */
  | 'assets:write';

/** What each role may do; which rows it may do it to is decided by RLS. */
const permissions: Record<Role, readonly Permission[]> = {
  msp_admin: ['fleet:read', 'customers:read', 'customers:create', 'customers:manage', 'users:read', 'audit:read', 'assets:write'],
  msp_analyst: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write'],
  msp_account_manager: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write'],
  msp_marketing: [],
  customer_admin: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write'],
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
