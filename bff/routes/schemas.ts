import { z } from '@hono/zod-openapi';

/** Shapes shared by several routes. Each route file declares its own request schemas. */

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .openapi('Problem');

export const problem = (description: string, schema: z.ZodType = Problem) => ({
  description,
  content: { 'application/problem+json': { schema } },
});

/** Error responses every authenticated route can give. */
export const commonErrors = {
  400: problem('The request is malformed; `errors` names each field at fault.'),
  401: problem('Missing, invalid or expired credentials.'),
  403: problem('The credentials are valid but may not do this.'),
  429: problem('Rate limit exceeded; see Retry-After.'),
} as const;
export const notFoundError = { 404: problem('No such object, or not visible to you.') } as const;

export const Uuid = z.uuid({ error: 'must be a UUID' });
export const IdParam = z.object({
  id: Uuid.openapi({ param: { name: 'id', in: 'path' }, example: '7b0e3c1a-5a7c-4c57-9a57-7f1c6f1f1b11' }),
});

export const Money = z
  .object({ amountMinor: z.number().int(), currency: z.string().length(3) })
  .openapi('Money', { description: 'Integer minor units of an ISO 4217 currency.' });

export const Timestamp = z.string().openapi({ format: 'date-time', example: '2026-11-25T09:00:00.000Z' });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A comma-separated list of enum values in a query string. */
export function csvOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((s, ctx) => {
      const items = s.split(',').map((v) => v.trim()).filter(Boolean);
      for (const item of items) {
        if (!(values as readonly string[]).includes(item)) {
          ctx.addIssue({ code: 'custom', message: `unknown value "${item}"; expected one of ${values.join(', ')}` });
          return z.NEVER;
        }
      }
      return items as T[number][];
    })
    .openapi({ type: 'string', description: `Comma-separated: ${values.join(', ')}` });
}
