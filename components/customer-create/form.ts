/**
 * The customer wizard's data, steps and checks, without any DOM: what each step asks, how its
 * fields are checked before the request (the same rules `POST /v1/customers` applies — the
 * server still decides), and where a server error's JSON pointer belongs.
 */
import { checkVat, vatExamples } from '../../bff/domain/vat.js';
import type { NewOrg } from '../core/api-types.js';

export type AccountType = NewOrg['accountType'];
export type Plan = NewOrg['plan'];
export type LicenceModel = NewOrg['licenceModel'];
export type ServiceMode = NonNullable<NewOrg['serviceMode']>;
export type PaymentMethod = NonNullable<NewOrg['paymentMethod']>;
export type AccessDelegation = NonNullable<NewOrg['accessDelegation']>;

/** What the form holds: strings as typed, so a half-filled field survives going back and forth. */
export interface CustomerForm {
  accountType: AccountType;
  name: string;
  country: string;
  state: string;
  line1: string;
  line2: string;
  postalCode: string;
  city: string;
  vatId: string;
  userName: string;
  userEmail: string;
  plan: Plan;
  licenceModel: LicenceModel;
  licenceQuota: string;
  serviceMode: ServiceMode;
  paymentMethod: PaymentMethod;
  accessDelegation: AccessDelegation;
}

export type FieldName = keyof CustomerForm;
export type FieldErrors = Partial<Record<FieldName, string>>;

/** A trial starts with this many licences. */
export const TRIAL_LICENCES = 5;

export function emptyForm(country: string): CustomerForm {
  return {
    accountType: 'customer',
    name: '',
    country,
    state: '',
    line1: '',
    line2: '',
    postalCode: '',
    city: '',
    vatId: '',
    userName: '',
    userEmail: '',
    plan: 'trial',
    licenceModel: 'per_asset',
    licenceQuota: String(TRIAL_LICENCES),
    serviceMode: 'managed',
    paymentMethod: 'invoice',
    accessDelegation: 'disabled',
  };
}

export const steps = [
  { id: 'type', title: 'Account type', fields: ['accountType'] },
  { id: 'company', title: 'Company', fields: ['name', 'country', 'state', 'line1', 'line2', 'postalCode', 'city', 'vatId'] },
  { id: 'user', title: 'Main user', fields: ['userName', 'userEmail'] },
  { id: 'plan', title: 'Plan and licences', fields: ['plan', 'licenceModel', 'licenceQuota', 'serviceMode', 'paymentMethod'] },
  { id: 'access', title: 'Access delegation', fields: ['accessDelegation'] },
  { id: 'review', title: 'Review', fields: [] },
] as const satisfies readonly { id: string; title: string; fields: readonly FieldName[] }[];

export type StepId = (typeof steps)[number]['id'];
export const REVIEW_STEP = steps.length - 1;

export const labels: Record<FieldName, string> = {
  accountType: 'Account type',
  name: 'Company name',
  country: 'Country',
  state: 'State, province or territory',
  line1: 'Street and number',
  line2: 'Address line 2',
  postalCode: 'Postal code',
  city: 'City',
  vatId: 'VAT ID',
  userName: 'Name',
  userEmail: 'Email',
  plan: 'Plan',
  licenceModel: 'Licence model',
  licenceQuota: 'Licences',
  serviceMode: 'Service mode',
  paymentMethod: 'Payment method',
  accessDelegation: 'Access delegation',
};

