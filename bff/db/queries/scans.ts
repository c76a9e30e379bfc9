import { and, arrayContains, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { normalizeAsset, type AssetKind } from '../../domain/assets.js';
import { assetKey, type ScanReason } from '../../domain/scan-schedule.js';
import type { ScanResult } from '../../scanner/adapter.js';
import type { Tx } from '../client.js';
import { assets, auditLog, findings, orgs, scans, scanSchedules } from '../schema.js';
import { recordNotification } from './licences.js';

/**
 * Scans and what they find, read and written in whichever scope the caller opened: a request's,
 * or (for the `scan-run` job) that of the user a schedule runs for, so RLS bounds what a scan may
 * touch exactly as it bounds that user.
 */

export type ScheduleRow = typeof scanSchedules.$inferSelect;
export type ScanRow = typeof scans.$inferSelect;
export interface ScanRef {
  tenantId: string;
  id: string;
}

export interface QueueScan {
  schedule: Pick<ScheduleRow, 'tenantId' | 'id' | 'targets'>;
  /** The profile's name, as scans record it. */
  profileName: string;
  trigger: ScanReason;
  runKey: string;
  /** Default: the schedule's. */
  targets?: string[];
  now: Date;
}

/**
 * Records a queued scan for a schedule's run key. The key is unique per schedule, so of two
 * callers queueing the same run (racing ticks, an event seen twice) one inserts and the other
 * gets null.
 */
export async function queueScan(tx: Tx, q: QueueScan): Promise<ScanRef | null> {
  const [row] = await tx
    .insert(scans)
    .values({
      tenantId: q.schedule.tenantId,
      profile: q.profileName,
      status: 'queued',
      startedAt: q.now,
      scheduleId: q.schedule.id,
      trigger: q.trigger,
      runKey: q.runKey,
      targets: q.targets ?? q.schedule.targets,
    })
    .onConflictDoNothing({ target: [scans.tenantId, scans.scheduleId, scans.runKey] })
    .returning({ tenantId: scans.tenantId, id: scans.id });
  return row ?? null;
}

/**
 * Queues one run per new asset for each enabled schedule of the customer that asks for
 * `new_asset`, covering just that asset (run key `asset:<id>`: once per schedule and asset).
 */
export async function queueNewAssetScans(tx: Tx, customerId: string, assetIds: string[], now: Date, profileName: (id: string) => string): Promise<ScanRef[]> {
  if (!assetIds.length) return [];
  const schedules = await tx
    .select()
    .from(scanSchedules)
    .where(and(eq(scanSchedules.tenantId, customerId), eq(scanSchedules.enabled, true), arrayContains(scanSchedules.triggers, ['new_asset'])));
  if (!schedules.length) return [];
  const found = await tx.select({ id: assets.id, value: assets.value }).from(assets).where(and(eq(assets.tenantId, customerId), inArray(assets.id, assetIds)));
  const refs: ScanRef[] = [];
  for (const schedule of schedules) {
    for (const asset of found) {
      const ref = await queueScan(tx, { schedule, profileName: profileName(schedule.profile), trigger: 'new_asset', runKey: assetKey(asset.id), targets: [asset.value], now });
      if (ref) refs.push(ref);
    }
  }
  return refs;
}

/** A customer's latest scans, newest first, with the schedule's name where there is one. */
export async function recentScans(tx: Tx, customerId: string, limit: number) {
  return tx
    .select({
      id: scans.id,
      profile: scans.profile,
      status: scans.status,
      trigger: scans.trigger,
      scheduleId: scans.scheduleId,
      scheduleName: scanSchedules.name,
      targets: scans.targets,
      startedAt: scans.startedAt,
      finishedAt: scans.finishedAt,
      findingsCount: scans.findingsCount,
      error: scans.error,
    })
    .from(scans)
    .leftJoin(scanSchedules, and(eq(scanSchedules.tenantId, scans.tenantId), eq(scanSchedules.id, scans.scheduleId)))
    .where(eq(scans.tenantId, customerId))
    .orderBy(desc(scans.startedAt), desc(scans.id))
    .limit(limit);
}

/** The customer's assets a scan covers: all of them, or those whose value (either spelling) is a target. */
export async function scanAssets(tx: Tx, customerId: string, targets: readonly string[], kinds: readonly AssetKind[]) {
  const rows = await tx
    .select({ id: assets.id, kind: assets.kind, value: assets.value, normalizedValue: assets.normalizedValue })
    .from(assets)
    .where(
      and(
        eq(assets.tenantId, customerId),
        kinds.length ? inArray(assets.kind, [...kinds]) : sql`false`,
        targets.length ? or(inArray(assets.value, [...targets]), inArray(assets.normalizedValue, [...targets])) : undefined,
      ),
    )
    .orderBy(assets.value);
  return rows;
}

export interface RecordedScan {
  findings: number;
  newFindings: number;
  /** New critical and high findings. */
  newPriority: number;
  resolved: number;
  /** Ids of the assets the scan discovered (new rows). */
  newAssets: string[];
  /** Whether a notification row was written (the fan-out should run). */
  notified: boolean;
}

export interface ScanWrite {
  scan: ScanRow;
  scheduleName: string;
  actorId: string;
  /** The assets handed to the scanner. */
  scanned: { id: string; kind: AssetKind; value: string; normalizedValue: string }[];
  result: ScanResult;
  now: Date;
}

const severityRank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;

/**
 * Writes what a scan saw: new assets, findings (an open or accepted finding of the same type on
 * the same asset is seen again: its `last_seen_at` moves; otherwise a new open finding), open
 * findings on the scanned assets that it no longer saw are resolved; the scan completes; a
 * notification tells of it (and another of new critical or high findings).
 */
export async function recordScanResult(tx: Tx, w: ScanWrite): Promise<RecordedScan> {
  const { scan, now } = w;
  const tenantId = scan.tenantId;
  const byValue = new Map<string, string>();
  for (const a of w.scanned) {
    byValue.set(a.value, a.id);
    byValue.set(a.normalizedValue, a.id);
  }
  const newAssets: string[] = [];
  for (const d of w.result.discovered) {
    let normalizedValue: string;
    try {
      normalizedValue = normalizeAsset(d.kind, d.value);
    } catch {
      continue;
    }
    const [created] = await tx
      .insert(assets)
      .values({ tenantId, kind: d.kind, value: d.value, normalizedValue, firstSeenAt: now })
      .onConflictDoNothing({ target: [assets.tenantId, assets.kind, assets.normalizedValue] })
      .returning({ id: assets.id });
    const row = created ?? (await tx.select({ id: assets.id }).from(assets).where(and(eq(assets.tenantId, tenantId), eq(assets.kind, d.kind), eq(assets.normalizedValue, normalizedValue))))[0];
    if (!row) continue;
    byValue.set(d.value, row.id);
    if (created) {
      newAssets.push(created.id);
      await tx.insert(auditLog).values({ tenantId, actorId: w.actorId, actorRole: 'system', action: 'asset.discovered', targetId: created.id, after: { kind: d.kind, value: d.value, scanId: scan.id } });
    }
  }

  // One finding per (asset, type), the most severe if the scanner repeats itself.
  const seen = new Map<string, ScanResult['findings'][number] & { assetId: string }>();
  for (const f of w.result.findings) {
    const assetId = byValue.get(f.asset);
    if (!assetId) continue;
    const key = `${assetId} ${f.type}`;
    const before = seen.get(key);
    if (!before || severityRank[f.severity] < severityRank[before.severity]) seen.set(key, { ...f, assetId });
  }
  const assetIds = [...new Set([...w.scanned.map((a) => a.id), ...[...seen.values()].map((f) => f.assetId)])];
  const existing = assetIds.length
    ? await tx
        .select({ id: findings.id, assetId: findings.assetId, type: findings.type, status: findings.status })
        .from(findings)
        .where(and(eq(findings.tenantId, tenantId), inArray(findings.assetId, assetIds), inArray(findings.status, ['open', 'accepted_risk'])))
    : [];
  const current = new Map(existing.map((f) => [`${f.assetId} ${f.type}`, f]));
  const again: string[] = [];
  const fresh: (typeof findings.$inferInsert)[] = [];
  for (const [key, f] of seen) {
    const known = current.get(key);
    if (known) again.push(known.id);
    else fresh.push({ tenantId, assetId: f.assetId, scanId: scan.id, severity: f.severity, type: f.type, title: f.title, status: 'open', firstSeenAt: now, lastSeenAt: now });
  }
  if (again.length) await tx.update(findings).set({ lastSeenAt: now }).where(and(eq(findings.tenantId, tenantId), inArray(findings.id, again)));
  if (fresh.length) await tx.insert(findings).values(fresh);
  const scannedIds = new Set(w.scanned.map((a) => a.id));
  const gone = existing.filter((f) => f.status === 'open' && scannedIds.has(f.assetId) && !seen.has(`${f.assetId} ${f.type}`)).map((f) => f.id);
  if (gone.length) await tx.update(findings).set({ status: 'resolved' }).where(and(eq(findings.tenantId, tenantId), inArray(findings.id, gone)));

  await tx.update(scans).set({ status: 'completed', finishedAt: now, findingsCount: seen.size, error: null }).where(and(eq(scans.tenantId, tenantId), eq(scans.id, scan.id)));

  const newPriority = fresh.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
  const [org] = await tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, tenantId));
  const customerName = org?.name ?? 'a customer';
  const data = { scanId: scan.id, scheduleId: scan.scheduleId, trigger: scan.trigger, findings: seen.size, newFindings: fresh.length, newPriority, resolved: gone.length, newAssets: newAssets.length };
  let notified = await recordNotification(tx, {
    tenantId,
    kind: 'scan-completed',
    category: 'scans',
    dedupeKey: scan.id,
    title: `${w.scheduleName} of ${customerName} completed: ${seen.size} finding${seen.size === 1 ? '' : 's'}, ${fresh.length} new`,
    data,
  });
  if (newPriority > 0) {
    notified =
      (await recordNotification(tx, {
        tenantId,
        kind: 'findings-new',
        category: 'findings',
        dedupeKey: scan.id,
        title: `${newPriority} new critical or high finding${newPriority === 1 ? '' : 's'} at ${customerName}`,
        data: { ...data, types: [...new Set(fresh.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => f.type))] },
      })) || notified;
  }
  return { findings: seen.size, newFindings: fresh.length, newPriority, resolved: gone.length, newAssets, notified };
}
