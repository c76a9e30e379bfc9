import { createRoute, z } from '@hono/zod-openapi';
import { mintEmbedSession } from '../auth/embed-sessions.js';
import { apiKeyRoute } from '../auth/middleware.js';
import { roles } from '../auth/roles.js';
import { MAX_TOKEN_TTL_SECONDS } from '../auth/signing-keys.js';
import { router } from '../http/router.js';
import { commonErrors, json, notFoundError, Timestamp, Uuid } from './schemas.js';

const Origin = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'must be an origin such as https://portal.example.com (scheme, host and port only)');

const EmbedSessionRequest = z
  .object({
    user: z.object({
      externalId: z.string().min(1).max(200).describe("The user's id in the MSP's own system"),
      email: z.email({ error: 'must be an email address' }).max(320),
      name: z.string().min(1).max(200),
    }),
    role: z.enum(roles),
    tenantId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("Org id or slug the user belongs to; defaults to the API key's org"),
    customerIds: z
      .array(Uuid)
      .max(10_000)
      .optional()
      .describe('For msp_account_manager: the customers assigned to this user (replaces the previous set)'),
    origins: z.array(Origin).min(1).max(10).describe('Origins of the pages that will embed the widgets'),
    ttlSeconds: z.number().int().min(60).max(MAX_TOKEN_TTL_SECONDS).optional(),
  })
  .openapi('EmbedSessionRequest');

const EmbedSession = z
  .object({ token: z.string(), expiresAt: Timestamp, userId: Uuid, tenantId: Uuid })
  .openapi('EmbedSession');

const create = createRoute({
  method: 'post',
  path: '/v1/embed-sessions',
  tags: ['auth'],
  summary: "Mint a short-lived embed session (call from the MSP's server with an API key)",
  security: [{ apiKey: [] }],
  middleware: apiKeyRoute,
  request: { body: { required: true, content: { 'application/json': { schema: EmbedSessionRequest } } } },
  responses: {
    201: json(EmbedSession, 'The session token for the page'),
    ...commonErrors,
    ...notFoundError,
  },
});

export function embedSessionRoutes() {
  return router().openapi(create, async (c) => {
    const session = await mintEmbedSession(c.var.deps, c.var.apiKey, c.req.valid('json'), c.var.requestId);
    c.header('cache-control', 'no-store');
    return c.json({ ...session, expiresAt: session.expiresAt.toISOString() }, 201);
  });
}