export const accountTypes: { value: AccountType; label: string; hint: string }[] = [
  { value: 'customer', label: 'Customer', hint: 'A company whose security you manage.' },
  { value: 'partner', label: 'Sub-partner', hint: 'A reseller below you that adds customers of its own.' },
  { value: 'enterprise', label: 'Enterprise', hint: 'A customer with sub-organisations that share its licences.' },
];
export const plans: { value: Plan; label: string; hint: string }[] = [
  { value: 'trial', label: 'Trial', hint: `Starts with ${TRIAL_LICENCES} licences; only used licences count.` },
  { value: 'purchased', label: 'Purchased', hint: 'Billed monthly for the licences used.' },
];
export const licenceModels: { value: LicenceModel; label: string; hint: string }[] = [
  { value: 'per_asset', label: 'Per asset', hint: 'Each unique domain, IP address or web application; alert at 90 %.' },
  { value: 'per_scan', label: 'Per scan', hint: 'Scans per month; alert at 80 %.' },
  { value: 'unlimited', label: 'Unlimited', hint: 'No quota and no alerts.' },
];
export const serviceModes: { value: ServiceMode; label: string; hint: string }[] = [
  { value: 'managed', label: 'Managed', hint: 'Only you change the subscription.' },
  { value: 'self_service', label: 'Self-service', hint: 'The customer may change its subscription itself.' },
];
export const paymentMethods: { value: PaymentMethod; label: string }[] = [
  { value: 'invoice', label: 'Invoice' },
  { value: 'credit_card', label: 'Credit card' },
  { value: 'project_key', label: 'Project key' },
];
export const delegations: { value: AccessDelegation; label: string; hint: string }[] = [
  { value: 'disabled', label: 'Disabled', hint: "Only your staff see the customer's data; its own users cannot sign in." },
  { value: 'read_only', label: 'Read only', hint: "The customer's users read dashboards and reports but change nothing." },
  { value: 'full', label: 'Full', hint: "The customer's admins also manage their users, scans and settings." },
];

/** Countries whose addresses need a state, province or territory (as the server requires). */
export const statesRequired: ReadonlySet<string> = new Set(['US', 'CA', 'AU']);

/** Region codes Intl knows that are not countries. */
const notCountries = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);
const countryCache = new Map<string, { code: string; name: string }[]>();

/** ISO 3166-1 alpha-2 codes with their names in `locale`, sorted by name. */
export function countries(locale: string): { code: string; name: string }[] {
  const cached = countryCache.get(locale);
  if (cached) return cached;
  let names: Intl.DisplayNames;
  try {
    names = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'none' });
  } catch {
    names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  }
  const list: { code: string; name: string }[] = [];
  const A = 'A'.charCodeAt(0);
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      if (notCountries.has(code)) continue;
      const name = names.of(code);
      if (name && name !== code) list.push({ code, name });
    }
  }
  list.sort((a, b) => a.name.localeCompare(b.name, locale));
  countryCache.set(locale, list);
  return list;
}

export function countryName(code: string, locale: string): string {
  return countries(locale).find((c) => c.code === code)?.name ?? code;
}

/** Example VAT ID for a country's placeholder (EU formats), if there is one. */
export const vatExample = (country: string): string | undefined => vatExamples[country];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const hasAddress = (f: CustomerForm) => [f.line1, f.line2, f.postalCode, f.city].some((v) => v.trim() !== '');
const hasMainUser = (f: CustomerForm) => f.userName.trim() !== '' || f.userEmail.trim() !== '';

/** Whether `POST /v1/customers` will ask this form for a VAT ID (unknown MSP country: no). */
export const vatRequired = (f: CustomerForm, mspCountry: string | undefined) => !!mspCountry && !!f.country && f.country !== mspCountry;

function lengthError(value: string, max: number): string | undefined {
  return value.trim().length > max ? `must be at most ${max} characters` : undefined;
}

