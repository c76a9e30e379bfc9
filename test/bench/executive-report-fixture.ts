import { reportBrand, severities, type AssetKind, type ExecutiveReport, type Severity } from '../../bff/outputs/report-data.js';

/**
 * A deterministic executive report for the PDF benchmark and the HTML renderer's tests: a
 * customer with a brand of its own, 30 days of posture, five weeks of scans and `risks` open
 * findings whose titles and assets have realistic lengths (some wrap to two lines in the table).
 */

const titles = [
  'TLS certificate expires within 14 days',
  'Outdated OpenSSH version with known vulnerabilities (CVE-2024-6387 regreSSHion)',
  'Missing HTTP Strict-Transport-Security header',
  'Exposed administrative interface reachable from the internet',
  'SPF record allows any sender (+all)',
  'Directory listing enabled on web server',
  'Weak TLS cipher suites accepted (3DES, RC4)',
  'Open SMB port 445 on a public address',
  'Subdomain points to an unclaimed cloud resource (possible takeover)',
  'Content-Security-Policy missing or allows unsafe-inline scripts',
];
const kinds: AssetKind[] = ['domain', 'subdomain', 'ip_address', 'web_app_url', 'api_base_url'];
const assetFor = (i: number, kind: AssetKind) =>
  ({
    domain: `northwind-traders-${i % 7}.example`,
    subdomain: `svc-${i}.eu-west.internal-apps.northwind-traders.example`,
    ip_address: `203.0.113.${i % 250}`,
    web_app_url: `https://portal-${i % 13}.northwind-traders.example/login?next=%2Fdashboard`,
    api_base_url: `https://api.northwind-traders.example/v${1 + (i % 3)}/`,
  })[kind];

export function benchmarkReport(risks: number): ExecutiveReport {
  const day = (n: number) => new Date(Date.UTC(2026, 9, 1 + n)).toISOString().slice(0, 10);
  const perSeverity = (s: Severity) => Math.round(risks * { critical: 0.06, high: 0.19, medium: 0.35, low: 0.28, info: 0.12 }[s]);
  const topRisks = Array.from({ length: risks }, (_, i) => {
    const severity = severities[Math.min(severities.length - 1, Math.floor((i / risks) * severities.length))]!;
    const kind = kinds[i % kinds.length]!;
    return {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      severity,
      title: titles[i % titles.length]!,
      type: `check_${i % titles.length}`,
      asset: assetFor(i, kind),
      assetKind: kind,
      firstSeenAt: new Date(Date.UTC(2026, 7, 1 + (i % 60))).toISOString(),
      ageDays: 30 + ((i * 7) % 90),
    };
  });
  return {
    customer: { id: '00000000-0000-4000-8000-00000000c001', name: 'Northwind Traders GmbH', slug: 'northwind-traders' },
    msp: { id: '00000000-0000-4000-8000-00000000a001', name: 'Contoso Managed Security' },
    preparedBy: 'Contoso Managed Security',
    period: { from: day(0), to: day(29) },
    generatedAt: '2026-10-31T06:00:00.000Z',
    posture: {
      score: 74,
      trend: 6,
      series: Array.from({ length: 30 }, (_, i) => ({ day: day(i), score: 68 + Math.round(6 * (i / 29) + 3 * Math.sin(i / 3)) })),
    },
    findingsBySeverity: Object.fromEntries(severities.map((s) => [s, perSeverity(s)])) as Record<Severity, number>,
    topRisks,
    assetCoverage: kinds.map((kind, i) => ({ kind, total: 40 - i * 6, scanned: 36 - i * 6, notScanned: 4 })),
    scanActivity: Array.from({ length: 5 }, (_, i) => ({ weekStart: new Date(Date.UTC(2026, 8, 28 + 7 * i)).toISOString().slice(0, 10), scans: 12 + i * 2, completed: 11 + i * 2, failed: 1 })),
    brand: reportBrand({ colorPrimary: '#7b1fa2', colorAccent: '#00796b', colorText: '#212121' }),
  };
}
