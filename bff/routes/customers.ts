import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import { can, roles, type Role } from '../auth/roles.js';
import { queryRows, type Tx } from '../db/client.js';
import { fleetPage } from '../db/queries/fleet.js';
import { customerProfiles, users } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { vatRequired } from '../domain/vat.js';
import { dbPrincipal } from '../http/env.js';
import { notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { FleetRow, fleetRowJson } from './fleet.js';
import { commonErrors, IdParam, json, Money, notFoundError, Timestamp, Uuid } from './schemas.js';

const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
const assetKinds = ['domain', 'subdomain', 'ip_address', 'web_app_url', 'api_base_url'] as const;

export const Customer = FleetRow.extend({
  accountType: z.enum(['customer', 'enterprise']).describe('An enterprise is a customer with sub-organisations of its own'),
  deletionRequestedAt: Timestamp.nullable().describe('When deletion was requested (status `deleting`); null otherwise'),
  vatRequired: z
    .boolean()
    .nullable()
    .describe("Whether a VAT-ID is required: the customer's country differs from that of its MSP or sub-partner. Null for callers who cannot see that org (the customer's own users)"),
  contact: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  address: z.object({
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    country: z.string(),
  }),
  vatId: z.string().nullable(),
  mainUser: z.object({ id: Uuid, name: z.string(), email: z.string(), status: z.enum(['invited', 'active', 'deactivated']) }).nullable(),
  openFindings: z.record(z.enum(severities), z.number().int()).nullable(),
  assets: z.record(z.enum(assetKinds), z.number().int()).nullable(),
  monthlyMargin: Money.nullable().describe(
    "Monthly price − the seller's cost of the current IPs (bff/domain/pricing.ts). Null unless the caller manages pricing, and for a customer whose data it cannot see",
  ),
  version: z.number().int().describe('The ETag is this number in quotes; changes need it in If-Match'),
}).openapi('Customer');

const get = createRoute({
  method: 'get',
  path: '/v1/customers/{id}',
  tags: ['customers'],
  summary: 'One customer: profile, subscription, posture and counts',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam },
  responses: { 200: json(Customer, 'The customer; `ETag` carries its version'), ...commonErrors, ...notFoundError },
});

export type CustomerJson = z.infer<typeof Customer>;

/** The ETag of a customer as read: its version in quotes. */
export const customerEtag = (customer: CustomerJson) => `"${customer.version}"`;

/**
 * The country of the org that sells to the customer — the nearest MSP or sub-partner above it,
 * whose country decides whether a VAT-ID is required — walked up through the orgs the caller
 * may see; null for callers who cannot see it (a customer's own users).
 */
export async function sellerCountry(tx: Tx, id: string): Promise<string | null> {
  const [row] = await queryRows<{ country: string }>(
    tx,
    sql`with recursive up as (
          select id, parent_id, kind, country, 0 as depth from orgs where id = ${id}::uuid
          union all
          select o.id, o.parent_id, o.kind, o.country, up.depth + 1 from orgs o join up on o.id = up.parent_id
        ) select country from up where depth > 0 and kind in ('msp', 'partner') order by depth limit 1`,
  );
  return row?.country ?? null;
}

/**
 * One customer as `GET /v1/customers/{id}` answers it, read in the caller's scoped
 * transaction; null when it does not exist or the caller cannot see it. Routes that change a
 * customer answer with this too.
 */
