import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.js';
import { invalidRequest } from './problem.js';

/** A router whose validation failures become problem+json naming the fields at fault. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.target, result.error);
    },
  });
}
