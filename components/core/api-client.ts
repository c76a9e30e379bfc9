import { ApiError, classifyProblem, type MspErrorDetail, type ProblemBody } from './errors.js';
import { attachmentName } from './download.js';
import type {
  ActivityPage,
  Customer,
  CustomerPatch,
  CustomerTransition,
  CustomerUsage,
  CustomerUsers,
  ExportFormat,
  FleetColumnId,
  FleetColumnsPreference,
  FleetPage,
  FleetQueryParams,
  FleetSummary,
  InviteSent,
  IpDistribution,
  IpDistributionChange,
  Licence,
  Me,
  NewOrg,
  CreatedOrg,
  PreferenceValues,
} from './api-types.js';

export type * from './api-types.js';

/** What the client needs from whoever holds the session (the provider). */
export interface SessionSource {
  /** A token valid for at least the next minute (fetches or refreshes when needed). */
  token(): Promise<string>;
  /** Called after a 401: fetch a new session and return its token. */
  renew(): Promise<string>;
}

export interface ApiClientOptions {
  apiBase: string;
  session: SessionSource;
  /** Told about every failed request, already classified (the provider re-emits it). */
  onError?: (detail: MspErrorDetail) => void;
  fetch?: typeof fetch;
}

/** A fetched value with its ETag, for resources updated with If-Match. */
export interface Versioned<T> {
  value: T;
  etag: string | null;
}

/** Filters and sort of the fleet, in the shape widgets keep them; `fleetQuery()` makes them a query string. */
export interface FleetListParams {
  limit?: number;
  cursor?: string | null;
  sort?: string;
  order?: 'asc' | 'desc';
  q?: string;
  status?: readonly string[];
  plan?: readonly string[];
  serviceMode?: readonly string[];
  paymentMethod?: readonly string[];
  tag?: readonly string[];
  lastScanBefore?: string;
  lastScanAfter?: string;
}

/** `FleetListParams` → the exact query `/v1/fleet` and `/v1/fleet/export` accept. Empty values are left out. */
export function fleetQuery(p: FleetListParams): URLSearchParams {
  const list = (v: readonly string[] | undefined) => (v && v.length ? v.join(',') : undefined);
  const entries: [keyof FleetQueryParams, string | undefined][] = [
    ['limit', p.limit === undefined ? undefined : String(p.limit)],
    ['cursor', p.cursor ?? undefined],
    ['sort', p.sort],
    ['order', p.order],
    ['q', p.q?.trim() || undefined],
    ['status', list(p.status)],
    ['plan', list(p.plan)],
    ['serviceMode', list(p.serviceMode)],
    ['paymentMethod', list(p.paymentMethod)],
    ['tag', list(p.tag)],
    ['lastScanBefore', p.lastScanBefore],
    ['lastScanAfter', p.lastScanAfter],
  ];
  const search = new URLSearchParams();
  for (const [key, value] of entries) if (value !== undefined && value !== '') search.set(key, value);
  return search;
}

/**
 * Typed client of the BFF. Adds the bearer token, renews the session once on a 401 and retries,
 * and turns every failure into an `ApiError` of the public error set.
 */
