import { sql } from 'drizzle-orm';
import { errors as joseErrors } from 'jose';
import type { Config } from '../config.js';
import { queryRows, type Database } from '../db/client.js';
import { withScope, type Principal } from '../db/scope.js';
import { HttpProblem } from '../http/problem.js';
import { executiveReport, type ExecutiveReport, type ReportPeriod } from '../outputs/report-data.js';
import { can, type Role } from './roles.js';
import type { SigningKeys } from './signing-keys.js';

/**
 * Signed, expiring links to a customer's executive-report PDF, for the summary email: the
 * recipients (a customer's leadership) have no Portico session, so the link itself carries who
 * may see what, signed with the same keys as embed sessions but for its own audience, so a link
 * is never accepted as a session nor a session as a link.
 *
 * The token names the customer, the period and the user whose access it borrows (who sent the
 * email, or who created the schedule). Nothing is snapshotted: on every use the user must still
 * be active and hold a role that reads customers, and the report is built inside that user's
 * scope, so Row-Level Security decides again whether the customer is visible. A user who left,
 * an account manager unassigned from the customer, a customer that revoked its MSP's access: the
 * link stops working (410), though it has not expired.
 */

export const REPORT_LINK_AUDIENCE = 'portico-report-link';

export interface ReportLinkClaims {
  customerId: string;
  period: ReportPeriod;
  /** The user whose scope the report is read in. */
  userId: string;
}

/** Signs a link; `url` is `<portalUrl>/v1/report-links/<token>` (the portal serves the BFF under /v1). */
export async function signReportLink(keys: SigningKeys, config: Pick<Config, 'portalUrl' | 'reportLinkTtlHours'>, claims: ReportLinkClaims): Promise<{ url: string; token: string; expiresAt: Date }> {
  const ttlSeconds = Math.round(config.reportLinkTtlHours * 3600);
  const { token, expiresAt } = await keys.signFor(REPORT_LINK_AUDIENCE, { sub: claims.userId, cus: claims.customerId, from: claims.period.from, to: claims.period.to }, ttlSeconds);
  return { url: `${config.portalUrl}/v1/report-links/${token}`, token, expiresAt };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verifies a link's token: 401 when it is not one of ours, 410 when it has expired. */
export async function verifyReportLink(keys: SigningKeys, config: Pick<Config, 'reportLinkTtlHours'>, token: string): Promise<ReportLinkClaims> {
  let payload;
  try {
    ({ payload } = await keys.verifyFor(token, REPORT_LINK_AUDIENCE, Math.round(config.reportLinkTtlHours * 3600)));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired || (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iat')) {
      throw new HttpProblem(410, 'link_expired', 'This report link has expired. Ask the sender for a new summary email.');
    }
    throw new HttpProblem(401, 'authentication_error', 'This is not a valid report link. Check that it was copied completely.');
  }
  const { sub, cus, from, to } = payload as { sub?: unknown; cus?: unknown; from?: unknown; to?: unknown };
  if (typeof sub !== 'string' || !UUID.test(sub) || typeof cus !== 'string' || !UUID.test(cus) || typeof from !== 'string' || !DAY.test(from) || typeof to !== 'string' || !DAY.test(to)) {
    throw new HttpProblem(401, 'authentication_error', 'This is not a valid report link. Check that it was copied completely.');
  }
  return { userId: sub, customerId: cus, period: { from, to } };
}

const revoked = () =>
  new HttpProblem(410, 'link_expired', 'This report link no longer works: its sender no longer has access to the report. Ask for a new summary email.');

/**
 * The principal a user acts as now (read as the owner: there is no session), or null when the
 * user is not active or holds no role that reads customers.
 */
export async function activePrincipal(db: Database, userId: string): Promise<Principal | null> {
  const [user] = await queryRows<{ id: string; tenant_id: string; status: string; role: Role | null }>(
    db,
    sql`select u.id, u.tenant_id, u.status::text as status, r.role::text as role
          from users u left join role_assignments r on r.tenant_id = u.tenant_id and r.user_id = u.id
         where u.id = ${userId}::uuid
         order by r.role limit 1`,
  );
  if (!user || user.status !== 'active' || !user.role || !can(user.role, 'customers:read')) return null;
  return { kind: 'user', userId: user.id, role: user.role, orgId: user.tenant_id };
}

/** The report a link opens, read in its user's scope now; 410 when that user lost access. */
export async function openReportLink(db: Database, claims: ReportLinkClaims, now: Date): Promise<ExecutiveReport> {
  const principal = await activePrincipal(db, claims.userId);
  if (!principal) throw revoked();
  const report = await withScope(db, principal, (tx) => executiveReport(tx, claims.customerId, claims.period, now));
  if (!report) throw revoked();
  return report;
}
