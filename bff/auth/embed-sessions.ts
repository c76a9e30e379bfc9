import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';
import { accountManagerAssignments, auditLog, customerProfiles, orgs, roleAssignments, users } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import type { ApiKeyPrincipal, Deps } from '../http/env.js';
import { HttpProblem } from '../http/problem.js';
import { sessionScope } from './api-keys.js';
import { customerRoles, delegationAllows, mspRoles, type Role } from './roles.js';
import { isUuid } from '../domain/ids.js';

export interface EmbedSessionRequest {
  user: { externalId: string; email: string; name: string };
  role: Role;
  tenantId?: string | undefined;
  customerIds?: string[] | undefined;
  origins: string[];
  ttlSeconds?: number | undefined;
}

export const DEFAULT_SESSION_TTL_SECONDS = 900;

const field = (pointer: string, detail: string) =>
  new HttpProblem(400, 'invalid_request', detail, [{ pointer: `#/body/${pointer}`, detail }]);


/**
 * Mints an embed session for a user of the key's org subtree: checks the tenant, the role
 * against the key's scopes, the tenant's kind and its access delegation, provisions the user
 * just in time (the MSP's server is the authority on who its users are and what role they
 * hold now), and signs a short-lived token. All of it runs under the key's RLS scope.
 */
/**
 * A user invited at onboarding exists before the MSP's server knows it: it is keyed
 * `invite:<email>` until the first session for that email in that tenant, which gives it the
 * MSP's own external id. The user keeps its id, roles and invite history, so an invited main
 * user who accepted signs in as the same user the customer record names.
 */
async function adoptInvitedUser(tx: Tx, tenantId: string, user: EmbedSessionRequest['user']): Promise<void> {
  const [known] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.externalId, user.externalId)));
  if (known) return;
  await tx
    .update(users)
    .set({ externalId: user.externalId })
    .where(and(eq(users.tenantId, tenantId), eq(users.externalId, `invite:${user.email.toLowerCase()}`)));
}

export async function mintEmbedSession(deps: Deps, key: ApiKeyPrincipal, req: EmbedSessionRequest, requestId: string) {
  if (!key.scopes.includes(sessionScope(req.role))) {
    throw new HttpProblem(403, 'forbidden', `This API key may not mint ${req.role} sessions.`);
  }
  if (req.customerIds && req.role !== 'msp_account_manager') {
    throw field('customerIds', 'customerIds is only for the msp_account_manager role');
  }
  const { userId, tenantId } = await withScope(deps.db, key, async (tx) => {
    const tenantRef = req.tenantId ?? key.orgId;
    const [tenant] = await tx
      .select({ id: orgs.id, kind: orgs.kind })
      .from(orgs)
      .where(isUuid(tenantRef) ? eq(orgs.id, tenantRef) : eq(orgs.slug, tenantRef));
    if (!tenant) throw new HttpProblem(404, 'not_found', 'No tenant with that id exists under this API key.');

    const mspSide = tenant.kind === 'msp' || tenant.kind === 'partner';
    if (mspSide !== mspRoles.includes(req.role)) {
      throw field('role', mspSide
        ? `${req.role} is a customer role; the tenant is an MSP or partner (use one of ${mspRoles.join(', ')})`
        : `${req.role} is an MSP role; the tenant is a customer (use one of ${customerRoles.join(', ')})`);
    }
    if (!mspSide) {
      const [profile] = await tx
        .select({ status: customerProfiles.status, delegation: customerProfiles.accessDelegation, revokedAt: customerProfiles.revokedAt })
        .from(customerProfiles)
        .where(eq(customerProfiles.tenantId, tenant.id));
      if (!profile) throw new HttpProblem(403, 'forbidden', 'This organisation has no customer portal access.');
      // The customer's users are its data: once it has revoked its MSP's access, RLS no longer
      // lets this key provision or update them.
      if (profile.revokedAt) {
        throw new HttpProblem(403, 'forbidden', "The customer has revoked its MSP's access; this API key cannot mint sessions for its users.");
      }
      if (profile.status === 'locked' || profile.status === 'deleting') {
        throw new HttpProblem(403, 'forbidden', `The customer account is ${profile.status}; its users cannot sign in.`);
      }
      if (!delegationAllows(req.role, profile.delegation)) {
        throw new HttpProblem(403, 'forbidden', `Access delegation for this customer is "${profile.delegation}", which does not allow ${req.role}.`);
      }
    }
    // Ids compare in Postgres' lower-case form; a field error names the index the caller sent.
    const customerIds = req.customerIds?.map((id) => id.toLowerCase());
    if (customerIds?.length) {
      const ids = [...new Set(customerIds)];
      const inside = await queryRows<{ id: string }>(
        tx,
        sql`select o.id from orgs o join customer_profiles cp on cp.tenant_id = o.id
             where o.id = any(${sql.param(ids)}::uuid[]) and o.id in (select portico.subtree(${tenant.id}::uuid))`,
      );
      const found = new Set(inside.map((r) => r.id));
      const missing = customerIds.findIndex((id) => !found.has(id));
      if (missing >= 0) throw field(`customerIds/${missing}`, 'not a customer of this tenant');
    }

    await adoptInvitedUser(tx, tenant.id, req.user);
    const [user] = await tx
      .insert(users)
      .values({ tenantId: tenant.id, externalId: req.user.externalId, email: req.user.email, name: req.user.name })
      .onConflictDoUpdate({
        target: [users.tenantId, users.externalId],
        set: { email: req.user.email, name: req.user.name, lastSeenAt: sql`now()` },
      })
      .returning({ id: users.id, status: users.status });
    if (!user) throw new Error('user was not provisioned');
    if (user.status === 'invited') {
      throw new HttpProblem(403, 'forbidden', 'The user has not accepted the invitation yet and cannot get a session.');
    }
    if (user.status !== 'active') {
      throw new HttpProblem(403, 'forbidden', `The user is ${user.status} and cannot get a session.`);
    }
    await tx
      .delete(roleAssignments)
      .where(and(eq(roleAssignments.tenantId, tenant.id), eq(roleAssignments.userId, user.id), ne(roleAssignments.role, req.role)));
    await tx.insert(roleAssignments).values({ tenantId: tenant.id, userId: user.id, role: req.role }).onConflictDoNothing();
    if (req.role === 'msp_account_manager' && customerIds) {
      const current = await tx
        .select({ id: accountManagerAssignments.tenantId })
        .from(accountManagerAssignments)
        .where(eq(accountManagerAssignments.userId, user.id));
      const wanted = new Set(customerIds);
      const stale = current.map((r) => r.id).filter((id) => !wanted.has(id));
      if (stale.length) {
        await tx
          .delete(accountManagerAssignments)
          .where(and(eq(accountManagerAssignments.userId, user.id), inArray(accountManagerAssignments.tenantId, stale)));
      }
      if (wanted.size) {
        await tx
          .insert(accountManagerAssignments)
          .values([...wanted].map((id) => ({ tenantId: id, userId: user.id })))
          .onConflictDoNothing();
      }
    }
    await tx.insert(auditLog).values({
      tenantId: tenant.id,
      actorId: null,
      actorRole: 'api_key',
      action: 'embed_session.create',
      targetId: user.id,
      after: { apiKeyId: key.apiKeyId, role: req.role, origins: req.origins, customerIds: req.customerIds ?? null },
      requestId,
    });
    return { userId: user.id, tenantId: tenant.id };
  });

  const ttl = req.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const { token, expiresAt } = await deps.keys.sign({ sub: userId, org: tenantId, role: req.role, origins: req.origins }, ttl);
  return { token, expiresAt, userId, tenantId };
}
