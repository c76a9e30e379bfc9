import { createHash, randomBytes } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { rateLimit, sessionRoute } from '../auth/middleware.js';
import type { Role } from '../auth/roles.js';
import { queryRows, type Tx } from '../db/client.js';
import {
  auditLog,
  customerMetrics,
  customerProfiles,
  invites,
  orgs,
  roleAssignments,
  subscriptions,
  users,
} from '../db/schema.js';
import { appendEvent } from '../db/queries/pricing.js';
import { withoutPrincipal, withScope } from '../db/scope.js';
import { stateRequired } from '../domain/addresses.js';
import { checkVat, normaliseVatId } from '../domain/vat.js';
import { dbPrincipal, type AppEnv, type SessionPrincipal } from '../http/env.js';
import { IdempotencyKeyHeader, idempotent } from '../http/idempotency.js';
import { HttpProblem, notFound, type FieldError } from '../http/problem.js';
import { router } from '../http/router.js';
import { queueEmail, sendQueued } from '../outputs/email/queue.js';
import { Customer, readCustomer } from './customers.js';
import { commonErrors, IdParam, json, notFoundError, problem, Timestamp, Uuid } from './schemas.js';

/**
 * Onboarding: an MSP admin creates a customer, enterprise or sub-partner below an org it
 * manages, optionally with a main user who gets an expiring invite link; the admin can list a
 * tenant's users and re-send an invite until it is accepted; the invitee accepts with the
 * token from the link (no session: the token is the credential).
 */

const DAY_MS = 86_400_000;

function oneYearAfter(date: Date): Date {
  const next = new Date(date);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function isCountry(code: string): boolean {
  try {
    return /^[A-Z]{2}$/.test(code) && regionNames.of(code) !== code;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max);

const NewOrg = z
  .object({
    accountType: z.enum(['customer', 'partner', 'enterprise']).describe('`partner` creates a sub-partner, which may add customers of its own'),
    parentId: Uuid.optional().describe("The org to create it below; default: the caller's org"),
    name: text(200),
    country: z
      .string()
      .length(2)
      .refine(isCountry, { error: 'must be an ISO 3166-1 alpha-2 country code in upper case, such as DE' })
      .openapi({ example: 'DE' }),
    state: text(100).optional().describe('Required for US, CA and AU'),
    address: z
      .object({ line1: text(200), line2: z.string().trim().max(200).optional(), postalCode: text(20), city: text(100) })
      .optional(),
    vatId: z
      .string()
      .max(40)
      .regex(/^[A-Za-z0-9 .-]*$/, { error: 'may hold only letters, digits, spaces, dots and dashes' })
      .optional()
      .describe("Required when the country differs from the MSP's; EU formats are checked"),
    mainUser: z.object({ name: text(200), email: z.email({ error: 'must be an email address' }).max(254) }).optional(),
    plan: z.enum(['trial', 'purchased']),
    licenceModel: z.enum(['per_asset', 'per_scan', 'unlimited']),
    licenceQuota: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .nullable()
      .optional()
      .describe('Trial: default 5. Purchased: required unless unlimited. Unlimited: none'),
    serviceMode: z.enum(['managed', 'self_service']).optional(),
    paymentMethod: z.enum(['invoice', 'credit_card', 'project_key']).optional(),
    accessDelegation: z.enum(['disabled', 'read_only', 'full']).optional(),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, { error: 'must be an IANA time zone, such as Europe/Berlin' })
      .optional()
      .describe("Default: the parent org's"),
  })
  .openapi('NewOrg');
type NewOrgInput = z.infer<typeof NewOrg>;

const Invite = z.object({ userId: Uuid, email: z.string(), expiresAt: Timestamp }).openapi('Invite');

const CreatedOrg = z
  .object({
    id: Uuid,
    kind: z.enum(['customer', 'partner', 'enterprise']),
    slug: z.string(),
    name: z.string(),
    parentId: Uuid,
    customer: Customer.nullable().describe('null for a sub-partner'),
    invite: Invite.nullable(),
  })
  .openapi('CreatedOrg');
type CreatedOrgJson = z.infer<typeof CreatedOrg>;

const TenantUser = z
  .object({
    id: Uuid,
    name: z.string(),
    email: z.string(),
    status: z.enum(['invited', 'active', 'deactivated']),
    roles: z.array(z.string()),
    isMainUser: z.boolean(),
    invite: z
      .object({
        expiresAt: Timestamp,
        acceptedAt: Timestamp.nullable(),
        sentCount: z.number().int(),
        lastSentAt: Timestamp,
        expired: z.boolean(),
      })
      .nullable(),
  })
  .openapi('TenantUser');

const TenantUsers = z
  .object({
    items: z.array(TenantUser),
    contact: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  })
  .openapi('TenantUsers');

const InviteSent = z
  .object({ userId: Uuid, email: z.string(), expiresAt: Timestamp, sentCount: z.number().int() })
  .openapi('InviteSent');

const InviteAcceptance = z
  .object({ token: z.string().min(1, { error: 'must not be empty' }).max(256).describe('The `token` of the invite link') })
  .openapi('InviteAcceptance');

const InviteAccepted = z
  .object({ status: z.enum(['accepted', 'already_accepted']), email: z.string() })
  .openapi('InviteAccepted');

const UserParams = IdParam.extend({
  userId: Uuid.openapi({ param: { name: 'userId', in: 'path' }, example: '2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d' }),
});

const create = createRoute({
  method: 'post',
  path: '/v1/customers',
  tags: ['onboarding'],
  summary: 'Create a customer, enterprise or sub-partner (with an invited main user)',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:create'),
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: NewOrg } } },
  },
  responses: {
    201: json(CreatedOrg, 'Created; `Location` names the new customer'),
    ...commonErrors,
    404: problem('`parentId` names no org the caller manages'),
    422: problem('The `Idempotency-Key` was used before with a different request'),
  },
});

