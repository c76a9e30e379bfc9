import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { settings } from '../db/schema.js';
import type { ScannerAdapter, ScanRequest, ScanResult } from './adapter.js';
import { findingCatalogue, scanProfiles } from './catalogue.js';

/**
 * A scanner for the demo and the tests: no network, answers at once, and what it finds follows
 * from its inputs alone. Each asset carries a stable set of weaknesses (drawn from the
 * catalogue by customer, asset and finding kind), so consecutive scans see the same findings
 * again; a few come and go from one scan to the next; a new vulnerability-database version
 * reveals a few more; and now and then a scan of a customer's domain turns up a subdomain no
 * one registered. The database version lives in `portico.settings` and is bumped by
 * `npm run cli -- scanner bump-vulndb`.
 */

const VERSION_KEY = 'scanner.simulated.vulnerability_database';

/** A number in [0, 1) from the parts, the same for the same parts. */
function chance(...parts: string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

export interface SimulatedOptions {
  /** Varies everything the scanner finds; same seed, same findings. */
  seed?: string;
  /** Share of (asset, kind) pairs that are weak from the start. */
  baseRate?: number;
  /** Chance that a full scan of a customer with a domain discovers a new subdomain. */
  discoveryRate?: number;
}

export class SimulatedScanner implements ScannerAdapter {
  readonly name = 'simulated';
  private readonly seed: string;
  private readonly baseRate: number;
  private readonly discoveryRate: number;

  constructor(
    private readonly db: Database,
    options: SimulatedOptions = {},
  ) {
    this.seed = options.seed ?? 'portico';
    this.baseRate = options.baseRate ?? 0.12;
    this.discoveryRate = options.discoveryRate ?? 0.2;
  }

  profiles() {
    return Promise.resolve(scanProfiles);
  }

  async vulnerabilityDatabaseVersion(): Promise<string> {
    const [row] = await this.db.select({ value: settings.value }).from(settings).where(eq(settings.key, VERSION_KEY));
    return `sim-${(row?.value as { version?: number } | undefined)?.version ?? 1}`;
  }

  /** Publishes the next database version (what a vendor's feed update does); answers it. */
  async bumpVulnerabilityDatabase(): Promise<string> {
    const [row] = await this.db
      .insert(settings)
      .values({ key: VERSION_KEY, value: { version: 2 } })
      .onConflictDoUpdate({ target: settings.key, set: { value: sql`jsonb_build_object('version', coalesce((${settings.value}->>'version')::int, 1) + 1)` } })
      .returning({ value: settings.value });
    return `sim-${(row!.value as { version: number }).version}`;
  }

  async run(request: ScanRequest): Promise<ScanResult> {
    const profile = scanProfiles.find((p) => p.id === request.profile);
    if (!profile) throw new Error(`the simulated scanner has no profile ${JSON.stringify(request.profile)}`);
    const version = await this.vulnerabilityDatabaseVersion();
    const { seed, baseRate } = this;
    const covered = request.assets.filter((a) => profile.kinds.includes(a.kind));
    const findings: ScanResult['findings'] = [];
    for (const asset of covered) {
      for (const f of findingCatalogue) {
        if (!f.kinds.includes(asset.kind)) continue;
        const key = [seed, request.customerId, asset.value, f.type];
        // Weak from the start, weak since this database version, or seen in this scan only.
        const found =
          chance(...key) < baseRate ||
          chance(...key, version) < 0.03 ||
          chance(...key, request.scanId) < 0.02;
        if (found) findings.push({ type: f.type, title: f.title, severity: f.severity, asset: asset.value });
      }
    }
    const discovered: ScanResult['discovered'] = [];
    const domain = covered.find((a) => a.kind === 'domain');
    if (domain && profile.kinds.includes('subdomain') && chance(seed, request.scanId, 'discover') < this.discoveryRate) {
      const label = ['legacy', 'dev', 'staging', 'old-mail', 'test', 'backup', 'remote', 'vpn2'][Math.floor(chance(seed, request.scanId, 'label') * 8)]!;
      const value = `${label}.${domain.value}`;
      if (!request.assets.some((a) => a.value === value)) {
        discovered.push({ kind: 'subdomain', value });
        for (const f of findingCatalogue) {
          if (f.kinds.includes('subdomain') && chance(seed, request.customerId, value, f.type) < baseRate * 2) findings.push({ type: f.type, title: f.title, severity: f.severity, asset: value });
        }
      }
    }
    return { discovered, findings };
  }
}