export class ApiClient {
  readonly apiBase: string;
  private readonly session: SessionSource;
  private readonly onError: ((detail: MspErrorDetail) => void) | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.session = options.session;
    this.onError = options.onError;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  url(path: string, query?: URLSearchParams): string {
    const qs = query?.toString();
    return `${this.apiBase}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Authenticated request; resolves only for 2xx responses. */
  async request(path: string, init: RequestInit & { query?: URLSearchParams } = {}): Promise<Response> {
    const { query, ...rest } = init;
    const url = this.url(path, query);
    const send = async (token: string) => {
      const headers = new Headers(rest.headers);
      headers.set('authorization', `Bearer ${token}`);
      if (!headers.has('accept')) headers.set('accept', 'application/json');
      return this.fetchImpl(url, { ...rest, headers });
    };
    try {
      let response = await send(await this.session.token());
      if (response.status === 401) response = await send(await this.session.renew());
      if (!response.ok) throw await this.problem(response);
      return response;
    } catch (error) {
      const e = error instanceof ApiError ? error : networkError(error, rest.signal);
      if (!(e.type === 'network_error' && rest.signal?.aborted)) this.onError?.(e.detail);
      throw e;
    }
  }

  async json<T>(path: string, init: RequestInit & { query?: URLSearchParams } = {}): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  /** One page of the fleet. */
  fleet(params: FleetListParams, signal?: AbortSignal): Promise<FleetPage> {
    return this.json<FleetPage>('/v1/fleet', { query: fleetQuery(params), ...(signal ? { signal } : {}) });
  }

  fleetSummary(signal?: AbortSignal): Promise<FleetSummary> {
    return this.json<FleetSummary>('/v1/fleet/summary', signal ? { signal } : {});
  }

  me(): Promise<Me> {
    return this.json<Me>('/v1/me');
  }

  /** The user's fleet columns (the BFF answers its default, version 0, until the first save). */
  async fleetColumns(): Promise<Versioned<FleetColumnsPreference | null>> {
    try {
      const response = await this.request('/v1/me/preferences/fleet-columns');
      const body: unknown = await response.json();
      return { value: preferenceValue(body), etag: etagOf(response, body) };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return { value: null, etag: null };
      throw error;
    }
  }

  /** Saves the fleet columns with `If-Match`: the ETag of the last read or write (`"0"` = never saved). */
  async saveFleetColumns(value: FleetColumnsPreference, etag: string | null): Promise<Versioned<FleetColumnsPreference>> {
    const response = await this.request('/v1/me/preferences/fleet-columns', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': etag ?? '"0"' },
      body: JSON.stringify({ value }),
    });
    let saved: FleetColumnsPreference = value;
    let body: unknown = null;
    if (response.status !== 204) {
      const text = await response.text();
      body = text ? (JSON.parse(text) as unknown) : null;
      saved = preferenceValue(body) ?? value;
    }
    return { value: saved, etag: etagOf(response, body) };
  }

  /** Any saved preference with its ETag (the BFF answers the default at version 0 until the first save). */
  async preference<K extends keyof PreferenceValues>(key: K): Promise<Versioned<PreferenceValues[K]>> {
    const response = await this.request(`/v1/me/preferences/${key}`);
    const body = (await response.json()) as { value: PreferenceValues[K] };
    return { value: body.value, etag: etagOf(response, body) };
  }

  /** Replaces a preference with `If-Match`: the ETag of the last read or write; a 412 carries the saved value as `current`. */
  async savePreference<K extends keyof PreferenceValues>(key: K, value: PreferenceValues[K], etag: string | null): Promise<Versioned<PreferenceValues[K]>> {
    const response = await this.request(`/v1/me/preferences/${key}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': etag ?? '"0"' },
      body: JSON.stringify({ value }),
    });
    const body = (await response.json()) as { value: PreferenceValues[K] };
    return { value: body.value, etag: etagOf(response, body) };
  }

  /**
   * Creates a customer, enterprise or sub-partner. Send the same `idempotencyKey` when retrying
   * the same request: the BFF then answers the first result again instead of creating a second org.
   */
  createCustomer(body: NewOrg, idempotencyKey: string): Promise<CreatedOrg> {
    return this.json<CreatedOrg>('/v1/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
  }

  /** The filtered fleet as a file generated by the BFF. */
  async exportFleet(format: ExportFormat, params: FleetListParams): Promise<{ blob: Blob; filename: string }> {
    const { cursor: _cursor, limit: _limit, ...filters } = params;
    const query = fleetQuery(filters);
    query.set('format', format);
    const response = await this.request('/v1/fleet/export', { query, headers: { accept: '*/*' } });
    return { blob: await response.blob(), filename: attachmentName(response, `fleet.${format}`) };
  }

  /** One customer with its ETag (the `If-Match` of every change to it). */
  async customer(id: string, signal?: AbortSignal): Promise<Versioned<Customer>> {
    const response = await this.request(`/v1/customers/${encodeURIComponent(id)}`, signal ? { signal } : {});
    const body = (await response.json()) as Customer;
    return { value: body, etag: etagOf(response, body) };
  }

  licence(customerId: string, signal?: AbortSignal): Promise<Licence> {
    return this.json<Licence>(`/v1/customers/${encodeURIComponent(customerId)}/licence`, signal ? { signal } : {});
  }

  /** Daily scans per product; `from`/`to` are `YYYY-MM-DD` (the BFF defaults to the last 30 days). */
  customerUsage(customerId: string, range: { from?: string; to?: string }, signal?: AbortSignal): Promise<CustomerUsage> {
    const query = new URLSearchParams();
    if (range.from) query.set('from', range.from);
    if (range.to) query.set('to', range.to);
    return this.json<CustomerUsage>(`/v1/customers/${encodeURIComponent(customerId)}/usage`, { query, ...(signal ? { signal } : {}) });
  }

  customerUsers(customerId: string, signal?: AbortSignal): Promise<CustomerUsers> {
    return this.json<CustomerUsers>(`/v1/customers/${encodeURIComponent(customerId)}/users`, signal ? { signal } : {});
  }

  /** Sends a new invite link (the old one stops working) and extends its expiry. */
  resendInvite(customerId: string, userId: string): Promise<InviteSent> {
    return this.json<InviteSent>(`/v1/customers/${encodeURIComponent(customerId)}/users/${encodeURIComponent(userId)}/invite`, { method: 'POST' });
  }

  /** One page of the tenant's audit log, newest first. */
  customerActivity(customerId: string, params: { limit?: number; cursor?: string | null }, signal?: AbortSignal): Promise<ActivityPage> {
    const query = new URLSearchParams();
    if (params.limit) query.set('limit', String(params.limit));
    if (params.cursor) query.set('cursor', params.cursor);
    return this.json<ActivityPage>(`/v1/customers/${encodeURIComponent(customerId)}/activity`, { query, ...(signal ? { signal } : {}) });
  }

  updateCustomer(customerId: string, patch: CustomerPatch, etag: string | null): Promise<Versioned<Customer>> {
    return this.changeCustomer(customerId, '', 'PATCH', patch, etag);
  }

  /** Lock, unlock, cancel, reactivate, convert to managed or to purchased (`{ licenceQuota? }`). */
  transitionCustomer(customerId: string, transition: CustomerTransition, etag: string | null, body?: { licenceQuota?: number }): Promise<Versioned<Customer>> {
    return this.changeCustomer(customerId, `/${transition}`, 'POST', body, etag);
  }

  /** Makes an active user of the tenant its main user. */
  setMainUser(customerId: string, userId: string, etag: string | null): Promise<Versioned<Customer>> {
    return this.changeCustomer(customerId, '/main-user', 'PUT', { userId }, etag);
  }

  /** Marks the customer `deleting`; a job then purges the tenant. */
  requestCustomerDeletion(customerId: string, etag: string | null): Promise<Versioned<Customer>> {
    return this.changeCustomer(customerId, '/deletion', 'POST', { confirm: 'DELETE' }, etag);
  }

  /** A customer's internal/external IPs, pending decrease and sell tiers, with the ETag of its changes. */
  async ipDistribution(customerId: string, signal?: AbortSignal): Promise<Versioned<IpDistribution>> {
    const response = await this.request(`/v1/customers/${encodeURIComponent(customerId)}/ip-distribution`, signal ? { signal } : {});
    const body = (await response.json()) as IpDistribution;
    return { value: body, etag: etagOf(response, body) };
  }

  /**
   * Sets the IPs with `If-Match`. A higher total applies now; a lower one becomes a pending
   * decrease at the end of the booking month. A 412 carries the distribution as it is now in `current`.
   */
  async saveIpDistribution(customerId: string, change: IpDistributionChange, etag: string | null): Promise<Versioned<IpDistribution>> {
    const response = await this.request(`/v1/customers/${encodeURIComponent(customerId)}/ip-distribution`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(etag ? { 'if-match': etag } : {}) },
      body: JSON.stringify(change),
    });
    const body = (await response.json()) as IpDistribution;
    return { value: body, etag: etagOf(response, body) };
  }

  /** Cancels the pending decrease with `If-Match`; answers the distribution as it is then. */
  async cancelPendingIps(customerId: string, etag: string | null): Promise<Versioned<IpDistribution>> {
    const response = await this.request(`/v1/customers/${encodeURIComponent(customerId)}/ip-distribution/pending`, {
      method: 'DELETE',
      headers: etag ? { 'if-match': etag } : {},
    });
    const body = (await response.json()) as IpDistribution;
    return { value: body, etag: etagOf(response, body) };
  }

  /** Every change of a customer carries `If-Match` and answers the updated customer with its new ETag. */
  private async changeCustomer(customerId: string, suffix: string, method: string, body: unknown, etag: string | null): Promise<Versioned<Customer>> {
    const headers: Record<string, string> = {};
    // Never a wildcard: without a known version the BFF answers 428 rather than overwrite blindly.
    if (etag) headers['if-match'] = etag;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.request(`/v1/customers/${encodeURIComponent(customerId)}${suffix}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const value = (await response.json()) as Customer;
    return { value, etag: etagOf(response, value) };
  }

  private async problem(response: Response): Promise<ApiError> {
    let body: ProblemBody | undefined;
    try {
      const text = await response.text();
      body = text ? (JSON.parse(text) as ProblemBody) : undefined;
    } catch {
      body = undefined;
    }
    const type = classifyProblem(response.status, body);
    const message = body?.detail || body?.title || `${response.status} ${response.statusText}`.trim();
    return new ApiError(type, message, response.status, body);
  }
}

function networkError(error: unknown, signal: AbortSignal | null | undefined): ApiError {
  if (signal?.aborted) return new ApiError('network_error', 'The request was cancelled.');
  return new ApiError('network_error', error instanceof Error ? `The BFF could not be reached: ${error.message}` : 'The BFF could not be reached.');
}

/** The ETag header, else a `version` in the body as a strong ETag. */
function etagOf(response: Response, body: unknown): string | null {
  const header = response.headers.get('etag');
  if (header) return header;
  const version = (body as { version?: unknown } | null)?.version;
  return typeof version === 'number' || typeof version === 'string' ? `"${version}"` : null;
}

/**
 * The value of a `Preference` (`{ key, value, version }`), or a bare value. Ids are checked
 * against the table's own columns by the element, so unknown ones pass through here.
 */
export function preferenceValue(body: unknown): FleetColumnsPreference | null {
  const b = body as { value?: unknown; visible?: unknown } | null;
  const v = (b && 'value' in b ? b.value : b) as { visible?: unknown; order?: unknown } | null;
  if (!v || !Array.isArray(v.visible)) return null;
  return {
    visible: v.visible.filter((c): c is FleetColumnId => typeof c === 'string'),
    ...(Array.isArray(v.order) ? { order: v.order.filter((c): c is FleetColumnId => typeof c === 'string') } : {}),
  };
}