const listUsers = createRoute({
  method: 'get',
  path: '/v1/customers/{id}/users',
  tags: ['onboarding'],
  summary: "A customer's users, their roles and invites, and its contact",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('users:read'),
  request: { params: IdParam },
  responses: { 200: json(TenantUsers, 'The users, main user first'), ...commonErrors, ...notFoundError },
});

const resendInvite = createRoute({
  method: 'post',
  path: '/v1/customers/{id}/users/{userId}/invite',
  tags: ['onboarding'],
  summary: 'Re-send an invite: a new link (the old one stops working) with a new expiry',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:manage'),
  request: { params: UserParams },
  responses: {
    202: json(InviteSent, 'A new invite email is on its way'),
    ...commonErrors,
    ...notFoundError,
    409: problem('The user has accepted already (or is not waiting for an invite)'),
  },
});

const accept = createRoute({
  method: 'post',
  path: '/v1/invites/accept',
  tags: ['onboarding'],
  summary: 'Accept an invite with the token of its link (no session needed)',
  middleware: [rateLimit],
  request: { body: { required: true, content: { 'application/json': { schema: InviteAcceptance } } } },
  responses: {
    200: json(InviteAccepted, 'The user is active (or was already)'),
    400: commonErrors[400],
    404: problem('No invite has this token (mistyped, or replaced by a newer one)'),
    410: problem('The invite has expired; ask for a new one'),
    429: commonErrors[429],
  },
});

/** An invite token: 32 random bytes for the link; only its SHA-256 is stored. */
export function newInviteToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashInviteToken(token) };
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A slug from a name: lower-case ASCII letters, digits and dashes. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'org';
}

/** The SQLSTATE of a database error, looking through the wrapper drizzle adds. */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

const badRequest = (errors: FieldError[]) =>
  new HttpProblem(400, 'invalid_request', `The request is not valid: check ${errors.map((e) => e.pointer.slice(2)).join(', ')}.`, errors);