export async function readCustomer(tx: Tx, id: string): Promise<CustomerJson | null> {
  const { rows } = await fleetPage(tx, { id, sort: 'name', order: 'asc', limit: 1 });
  const row = rows[0];
  if (!row) return null;
  const [profile] = await tx
    .select({
      contactName: customerProfiles.contactName,
      contactEmail: customerProfiles.contactEmail,
      line1: customerProfiles.addressLine1,
      line2: customerProfiles.addressLine2,
      postalCode: customerProfiles.postalCode,
      city: customerProfiles.city,
      vatId: customerProfiles.vatId,
      version: customerProfiles.version,
      mainUserId: customerProfiles.mainUserId,
      mainUserName: users.name,
      mainUserEmail: users.email,
      mainUserStatus: users.status,
      deletionRequestedAt: customerProfiles.deletionRequestedAt,
      state: sql<string | null>`(select state from orgs where id = ${id}::uuid)`,
    })
    .from(customerProfiles)
    .leftJoin(users, and(eq(users.tenantId, customerProfiles.tenantId), eq(users.id, customerProfiles.mainUserId)))
    .where(eq(customerProfiles.tenantId, id));
  if (!profile) return null;
  const findings = await queryRows<{ severity: string; n: number }>(
    tx,
    sql`select severity::text, count(*)::int as n from findings
         where tenant_id = ${id}::uuid and status = 'open' group by severity`,
  );
  const assets = await queryRows<{ kind: string; n: number }>(
    tx,
    sql`select kind::text, count(*)::int as n from assets where tenant_id = ${id}::uuid group by kind`,
  );
  // A revoked customer's data is hidden from its MSP, not from the customer's own users.
  const [scope] = await queryRows<{ visible: boolean }>(
    tx,
    sql`select ${id}::uuid = any(portico.visible_tenants()) as visible`,
  );
  const lost = scope?.visible !== true;
  const seller = await sellerCountry(tx, id);
  // The margin is the seller's business: only for a role that manages pricing (the request's role
  // is bound in the transaction by withScope). The figures are kept current by the pricing routes.
  const [money] = await queryRows<{ role: string; margin: string | number | null; currency: string | null }>(
    tx,
    sql`select current_setting('portico.role', true) as role,
               (select s.monthly_price_minor - s.monthly_cost_minor from subscriptions s where s.tenant_id = ${id}::uuid order by s.started_at desc limit 1) as margin,
               (select s.currency from subscriptions s where s.tenant_id = ${id}::uuid order by s.started_at desc limit 1) as currency`,
  );
  const pricing = roles.includes(money?.role as Role) && can(money!.role as Role, 'pricing:manage');
  const counts = <K extends string>(keys: readonly K[], rows: { n: number }[], key: (r: never) => string) =>
    Object.fromEntries(keys.map((k) => [k, rows.filter((r) => key(r as never) === k).reduce((a, r) => a + r.n, 0)])) as Record<K, number>;
  return {
    ...fleetRowJson(row),
    accountType: row.kind,
    deletionRequestedAt: profile.deletionRequestedAt?.toISOString() ?? null,
    vatRequired: seller ? vatRequired(row.country, seller) : null,
    contact: { name: profile.contactName, email: profile.contactEmail },
    address: {
      line1: profile.line1,
      line2: profile.line2,
      postalCode: profile.postalCode,
      city: profile.city,
      state: profile.state,
      country: row.country,
    },
    vatId: profile.vatId,
    mainUser:
      profile.mainUserId && profile.mainUserName && profile.mainUserEmail && profile.mainUserStatus
        ? { id: profile.mainUserId, name: profile.mainUserName, email: profile.mainUserEmail, status: profile.mainUserStatus }
        : null,
    openFindings: lost ? null : counts(severities, findings, (r: { severity: string }) => r.severity),
    assets: lost ? null : counts(assetKinds, assets, (r: { kind: string }) => r.kind),
    monthlyMargin: pricing && !lost && money?.margin != null && money.currency ? { amountMinor: Number(money.margin), currency: money.currency } : null,
    version: profile.version,
  };
}

export function customersRoutes() {
  return router().openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const customer = await withScope(c.var.deps.db, dbPrincipal(c.var.session), (tx) => readCustomer(tx, id));
    if (!customer) throw notFound('customer');
    c.header('etag', customerEtag(customer));
    return c.json(customer, 200);
  });
}
