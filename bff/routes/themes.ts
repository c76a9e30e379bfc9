import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { sessionRoute } from '../auth/middleware.js';
import { queryRows, type Tx } from '../db/client.js';
import { auditLog, themes } from '../db/schema.js';
import { withScope } from '../db/scope.js';
import {
  colourFields,
  contrastReport,
  fieldRules,
  lengthRanges,
  normaliseFontFamily,
  normaliseLength,
  resolveTenantTheme,
  themeFields,
  themeModes,
  validateTheme,
  type ThemeField,
  type ThemeValues,
} from '../domain/theme.js';
import { dbPrincipal } from '../http/env.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, json, notFoundError, Problem, problem, Timestamp, Uuid } from './schemas.js';

/**
 * Tenant themes (DESIGN.md, Theming). An org's row holds the values it sets; an MSP's or
 * sub-partner's row is also the fleet theme its customers inherit. `GET` answers the row, the
 * complete theme after the fallback (own row → the nearest seller's fleet theme → preset), where
 * each value came from and the contrast of every text/background pair; `PUT` replaces the row
 * when `If-Match` names the version read and the resulting theme meets WCAG 2.2 AA.
 */

const OrgParam = z.object({
  orgId: Uuid.openapi({ param: { name: 'orgId', in: 'path' }, example: '7b0e3c1a-5a7c-4c57-9a57-7f1c6f1f1b11' }),
});

const Colour = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { error: fieldRules.colorPrimary })
  .openapi({ example: '#0b5cad' });
const FontFamily = z
  .string()
  .max(200)
  .refine((v) => normaliseFontFamily(v) !== null, { error: fieldRules.fontFamily })
  .openapi({ example: 'Inter, Arial, sans-serif' });
const Length = (field: 'borderRadius' | 'spacingUnit', example: string) =>
  z
    .string()
    .max(12)
    .refine((v) => normaliseLength(v, lengthRanges[field]) !== null, { error: fieldRules[field] })
    .openapi({ example });
const Mode = z.enum(themeModes, { error: fieldRules.mode });

/** Every field of a theme record; null (or absent in a PUT) falls back. */
const recordShape = {
  ...(Object.fromEntries(colourFields.map((f) => [f, Colour.nullable()])) as Record<(typeof colourFields)[number], z.ZodNullable<typeof Colour>>),
  fontFamily: FontFamily.nullable(),
  borderRadius: Length('borderRadius', '6px').nullable(),
  spacingUnit: Length('spacingUnit', '4px').nullable(),
  mode: Mode.nullable(),
};

const ThemeRecord = z.object(recordShape).openapi('ThemeRecord', { description: "The values an org's theme row sets; null falls back" });

const ThemeUpdate = z
  .object(Object.fromEntries(Object.entries(recordShape).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof recordShape]: z.ZodOptional<(typeof recordShape)[K]> })
  .openapi('ThemeUpdate', {
    description: 'Replaces the row: a field absent or null falls back to the fleet theme or the preset. Colours `#rgb`/`#rrggbb`; lengths px, rem or em',
  });

const Source = z.enum(['customer', 'fleet', 'preset']);

const ContrastPair = z
  .object({
    text: z.string().describe('The text token, such as `--msp-color-text`'),
    background: z.string().describe('The background token it is drawn on'),
    textColour: z.string(),
    backgroundColour: z.string(),
    ratio: z.number().describe('The contrast ratio, rounded down to two decimals'),
    pass: z.boolean().describe('Whether it meets WCAG 2.2 AA (4.5:1)'),
  })
  .openapi('ContrastPair');

const Theme = z
  .object({
    orgId: Uuid,
    own: ThemeRecord.describe("The org's own row (every field null when it has none)"),
    fleetOrgId: Uuid.nullable().describe('The MSP or sub-partner whose fleet theme this org inherits; null when it has none'),
    resolved: z
      .object(Object.fromEntries(themeFields.map((f) => [f, z.string()])) as Record<ThemeField, z.ZodString>)
      .describe('The complete theme after the fallback'),
    sources: z.object(Object.fromEntries(themeFields.map((f) => [f, Source])) as Record<ThemeField, typeof Source>).describe('Where each resolved value came from'),
    tokens: z.record(z.string(), z.string()).describe('Every `--msp-*` custom property of the resolved theme'),
    contrast: z.array(ContrastPair),
    accessible: z.boolean().describe('Whether every pair passes'),
    version: z.number().int().min(0).describe('0 while the org has no row; the ETag is this number in quotes'),
    updatedAt: Timestamp.nullable(),
  })
  .openapi('Theme');
