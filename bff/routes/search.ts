import { createRoute, z } from '@hono/zod-openapi';
import { sessionRoute } from '../auth/middleware.js';
import { findingStatuses, searchFindings, severities, type SearchCursor } from '../db/queries/search.js';
import { withScope } from '../db/scope.js';
import { dbPrincipal } from '../http/env.js';
import { router } from '../http/router.js';
import { commonErrors, csvOf, json, Timestamp, Uuid } from './schemas.js';

/**
 * Finding search across the fleet: free text over finding types and titles plus filters,
 * answered grouped by customer. Which customers and findings exist is RLS's decision, so an
 * account manager finds only its assigned customers' findings and a customer user its own.
 */

const encodeCursor = (c: SearchCursor) => Buffer.from(JSON.stringify([c.worst, c.matches, c.name, c.id])).toString('base64url');

const Cursor = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    try {
      const [worst, matches, name, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
      if (
        Number.isInteger(worst) && (worst as number) >= 0 && (worst as number) <= 4 &&
        Number.isSafeInteger(matches) && (matches as number) >= 0 &&
        typeof name === 'string' && name.length <= 1000 &&
        typeof id === 'string' && Uuid.safeParse(id).success
      ) {
        return { worst: worst as number, matches: matches as number, name, id } satisfies SearchCursor;
      }
    } catch {
      // fall through
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this search' });
    return z.NEVER;
  })
  .openapi({ type: 'string', description: 'The `nextCursor` of the previous page' });

const FindingSearchQuery = z.object({
  q: z
    .string()
    .max(200, { error: 'must be at most 200 characters' })
    .optional()
    .describe('Words that must all occur (case-insensitively, as parts of words) in the finding type or title, e.g. `legacy smtp`'),
  severity: csvOf(severities).optional(),
  type: z
    .string()
    .max(1000)
    .transform((s, ctx) => {
      const items = s.split(',').map((t) => t.trim()).filter(Boolean);
      if (items.length > 25) ctx.addIssue({ code: 'custom', message: 'at most 25 types' });
      if (items.some((t) => t.length > 100)) ctx.addIssue({ code: 'custom', message: 'a type is at most 100 characters' });
      return items;
    })
    .optional()
    .openapi({ type: 'string', description: 'Comma-separated finding types (as `types` of a response lists them); any of them matches' }),
  status: csvOf(findingStatuses).optional(),
  olderThanDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe('Only findings first seen at least this many days ago'),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Customers per page'),
  top: z.coerce.number().int().min(0).max(20).default(5).describe('Findings shown per customer, worst first'),
  cursor: Cursor.optional(),
});

const Severities = z.object(Object.fromEntries(severities.map((s) => [s, z.number().int()])) as Record<(typeof severities)[number], z.ZodNumber>);

const FindingHit = z
  .object({
    id: Uuid,
    title: z.string(),
    type: z.string(),
    severity: z.enum(severities),
    status: z.enum(findingStatuses),
    asset: z.object({ id: Uuid, value: z.string() }).nullable(),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
  })
  .openapi('FindingSearchHit');

const FindingSearchGroup = z
  .object({
    id: Uuid.describe('The customer'),
    name: z.string(),
    matches: z.number().int().describe('Findings of this customer that match'),
    severity: Severities.describe('Matches per severity'),
    findings: z.array(FindingHit).describe('The worst matches (up to `top`): by severity, then most recently seen'),
  })
  .openapi('FindingSearchGroup');

const FindingSearchPage = z
  .object({
    items: z.array(FindingSearchGroup).describe('Customers with matches: worst severity first, then most matches, then name'),
    nextCursor: z.string().nullable(),
    total: z.object({ customers: z.number().int(), findings: z.number().int() }).describe('Over every page'),
    types: z
      .array(z.object({ type: z.string(), count: z.number().int() }))
      .describe('Matches per finding type with every filter but `type` applied: the choices of the type filter'),
  })
  .openapi('FindingSearchPage');

const route = createRoute({
  method: 'get',
  path: '/v1/search/findings',
  tags: ['search'],
  summary: 'Search findings across every customer in scope, grouped by customer',
  description:
    'Every word of `q` must occur in the finding’s type or title (case-insensitive parts of words; ' +
    '`%` and `_` are literal). Without `q` the filters alone decide; `status` defaults to `open`. ' +
    'Scope is Row-Level Security’s: an account manager finds its assigned customers only, a customer ' +
    'user its own tenant, and a customer that revoked its MSP’s access is not searched.',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { query: FindingSearchQuery },
  responses: { 200: json(FindingSearchPage, 'One page of customers with matching findings'), ...commonErrors },
});

export function searchRoutes() {
  return router().openapi(route, async (c) => {
    const query = c.req.valid('query');
    const q = query.q?.trim() || undefined;
    const status = query.status?.length ? query.status : (['open'] as const);
    const result = await withScope(c.var.deps.db, dbPrincipal(c.var.session), (tx) =>
      searchFindings(tx, {
        q,
        severity: query.severity,
        type: query.type,
        status: [...status],
        olderThanDays: query.olderThanDays,
        limit: query.limit,
        top: query.top,
        cursor: query.cursor,
      }),
    );
    c.header('cache-control', 'no-store');
    return c.json(
      {
        items: result.groups.map(({ key: _key, ...group }) => group),
        nextCursor: result.next ? encodeCursor(result.next) : null,
        total: result.total,
        types: result.types,
      },
      200,
    );
  });
}
