import type { Customer, CustomerUsage } from '../core/api-types.js';

/** The tabs of `<msp-customer-detail>`, in order; the ids are the `tab` attribute's values. */
export const tabs = [
  { id: 'overview', label: 'Overview' },
  { id: 'security', label: 'Security' },
  { id: 'usage', label: 'Usage' },
  { id: 'licences', label: 'Licences' },
  { id: 'users', label: 'Users & contacts' },
  { id: 'activity', label: 'Activity' },
] as const;
export type CustomerTab = (typeof tabs)[number]['id'];
export const isCustomerTab = (value: unknown): value is CustomerTab => tabs.some((t) => t.id === value);

export const statusLabels: Record<Customer['status'], string> = {
  active: 'Active',
  invited: 'Invited',
  locked: 'Locked',
  cancelled: 'Cancelled',
  deleting: 'Deleting…',
  connection_lost: 'Connection lost',
};

export const valueLabels: Record<string, string> = {
  trial: 'Trial',
  purchased: 'Purchased',
  managed: 'Managed',
  self_service: 'Self-service',
  invoice: 'Invoice',
  credit_card: 'Credit card',
  project_key: 'Project key',
  disabled: 'Disabled (MSP staff only)',
  read_only: 'Read only',
  full: 'Full',
  customer: 'Customer',
  enterprise: 'Enterprise',
  invited: 'Invited',
  active: 'Active',
  deactivated: 'Deactivated',
};

export const delegationOptions = ['disabled', 'read_only', 'full'] as const satisfies readonly Customer['accessDelegation'][];

export const severityLabels = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' } as const;

/** Product colours: theme tokens, resolved on the element when a chart is drawn. */
export const productTokens: Record<CustomerUsage['products'][number]['product'], string> = {
  external: '--msp-color-primary',
  internal: '--msp-color-accent',
  web_app: '--msp-color-success',
  compliance: '--msp-color-warning',
};

/** Fields a conflict message names when someone else changed the customer meanwhile. */
export const watchedFields: { label: string; read: (c: Customer) => string }[] = [
  { label: 'Status', read: (c) => statusLabels[c.status] ?? c.status },
  { label: 'Name', read: (c) => c.name },
  { label: 'Plan', read: (c) => (c.plan ? valueLabels[c.plan] ?? c.plan : '—') },
  { label: 'Service mode', read: (c) => valueLabels[c.serviceMode] ?? c.serviceMode },
  { label: 'Access delegation', read: (c) => valueLabels[c.accessDelegation] ?? c.accessDelegation },
  { label: 'Main user', read: (c) => c.mainUser?.name ?? '—' },
  { label: 'Address', read: (c) => [c.address.line1, c.address.line2, c.address.postalCode, c.address.city, c.address.state].filter(Boolean).join(', ') || '—' },
  { label: 'VAT ID', read: (c) => c.vatId ?? '—' },
  { label: 'Licences', read: (c) => (c.licences ? `${c.licences.model} ${c.licences.quota ?? '∞'}` : '—') },
];

/** "Status: Active → Locked; Main user: Ann → Bob", or '' when none of the watched fields differ. */
export function describeChanges(before: Customer, after: Customer): string {
  return watchedFields
    .map((f) => [f.label, f.read(before), f.read(after)] as const)
    .filter(([, a, b]) => a !== b)
    .map(([label, a, b]) => `${label}: ${a} → ${b}`)
    .join('; ');
}