type ThemeJson = z.infer<typeof Theme>;

const ThemeConflict = Problem.extend({ current: Theme.describe('The theme as it is now; re-apply the change and send its version') }).openapi('ThemeConflict');
const ThemeRefused = Problem.extend({
  contrast: z.array(ContrastPair).optional().describe('With `inaccessible-theme`: the pairs that fail'),
}).openapi('ThemeRefused');

const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^"\d{1,9}"$/, { error: 'must be the ETag of the theme as read, such as "3"' })
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header', required: true },
      description: 'The ETag (`"<version>"`) of the theme this update replaces; `"0"` when the org has no row yet',
      example: '"0"',
    }),
});

const get = createRoute({
  method: 'get',
  path: '/v1/themes/{orgId}',
  tags: ['themes'],
  summary: "An org's theme: its own row, the resolved theme, where each value came from, contrast",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('customers:read'),
  request: { params: OrgParam },
  responses: { 200: json(Theme, 'The theme; `ETag` carries its version'), ...commonErrors, ...notFoundError },
});

const put = createRoute({
  method: 'put',
  path: '/v1/themes/{orgId}',
  tags: ['themes'],
  summary: "Replace an org's theme row (If-Match required); a theme failing WCAG 2.2 AA is refused",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('themes:manage'),
  request: {
    params: OrgParam,
    headers: IfMatch,
    body: { required: true, content: { 'application/json': { schema: ThemeUpdate } } },
  },
  responses: {
    200: json(Theme, 'Saved; `ETag` carries the new version'),
    ...commonErrors,
    400: problem('`invalid-request`: `errors` names each field at fault. `inaccessible-theme`: a text/background pair is below 4.5:1; `contrast` lists them', ThemeRefused),
    ...notFoundError,
    412: problem('`If-Match` names a version that is no longer current; `current` holds the theme now', ThemeConflict),
    428: problem('`If-Match` is missing: read the theme first and send its ETag'),
  },
});

const etag = (version: number) => `"${version}"`;

type Row = Record<ThemeField, string | null> & { version: number; updatedAt: Date };

const columns = {
  colorPrimary: themes.colorPrimary,
  colorAccent: themes.colorAccent,
  colorBackground: themes.colorBackground,
  colorText: themes.colorText,
  colorDanger: themes.colorDanger,
  colorWarning: themes.colorWarning,
  colorSuccess: themes.colorSuccess,
  fontFamily: themes.fontFamily,
  borderRadius: themes.borderRadius,
  spacingUnit: themes.spacingUnit,
  mode: themes.mode,
  version: themes.version,
  updatedAt: themes.updatedAt,
};

/** The org's kind when the caller may see its data; null otherwise (a 404). */
async function visibleOrg(tx: Tx, orgId: string): Promise<{ kind: string } | null> {
  const [row] = await queryRows<{ kind: string; visible: boolean }>(
    tx,
    sql`select o.kind::text as kind, o.id = any(portico.visible_tenants()) as visible from orgs o where o.id = ${orgId}::uuid`,
  );
  return row?.visible ? { kind: row.kind } : null;
}

