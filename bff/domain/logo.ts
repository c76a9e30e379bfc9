import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.js';

/**
 * Org logos (DESIGN.md, Theming): where they are served and how their bytes are read.
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
