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
  | 'assets:write'
  /** The org's price tables and project keys, and seeing unit costs and margins. */
  | 'pricing:manage'
  /** Invoice previews of the org's customers. */
  | 'billing:read'
  /**
   * Change a customer's IP quota. A customer admin holds it, but may use it only while its
   * tenant is self-service (checked by the route: a managed customer's subscription is the MSP's).
   */
  | 'quotas:write'
  /** Price quotes for an IP count (unit costs only with pricing:manage). */
  | 'quotes:read'
  /** The theme of the org (its fleet theme, which its customers inherit) and of its customers. */
  | 'themes:manage'
  /**
   * Email a customer's executive report now or on a schedule. Which customers is RLS's: an
   * account manager's assigned ones, a customer admin's own tenant.
   */
  | 'reports:send'
  /**
   * Schedule scans of a customer, change and delete its schedules, run one now. Which customers
   * is RLS's; a customer admin holds a session only while its tenant's delegation is `full`.
   */
  | 'scans:schedule'
  /**
   * The usage report of the org's portfolios (scans per product, invoiced amounts, ACV); which
   * customers it covers is RLS's: an account manager's report holds its assigned customers.
   */
  | 'usage:read';

/** What each role may do; which rows it may do it to is decided by RLS. */
const permissions: Record<Role, readonly Permission[]> = {
  msp_admin: [
    'fleet:read', 'customers:read', 'customers:create', 'customers:manage', 'users:read', 'audit:read', 'assets:write',
    'pricing:manage', 'billing:read', 'quotas:write', 'quotes:read', 'themes:manage', 'reports:send', 'usage:read',
    'scans:schedule',
  ],
  msp_analyst: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write', 'quotes:read', 'usage:read', 'scans:schedule'],
  msp_account_manager: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write', 'quotes:read', 'reports:send', 'usage:read', 'scans:schedule'],
  msp_marketing: [],
  customer_admin: ['fleet:read', 'customers:read', 'users:read', 'audit:read', 'assets:write', 'quotas:write', 'quotes:read', 'reports:send', 'scans:schedule'],
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