/** The problems of one step's fields (empty when it may be left). */
export function validateStep(step: number, f: CustomerForm, mspCountry: string | undefined): FieldErrors {
  const errors: FieldErrors = {};
  const set = (field: FieldName, message: string | undefined) => {
    if (message && !errors[field]) errors[field] = message;
  };
  switch (steps[step]?.id) {
    case 'company': {
      set('name', f.name.trim() === '' ? 'is required' : lengthError(f.name, 200));
      set('country', /^[A-Z]{2}$/.test(f.country) ? undefined : 'is required');
      if (statesRequired.has(f.country)) set('state', f.state.trim() === '' ? `is required for addresses in ${f.country}` : undefined);
      set('state', lengthError(f.state, 100));
      if (hasAddress(f)) {
        set('line1', f.line1.trim() === '' ? 'is required for an address' : lengthError(f.line1, 200));
        set('postalCode', f.postalCode.trim() === '' ? 'is required for an address' : lengthError(f.postalCode, 20));
        set('city', f.city.trim() === '' ? 'is required for an address' : lengthError(f.city, 100));
        set('line2', lengthError(f.line2, 200));
      }
      if (/[^A-Za-z0-9 .-]/.test(f.vatId)) set('vatId', 'may hold only letters, digits, spaces, dots and dashes');
      else if (mspCountry) set('vatId', checkVat(f.country, f.vatId.trim() || null, mspCountry)?.detail);
      break;
    }
    case 'user':
      if (hasMainUser(f)) {
        set('userName', f.userName.trim() === '' ? 'is required to invite a main user' : lengthError(f.userName, 200));
        set('userEmail', f.userEmail.trim() === '' ? 'is required to invite a main user' : EMAIL.test(f.userEmail.trim()) ? lengthError(f.userEmail, 254) : 'must be an email address');
      }
      break;
    case 'plan':
      if (f.licenceModel !== 'unlimited' && (f.plan === 'purchased' || f.licenceQuota.trim() !== '')) {
        const n = Number(f.licenceQuota);
        if (f.licenceQuota.trim() === '') set('licenceQuota', 'is required for a purchased plan (unless unlimited)');
        else if (!Number.isInteger(n) || n < 1 || n > 1_000_000) set('licenceQuota', 'must be a whole number from 1 to 1,000,000');
      }
      break;
  }
  return errors;
}

/** The request body of `POST /v1/customers` (blank optional fields left out). */
export function requestBody(f: CustomerForm): NewOrg {
  const quota = f.licenceModel === 'unlimited' || f.licenceQuota.trim() === '' ? undefined : Number(f.licenceQuota);
  return {
    accountType: f.accountType,
    name: f.name.trim(),
    country: f.country,
    ...(f.state.trim() ? { state: f.state.trim() } : {}),
    ...(hasAddress(f)
      ? { address: { line1: f.line1.trim(), ...(f.line2.trim() ? { line2: f.line2.trim() } : {}), postalCode: f.postalCode.trim(), city: f.city.trim() } }
      : {}),
    ...(f.vatId.trim() ? { vatId: f.vatId.trim() } : {}),
    ...(hasMainUser(f) ? { mainUser: { name: f.userName.trim(), email: f.userEmail.trim() } } : {}),
    plan: f.plan,
    licenceModel: f.licenceModel,
    ...(quota === undefined ? {} : { licenceQuota: quota }),
    serviceMode: f.serviceMode,
    paymentMethod: f.paymentMethod,
    accessDelegation: f.accessDelegation,
  };
}

const pointerFields: Record<string, FieldName> = {
  accountType: 'accountType',
  name: 'name',
  country: 'country',
  state: 'state',
  address: 'line1',
  'address/line1': 'line1',
  'address/line2': 'line2',
  'address/postalCode': 'postalCode',
  'address/city': 'city',
  vatId: 'vatId',
  mainUser: 'userName',
  'mainUser/name': 'userName',
  'mainUser/email': 'userEmail',
  plan: 'plan',
  licenceModel: 'licenceModel',
  licenceQuota: 'licenceQuota',
  serviceMode: 'serviceMode',
  paymentMethod: 'paymentMethod',
  accessDelegation: 'accessDelegation',
};

/** The form field a server error's pointer (`#/body/address/city`) names, if the form has one. */
export function fieldOfPointer(pointer: string): FieldName | undefined {
  const path = pointer.replace(/^#\/body\/?/, '');
  if (path === pointer) return undefined;
  return pointerFields[path];
}

/** The step that asks for `field`. */
export function stepOfField(field: FieldName): number {
  return steps.findIndex((s) => (s.fields as readonly FieldName[]).includes(field));
}
