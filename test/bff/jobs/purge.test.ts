import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { startJobs, type JobRunner, type WorkerContext } from '../../../bff/jobs/index.js';
import { purgeWorker } from '../../../bff/jobs/purge.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';

/**
 * Deleting a customer end to end: the HTTP request marks it deleting and queues the purge,
 * pg-boss runs it, and afterwards no public table holds a row of the tenant or its
 * sub-organisations while every other tenant is untouched. A purge that crashes mid-way keeps
 * what it has not reached, and pg-boss's retry finishes it.
 */

const TIMEOUT_MS = 90_000;

for (const backend of backends) {
  describe(`tenant purge (${backend})`, { timeout: 4 * TIMEOUT_MS }, () => {
    let world: World;
    let runner: JobRunner;
    let ctx: WorkerContext;
    let admin: string;
    /** Armed by the crash test: the next batch fails once, as if the process died there. */
    let crash: { resolve: () => void } | null = null;
    const worker = purgeWorker({
      batchSize: 40,
      afterBatch: () => {
        if (!crash) return;
        const armed = crash;
        crash = null;
        armed.resolve();
        throw new Error('injected crash after the first batch');
      },
    });

    before(async () => {
      world = await seededWorld(backend);
      // Only the purge worker, with its fault hook; the email sender stays idle.
      runner = await startJobs(world.database, world.config, { work: false });
      ctx = { boss: runner.boss, database: world.database, config: world.config, now: () => new Date() };
      await worker.register(ctx);
      world.deps.jobs = runner.jobs;
      admin = await world.staffToken('A', 'admin');
    });
    after(async () => {
      await runner?.stop();
      await world?.close();
    });

    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const tenantTables = async () =>
      (await owner<{ name: string }>(sql`select c.relname as name from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
          join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
         where c.relkind in ('r', 'p') order by 1`)).map((r) => r.name);
    /** Rows per table and tenant, in every public table with a tenant_id. */
    const census = async () => {
      const out = new Map<string, number>();
      for (const table of await tenantTables()) {
        const rows = await owner<{ tenant: string; n: number }>(
          sql`select tenant_id::text as tenant, count(*)::int as n from ${sql.identifier(table)} group by tenant_id`,
        );
        for (const r of rows) out.set(`${table} ${r.tenant}`, r.n);
      }
      return out;
    };
    const subtreeOf = async (id: string) =>
      (await owner<{ id: string }>(sql`select descendant_id as id from portico.org_closure where ancestor_id = ${id}::uuid`)).map((r) => r.id);
    const requestDeletion = async (id: string) => {
      const got = await world.request(`/v1/customers/${id}`, { token: admin });
      const res = await world.request(`/v1/customers/${id}/deletion`, {
        method: 'POST',
        token: admin,
        headers: { 'content-type': 'application/json', 'if-match': got.headers.get('etag')! },
        body: JSON.stringify({ confirm: 'DELETE' }),
      });
      assert.equal(res.status, 202, await res.text());
    };
    const waitUntilGone = async (id: string) => {
      const deadline = Date.now() + TIMEOUT_MS;
      while ((await owner(sql`select 1 from orgs where id = ${id}::uuid`)).length > 0) {
        assert.ok(Date.now() < deadline, `tenant ${id} was not purged within ${TIMEOUT_MS} ms`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    /** Rows of `tenant` over every public table with a tenant_id. */
    const rowsOf = async (tenant: string) => {
      let total = 0;
      for (const table of await tenantTables()) {
        const [row] = await owner<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenant}::uuid`);
        total += row?.n ?? 0;
      }
      return total;
    };
    const assertNothingLeft = async (tenants: string[]) => {
      for (const table of await tenantTables()) {
        const [row] = await owner<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = any(${sql.param(tenants)}::uuid[])`);
        assert.equal(row?.n, 0, `${table} still holds rows of the purged tenant`);
      }
      const [orgs] = await owner<{ n: number }>(sql`select count(*)::int as n from orgs where id = any(${sql.param(tenants)}::uuid[])`);
      assert.equal(orgs?.n, 0, 'org rows remain');
    };

    test('deleting an enterprise over HTTP purges it and its sub-organisations, and nothing else', async () => {
      const id = world.orgs.enterprise;
      const tenants = await subtreeOf(id);
      assert.ok(tenants.length > 1, 'the enterprise has sub-organisations');
      const [parent] = await owner<{ id: string; name: string }>(sql`select p.id, p.name from orgs o join orgs p on p.id = o.parent_id where o.id = ${id}::uuid`);
      const [org] = await owner<{ name: string }>(sql`select name from orgs where id = ${id}::uuid`);
      const before = await census();
      const theirs = [...before.entries()].filter(([k]) => tenants.includes(k.split(' ')[1]!)).reduce((a, [, n]) => a + n, 0);
      assert.ok(theirs > 0);

      await requestDeletion(id);
      await waitUntilGone(id);
      await assertNothingLeft(tenants);

      // Every other tenant holds what it held, but for the purge's own records in the parent.
      const afterwards = await census();
      for (const [key, n] of before) {
        const [table, tenant] = key.split(' ') as [string, string];
        if (tenants.includes(tenant)) continue;
        const expected = key === `audit_log ${parent!.id}` ? n + 2 : key === `email_messages ${parent!.id}` || key === `notifications ${parent!.id}` ? n + 1 : n;
        assert.equal(afterwards.get(key) ?? 0, expected, `${table} of ${tenant}`);
      }
      const [purged] = await owner<{ after: { name: string; rowsDeleted: number; orgs: number } }>(
        sql`select after from audit_log where tenant_id = ${parent!.id}::uuid and action = 'customer.purged' and target_id = ${id}::uuid`,
      );
      assert.equal(purged?.after.name, org!.name);
      assert.equal(purged?.after.orgs, tenants.length);
      // The rows of the tenant before the request, plus the audit record and the notification of the request itself.
      assert.equal(purged?.after.rowsDeleted, theirs + 2);
      const [email] = await owner<{ kind: string; to: string[]; data: Record<string, unknown> }>(
        sql`select kind::text, "to", data from email_messages where tenant_id = ${parent!.id}::uuid and kind = 'tenant-deleted'`,
      );
      const [requester] = await owner<{ email: string }>(sql`select u.email from users u join role_assignments r on r.user_id = u.id
         where u.tenant_id = ${world.orgs.mspA}::uuid and r.role = 'msp_admin' and u.external_id = (select external_id from users where id = (
           select actor_id from audit_log where tenant_id = ${parent!.id}::uuid and action = 'customer.purged' and target_id = ${id}::uuid))`);
      assert.deepEqual(email?.to, [requester!.email]);
      assert.equal(email?.data.customerName, org!.name);
      assert.equal(email?.data.mspName, parent!.name);
      assert.equal(email?.data.rowsDeleted, theirs + 2);
      assert.ok(email?.data.requestedAt && email.data.purgedAt);
    });

    test('a purge that crashes after its first batch keeps the rest, and the retry finishes it', async () => {
      const [row] = await owner<{ id: string }>(sql`
        select cp.tenant_id as id from customer_profiles cp
         where cp.tenant_id = any(${sql.param(world.orgs.customersA)}::uuid[]) and cp.status = 'active'
         order by (select count(*) from findings f where f.tenant_id = cp.tenant_id) desc limit 1`);
      const id = row!.id;
      const rows = await rowsOf(id);
      assert.ok(rows > 3 * 40, `enough rows for several batches of 40: ${rows}`);
      const crashed = new Promise<void>((resolve) => {
        crash = { resolve };
      });
      await requestDeletion(id);
      await crashed;
      // One batch is gone; the tenant, its profile and the other rows are still there.
      const [profile] = await owner<{ status: string }>(sql`select status::text from customer_profiles where tenant_id = ${id}::uuid`);
      assert.equal(profile?.status, 'deleting');
      const partial = await rowsOf(id);
      assert.ok(partial > 0 && partial < rows, `partial: ${partial} of ${rows}`);
      await waitUntilGone(id);
      await assertNothingLeft([id]);
      const purged = await owner(sql`select 1 from audit_log where action = 'customer.purged' and target_id = ${id}::uuid`);
      assert.equal(purged.length, 1);
    });

    test('the start-up sweep re-queues a tenant left deleting without a job; a purged tenant is a quiet no-op', async () => {
      const id = world.orgs.customersA.at(-1)!;
      await owner(sql`update customer_profiles set status = 'deleting', deletion_requested_at = now() where tenant_id = ${id}::uuid`);
      await worker.sweep(ctx);
      await waitUntilGone(id);
      await assertNothingLeft([id]);
      await runner.jobs.send('tenant-purge', { tenantId: id, requestedBy: null });
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        const [job] = await owner<{ state: string }>(sql`select state::text from pgboss.job where name = 'tenant-purge' and data->>'tenantId' = ${id} order by created_on desc limit 1`);
        if (job?.state === 'completed') break;
        assert.notEqual(job?.state, 'failed');
        assert.ok(Date.now() < deadline, 'the job for a purged tenant did not complete');
        await new Promise((r) => setTimeout(r, 250));
      }
    });
  });
}
