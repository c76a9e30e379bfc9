import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { sessionRoute } from '../auth/middleware.js';
import { queryRows, type Tx } from '../db/client.js';
import { auditLog, logos, themes } from '../db/schema.js';
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
import { LOGO_LIMITS, LogoRejected, logoPath, logoRasterPath, logoTypes, prepareLogo, type PreparedLogo } from '../domain/logo.js';
import { dbPrincipal, type AppEnv } from '../http/env.js';
import { HttpProblem, notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { logosRoutes } from './logos.js';
import { commonErrors, json, notFoundError, Problem, problem, Timestamp, Uuid } from './schemas.js';

/**
 * Tenant themes (DESIGN.md, Theming). An org's row holds the values it sets; an MSP's or
 * sub-partner's row is also the fleet theme its customers inherit. `GET` answers the row, the
 * complete theme after the fallback (own row → the nearest seller's fleet theme → preset), where
 * each value came from and the contrast of every text/background pair; `PUT` replaces the row
 * when `If-Match` names the version read and the resulting theme meets WCAG 2.2 AA.
 *
 * The logo is part of the row (`logo_id`) but has routes of its own, since it is a file: `PUT
 * …/logo` takes the image as the raw body, stores a new immutable `logos` row (domain/logo.ts
 * checks, sanitises and rasterises it) and points the theme at it; `DELETE …/logo` clears it,
 * so the fleet logo shows again. Both move the theme's version like `PUT`.
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

const Logo = z
  .object({
    id: Uuid,
    url: z.string().describe('The logo as uploaded (an SVG as sanitised): `/v1/logos/<id>`, public, relative to the API base'),
    rasterUrl: z.string().describe('Its PNG variant (at most 1200 × 400 px) for email and PDF: `/v1/logos/<id>/raster.png`'),
    source: z.enum(['customer', 'fleet']).describe("`customer`: the org's own; `fleet`: its seller's (or, for an MSP or sub-partner, its own fleet logo)"),
  })
  .openapi('ThemeLogo');

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
    logo: Logo.nullable().describe("The org's logo, else its seller's fleet logo; null when neither has one"),
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

const LogoBody = z.string().openapi({ format: 'binary', description: `The image file, at most ${LOGO_LIMITS.bytes / 1024 / 1024} MB` });

const putLogo = createRoute({
  method: 'put',
  path: '/v1/themes/{orgId}/logo',
  tags: ['themes'],
  summary: "Upload an org's logo (PNG, JPEG or SVG, at most 1 MB; If-Match required)",
  description:
    'The body is the file itself. Its bytes must be the type `Content-Type` names. PNG and JPEG: at most 4096 × 4096 px. SVG: sanitised ' +
    'to an allow-list of elements and attributes; a file with script, event handlers, references outside the document, a DOCTYPE or ' +
    'anything not well-formed is refused with the reason. A PNG variant for email and PDF is produced. Each upload is a new logo id.',
  security: [{ embedSession: [] }],
  middleware: sessionRoute('themes:manage'),
  request: {
    params: OrgParam,
    headers: IfMatch,
    body: { required: true, content: Object.fromEntries(logoTypes.map((t) => [t, { schema: LogoBody }])) },
  },
  responses: {
    200: json(Theme, 'Saved; `logo` is the new logo and `ETag` carries the new version'),
    ...commonErrors,
    400: problem('`#/body`: the bytes are not the declared type, cannot be read, are too large in pixels, or an SVG was refused (the detail says why)'),
    ...notFoundError,
    412: problem('`If-Match` names a version that is no longer current; `current` holds the theme now', ThemeConflict),
    413: problem('The file is larger than 1 MB'),
    415: problem('`Content-Type` is not image/png, image/jpeg or image/svg+xml'),
    428: problem('`If-Match` is missing: read the theme first and send its ETag'),
  },
});

const deleteLogo = createRoute({
  method: 'delete',
  path: '/v1/themes/{orgId}/logo',
  tags: ['themes'],
  summary: "Remove an org's own logo, so its seller's fleet logo shows (If-Match required)",
  security: [{ embedSession: [] }],
  middleware: sessionRoute('themes:manage'),
  request: { params: OrgParam, headers: IfMatch },
  responses: {
    200: json(Theme, 'Removed (or there was none); `ETag` carries the new version'),
    ...commonErrors,
    ...notFoundError,
    412: problem('`If-Match` names a version that is no longer current; `current` holds the theme now', ThemeConflict),
    428: problem('`If-Match` is missing: read the theme first and send its ETag'),
  },
});

const etag = (version: number) => `"${version}"`;

type Row = Record<ThemeField, string | null> & { logoId: string | null; version: number; updatedAt: Date };

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
  logoId: themes.logoId,
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

type Fleet = { orgId: string; values: ThemeValues; logoId: string | null };

async function fleetTheme(tx: Tx, orgId: string): Promise<Fleet | null> {
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
  return { orgId: row.tenant_id, values, logoId: row.logo_id ?? null };
}

const ownRecord = (row: ThemeValues | null) => Object.fromEntries(themeFields.map((f) => [f, row?.[f] ?? null])) as z.infer<typeof ThemeRecord>;

function logoJson(kind: string, ownLogo: string | null, fleet: Fleet | null): ThemeJson['logo'] {
  const id = ownLogo ?? fleet?.logoId ?? null;
  if (!id) return null;
  const seller = kind === 'msp' || kind === 'partner';
  return { id, url: logoPath(id), rasterUrl: logoRasterPath(id), source: ownLogo && !seller ? 'customer' : 'fleet' };
}

function themeJson(
  orgId: string,
  kind: string,
  own: ThemeValues | null,
  ownLogo: string | null,
  fleet: Fleet | null,
  version: number,
  updatedAt: Date | null,
): ThemeJson {
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
    logo: logoJson(kind, ownLogo, fleet),
    version,
    updatedAt: updatedAt?.toISOString() ?? null,
  };
}

async function readTheme(tx: Tx, orgId: string, kind: string): Promise<ThemeJson> {
  const row = await readRow(tx, orgId);
  return themeJson(orgId, kind, row, row?.logoId ?? null, await fleetTheme(tx, orgId), row?.version ?? 0, row?.updatedAt ?? null);
}

/** The media type of a request without its parameters, lower case. */
const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Points the org's theme at `logo` (a new `logos` row) or at none, when `If-Match` names the
 * theme's version: the row is created at version 1 when the org has none (version 0). The
 * audit record names the logos before and after by id and SHA-256, never their bytes.
 */
async function setLogo(
  c: Context<AppEnv>,
  orgId: string,
  ifMatch: string | undefined,
  logo: PreparedLogo | null,
): Promise<ThemeJson> {
  const s = c.var.session;
  return withScope(c.var.deps.db, dbPrincipal(s), async (tx) => {
    const org = await visibleOrg(tx, orgId);
    if (!org) throw notFound('org');
    if (ifMatch === undefined) {
      throw new HttpProblem(428, 'precondition_required', 'Send If-Match with the ETag of the theme you read (GET it first; "0" when the org has none).');
    }
    const expected = Number(ifMatch.slice(1, -1));
    const before = await readRow(tx, orgId, true);
    const current = before?.version ?? 0;
    if (current !== expected) {
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
    // Removing a logo the org does not have is still a write (the version moves), like any PUT.
    const previous = before?.logoId ?? null;

    let logoId: string | null = null;
    if (logo) {
      const [row] = await tx
        .insert(logos)
        .values({ tenantId: orgId, contentType: logo.contentType, image: logo.image, raster: logo.raster, rasterWidth: logo.rasterWidth, rasterHeight: logo.rasterHeight, sha256: logo.sha256, createdBy: s.userId })
        .returning({ id: logos.id });
      logoId = row!.id;
    }
    if (before) {
      await tx
        .update(themes)
        .set({ logoId, version: expected + 1, updatedAt: sql`now()` })
        .where(and(eq(themes.tenantId, orgId), eq(themes.version, expected)));
    } else {
      await tx.insert(themes).values({ tenantId: orgId, logoId, version: 1 });
    }
    const [old] = previous
      ? await tx.select({ sha256: logos.sha256, contentType: logos.contentType }).from(logos).where(and(eq(logos.tenantId, orgId), eq(logos.id, previous)))
      : [];
    await tx.insert(auditLog).values({
      tenantId: orgId,
      actorId: s.userId,
      actorRole: s.role,
      action: logo ? 'theme.logo_updated' : 'theme.logo_removed',
      targetId: orgId,
      before: { logoId: previous, sha256: old?.sha256 ?? null, contentType: old?.contentType ?? null, version: current },
      after: { logoId, sha256: logo?.sha256 ?? null, contentType: logo?.contentType ?? null, version: expected + 1 },
      requestId: c.var.requestId,
    });
    return readTheme(tx, orgId, org.kind);
  });
}

/** The theme routes, and the public logo routes they hand out URLs of. */
export function themesRoutes() {
  return router()
    .route('/', logosRoutes())
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
        const next = themeJson(orgId, org.kind, values, null, fleet, expected + 1, null);
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
        return themeJson(orgId, org.kind, values, before?.logoId ?? null, fleet, row.version, row.updatedAt);
      });
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    })
    .openapi(putLogo, async (c) => {
      const { orgId } = c.req.valid('param');
      const ifMatch = c.req.valid('header')['if-match'];
      let prepared: PreparedLogo;
      try {
        prepared = await prepareLogo(new Uint8Array(await c.req.arrayBuffer()), mediaType(c.req.header('content-type')));
      } catch (e) {
        if (!(e instanceof LogoRejected)) throw e;
        const type = e.status === 413 ? 'payload_too_large' : 'invalid_request';
        throw new HttpProblem(e.status, type, e.message, [{ pointer: e.pointer, detail: e.message }]);
      }
      const saved = await setLogo(c, orgId, ifMatch, prepared);
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    })
    .openapi(deleteLogo, async (c) => {
      const { orgId } = c.req.valid('param');
      const saved = await setLogo(c, orgId, c.req.valid('header')['if-match'], null);
      c.header('etag', etag(saved.version));
      c.header('cache-control', 'no-store');
      return c.json(saved, 200);
    });
}
