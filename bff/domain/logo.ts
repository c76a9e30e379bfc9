import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { queryRows, type Tx } from '../db/client.js';
import { sanitiseSvg, sizedSvg, SvgRejected } from './svg.js';

/**
 * Org logos (DESIGN.md, Theming): checking an upload and producing its variants, where logos are
 * served, and how their bytes are read back.
 */

/** The public path of a logo as uploaded (an SVG only as sanitised). */
export const logoPath = (id: string) => `/v1/logos/${id}`;
/** The public path of a logo's PNG variant, for email and PDF. */
export const logoRasterPath = (id: string) => `/v1/logos/${id}/raster.png`;

export interface LogoImage {
  contentType: string;
  image: Buffer;
  raster: Buffer;
  sha256: string;
}

const bytes = (v: Buffer | Uint8Array | string): Buffer =>
  // A driver without a bytea parser answers the text form `\x…`.
  typeof v === 'string' ? Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex') : Buffer.from(v);

/**
 * A logo's bytes by id, through portico.logo_image (SECURITY DEFINER): anyone holding the id may
 * read them, whatever the transaction's scope. Null for an unknown id.
 */
export async function readLogoImage(tx: Tx, id: string): Promise<LogoImage | null> {
  const [row] = await queryRows<{ content_type: string; image: Buffer | Uint8Array | string; raster: Buffer | Uint8Array | string; sha256: string }>(
    tx,
    sql`select content_type, image, raster, sha256 from portico.logo_image(${id}::uuid)`,
  );
  if (!row) return null;
  return { contentType: row.content_type, image: bytes(row.image), raster: bytes(row.raster), sha256: row.sha256 };
}

// --- Uploads ------------------------------------------------------------------------------

export const logoTypes = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
export type LogoType = (typeof logoTypes)[number];

export const LOGO_LIMITS = {
  /** Bytes of an upload. */
  bytes: 1024 * 1024,
  /** Pixels of a PNG or JPEG on either side. */
  side: 4096,
  /** The raster variant fits this box: 600 × 200 CSS px at 2×. */
  rasterWidth: 1200,
  rasterHeight: 400,
} as const;

/** Why an upload is refused: the status, the field at fault and what to do. */
export class LogoRejected extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly pointer: string,
    message: string,
  ) {
    super(message);
    this.name = 'LogoRejected';
  }
}

export interface PreparedLogo {
  contentType: LogoType;
  /** What is stored and served: the PNG or JPEG as uploaded, or the sanitised SVG. */
  image: Buffer;
  raster: Buffer;
  rasterWidth: number;
  rasterHeight: number;
  /** SHA-256 of `image`, hex. */
  sha256: string;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are, by their first bytes: PNG and JPEG by magic number, SVG as XML text. */
export function sniffLogo(bytes: Uint8Array): LogoType | 'other' {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.subarray(0, 8).equals(PNG_MAGIC)) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  // XML: optional UTF-8 byte-order mark and white space, then markup.
  const head = b.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return 'image/svg+xml';
  return 'other';
}

const typeName: Record<LogoType | 'other', string> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'image/svg+xml': 'an SVG (XML) document',
  other: 'neither PNG, JPEG nor SVG',
};

/** The raster size that fits `aspect` (width / height) into the raster box. */
function rasterBox(aspect: number): { width: number; height: number } {
  const { rasterWidth: W, rasterHeight: H } = LOGO_LIMITS;
  return aspect >= W / H ? { width: W, height: Math.max(1, Math.round(W / aspect)) } : { width: Math.max(1, Math.round(H * aspect)), height: H };
}

/**
 * Checks an upload and produces what is stored: the type the bytes really are must be the one
 * `Content-Type` names; PNG and JPEG must decode (sharp) within {@link LOGO_LIMITS}; an SVG is
 * sanitised (svg.ts) and only the sanitised document is rendered, so rendering can fetch
 * nothing. The raster is a PNG (transparency kept) fitting 1200 × 400 px.
 */
export async function prepareLogo(bytes: Uint8Array, declared: string): Promise<PreparedLogo> {
  if (bytes.byteLength > LOGO_LIMITS.bytes) throw new LogoRejected(413, '#/body', 'The logo is larger than 1 MB.');
  if (!(logoTypes as readonly string[]).includes(declared)) {
    throw new LogoRejected(415, '#/header/content-type', `Content-Type must be image/png, image/jpeg or image/svg+xml, not ${declared || 'missing'}.`);
  }
  if (bytes.byteLength === 0) throw new LogoRejected(400, '#/body', 'The body is empty: send the image file.');
  const actual = sniffLogo(bytes);
  if (actual !== declared || actual === 'other') {
    throw new LogoRejected(400, '#/body', `The body is ${typeName[actual]}, not ${typeName[declared as LogoType]} as Content-Type says.`);
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limits = { limitInputPixels: LOGO_LIMITS.side * LOGO_LIMITS.side, failOn: 'error' as const };

  if (actual === 'image/svg+xml') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input).replace(/^\uFEFF/, '');
    } catch {
      throw new LogoRejected(400, '#/body', 'The SVG is not valid UTF-8.');
    }
    let clean: ReturnType<typeof sanitiseSvg>;
    try {
      clean = sanitiseSvg(text);
    } catch (e) {
      if (e instanceof SvgRejected) throw new LogoRejected(400, '#/body', e.message);
      throw e;
    }
    const box = rasterBox(clean.aspect);
    let raster: Buffer;
    try {
      raster = await sharp(Buffer.from(sizedSvg(clean.svg, box.width, box.height)), limits).png().toBuffer();
    } catch (e) {
      throw new LogoRejected(400, '#/body', `The SVG cannot be drawn: ${(e as Error).message}`);
    }
    const image = Buffer.from(clean.svg, 'utf8');
    const meta = await sharp(raster).metadata();
    return { contentType: actual, image, raster, rasterWidth: meta.width ?? box.width, rasterHeight: meta.height ?? box.height, sha256: sha256(image) };
  }

  let width: number;
  let height: number;
  try {
    const meta = await sharp(input, limits).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (e) {
    throw new LogoRejected(400, '#/body', `The image cannot be read: ${(e as Error).message}`);
  }
  if (width > LOGO_LIMITS.side || height > LOGO_LIMITS.side) {
    throw new LogoRejected(400, '#/body', `The image is ${width} × ${height} px; at most ${LOGO_LIMITS.side} × ${LOGO_LIMITS.side}.`);
  }
  try {
    const { data, info } = await sharp(input, limits)
      .rotate()
      .resize({ width: LOGO_LIMITS.rasterWidth, height: LOGO_LIMITS.rasterHeight, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer({ resolveWithObject: true });
    return { contentType: actual, image: input, raster: data, rasterWidth: info.width, rasterHeight: info.height, sha256: sha256(input) };
  } catch (e) {
    // A header that reads but pixel data that does not (a truncated file).
    throw new LogoRejected(400, '#/body', `The image cannot be read: ${(e as Error).message}`);
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
