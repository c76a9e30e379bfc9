import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { withoutPrincipal, withScope } from '../../../bff/db/scope.js';
import { backends, dbError, seededWorld, type World } from '../../helpers/db.js';

for (const backend of backends) {
  describe(`tenancy in the database (${backend})`, () => {
    let world: World;
    before(async () => {
      world = await seededWorld(backend);
    });
    after(() => world?.close());

    test('every table in public has row-level security enabled and forced', async () => {
      const tables = await queryRows<{ name: string; enabled: boolean; forced: boolean }>(
        world.database.db,
        sql`select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind in ('r', 'p')`,
      );
      assert.ok(tables.length >= 14, `expected the schema's tables, found ${tables.length}`);
      const unprotected = tables.filter((t) => !t.enabled || !t.forced).map((t) => t.name);
      assert.deepEqual(unprotected, [], 'tables without ENABLE + FORCE ROW LEVEL SECURITY');
    });

    test('every table with a tenant_id leads its primary key with it and has a policy on it', async () => {
      const rows = await queryRows<{ name: string; first_pk_column: string | null; policies: string[] | null; restrictive: string[] | null }>(
        world.database.db,
        sql`select c.relname as name,
                   (select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                     where i.indrelid = c.oid and i.indisprimary) as first_pk_column,
                   (select array_agg(p.qual) from pg_policies p
                     where p.schemaname = 'public' and p.tablename = c.relname and p.permissive = 'PERMISSIVE') as policies,
                   (select array_agg(p.policyname::text) from pg_policies p
                     where p.schemaname = 'public' and p.tablename = c.relname and p.permissive = 'RESTRICTIVE') as restrictive
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind = 'r'
               and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`,
      );
      assert.ok(rows.length >= 13);
      for (const row of rows) {
        assert.equal(row.first_pk_column, 'tenant_id', `${row.name}: primary key must start with tenant_id`);
        assert.ok(row.policies?.length, `${row.name}: no permissive policy`);
        // Permissive policies are OR-ed: every one of them must be the tenant rule, or it would
        // widen what the table shows. Restrictive policies are AND-ed on top and can only narrow.
        for (const qual of row.policies ?? []) {
          assert.match(qual, /tenant_id = ANY \(\(\s*SELECT portico\.(visible|managed)_tenants\(\)/, `${row.name}: policy must test tenant_id against the (select …) set`);
        }
      }
      // The restrictive policies there are, so a new one is a decision, not an accident.
      const narrowed = Object.fromEntries(rows.filter((r) => r.restrictive?.length).map((r) => [r.name, r.restrictive]));
      assert.deepEqual(narrowed, {
        idempotency_keys: ['idempotency_keys_own'],
        notification_deliveries: ['notification_deliveries_own_or_admin'],
        notification_preferences: ['notification_preferences_own_or_admin'],
        user_preferences: ['user_preferences_own'],
      });
    });

    test('tables without a tenant_id are only the org directory', async () => {
      const rows = await queryRows<{ name: string }>(
        world.database.db,
        sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind = 'r'
               and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')`,
      );
      assert.deepEqual(rows.map((r) => r.name), ['orgs']);
    });

    test('as the request role with no principal, every table in public returns no rows', async () => {
      const tables = await queryRows<{ name: string }>(
        world.database.db,
        sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind = 'r' order by 1`,
      );
      for (const { name } of tables) {
        const owner = await queryRows<{ n: number }>(world.database.db, sql`select count(*)::int as n from ${sql.identifier(name)}`);
        assert.ok((owner[0]?.n ?? 0) > 0 || name === 'themes', `${name} should hold seeded rows for this check to mean anything`);
        const seen = await withoutPrincipal(world.database.db, (tx) =>
          queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(name)}`),
        );
        assert.equal(seen[0]?.n, 0, `${name} leaked rows without a principal`);
      }
    });

    test('the request role cannot read the private schema', async () => {
      await assert.rejects(
        withoutPrincipal(world.database.db, (tx) => queryRows(tx, sql`select * from portico.signing_keys`)),
        dbError(/permission denied/),
      );
    });

    test('the request role can neither change nor delete the audit log', async () => {
      const principal = { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000000', role: 'msp_admin', orgId: world.orgs.mspA };
      await assert.rejects(withScope(world.database.db, principal, (tx) => tx.execute(sql`update audit_log set action = 'x'`)), dbError(/permission denied/));
      await assert.rejects(withScope(world.database.db, principal, (tx) => tx.execute(sql`delete from audit_log`)), dbError(/permission denied/));
    });

    test('subscription events are append-only: the request role only adds, the owner only purges', async () => {
      const [admin] = await queryRows<{ id: string }>(world.database.db, sql`select id from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = 'admin'`);
      const principal = { kind: 'user' as const, userId: admin!.id, role: 'msp_admin', orgId: world.orgs.mspA };
      await assert.rejects(withScope(world.database.db, principal, (tx) => tx.execute(sql`update subscription_events set ref = 'x'`)), dbError(/permission denied/));
      await assert.rejects(withScope(world.database.db, principal, (tx) => tx.execute(sql`delete from subscription_events`)), dbError(/permission denied/));
      // Even the owner cannot rewrite history; it may delete (a purge), here rolled back.
      await assert.rejects(world.database.db.execute(sql`update subscription_events set ref = 'x'`), dbError(/append-only/));
      const [first] = await queryRows<{ tenant_id: string }>(world.database.db, sql`select tenant_id from subscription_events limit 1`);
      await assert.rejects(
        world.database.db.transaction(async (tx) => {
          const gone = await queryRows<{ n: number }>(tx, sql`with d as (delete from subscription_events where tenant_id = ${first!.tenant_id}::uuid returning 1) select count(*)::int as n from d`);
          assert.ok((gone[0]?.n ?? 0) > 0);
          throw new Error('roll back');
        }),
        /roll back/,
      );
    });

    test('price table versions are append-only too: the request role only adds, the owner only purges', async () => {
      const [admin] = await queryRows<{ id: string }>(world.database.db, sql`select id from users where tenant_id = ${world.orgs.mspA}::uuid and external_id = 'admin'`);
      const principal = { kind: 'user' as const, userId: admin!.id, role: 'msp_admin', orgId: world.orgs.mspA };
      const seen = await withScope(world.database.db, principal, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from price_table_versions`));
      assert.ok((seen[0]?.n ?? 0) > 0, 'an MSP reads its own price history');
      await assert.rejects(withScope(world.database.db, principal, (tx) => tx.execute(sql`update price_table_versions set article_name = 'x'`)), dbError(/permission denied/));
      await assert.rejects(withScope(world.database.db, principal, (tx) => tx.execute(sql`delete from price_table_versions`)), dbError(/permission denied/));
      await assert.rejects(world.database.db.execute(sql`update price_table_versions set article_name = 'x'`), dbError(/append-only/));
      await assert.rejects(
        world.database.db.transaction(async (tx) => {
          const gone = await queryRows<{ n: number }>(tx, sql`with d as (delete from price_table_versions where tenant_id = ${world.orgs.mspA}::uuid returning 1) select count(*)::int as n from d`);
          assert.ok((gone[0]?.n ?? 0) > 0);
          throw new Error('roll back');
        }),
        /roll back/,
      );
    });

    test('the visible-tenant set is an InitPlan and the tenant index is used', async () => {
      const userRows = await queryRows<{ id: string }>(
        world.database.db,
        sql`select u.id from users u where u.tenant_id = ${world.orgs.mspA}::uuid and u.external_id = 'admin'`,
      );
      const principal = { kind: 'user' as const, userId: userRows[0]!.id, role: 'msp_admin', orgId: world.orgs.mspA };
      const plan = await withScope(world.database.db, principal, async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`explain select count(*) from findings where status = 'open'`);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      assert.match(plan, /InitPlan/);
      assert.match(plan, /findings_tenant_status_severity_idx|findings_tenant_id_id_pk|findings_tenant_type_idx/);
    });
  });
}