/** Rules across fields, which the schema alone cannot say. */
function crossFieldErrors(body: NewOrgInput, sellerCountry: string): FieldError[] {
  const errors: FieldError[] = [];
  if (stateRequired(body.country) && !body.state) {
    errors.push({ pointer: '#/body/state', detail: `is required for addresses in ${body.country}` });
  }
  if (body.accountType !== 'partner') {
    const vat = checkVat(body.country, body.vatId, sellerCountry);
    if (vat) errors.push({ pointer: '#/body/vatId', detail: vat.detail });
  }
  const quota = body.licenceQuota ?? null;
  if (body.licenceModel === 'unlimited' && quota !== null) {
    errors.push({ pointer: '#/body/licenceQuota', detail: 'must be left out for the unlimited licence model' });
  }
  if (body.plan === 'purchased' && body.licenceModel !== 'unlimited' && quota === null) {
    errors.push({ pointer: '#/body/licenceQuota', detail: 'is required for a purchased plan (unless unlimited)' });
  }
  return errors;
}

interface ParentFacts {
  id: string;
  timeZone: string;
  /** The nearest org at or above the parent that sells: the MSP or sub-partner. */
  seller: { id: string; name: string; country: string; currency: string };
}

async function parentFacts(tx: Tx, parentId: string): Promise<ParentFacts | null> {
  const rows = await queryRows<{ id: string; kind: string; name: string; country: string; currency: string; time_zone: string; depth: number }>(
    tx,
    sql`with recursive up as (
          select o.id, o.parent_id, o.kind, o.name, o.country, o.currency, o.time_zone, 0 as depth
            from orgs o where o.id = ${parentId}::uuid
          union all
          select o.id, o.parent_id, o.kind, o.name, o.country, o.currency, o.time_zone, up.depth + 1
            from orgs o join up on o.id = up.parent_id
           where up.kind not in ('msp', 'partner'))
        select id, kind::text as kind, name, country, currency, time_zone, depth from up order by depth`,
  );
  const parent = rows[0];
  const seller = rows.find((r) => r.kind === 'msp' || r.kind === 'partner');
  if (!parent || !seller) return null;
  return { id: parent.id, timeZone: parent.time_zone, seller: { id: seller.id, name: seller.name, country: seller.country, currency: seller.currency } };
}

/**
 * Creates the org through `portico.create_org` (the request role cannot insert into `orgs`),
 * taking the first free slug of `acme`, `acme-2`, … A taken slug aborts only its savepoint.
 */
async function createOrg(tx: Tx, parent: ParentFacts, body: NewOrgInput, timeZone: string): Promise<{ id: string; slug: string }> {
  const base = slugOf(body.name);
  const candidates = [base, ...[2, 3, 4, 5].map((n) => `${base}-${n}`), `${base}-${randomBytes(4).toString('hex')}`];
  for (const slug of candidates) {
    try {
      // A nested transaction is a savepoint: a taken slug rolls back only this attempt.
      const id = await tx.transaction(async (attempt) => {
        const [row] = await queryRows<{ id: string }>(
          attempt,
          sql`select portico.create_org(${parent.id}::uuid, ${body.accountType}::org_kind, ${slug}, ${body.name},
                                        ${body.country}, ${body.state ?? null}, ${timeZone}, ${parent.seller.currency}) as id`,
        );
        return row!.id;
      });
      return { id, slug };
    } catch (error) {
      const state = sqlState(error);
      if (state === '23505') continue;
      if (state === '42501') throw notFound('org');
      if (state === '23514') {
        throw badRequest([{ pointer: '#/body/accountType', detail: `cannot be created below this org (${body.accountType} is not allowed there)` }]);
      }
      throw error;
    }
  }
  throw new HttpProblem(409, 'conflict', 'No free slug for this name; try a more distinctive name.');
}

async function recordAudit(tx: Tx, c: Context<AppEnv>, tenantId: string, action: string, targetId: string, before: unknown, after: unknown) {
  const s = c.var.session;
  await tx.insert(auditLog).values({
    tenantId,
    actorId: s.userId,
    actorRole: s.role,
    action,
    targetId,
    before: before ?? null,
    after: after ?? null,
    requestId: c.var.requestId,
  });
}

