import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { withoutPrincipal } from '../db/scope.js';
import { readLogoImage } from '../domain/logo.js';
import type { AppEnv } from '../http/env.js';
import { notFound } from '../http/problem.js';
import { router } from '../http/router.js';
import { commonErrors, problem, Uuid } from './schemas.js';

/**
 * Logos, served publicly: `<img>` tags and mail clients send no token. A logo is reached only
 * by its id, a random UUID that only a theme answer (or a report) reveals, and is read through
 * portico.logo_image, which answers its bytes and nothing else of the row.
 *
 * Logos are immutable (an upload is a new id), so they are cached for a year. Every answer
 * forbids the document from loading or running anything (`Content-Security-Policy: default-src
 * 'none'`) and from being read as another type (`nosniff`); an SVG is served only as sanitised
 * (domain/svg.ts), so opening it directly runs nothing either. `Cross-Origin-Resource-Policy:
 * cross-origin` lets widgets on the MSPs' sites show it.
 */

const LogoParam = z.object({
  logoId: Uuid.openapi({ param: { name: 'logoId', in: 'path' }, example: '7b0e3c1a-5a7c-4c57-9a57-7f1c6f1f1b11' }),
});
const Binary = z.string().openapi({ format: 'binary' });
const headersNote = "Headers: `Content-Security-Policy: default-src 'none'`, `X-Content-Type-Options: nosniff`, `Cache-Control: public, max-age=31536000, immutable`, `ETag` (the SHA-256).";

const image = createRoute({
  method: 'get',
  path: '/v1/logos/{logoId}',
  tags: ['themes'],
  summary: 'A logo as uploaded (an SVG as sanitised); no session needed',
  description: headersNote,
  request: { params: LogoParam },
  responses: {
    200: { description: 'The image, as its own type', content: { 'image/*': { schema: Binary } } },
    400: commonErrors[400],
    404: problem('No logo has this id'),
  },
});

const raster = createRoute({
  method: 'get',
  path: '/v1/logos/{logoId}/raster.png',
  tags: ['themes'],
  summary: "A logo's PNG variant (at most 1200 × 400 px), for email and PDF; no session needed",
  description: headersNote,
  request: { params: LogoParam },
  responses: {
    200: { description: 'The PNG', content: { 'image/png': { schema: Binary } } },
    400: commonErrors[400],
    404: problem('No logo has this id'),
  },
});

async function serve(c: Context<AppEnv>, id: string, variant: 'image' | 'raster'): Promise<Response> {
  const logo = await withoutPrincipal(c.var.deps.db, (tx) => readLogoImage(tx, id));
  if (!logo) throw notFound('logo');
  const tag = `"${logo.sha256}${variant === 'raster' ? '-raster' : ''}"`;
  const headers: Record<string, string> = {
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'cross-origin',
    'cache-control': 'public, max-age=31536000, immutable',
    etag: tag,
  };
  if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(tag)) return c.body(null, 304, headers);
  const bytes = variant === 'raster' ? logo.raster : logo.image;
  const contentType = variant === 'raster' ? 'image/png' : logo.contentType;
  return c.body(new Uint8Array(bytes), 200, { ...headers, 'content-type': contentType, 'content-length': String(bytes.byteLength) });
}

export function logosRoutes() {
  return router()
    .openapi(image, (c) => serve(c, c.req.valid('param').logoId, 'image') as never)
    .openapi(raster, (c) => serve(c, c.req.valid('param').logoId, 'raster') as never);
}