async function readRow(tx: Tx, orgId: string, lock = false): Promise<Row | null> {
  const query = tx.select(columns).from(themes).where(eq(themes.tenantId, orgId));
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

async function fleetTheme(tx: Tx, orgId: string): Promise<{ orgId: string; values: ThemeValues } | null> {
  const [row] = await queryRows<Record<string, string | null> & { tenant_id: string }>(tx, sql`select * from portico.fleet_theme(${orgId}::uuid)`);
  if (!row) return null;
  const values: ThemeValues = {
    colorPrimary: row.color_primary,
    colorAccent: row.color_accent,
    colorBackground: row.color_background,
    colorText: row.color_text,
    colorDanger: row.color_danger,
    colorWarning: row.color_warning,
    colorSuccess: row.color_success,
    fontFamily: row.font_family,
    borderRadius: row.border_radius,
    spacingUnit: row.spacing_unit,
    mode: row.mode,
  };
  return { orgId: row.tenant_id, values };
}

const ownRecord = (row: ThemeValues | null) => Object.fromEntries(themeFields.map((f) => [f, row?.[f] ?? null])) as z.infer<typeof ThemeRecord>;

function themeJson(orgId: string, kind: string, own: ThemeValues | null, fleet: { orgId: string; values: ThemeValues } | null, version: number, updatedAt: Date | null): ThemeJson {
  const resolved = resolveTenantTheme(own, fleet?.values ?? null, kind === 'msp' || kind === 'partner');
  const contrast = contrastReport(resolved.tokens);
  return {
    orgId,
    own: ownRecord(own),
    fleetOrgId: fleet?.orgId ?? null,
    resolved: resolved.values,
    sources: resolved.sources,
    tokens: resolved.tokens,
    contrast,
    accessible: contrast.every((p) => p.pass),
    version,
    updatedAt: updatedAt?.toISOString() ?? null,
  };
}

async function readTheme(tx: Tx, orgId: string, kind: string): Promise<ThemeJson> {
  const row = await readRow(tx, orgId);
  return themeJson(orgId, kind, row, await fleetTheme(tx, orgId), row?.version ?? 0, row?.updatedAt ?? null);
}

export function themesRoutes() {
  return router()
    .openapi(get, async (c) => {
      const { orgId } = c.req.valid('param');
      const theme = await withScope(c.var.deps.db, dbPrincipal(c.var.session), async (tx) => {
        const org = await visibleOrg(tx, orgId);
        if (!org) throw notFound('org');
        return readTheme(tx, orgId, org.kind);
      });
      c.header('etag', etag(theme.version));
      c.header('cache-control', 'no-store');
      return c.json(theme, 200);
    })
    .openapi(put, async (c) => {
      const s = c.var.session;
      const { orgId } = c.req.valid('param');
      const ifMatch = c.req.valid('header')['if-match'];
      const checked = validateTheme(c.req.valid('json'));
      if (!checked.ok) {
        const errors = checked.errors.map((e) => ({ pointer: `#/body/${e.field}`, detail: e.detail }));
        throw new HttpProblem(400, 'invalid_request', `The request is not valid: check ${errors.map((e) => e.pointer.slice(2)).join(', ')}.`, errors);
      }
      const values = checked.value;

      const saved = await withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
        const org = await visibleOrg(tx, orgId);
        if (!org) throw notFound('org');
        if (ifMatch === undefined) {
          throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the theme you read (GET it first; "0" when the org has none).');
        }
        const expected = Number(ifMatch.slice(1, -1));
        const fleet = await fleetTheme(tx, orgId);
        const next = themeJson(orgId, org.kind, values, fleet, expected + 1, null);
        const failing = next.contrast.filter((p) => !p.pass);
        if (failing.length) {
          const names = failing.map((p) => `${p.text} on ${p.background} (${p.ratio}:1)`).join(', ');
          throw new HttpProblem(400, 'inaccessible_theme', `The theme fails WCAG 2.2 AA (4.5:1) for ${names}.`, undefined, undefined, { contrast: failing });
        }

        // Locks the row, so of two writers holding the same version exactly one succeeds.
        const before = await readRow(tx, orgId, true);
        const current = before?.version ?? 0;
        const set = { ...values, mode: values.mode as 'light' | 'dark' | null };
        let row: { version: number; updatedAt: Date } | undefined;
        if (current === expected && expected === 0) {
          [row] = await tx
            .insert(themes)
            .values({ tenantId: orgId, ...set, version: 1 })
            .onConflictDoNothing()
            .returning({ version: themes.version, updatedAt: themes.updatedAt });
        } else if (current === expected) {
          [row] = await tx
            .update(themes)
            .set({ ...set, version: expected + 1, updatedAt: sql`now()` })
            .where(and(eq(themes.tenantId, orgId), eq(themes.version, expected)))
            .returning({ version: themes.version, updatedAt: themes.updatedAt });
        }
        if (!row) {
          const now = await readTheme(tx, orgId, org.kind);
          throw new HttpProblem(
            412,
            'precondition_failed',
            `The theme is at version ${now.version}, not ${expected}: someone saved it in the meantime.`,
            undefined,
            { etag: etag(now.version) },
            { current: now },
          );
        }
        await tx.insert(auditLog).values({
          tenantId: orgId,
          actorId: s.userId,
          actorRole: s.role,
          action: 'theme.update',
          targetId: orgId,
          before: before ? { ...ownRecord(before), version: before.version } : null,
          after: { ...values, version: row.version },
          requestId: c.var.requestId,
        });
        return themeJson(orgId, org.kind, values, fleet, row.version, row.updatedAt);
      });
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    });
}
