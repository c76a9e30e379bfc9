import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { rateLimit, sessionRoute } from '../auth/middleware.js';
import { emailPreviewCsp, signEmailPreview, verifyEmailPreview } from '../auth/email-previews.js';
import { activePrincipal, openReportLink, verifyReportLink } from '../auth/report-links.js';
import { queryRows, type Tx } from '../db/client.js';
import { withScope } from '../db/scope.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { idempotent, IdempotencyKeyHeader } from '../http/idempotency.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { sendQueued } from '../outputs/email/queue.js';
import { executiveReportPdf } from '../outputs/pdf/executive-report.js';
import { defaultPeriod, reportLogoRaster, type ReportPeriod } from '../outputs/report-data.js';
import { buildSummary, previewSummary, queueSummary, type SendRecord } from '../outputs/report-sends.js';
import { commonErrors, IdParam, json, notFoundError, problem, Timestamp, Uuid } from './schemas.js';

/**
 * The executive report by email (see docs/architecture.md, "Executive report by email"):
 * preview the summary, send it now, list what was sent, and the public signed link its
 * recipients open the PDF with.
 *
 * Sending needs `reports:send` (MSP admins, account managers for their assigned customers,
 * a customer admin for its own tenant; RLS decides which customers); the preview needs only
 * `customers:read`, like the report itself. The preview's HTML part is also served on its own,
 * under a short-lived signed URL with a CSP of its own (auth/email-previews.ts), for the
 * viewer's preview frame.
 */

const MAX_DAYS = 366;
const DAY = 86_400_000;
const Day = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

const PeriodQuery = z.object({
  from: Day.optional().openapi({ description: 'First day of the period; default 29 days before `to`', example: '2026-10-27' }),
  to: Day.optional().openapi({ description: 'Last day of the period, included; default today', example: '2026-11-25' }),
});

export const Recipients = z
  .array(z.email({ error: 'must be an email address' }).max(254))
  .min(1, { error: 'name at least one recipient' })
  .max(20, { error: 'at most 20 recipients' })
  .refine((list) => new Set(list.map((a) => a.toLowerCase())).size === list.length, { error: 'names a recipient twice' });

const SendRequest = z
  .object({
    recipients: Recipients.openapi({ example: ['cfo@acme.example', 'it@acme.example'] }),
    from: Day.optional().openapi({ example: '2026-10-27' }),
    to: Day.optional().openapi({ example: '2026-11-25' }),
  })
  .openapi('ReportEmailRequest');

const EmailPreview = z
  .object({
    subject: z.string(),
    html: z.string().describe('The HTML part; the logo by its public URL rather than the inline attachment the mail carries'),
    text: z.string().describe('The plain-text part'),
  })
  .openapi('ReportEmailPreview');

const EmailStatus = z.enum(['queued', 'sending', 'sent', 'failed']);
export const ReportSend = z
  .object({
    id: Uuid,
    customerId: Uuid,
    scheduleId: Uuid.nullable().describe('The schedule that sent it; null when sent on request'),
    runAt: Timestamp.describe("The schedule's slot, or when the send was requested"),
    period: z.object({ from: z.string(), to: z.string() }),
    recipients: z.array(z.string()),
    emailId: Uuid.nullable(),
    status: EmailStatus.describe("The email's delivery status"),
    error: z.string().nullable().describe('Why the last attempt failed, while queued for a retry or when failed'),
    sentAt: Timestamp.nullable(),
    requestedBy: Uuid.nullable().describe('Who sent it or created its schedule; null when the caller cannot see that user'),
    createdAt: Timestamp,
  })
  .openapi('ReportSend');
type ReportSendJson = z.infer<typeof ReportSend>;

const SendPage = z.object({ items: z.array(ReportSend), nextCursor: z.string().nullable() }).openapi('ReportSendPage');

const base = '/v1/customers/{id}/reports/executive/email';

const preview = createRoute({
  method: 'get',
  path: base,
  tags: ['reports'],
  summary: "Preview the executive report's summary email: subject, HTML and plain text",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam, query: PeriodQuery },
  responses: { 200: json(EmailPreview, 'The email as it would be sent'), ...commonErrors, ...notFoundError },
});

