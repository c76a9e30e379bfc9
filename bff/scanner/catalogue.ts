import type { AssetKind } from '../domain/assets.js';

/**
 * What scans find and how they are set up: the finding kinds the simulated scanner reports
 * (and the demo seed draws from), and the scan profiles with the asset kinds each covers.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface CatalogueFinding {
  type: string;
  title: string;
  severity: Severity;
  /** The asset kinds it can be found on. */
  kinds: AssetKind[];
}

export interface ScanProfile {
  /** What a schedule names (`external`). */
  id: string;
  /** What scans record and reports show (`External perimeter`). */
  name: string;
  description: string;
  /** The asset kinds the profile scans. */
  kinds: AssetKind[];
}

/** In the order the demo seed has always drawn from. */
export const scanProfiles: readonly ScanProfile[] = [
  { id: 'full', name: 'Full and fast', description: 'Every asset, every check', kinds: ['domain', 'subdomain', 'ip_address', 'web_app_url', 'api_base_url'] },
  { id: 'external', name: 'External perimeter', description: 'Domains, subdomains and public IP addresses', kinds: ['domain', 'subdomain', 'ip_address'] },
  { id: 'web', name: 'Web application', description: 'Web applications and APIs', kinds: ['web_app_url', 'api_base_url'] },
  { id: 'internal', name: 'Internal network', description: 'IP addresses from inside the network', kinds: ['ip_address'] },
  { id: 'pci', name: 'Compliance (PCI)', description: 'The checks PCI DSS external scans ask for', kinds: ['subdomain', 'ip_address', 'web_app_url', 'api_base_url'] },
];

export const findingCatalogue: readonly CatalogueFinding[] = [
  { type: 'smtp-legacy-auth', title: 'Legacy SMTP AUTH enabled on mail gateway', severity: 'high', kinds: ['domain', 'subdomain'] },
  { type: 'dmarc-missing', title: 'No DMARC policy published', severity: 'medium', kinds: ['domain'] },
  { type: 'spf-softfail', title: 'SPF record ends in ~all (soft fail)', severity: 'low', kinds: ['domain'] },
  { type: 'tls-weak-cipher', title: 'TLS 1.0/1.1 and CBC cipher suites accepted', severity: 'medium', kinds: ['subdomain', 'web_app_url', 'api_base_url'] },
  { type: 'cert-expiring', title: 'TLS certificate expires within 14 days', severity: 'medium', kinds: ['subdomain', 'web_app_url'] },
  { type: 'cert-expired', title: 'TLS certificate has expired', severity: 'high', kinds: ['subdomain', 'web_app_url'] },
  { type: 'hsts-missing', title: 'Strict-Transport-Security header missing', severity: 'low', kinds: ['web_app_url'] },
  { type: 'rdp-exposed', title: 'Remote Desktop (3389/tcp) reachable from the internet', severity: 'critical', kinds: ['ip_address'] },
  { type: 'smb-exposed', title: 'SMB (445/tcp) reachable from the internet', severity: 'critical', kinds: ['ip_address'] },
  { type: 'openssh-outdated', title: 'OpenSSH older than 9.3 (regreSSHion, CVE-2024-6387)', severity: 'high', kinds: ['ip_address'] },
  { type: 'fortios-cve-2024-21762', title: 'FortiOS SSL-VPN out-of-bounds write (CVE-2024-21762)', severity: 'critical', kinds: ['ip_address'] },
  { type: 'exchange-proxyshell', title: 'Exchange Server vulnerable to ProxyShell', severity: 'critical', kinds: ['subdomain'] },
  { type: 'directory-listing', title: 'Directory listing enabled', severity: 'medium', kinds: ['web_app_url'] },
  { type: 'git-exposed', title: 'Public .git directory exposes source code', severity: 'high', kinds: ['web_app_url'] },
  { type: 'xss-reflected', title: 'Reflected cross-site scripting in search parameter', severity: 'high', kinds: ['web_app_url'] },
  { type: 'sqli', title: 'SQL injection in login form', severity: 'critical', kinds: ['web_app_url'] },
  { type: 'csp-missing', title: 'Content-Security-Policy header missing', severity: 'low', kinds: ['web_app_url'] },
  { type: 'cookie-insecure', title: 'Session cookie without Secure and HttpOnly flags', severity: 'medium', kinds: ['web_app_url'] },
  { type: 'api-no-auth', title: 'API endpoint returns data without authentication', severity: 'high', kinds: ['api_base_url'] },
  { type: 'api-verbose-errors', title: 'API returns stack traces in error responses', severity: 'low', kinds: ['api_base_url'] },
  { type: 'cors-wildcard', title: 'CORS allows any origin with credentials', severity: 'medium', kinds: ['api_base_url'] },
  { type: 'dns-zone-transfer', title: 'DNS zone transfer (AXFR) allowed', severity: 'medium', kinds: ['domain'] },
  { type: 'subdomain-takeover', title: 'Dangling CNAME allows subdomain takeover', severity: 'high', kinds: ['subdomain'] },
  { type: 'server-banner', title: 'Server version disclosed in banner', severity: 'info', kinds: ['ip_address', 'web_app_url'] },
  { type: 'ftp-anonymous', title: 'Anonymous FTP login allowed', severity: 'high', kinds: ['ip_address'] },
];