async function inviterName(tx: Tx, s: SessionPrincipal): Promise<string> {
  const [me] = await tx.select({ name: users.name }).from(users).where(eq(users.id, s.userId));
  if (!me) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
  return me.name;
}

const inviteUrl = (c: Context<AppEnv>, token: string) => `${c.var.deps.config.portalUrl}/accept-invite?token=${encodeURIComponent(token)}`;

async function queueInvite(
  tx: Tx,
  c: Context<AppEnv>,
  invite: { tenantId: string; email: string; token: string; expiresAt: Date; customerName: string; mspName: string; inviter: string },
) {
  return queueEmail(tx, {
    tenantId: invite.tenantId,
    kind: 'invite',
    to: [invite.email],
    subject: `${invite.mspName} invites you to ${invite.customerName}`,
    data: {
      inviteUrl: inviteUrl(c, invite.token),
      customerName: invite.customerName,
      mspName: invite.mspName,
      inviterName: invite.inviter,
      expiresAt: invite.expiresAt.toISOString(),
    },
  });
}

export function onboardingRoutes() {
  return router()
    .openapi(create, async (c) => {
      const s = c.var.session;
      const body = c.req.valid('json');
      const now = c.var.deps.now?.() ?? new Date();
      const emails: { tenantId: string; id: string }[] = [];

      const result = await idempotent<CreatedOrgJson>(c, async (tx) => {
        const parentId = body.parentId ?? s.orgId;
        const parent = await parentFacts(tx, parentId);
        if (!parent) throw notFound('org');
        const errors = crossFieldErrors(body, parent.seller.country);
        if (errors.length) throw badRequest(errors);

        const org = await createOrg(tx, parent, body, body.timeZone ?? parent.timeZone);
        const inviter = await inviterName(tx, s);
        let invite: CreatedOrgJson['invite'] = null;
        let mainUserId: string | null = null;
        if (body.mainUser) {
          const email = body.mainUser.email.toLowerCase();
          // A sub-partner's first user administers it the way an MSP admin does.
          const role: Role = body.accountType === 'partner' ? 'msp_admin' : 'customer_admin';
          const [user] = await tx
            .insert(users)
            .values({ tenantId: org.id, externalId: `invite:${email}`, email, name: body.mainUser.name, status: 'invited' })
            .returning({ id: users.id });
          mainUserId = user!.id;
          await tx.insert(roleAssignments).values({ tenantId: org.id, userId: mainUserId, role });
          const { token, hash } = newInviteToken();
          const expiresAt = new Date(now.getTime() + c.var.deps.config.inviteTtlHours * 3_600_000);
          await tx.insert(invites).values({ tenantId: org.id, userId: mainUserId, email, tokenHash: hash, expiresAt, lastSentAt: now, createdAt: now });
          emails.push(await queueInvite(tx, c, { tenantId: org.id, email, token, expiresAt, customerName: body.name, mspName: parent.seller.name, inviter }));
          await recordAudit(tx, c, org.id, 'user.invite', mainUserId, null, { email, role, expiresAt: expiresAt.toISOString() });
          invite = { userId: mainUserId, email, expiresAt: expiresAt.toISOString() };
        }

        let subscription: Omit<typeof subscriptions.$inferInsert, 'tenantId'> | null = null;
        if (body.accountType !== 'partner') {
          const vatId = body.vatId ? normaliseVatId(body.vatId) : null;
          await tx.insert(customerProfiles).values({
            tenantId: org.id,
            status: 'active',
            serviceMode: body.serviceMode ?? 'managed',
            paymentMethod: body.paymentMethod ?? 'invoice',
            accessDelegation: body.accessDelegation ?? 'disabled',
            contactName: body.mainUser?.name ?? null,
            contactEmail: body.mainUser?.email.toLowerCase() ?? null,
            addressLine1: body.address?.line1 ?? null,
            addressLine2: body.address?.line2 || null,
            postalCode: body.address?.postalCode ?? null,
            city: body.address?.city ?? null,
            vatId: vatId || null,
            mainUserId,
            createdAt: now,
            updatedAt: now,
          });
          const trial = body.plan === 'trial';
          const quota = body.licenceModel === 'unlimited' ? null : (body.licenceQuota ?? 5);
          subscription = {
            plan: body.plan,
            licenceModel: body.licenceModel,
            licenceQuota: quota,
            currency: parent.seller.currency,
            // No IPs yet, so nothing to pay: the first quota change prices it (ip-distribution).
            monthlyPriceMinor: 0,
            monthlyCostMinor: 0,
            startedAt: now,
            trialEndsAt: trial ? new Date(now.getTime() + 30 * DAY_MS) : null,
            renewsAt: trial ? null : oneYearAfter(now),
          } satisfies Omit<typeof subscriptions.$inferInsert, 'tenantId'>;
          const [created] = await tx.insert(subscriptions).values({ tenantId: org.id, ...subscription }).returning({ id: subscriptions.id });
          // The first event of the subscription's history, from which its invoices are computed.
          await appendEvent(tx, org.id, created!.id, { kind: 'started', at: now, plan: body.plan, ipsInternal: 0, ipsExternal: 0, actorId: s.userId });
          await tx.insert(customerMetrics).values({ tenantId: org.id, refreshedAt: now });
        }
        await recordAudit(tx, c, org.id, 'org.create', org.id, null, {
          kind: body.accountType,
          slug: org.slug,
          name: body.name,
          parentId: parent.id,
          country: body.country,
          ...(subscription ? { plan: body.plan, licenceModel: body.licenceModel, licenceQuota: subscription.licenceQuota } : {}),
        });

        const customer = body.accountType === 'partner' ? null : await readCustomer(tx, org.id);
        if (body.accountType !== 'partner' && !customer) throw new Error('the new customer is not visible to its creator');
        return {
          status: 201,
          headers: { location: `/v1/customers/${org.id}` },
          body: { id: org.id, kind: body.accountType, slug: org.slug, name: body.name, parentId: parent.id, customer, invite },
        };
      });
      if (!result.replayed) await sendQueued(c.var.deps.jobs, emails);
      for (const [name, value] of Object.entries(result.headers ?? {})) c.header(name, value);
      return c.json(result.body, 201);
    })
    .openapi(listUsers, async (c) => {
      const { id } = c.req.valid('param');
      const now = c.var.deps.now?.() ?? new Date();
      const found = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const [profile] = await tx
          .select({ contactName: customerProfiles.contactName, contactEmail: customerProfiles.contactEmail, mainUserId: customerProfiles.mainUserId })
          .from(customerProfiles)
          .where(eq(customerProfiles.tenantId, id));
        if (!profile) return null;
        const rows = await tx
          .select({
            id: users.id,
            name: users.name,
            email: users.email,
            status: users.status,
            roles: sql<string[]>`coalesce((select array_agg(r.role::text order by r.role) from role_assignments r
                                             where r.tenant_id = ${users.tenantId} and r.user_id = ${users.id}), '{}')`,
            expiresAt: invites.expiresAt,
            acceptedAt: invites.acceptedAt,
            sentCount: invites.sentCount,
            lastSentAt: invites.lastSentAt,
          })
          .from(users)
          .leftJoin(invites, and(eq(invites.tenantId, users.tenantId), eq(invites.userId, users.id)))
          .where(eq(users.tenantId, id))
          .orderBy(asc(users.name), asc(users.id));
        return { profile, rows };
      });
      if (!found) throw notFound('customer');
      const { profile, rows } = found;
      const items = rows.map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        status: r.status,
        roles: r.roles,
        isMainUser: r.id === profile.mainUserId,
        invite:
          r.expiresAt && r.lastSentAt && r.sentCount !== null
            ? {
                expiresAt: r.expiresAt.toISOString(),
                acceptedAt: r.acceptedAt?.toISOString() ?? null,
                sentCount: r.sentCount,
                lastSentAt: r.lastSentAt.toISOString(),
                expired: !r.acceptedAt && r.expiresAt <= now,
              }
            : null,
      }));
      items.sort((a, b) => Number(b.isMainUser) - Number(a.isMainUser));
      return c.json({ items, contact: { name: profile.contactName, email: profile.contactEmail } }, 200);
    })
    .openapi(resendInvite, async (c) => {
      const s = c.var.session;
      const { id, userId } = c.req.valid('param');
      const now = c.var.deps.now?.() ?? new Date();
      const { sent, email } = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const [target] = await tx
          .select({
            email: users.email,
            status: users.status,
            customerName: orgs.name,
            acceptedAt: invites.acceptedAt,
            sentCount: invites.sentCount,
            expiresAt: invites.expiresAt,
          })
          .from(users)
          .innerJoin(orgs, eq(orgs.id, users.tenantId))
          .leftJoin(invites, and(eq(invites.tenantId, users.tenantId), eq(invites.userId, users.id)))
          .where(and(eq(users.tenantId, id), eq(users.id, userId)));
        if (!target) throw notFound('user');
        const [profile] = await tx.select({ status: customerProfiles.status }).from(customerProfiles).where(eq(customerProfiles.tenantId, id));
        if (profile?.status === 'deleting') throw new HttpProblem(409, 'conflict', 'The customer is being deleted; nothing can be changed.');
        if (target.acceptedAt || target.status !== 'invited') {
          throw new HttpProblem(409, 'conflict', `The user is ${target.status === 'invited' ? 'accepted already' : target.status}: there is no invite to re-send.`);
        }
        const parent = await parentFacts(tx, id);
        if (!parent) throw notFound('user');
        const { token, hash } = newInviteToken();
        const expiresAt = new Date(now.getTime() + c.var.deps.config.inviteTtlHours * 3_600_000);
        const [row] = await tx
          .insert(invites)
          .values({ tenantId: id, userId, email: target.email, tokenHash: hash, expiresAt, lastSentAt: now, createdAt: now })
          .onConflictDoUpdate({
            target: [invites.tenantId, invites.userId],
            set: { tokenHash: hash, expiresAt, email: target.email, lastSentAt: now, sentCount: sql`${invites.sentCount} + 1` },
          })
          .returning({ sentCount: invites.sentCount });
        const queued = await queueInvite(tx, c, {
          tenantId: id,
          email: target.email,
          token,
          expiresAt,
          customerName: target.customerName,
          mspName: parent.seller.name,
          inviter: await inviterName(tx, s),
        });
        await recordAudit(
          tx,
          c,
          id,
          'user.invite_resent',
          userId,
          target.expiresAt ? { expiresAt: target.expiresAt.toISOString(), sentCount: target.sentCount } : null,
          { expiresAt: expiresAt.toISOString(), sentCount: row!.sentCount },
        );
        return { sent: { userId, email: target.email, expiresAt: expiresAt.toISOString(), sentCount: row!.sentCount }, email: queued };
      });
      await sendQueued(c.var.deps.jobs, [email]);
      return c.json(sent, 202);
    })
    .openapi(accept, async (c) => {
      const { token } = c.req.valid('json');
      const now = c.var.deps.now?.() ?? new Date();
      // The invite page lives on the portal; let it read the answer.
      const origin = c.req.header('origin');
      if (origin && origin === new URL(c.var.deps.config.portalUrl).origin) {
        c.header('access-control-allow-origin', origin);
        c.header('vary', 'Origin', { append: true });
      }
      const [result] = await withoutPrincipal(c.var.deps.db, (tx) =>
        queryRows<{ outcome: string; email: string | null }>(
          tx,
          sql`select outcome, email from portico.accept_invite(${hashInviteToken(token)}, ${now.toISOString()}::timestamptz)`,
        ),
      );
      if (result?.outcome === 'expired') throw new HttpProblem(410, 'invite_expired', 'This invite has expired; ask the person who invited you to send a new one.');
      const accepted = result?.email && (result.outcome === 'accepted' || result.outcome === 'already_accepted')
        ? { status: result.outcome as 'accepted' | 'already_accepted', email: result.email }
        : null;
      if (!accepted) throw new HttpProblem(404, 'not_found', 'No invite has this token: check the link, or use the newest invite email.');
      return c.json(accepted, 200);
    });
}
