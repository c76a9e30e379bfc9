import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { queueNewAssetScans } from '../../../bff/db/queries/scans.js';
import { assets, scans, scanSchedules, users } from '../../../bff/db/schema.js';
import { seeded } from '../../../bff/db/seed.js';
import { runScan, type ScanJobContext } from '../../../bff/jobs/scan-run.js';
import { runDueScanSchedules } from '../../../bff/jobs/scan-schedules.js';
import { startJobs } from '../../../bff/jobs/index.js';
import type { ScannerAdapter, ScanRequest } from '../../../bff/scanner/adapter.js';
import { scanProfiles } from '../../../bff/scanner/catalogue.js';
import { SimulatedScanner } from '../../../bff/scanner/simulated.js';
import { backends, seededWorld, type World } from '../../helpers/db.js';

/**
 * The scan jobs, driven directly (no minute to wait): a due slot queues one scan however many
 * ticks race; a run records findings, resolves what went away, refreshes the fleet figures and
 * leaves notifications; a creator without access gets a failed scan; event triggers fire once
 * per asset or database version, and discoveries cannot chain forever. One test lets pg-boss
 * run the same path.
 */

const MINUTE = 60_000;

/** A scanner that finds one weakness per asset and a brand-new subdomain on every run. */
class DiscoveringScanner implements ScannerAdapter {
  readonly name = 'discovering';
  runs: ScanRequest[] = [];
  profiles() {
    return Promise.resolve(scanProfiles);
  }
  vulnerabilityDatabaseVersion() {
    return Promise.resolve('d-1');
  }
  run(request: ScanRequest) {
    this.runs.push(request);
    return Promise.resolve({
      discovered: [{ kind: 'subdomain' as const, value: `found-${this.runs.length}.loop.example` }],
      findings: request.assets.map((a) => ({ type: 'server-banner', title: 'Server version disclosed in banner', severity: 'info' as const, asset: a.value })),
    });
  }
}