const send = createRoute({
  method: 'post',
  path: base,
  tags: ['reports'],
  summary: "Email the executive report's summary, with a signed link to the PDF, to up to 20 recipients",
  description:
    'Records the send and queues the email in one transaction; it goes out once (transient SMTP failures are retried). ' +
    'The link works for PORTICO_REPORT_LINK_TTL_HOURS (default 7 days) while the sender still has access to the customer.',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('reports:send'),
  request: {
    params: IdParam,
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: SendRequest } } },
  },
  responses: {
    202: json(ReportSend, 'Queued'),
    ...commonErrors,
    ...notFoundError,
    422: problem('`idempotency-key-reused`: the key was used for another request'),
  },
});

const CursorQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ param: { name: 'limit', in: 'query' }, example: 50 }),
  cursor: z
    .string()
    .regex(/^\d{13}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be the nextCursor of a previous page' })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

const list = createRoute({
  method: 'get',
  path: '/v1/customers/{id}/report-sends',
  tags: ['reports'],
  summary: "Every executive-report email of a customer, newest first, with each email's delivery status",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam, query: CursorQuery },
  responses: { 200: json(SendPage, 'One page'), ...commonErrors, ...notFoundError },
});

const TokenParam = z.object({
  token: z
    .string()
    .max(4000)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { error: 'must be the token of a report link' })
    .openapi({ param: { name: 'token', in: 'path' }, example: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2ln' }),
});

const link = createRoute({
  method: 'get',
  path: '/v1/report-links/{token}',
  tags: ['reports'],
  summary: 'The PDF of a signed report link from a summary email (no session needed)',
  middleware: [rateLimit],
  request: { params: TokenParam },
  responses: {
    200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    400: commonErrors[400],
    401: problem('The token is not a report link of this Portico (altered, truncated or from elsewhere)'),
    410: problem('`link-expired`: the link has expired, or its sender no longer has access to the customer'),
    429: commonErrors[429],
  },
});

const PreviewLinkRequest = z
  .object({
    from: Day.optional().openapi({ example: '2026-10-27' }),
    to: Day.optional().openapi({ example: '2026-11-25' }),
  })
  .openapi('ReportEmailPreviewLinkRequest');

const PreviewLink = z
  .object({
    url: z.string().describe('A path, `/v1/email-previews/<token>`, to put under the BFF\'s base URL'),
    expiresAt: Timestamp,
  })
  .openapi('ReportEmailPreviewLink');

const previewLink = createRoute({
  method: 'post',
  path: `${base}/preview-link`,
  tags: ['reports'],
  summary: "A signed URL, valid five minutes, of the summary email's HTML part, to show in a frame",
  description:
    'The HTML is styled inline, which a host page\'s CSP usually forbids in a `srcdoc` frame; this URL answers it with a policy of its own. ' +
    'Only the origins of the calling session may frame it; it works while the caller still sees the customer.',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: PreviewLinkRequest } } } },
  responses: { 200: json(PreviewLink, 'The URL and when it stops working'), ...commonErrors, ...notFoundError },
});

