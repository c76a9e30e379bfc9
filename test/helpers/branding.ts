import { sql } from 'drizzle-orm';
import { queryRows } from '../../bff/db/client.js';
import type { World } from './db.js';

/** A 1×1 PNG: the smallest logo a theme can carry, stored as its own raster. */
export const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/**
 * Gives `customer` a theme of its own: `colorPrimary` and PNG_1x1 as its logo, written straight
 * into the tables as the database owner (the logo routes have tests of their own). Resolves with
 * the logo's id.
 */
export async function brandCustomer(world: World, customer: string, colorPrimary: string): Promise<string> {
  const hex = PNG_1x1.toString('hex');
  const [logo] = await queryRows<{ id: string }>(
    world.database.db,
    sql`insert into logos (tenant_id, content_type, image, raster, raster_width, raster_height, sha256)
        values (${customer}::uuid, 'image/png', decode(${hex}, 'hex'), decode(${hex}, 'hex'), 1, 1, encode(sha256(decode(${hex}, 'hex')), 'hex')) returning id`,
  );
  await queryRows(
    world.database.db,
    sql`insert into themes (tenant_id, color_primary, logo_id) values (${customer}::uuid, ${colorPrimary}, ${logo!.id}::uuid)
        on conflict (tenant_id) do update set color_primary = excluded.color_primary, logo_id = excluded.logo_id`,
  );
  return logo!.id;
}