for (const backend of backends) {
  describe(`scan schedules jobs (${backend})`, () => {
    let world: World;
    let ctx: ScanJobContext;
    let now: Date;

    before(async () => {
      world = await seededWorld(backend, { customers: 6 });
      ctx = { db: world.database.db, scanner: new SimulatedScanner(world.database.db, { seed: 'jobs', discoveryRate: 0 }), jobs: null };
    });
    after(async () => world?.close());
    beforeEach(() => {
      now = new Date(Date.now() + 10 * MINUTE);
    });

    const db = () => world.database.db;
    const seededSchedules = () => db().select().from(scanSchedules).orderBy(scanSchedules.tenantId);
    async function makeDue(id: string, at: Date) {
      await db().update(scanSchedules).set({ nextRunAt: at }).where(eq(scanSchedules.id, id));
    }
    async function scansOf(scheduleId: string) {
      return db().select().from(scans).where(eq(scans.scheduleId, scheduleId)).orderBy(scans.startedAt);
    }
    /** Runs every queued scan, again and again until none is left; answers how many ran. */
    async function drain(c: ScanJobContext, limit = 50): Promise<number> {
      let ran = 0;
      for (;;) {
        const queued = await db().select({ tenantId: scans.tenantId, id: scans.id }).from(scans).where(eq(scans.status, 'queued'));
        if (!queued.length) return ran;
        for (const ref of queued) {
          await runScan(c, ref, now);
          ran++;
        }
        assert.ok(ran < limit, `more than ${limit} runs: a trigger loop`);
      }
    }

    test('racing ticks queue a due slot once and move the schedule to its next slot', async () => {
      const [schedule] = await seededSchedules();
      const slot = new Date(now.getTime() - 5 * MINUTE);
      await makeDue(schedule!.id, slot);
      const [a, b, c] = await Promise.all([runDueScanSchedules(ctx, now), runDueScanSchedules(ctx, now), runDueScanSchedules(ctx, now)]);
      const mine = [...a, ...b, ...c].filter((r) => r.tenantId === schedule!.tenantId);
      assert.equal(mine.length, 1, 'one tick queued it');
      const rows = await scansOf(schedule!.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.runKey, `slot:${slot.toISOString()}`);
      assert.equal(rows[0]!.trigger, 'schedule');
      assert.equal(rows[0]!.status, 'queued');
      assert.equal(rows[0]!.profile, 'External perimeter');
      const [after] = await db().select().from(scanSchedules).where(eq(scanSchedules.id, schedule!.id));
      assert.ok(after!.nextRunAt!.getTime() > now.getTime(), 'next slot after now');
      assert.equal(after!.lastRunAt!.toISOString(), slot.toISOString());
      // A tick now finds nothing due.
      assert.deepEqual((await runDueScanSchedules(ctx, now)).filter((r) => r.tenantId === schedule!.tenantId), []);
    });

    test('a run records findings, notifications and fleet figures; the next run sees them again and resolves what went away', async () => {
      const [schedule] = await seededSchedules();
      const [queued] = (await scansOf(schedule!.id)).filter((s) => s.status === 'queued');
      assert.ok(queued, 'the slot of the first test is queued');
      const outcome = await runScan(ctx, queued!, now);
      assert.equal(outcome.status, 'completed');
      const [done] = await db().select().from(scans).where(eq(scans.id, queued!.id));
      assert.equal(done!.status, 'completed');
      assert.ok(done!.findingsCount > 0, 'the simulated scanner finds something');
      assert.equal(done!.finishedAt!.toISOString(), now.toISOString());
      const found = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from findings where scan_id = ${queued!.id}::uuid`);
      assert.ok(found[0]!.n > 0, 'new findings carry the scan');
      const notes = await queryRows<{ kind: string; category: string }>(db(), sql`select kind, category from notifications where dedupe_key = ${queued!.id} order by kind`);
      assert.ok(notes.some((n) => n.kind === 'scan-completed' && n.category === 'scans'), 'scan-completed notification');
      for (const n of notes.filter((x) => x.kind === 'findings-new')) assert.equal(n.category, 'findings');
      const [metrics] = await queryRows<{ last_scan_at: Date }>(db(), sql`select last_scan_at from customer_metrics where tenant_id = ${schedule!.tenantId}::uuid`);
      assert.equal(new Date(metrics!.last_scan_at).toISOString(), now.toISOString());
      // Run twice: nothing more happens.
      assert.equal((await runScan(ctx, queued!, now)).status, 'skipped');

      // The next slot: the same weaknesses are seen again, not duplicated.
      const openBefore = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from findings where tenant_id = ${schedule!.tenantId}::uuid and status = 'open'`);
      const later = new Date(now.getTime() + 7 * 24 * 60 * MINUTE);
      await makeDue(schedule!.id, new Date(later.getTime() - MINUTE));
      const [second] = (await runDueScanSchedules(ctx, later)).filter((r) => r.tenantId === schedule!.tenantId);
      const outcome2 = await runScan(ctx, second!, later);
      assert.equal(outcome2.status, 'completed');
      const dupes = await queryRows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from findings f where f.scan_id = ${second!.id}::uuid
              and exists (select 1 from findings g where g.tenant_id = f.tenant_id and g.asset_id = f.asset_id and g.type = f.type
                            and g.id <> f.id and g.status in ('open', 'accepted_risk'))`,
      );
      assert.equal(dupes[0]!.n, 0, 'a weakness seen again is not a new finding');
      const seenAgain = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from findings where tenant_id = ${schedule!.tenantId}::uuid and last_seen_at = ${later.toISOString()}::timestamptz and first_seen_at < ${later.toISOString()}::timestamptz`);
      assert.ok(seenAgain[0]!.n > 0, 'findings seen again moved their last_seen_at');
      if (outcome2.status === 'completed') {
        const openAfter = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from findings where tenant_id = ${schedule!.tenantId}::uuid and status = 'open'`);
        assert.equal(openAfter[0]!.n, openBefore[0]!.n + outcome2.recorded.newFindings - outcome2.recorded.resolved);
      }
    });

    test('a creator who lost access gets the scan failed with the reason', async () => {
      const [, schedule] = await seededSchedules();
      await makeDue(schedule!.id, new Date(now.getTime() - MINUTE));
      const [ref] = (await runDueScanSchedules(ctx, now)).filter((r) => r.tenantId === schedule!.tenantId);
      await db().update(users).set({ status: 'deactivated' }).where(eq(users.id, schedule!.createdBy));
      try {
        const outcome = await runScan(ctx, ref!, now);
        assert.equal(outcome.status, 'failed');
        const [row] = await db().select().from(scans).where(eq(scans.id, ref!.id));
        assert.equal(row!.status, 'failed');
        assert.match(row!.error ?? '', /no longer active/);
        const notes = await queryRows<{ kind: string }>(db(), sql`select kind from notifications where dedupe_key = ${ref!.id}`);
        assert.deepEqual(notes.map((n) => n.kind), ['scan-failed']);
      } finally {
        await db().update(users).set({ status: 'active' }).where(eq(users.id, schedule!.createdBy));
      }
    });

    test('an account manager whose customer was unassigned gets a failed scan: the scope decides', async () => {
      const [manager] = await queryRows<{ id: string; tenant: string }>(
        db(),
        sql`select u.id, a.tenant_id as tenant from users u join account_manager_assignments a on a.user_id = u.id where u.external_id = ${seeded.staff.accountManager} limit 1`,
      );
      const [schedule] = await db()
        .insert(scanSchedules)
        .values({ tenantId: manager!.tenant, name: 'Manager scan', profile: 'web', frequency: 'daily', startTime: '03:00', createdBy: manager!.id, nextRunAt: new Date(now.getTime() - MINUTE) })
        .returning();
      const [ref] = (await runDueScanSchedules(ctx, now)).filter((r) => r.tenantId === manager!.tenant);
      await db().execute(sql`delete from account_manager_assignments where user_id = ${manager!.id}::uuid and tenant_id = ${manager!.tenant}::uuid`);
      const outcome = await runScan(ctx, ref!, now);
      assert.deepEqual(outcome, { status: 'failed', reason: "the schedule's creator can no longer see this customer" });
      const findings = await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from findings where scan_id = ${ref!.id}::uuid`);
      assert.equal(findings[0]!.n, 0);
      await db().execute(sql`insert into account_manager_assignments (tenant_id, user_id) values (${manager!.tenant}::uuid, ${manager!.id}::uuid)`);
      await db().delete(scanSchedules).where(eq(scanSchedules.id, schedule!.id));
    });

    test('a new asset runs each new_asset schedule once; a database version once per schedule', async () => {
      const [schedule] = await seededSchedules();
      const [asset] = await db().insert(assets).values({ tenantId: schedule!.tenantId, kind: 'subdomain', value: 'trigger.dedupe.example', normalizedValue: 'trigger.dedupe.example' }).returning();
      const nameOf = (id: string) => id;
      const first = await world.database.db.transaction((tx) => queueNewAssetScans(tx, schedule!.tenantId, [asset!.id], now, nameOf));
      const again = await world.database.db.transaction((tx) => queueNewAssetScans(tx, schedule!.tenantId, [asset!.id], now, nameOf));
      assert.equal(first.length, 1);
      assert.equal(again.length, 0, 'the same asset does not run the schedule twice');
      const [row] = await db().select().from(scans).where(eq(scans.id, first[0]!.id));
      assert.equal(row!.runKey, `asset:${asset!.id}`);
      assert.deepEqual(row!.targets, ['trigger.dedupe.example']);

      await db().update(scanSchedules).set({ triggers: ['vulnerability_db_update'] }).where(eq(scanSchedules.id, schedule!.id));
      const sim = ctx.scanner as SimulatedScanner;
      await runDueScanSchedules(ctx, now); // sees the current version first: nothing to run
      const version = await sim.bumpVulnerabilityDatabase();
      const ticks = await Promise.all([runDueScanSchedules(ctx, now), runDueScanSchedules(ctx, now)]);
      await runDueScanSchedules(ctx, now);
      const vuln = (await scansOf(schedule!.id)).filter((s) => s.trigger === 'vulnerability_db_update');
      assert.equal(vuln.length, 1, 'one run for the version');
      assert.equal(vuln[0]!.runKey, `vulndb:${version}`);
      assert.equal(ticks.flat().filter((r) => r.id === vuln[0]!.id).length, 1);
      await db().update(scanSchedules).set({ triggers: ['new_asset'] }).where(eq(scanSchedules.id, schedule!.id));
      await drain(ctx);
    });

    test('discoveries do not chain: a run a new asset started starts no more', async () => {
      const scanner = new DiscoveringScanner();
      const loop: ScanJobContext = { db: db(), scanner, jobs: null };
      await drain(ctx);
      const [schedule] = await seededSchedules();
      await db().update(scanSchedules).set({ profile: 'full', triggers: ['new_asset'] }).where(eq(scanSchedules.tenantId, schedule!.tenantId));
      await db().update(scanSchedules).set({ enabled: false }).where(sql`${scanSchedules.tenantId} <> ${schedule!.tenantId}::uuid`);
      const mine = await db().select().from(scanSchedules).where(eq(scanSchedules.tenantId, schedule!.tenantId));
      await makeDue(schedule!.id, new Date(now.getTime() - MINUTE));
      const ticked = await runDueScanSchedules(loop, now);
      assert.equal(ticked.length, 1);
      const ran = await drain(loop);
      // The slot's run discovers found-1 and starts one run per new_asset schedule of the
      // customer; those discover more, which start nothing.
      assert.equal(ran, 1 + mine.length);
      const triggered = await db().select().from(scans).where(and(eq(scans.tenantId, schedule!.tenantId), eq(scans.trigger, 'new_asset'), eq(scans.runKey, sql`'asset:' || (select id from assets where value = 'found-1.loop.example')`)));
      assert.equal(triggered.length, mine.length);
      assert.deepEqual(triggered[0]!.targets, ['found-1.loop.example']);
      assert.ok(scanner.runs.slice(1).every((r) => r.assets.length === 1 && r.assets[0]!.value === 'found-1.loop.example'), 'triggered runs scan the new asset only');
      await db().update(scanSchedules).set({ enabled: true });
    });

    test('with pg-boss: the start-up tick queues a due slot and the scan-run worker completes it', async () => {
      const [schedule] = await seededSchedules();
      const clock = new Date();
      await makeDue(schedule!.id, new Date(clock.getTime() - MINUTE));
      const runner = await startJobs(world.database, world.config, { work: ['scan-schedules-due', 'scan-run'], now: () => new Date(clock) });
      try {
        let row: typeof scans.$inferSelect | undefined;
        for (let i = 0; i < 200 && row?.status !== 'completed' && row?.status !== 'failed'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          [row] = await db().select().from(scans).where(and(eq(scans.scheduleId, schedule!.id), eq(scans.runKey, `slot:${new Date(clock.getTime() - MINUTE).toISOString()}`)));
        }
        assert.equal(row?.status, 'completed');
      } finally {
        await runner.stop();
      }
    });
  });
}