const PreviewTokenParam = z.object({
  token: z
    .string()
    .max(4000)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { error: 'must be the token of an email preview' })
    .openapi({ param: { name: 'token', in: 'path' }, example: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2ln' }),
});

const previewHtml = createRoute({
  method: 'get',
  path: '/v1/email-previews/{token}',
  tags: ['reports'],
  summary: "The summary email's HTML part under a signed preview URL (no session needed)",
  description:
    "Headers: `Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src <portal origin> data:; frame-ancestors <the session's origins>; sandbox`, " +
    '`X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `Cache-Control: no-store`.',
  middleware: [rateLimit],
  request: { params: PreviewTokenParam },
  responses: {
    200: { description: 'The HTML part', content: { 'text/html': { schema: z.string() } } },
    400: commonErrors[400],
    401: problem('The token is not an email preview of this Portico (altered, truncated or from elsewhere)'),
    410: problem('`link-expired`: the preview has expired, or its user no longer sees the customer'),
    429: commonErrors[429],
  },
});

function periodOf(c: Context<AppEnv>, q: { from?: string | undefined; to?: string | undefined }, where: 'query' | 'body'): ReportPeriod {
  const now = c.var.deps.now?.() ?? new Date();
  const to = q.to ?? defaultPeriod(now).to;
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY).toISOString().slice(0, 10);
  if (from > to) throw new HttpProblem(400, 'invalid_request', 'The period ends before it starts.', [{ pointer: `#/${where}/from`, detail: 'must not be after `to`' }]);
  if ((Date.parse(to) - Date.parse(from)) / DAY + 1 > MAX_DAYS) {
    throw new HttpProblem(400, 'invalid_request', `A report covers at most ${MAX_DAYS} days.`, [{ pointer: `#/${where}/from`, detail: `must be at most ${MAX_DAYS - 1} days before \`to\`` }]);
  }
  return { from, to };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function sendJson(s: SendRecord, email: { status: string; error: string | null; sentAt: Date | string | null } | null): ReportSendJson {
  return {
    id: s.id,
    customerId: s.customerId,
    scheduleId: s.scheduleId,
    runAt: s.runAt.toISOString(),
    period: s.period,
    recipients: s.recipients,
    emailId: s.emailId,
    status: (email?.status ?? 'failed') as ReportSendJson['status'],
    error: email ? email.error : "not sent: the schedule's creator no longer has access to this customer's reports",
    sentAt: iso(email?.sentAt ?? null),
    requestedBy: s.requestedBy,
    createdAt: s.createdAt.toISOString(),
  };
}

export function reportEmailRoutes() {
  return router()
    .openapi(preview, async (c) => {
      const { id } = c.req.valid('param');
      const period = periodOf(c, c.req.valid('query'), 'query');
      const s = c.var.session;
      const now = c.var.deps.now?.() ?? new Date();
      const summary = await withScope(c.var.deps.db, dbPrincipal(s), (tx) => buildSummary(tx, c.var.deps.keys, c.var.deps.config, { customerId: id, period, userId: s.userId, now }));
      if (!summary) throw notFound('customer');
      c.header('cache-control', 'no-store');
      return c.json(previewSummary(c.var.deps.config, summary.data), 200);
    })
    .openapi(send, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const period = periodOf(c, body, 'body');
      const s = c.var.session;
      const now = c.var.deps.now?.() ?? new Date();
      const result = await idempotent(c, async (tx) => {
        const queued = await queueSummary(tx, c.var.deps.keys, c.var.deps.config, {
          customerId: id,
          period,
          userId: s.userId,
          now,
          recipients: body.recipients,
          actorRole: s.role,
          requestId: c.var.requestId,
        });
        if (queued === 'not_found' || queued === 'duplicate') throw notFound('customer');
        return { status: 202, body: { json: sendJson(queued.send, { status: 'queued', error: null, sentAt: null }), email: queued.email } };
      });
      if (!result.replayed) await sendQueued(c.var.deps.jobs, [result.body.email]);
      for (const [k, v] of Object.entries(result.headers ?? {})) c.header(k, v);
      return c.json(result.body.json, 202);
    })
    .openapi(list, async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const rows = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        if (!(await customerVisible(tx, id))) throw notFound('customer');
        const [at, after] = cursor ? [new Date(Number(cursor.slice(0, 13))), cursor.slice(14)] : [null, null];
        return queryRows<{
          id: string; tenant_id: string; schedule_id: string | null; run_at: Date | string; period_from: string; period_to: string; recipients: string[];
          email_id: string | null; requested_by: string | null; created_at: Date | string; status: string | null; error: string | null; sent_at: Date | string | null;
        }>(
          tx,
          sql`select s.id, s.tenant_id, s.schedule_id, s.run_at, to_char(s.period_from, 'YYYY-MM-DD') as period_from, to_char(s.period_to, 'YYYY-MM-DD') as period_to,
                     s.recipients, s.email_id, u.id as requested_by, s.created_at, m.status::text as status, m.error, m.sent_at
                from report_sends s left join email_messages m on m.tenant_id = s.tenant_id and m.id = s.email_id
                -- The requester only when the caller may see that user (not an MSP's staff to a customer's users).
                left join users u on u.id = s.requested_by
               where s.tenant_id = ${id}::uuid
                 ${at ? sql`and (s.created_at, s.id) < (${at.toISOString()}::timestamptz, ${after}::uuid)` : sql``}
               order by s.created_at desc, s.id desc
               limit ${limit + 1}`,
        );
      });
      const page = rows.slice(0, limit);
      const items = page.map((r) =>
        sendJson(
          {
            id: r.id,
            customerId: r.tenant_id,
            scheduleId: r.schedule_id,
            runAt: new Date(r.run_at),
            period: { from: r.period_from, to: r.period_to },
            recipients: r.recipients,
            emailId: r.email_id,
            requestedBy: r.requested_by,
            createdAt: new Date(r.created_at),
          },
          r.status ? { status: r.status, error: r.error, sentAt: r.sent_at } : null,
        ),
      );
      const last = page[page.length - 1];
      // Sends are recorded with millisecond timestamps, so the cursor names the boundary exactly.
      const nextCursor = rows.length > limit && last ? `${String(new Date(last.created_at).getTime()).padStart(13, '0')}_${last.id}` : null;
      c.header('cache-control', 'no-store');
      return c.json({ items, nextCursor }, 200);
    })
    .openapi(link, async (c) => {
      const { token } = c.req.valid('param');
      const { db, keys, config } = c.var.deps;
      const claims = await verifyReportLink(keys, config, token);
      const now = c.var.deps.now?.() ?? new Date();
      const report = await openReportLink(db, claims, now);
      // portico.logo_image answers a logo's bytes to anyone holding its id; no scope is needed.
      const logo = await reportLogoRaster(db as unknown as Tx, report.brand);
      const stream = Readable.toWeb(executiveReportPdf(report, { logo })) as ReadableStream<Uint8Array>;
      const filename = `executive-report-${report.customer.slug}-${report.period.from}-${report.period.to}.pdf`;
      return c.body(stream, 200, {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'cache-control': 'private, no-store',
        'referrer-policy': 'no-referrer',
      });
    })
    .openapi(previewLink, async (c) => {
      const { id } = c.req.valid('param');
      const period = periodOf(c, c.req.valid('json'), 'body');
      const s = c.var.session;
      await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        if (!(await customerVisible(tx, id))) throw notFound('customer');
      });
      const { url, expiresAt } = await signEmailPreview(c.var.deps.keys, { customerId: id, period, userId: s.userId, origins: s.origins });
      c.header('cache-control', 'no-store');
      return c.json({ url, expiresAt: expiresAt.toISOString() }, 200);
    })
    .openapi(previewHtml, async (c) => {
      const { token } = c.req.valid('param');
      const { db, keys, config } = c.var.deps;
      const claims = await verifyEmailPreview(keys, token);
      const now = c.var.deps.now?.() ?? new Date();
      const principal = await activePrincipal(db, claims.userId);
      const summary = principal
        ? await withScope(db, principal, (tx) => buildSummary(tx, keys, config, { customerId: claims.customerId, period: claims.period, userId: claims.userId, now }))
        : null;
      if (!summary) throw new HttpProblem(410, 'link_expired', 'This email preview no longer works: its user no longer sees the customer.');
      const { html } = previewSummary(config, summary.data);
      return c.body(html, 200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': emailPreviewCsp(new URL(config.portalUrl).origin, claims.origins),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
    });
}

/** Whether a customer exists and is visible in this scope (RLS decides). */
async function customerVisible(tx: Tx, id: string): Promise<boolean> {
  const [visible] = await queryRows<{ ok: boolean }>(
    tx,
    sql`select exists (select 1 from customer_profiles where tenant_id = ${id}::uuid) and ${id}::uuid = any(portico.visible_tenants()) as ok`,
  );
  return !!visible?.ok;
}
