import type { AssetKind } from '../domain/assets.js';
import type { ScanProfile, Severity } from './catalogue.js';

export type { ScanProfile, Severity } from './catalogue.js';

/**
 * What a scanner integration implements. Portico decides when a scan runs (schedules, event
 * triggers, "run now"), which assets it covers and whose access it runs with; the adapter only
 * scans and answers what it saw. It never touches the database: the `scan-run` job writes the
 * assets and findings it reports, inside the scope of the user the scan runs for
 * (bff/jobs/scan-run.ts, docs/scans.md).
 */
export interface ScannerAdapter {
  /** A short name, in logs and in the key that remembers the last database version seen. */
  readonly name: string;
  /** The profiles a schedule may name (`id`); `name` is what the scan records. */
  profiles(): Promise<readonly ScanProfile[]>;
  /**
   * The version of the scanner's vulnerability database. Polled once a minute; when it
   * changes, schedules with the `vulnerability_db_update` trigger run once for that version.
   */
  vulnerabilityDatabaseVersion(): Promise<string>;
  /** Scans the assets; may take long and may fail (the scan is then recorded failed with the message). */
  run(request: ScanRequest): Promise<ScanResult>;
}

export interface ScanAsset {
  id: string;
  kind: AssetKind;
  value: string;
}

export interface ScanRequest {
  customerId: string;
  /** The scan row's id: the same id asks for the same scan (an adapter may use it as an idempotency key). */
  scanId: string;
  /** A profile `id` from `profiles()`. */
  profile: string;
  /** Asset values the scan was asked to cover; empty means all of `assets`. */
  targets: readonly string[];
  /** The customer's assets the scan covers (already narrowed to `targets`). */
  assets: readonly ScanAsset[];
}

export interface ScanResult {
  /** Assets found that were not in `assets` (a subdomain seen in DNS, an open host). */
  discovered: { kind: AssetKind; value: string }[];
  /** What the scan found, each on an asset by its value (one of `assets` or `discovered`). */
  findings: { type: string; title: string; severity: Severity; asset: string }[];
}
