import { errors as joseErrors } from 'jose';
import { HttpProblem } from '../http/problem.js';
import type { ReportPeriod } from '../outputs/report-data.js';
import type { SigningKeys } from './signing-keys.js';

/**
 * Short-lived signed URLs of a summary email's HTML, for the report viewer's preview frame.
 *
 * The email is styled inline, and a widget cannot make its host page allow inline styles: a
 * `srcdoc` frame inherits the page's CSP. So the viewer frames a URL of the BFF instead, served
 * with a policy of its own (inline styles, images from the portal, nothing else). A frame sends
 * no bearer token, so the URL carries a token: signed with the embed-session keys for its own
 * audience (never a session, nor a report link), naming the customer, the period, the user whose
 * scope the email is read in, and the origins of the session that asked for it (the only pages
 * that may frame it). It lives five minutes — long enough to open the dialog — and, like a
 * report link, is checked again on use: the user must still be active and see the customer.
 */

export const EMAIL_PREVIEW_AUDIENCE = 'portico-email-preview';
export const EMAIL_PREVIEW_TTL_SECONDS = 300;

export interface EmailPreviewClaims {
  customerId: string;
  period: ReportPeriod;
  /** The user whose scope the email is read in. */
  userId: string;
  /** The pages that may frame the preview: the minting session's origins. */
  origins: string[];
}

/** Signs a preview; `url` is a path (`/v1/email-previews/<token>`) the widget puts under its api-base. */
export async function signEmailPreview(keys: SigningKeys, claims: EmailPreviewClaims): Promise<{ url: string; token: string; expiresAt: Date }> {
  const { token, expiresAt } = await keys.signFor(
    EMAIL_PREVIEW_AUDIENCE,
    { sub: claims.userId, cus: claims.customerId, from: claims.period.from, to: claims.period.to, origins: claims.origins },
    EMAIL_PREVIEW_TTL_SECONDS,
  );
  return { url: `/v1/email-previews/${token}`, token, expiresAt };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * An origin as embed sessions accept it (scheme, host, port). Checked again here because each one
 * is written into a response header: nothing that could end a CSP directive gets through.
 */
const ORIGIN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

const invalid = () => new HttpProblem(401, 'authentication_error', 'This is not a valid email preview address.');

/** Verifies a preview token: 401 when it is not one of ours, 410 when it has expired. */
export async function verifyEmailPreview(keys: SigningKeys, token: string): Promise<EmailPreviewClaims> {
  let payload;
  try {
    ({ payload } = await keys.verifyFor(token, EMAIL_PREVIEW_AUDIENCE, EMAIL_PREVIEW_TTL_SECONDS));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired || (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iat')) {
      throw new HttpProblem(410, 'link_expired', 'This email preview has expired. Open the preview again.');
    }
    throw invalid();
  }
  const { sub, cus, from, to, origins } = payload as { sub?: unknown; cus?: unknown; from?: unknown; to?: unknown; origins?: unknown };
  if (
    typeof sub !== 'string' || !UUID.test(sub) || typeof cus !== 'string' || !UUID.test(cus) ||
    typeof from !== 'string' || !DAY.test(from) || typeof to !== 'string' || !DAY.test(to) ||
    !Array.isArray(origins) || !origins.every((o): o is string => typeof o === 'string' && ORIGIN.test(o))
  ) {
    throw invalid();
  }
  return { userId: sub, customerId: cus, period: { from, to }, origins };
}

/**
 * The preview's Content-Security-Policy: the email's inline styles and its logo (served by the
 * portal, `imgOrigin`) render; nothing runs, loads or submits (`sandbox` makes the document an
 * opaque origin even when opened directly); only the minting session's pages may frame it.
 */
export function emailPreviewCsp(imgOrigin: string, frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src ${imgOrigin} data:`,
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    'sandbox',
  ].join('; ');
}
