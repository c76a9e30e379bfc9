/**
 * The usage report's calls to the BFF (`GET /v1/usage-report`, `…/export`), over the provider's
 * `ApiClient`, and the shapes it answers (the BFF's OpenAPI schemas `UsageReport`, `UsageCustomer`).
 */
import type { ApiClient } from '../core/api-client.js';
import { attachmentName } from '../core/download.js';

export type Partnership = 'mssp' | 'reseller';
export type UsageProduct = 'external' | 'internal' | 'web_app' | 'compliance';
export type ProductCounts = Record<UsageProduct, number>;

export interface UsagePeriod {
  start: string;
  /** Exclusive. */
  end: string;
  /** `YYYY-MM`: the month the period ends in. */
  label: string;
  amountMinor: number;
  costMinor: number | null;
  marginMinor: number | null;
  acvMinor: number;
  customersBilled: number;
  scans: ProductCounts;
}

export interface UsageCustomer {
  id: string;
  name: string;
  status: string;
  renewsAt: string | null;
  /** Per period, aligned with the report's `periods`. */
  amountMinor: number[];
  costMinor: number[] | null;
  acvMinor: number[];
  scans: Record<UsageProduct, number[]>;
}

export interface UsageLine {
  customerId: string;
  customerName: string;
  description: string;
  from: string;
  to: string;
  ips: number;
  amountMinor: number;
  costMinor: number | null;
}

export interface UsageReport {
  type: Partnership;
  partnerships: { type: Partnership; sellers: { id: string; name: string }[] }[];
  seller: { id: string; name: string; timeZone: string; currency: string } | null;
  costs: boolean;
  period: { start: string; end: string; label: string } | null;
  products: { product: UsageProduct; label: string }[];
  periods: UsagePeriod[];
  summary: { customers: number; active: number; acvMinor: number; renewalsNextThreeMonths: number };
  customers: UsageCustomer[];
  invoice: { lines: UsageLine[]; totals: { amountMinor: number; costMinor: number | null; marginMinor: number | null } };
}

export interface UsageQuery {
  type?: Partnership | undefined;
  period?: string | undefined;
  seller?: string | undefined;
}

export type UsageWorkbook = 'usage' | 'acv-history';

function query(q: UsageQuery): URLSearchParams {
  const out = new URLSearchParams();
  if (q.type) out.set('type', q.type);
  if (q.period) out.set('period', q.period);
  if (q.seller) out.set('seller', q.seller);
  return out;
}

export function fetchUsage(api: ApiClient, q: UsageQuery, signal?: AbortSignal): Promise<UsageReport> {
  return api.json<UsageReport>('/v1/usage-report', { query: query(q), ...(signal ? { signal } : {}) });
}

/** An Excel workbook made by the BFF, named as its `Content-Disposition` says. */
export async function fetchUsageWorkbook(api: ApiClient, q: UsageQuery, content: UsageWorkbook): Promise<{ blob: Blob; filename: string }> {
  const params = query(q);
  params.set('content', content);
  params.set('format', 'xlsx');
  const response = await api.request('/v1/usage-report/export', { query: params, headers: { accept: '*/*' } });
  return { blob: await response.blob(), filename: attachmentName(response, `${content}-${q.type ?? 'report'}.xlsx`) };
}
