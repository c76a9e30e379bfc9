import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import { permissionsOf, roles } from '../auth/roles.js';
import { orgs, users } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import { dbPrincipal } from '../http/env.js';
import { HttpProblem } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, json, Timestamp, Uuid } from './schemas.js';

const Me = z
  .object({
    user: z.object({ id: Uuid, externalId: z.string(), email: z.string(), name: z.string() }),
    role: z.enum(roles),
    permissions: z.array(z.string()),
    org: z.object({
      id: Uuid,
      slug: z.string(),
      name: z.string(),
      kind: z.string(),
      country: z.string().describe("ISO 3166-1 alpha-2; a customer in another country needs a VAT-ID"),
    }),
    session: z.object({ expiresAt: Timestamp, origins: z.array(z.string()) }),
  })
  .openapi('Me');

const get = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['session'],
  summary: 'The signed-in user, role, org and permissions',
  security: [{ embedSession: [] }],
  middleware: sessionRoute(),
  responses: { 200: json(Me, 'Who this session acts for'), ...commonErrors },
});

export function meRoutes() {
  return router().openapi(get, async (c) => {
    const s = c.var.session;
    const row = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
      const [r] = await tx
        .select({
          id: users.id,
          externalId: users.externalId,
          email: users.email,
          name: users.name,
          orgId: orgs.id,
          orgSlug: orgs.slug,
          orgName: orgs.name,
          orgKind: orgs.kind,
          orgCountry: orgs.country,
        })
        .from(users)
        .innerJoin(orgs, eq(orgs.id, users.tenantId))
        .where(eq(users.id, s.userId));
      return r;
    });
    // RLS hides the user once its access is gone (role changed, delegation withdrawn, locked).
    if (!row) throw new HttpProblem(401, 'authentication_error', 'This session no longer grants access; fetch a new one.');
    return c.json(
      {
        user: { id: row.id, externalId: row.externalId, email: row.email, name: row.name },
        role: s.role,
        permissions: [...permissionsOf(s.role)],
        org: { id: row.orgId, slug: row.orgSlug, name: row.orgName, kind: row.orgKind, country: row.orgCountry },
        session: { expiresAt: s.expiresAt.toISOString(), origins: s.origins },
      },
      200,
    );
  });
}
