import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.js';
import { fieldPointer, HttpProblem, invalidRequest } from './problem.js';

/** The path of the first string holding U+0000, which PostgreSQL text cannot store. */
function nulAt(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nulAt(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** A router whose validation failures become problem+json naming the fields at fault. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.target, result.error);
      const at = nulAt(result.data);
      if (at) {
        // Query and path values may have been parsed into structures; name the parameter sent.
        const pointer = fieldPointer(result.target, result.target === 'json' || result.target === 'form' ? at : at.slice(0, 1));
        const detail = 'must not contain the NUL character (U+0000)';
        throw new HttpProblem(400, 'invalid_request', `The request is not valid: ${pointer.slice(2)} ${detail}.`, [{ pointer, detail }]);
      }
    },
  });
}
