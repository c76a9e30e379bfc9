/**
 * The executive report's calls to the BFF, over the provider's `ApiClient` (bearer token, one
 * renewal after a 401, problems turned into `ApiError`s).
 */
import type { ApiClient } from '../core/api-client.js';
import { attachmentName } from '../core/download.js';
import type { ExecutiveReport, ReportEmailPreview, ReportEmailPreviewLink, ReportEmailSent } from '../core/api-types.js';
import type { ReportPeriod } from './period.js';

const reportPath = (customerId: string) => `/v1/customers/${encodeURIComponent(customerId)}/reports/executive`;

function periodQuery(period: Partial<ReportPeriod>): URLSearchParams {
  const query = new URLSearchParams();
  if (period.from) query.set('from', period.from);
  if (period.to) query.set('to', period.to);
  return query;
}

/** The report as data; without a period the BFF answers the last 30 days. */
export function fetchReport(api: ApiClient, customerId: string, period: Partial<ReportPeriod>, signal?: AbortSignal): Promise<ExecutiveReport> {
  return api.json<ExecutiveReport>(reportPath(customerId), { query: periodQuery(period), ...(signal ? { signal } : {}) });
}

/**
 * The PDF, read as it streams so the caller can show how much arrived. The file name is the one
 * the BFF gives in `Content-Disposition`, else the same pattern it uses.
 */
export async function fetchReportPdf(
  api: ApiClient,
  report: Pick<ExecutiveReport, 'customer' | 'period'>,
  onProgress: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<{ blob: Blob; filename: string }> {
  const response = await api.request(`${reportPath(report.customer.id)}.pdf`, {
    query: periodQuery(report.period),
    headers: { accept: 'application/pdf' },
    ...(signal ? { signal } : {}),
  });
  const filename = attachmentName(response, `executive-report-${report.customer.slug}-${report.period.from}-${report.period.to}.pdf`);
  const reader = response.body?.getReader();
  if (!reader) return { blob: await response.blob(), filename };
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    bytes += value.byteLength;
    onProgress(bytes);
  }
  return { blob: new Blob(parts as BlobPart[], { type: 'application/pdf' }), filename };
}

export function fetchEmailPreview(api: ApiClient, customerId: string, period: ReportPeriod, signal?: AbortSignal): Promise<ReportEmailPreview> {
  return api.json<ReportEmailPreview>(`${reportPath(customerId)}/email`, { query: periodQuery(period), ...(signal ? { signal } : {}) });
}

/**
 * A short-lived signed URL of the email's HTML part. The frame loads it from the BFF, which serves
 * it with a CSP of its own: a `srcdoc` frame would inherit the host page's policy, which rightly
 * forbids the inline styles an email is made of.
 */
export function fetchEmailPreviewLink(api: ApiClient, customerId: string, period: ReportPeriod, signal?: AbortSignal): Promise<ReportEmailPreviewLink> {
  return api.json<ReportEmailPreviewLink>(`${reportPath(customerId)}/email/preview-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(period),
    ...(signal ? { signal } : {}),
  });
}

/** Sends the summary email. Retrying the same request with the same key sends nothing twice. */
export function sendReportEmail(api: ApiClient, customerId: string, body: { recipients: string[] } & ReportPeriod, idempotencyKey: string): Promise<ReportEmailSent> {
  return api.json<ReportEmailSent>(`${reportPath(customerId)}/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
}

/** The permission `/v1/me` lists for users who may email a report. */
export const SEND_PERMISSION = 'reports:send';

/** Recipients typed as one list (commas, semicolons, spaces or new lines between them). */
export function parseRecipients(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((r) => r.trim()).filter(Boolean))];
}

/** At most this many recipients per send (the viewer's limit; the BFF checks its own). */
export const MAX_RECIPIENTS = 20;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Why a recipients list cannot be sent, or null when it can. */
export function recipientsError(recipients: readonly string[]): string | null {
  if (!recipients.length) return 'Enter at least one email address.';
  if (recipients.length > MAX_RECIPIENTS) return `Send to at most ${MAX_RECIPIENTS} addresses at once.`;
  const bad = recipients.filter((r) => !EMAIL.test(r));
  if (bad.length) return `${bad.length === 1 ? 'This is not an email address' : 'These are not email addresses'}: ${bad.join(', ')}.`;
  return null;
}
