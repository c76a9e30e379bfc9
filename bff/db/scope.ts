import { sql } from 'drizzle-orm';
import type { Database, Tx } from './client.js';
import { queryRows } from './client.js';

export const REQUEST_ROLE = 'portico_app';

/** Who a scoped transaction acts for. Exactly one of `userId` or `apiKeyId` is set. */
export type Principal =
  | { kind: 'user'; userId: string; role: string; orgId: string }
  | { kind: 'api_key'; apiKeyId: string; orgId: string };

/**
 * Runs `work` in a transaction as the request role with the principal bound, so Row-Level
 * Security decides which rows exist. This is the one way request code touches tenant data.
 */
export function withScope<T>(db: Database, principal: Principal, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const user = principal.kind === 'user' ? principal.userId : '';
    const role = principal.kind === 'user' ? principal.role : '';
    const key = principal.kind === 'api_key' ? principal.apiKeyId : '';
    await tx.execute(sql`select set_config('role', ${REQUEST_ROLE}, true),
                                set_config('portico.principal', ${user}, true),
                                set_config('portico.role', ${role}, true),
                                set_config('portico.api_key', ${key}, true)`);
    return work(tx as Tx);
  });
}

/** Runs `work` as the request role with no principal: it must see nothing (fail closed). */
export function withoutPrincipal<T>(db: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', ${REQUEST_ROLE}, true)`);
    return work(tx as Tx);
  });
}

export class UnsafeRequestRoleError extends Error {
  override name = 'UnsafeRequestRoleError';
}

/**
 * Refuses to serve when request transactions would run as a role that skips RLS: a superuser
 * or BYPASSRLS role would make every policy moot.
 */
export async function assertRequestRoleIsSafe(db: Database): Promise<void> {
  const rows = await withoutPrincipal(db, (tx) =>
    queryRows<{ role: string; super: boolean; bypass: boolean }>(
      tx,
      sql`select current_user as role, rolsuper as super, rolbypassrls as bypass
            from pg_roles where rolname = current_user`,
    ),
  );
  const row = rows[0];
  if (!row) throw new UnsafeRequestRoleError(`role ${REQUEST_ROLE} does not exist; run migrations first`);
  if (row.role !== REQUEST_ROLE || row.super || row.bypass) {
    throw new UnsafeRequestRoleError(
      `request transactions run as ${row.role} (superuser: ${row.super}, bypassrls: ${row.bypass}); ` +
        `Portico refuses to serve unless they run as ${REQUEST_ROLE}, which must be neither superuser nor BYPASSRLS`,
    );
  }
}
