import { createRoute, z } from '@hono/zod-openapi';
import { router } from '../http/router.js';

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['auth'],
  summary: 'Public keys that verify embed-session tokens',
  responses: {
    200: {
      description: 'A JWK set; keys rotate by `kid`.',
      content: { 'application/json': { schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } },
    },
  },
});

export function wellKnownRoutes() {
  return router().openapi(jwks, (c) => {
    c.header('cache-control', 'public, max-age=300');
    c.header('access-control-allow-origin', '*');
    return c.json(c.var.deps.keys.jwks() as { keys: Record<string, unknown>[] }, 200);
  });
}
