/**
 * What counts as one asset: each unique domain, subdomain, IP address, web-application URL or
 * API base URL. Values are normalised before counting so that two spellings of the same asset
 * (case, trailing dot, default port, trailing slash) count once.
 */
export const assetKinds = ['domain', 'subdomain', 'ip_address', 'web_app_url', 'api_base_url'] as const;
export type AssetKind = (typeof assetKinds)[number];

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.+$/, '');
}

const schemePrefix = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A domain may be written as a bare host or as the address of its site: `Example.COM.`,
 * `example.com:443`, `example.com/` and `https://example.com:443/` are one domain. Default ports
 * and a trailing slash are dropped; what remains must be a host name (see `assetValueProblem`).
 */
function normalizeDomain(value: string): string {
  const v = value.trim();
  if (schemePrefix.test(v)) {
    try {
      return normalizeHost(new URL(v).hostname);
    } catch {
      return normalizeHost(v);
    }
  }
  return normalizeHost(v.replace(/\/+$/, '').replace(/:(80|443)$/, ''));
}

function normalizeIp(value: string): string {
  const v = value.trim().toLowerCase().replace(/^\[|\]$/g, '');
  // Canonical IPv4: no leading zeros.
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return v.split('.').map((o) => String(Number(o))).join('.');
  try {
    return new URL(`http://[${v}]/`).hostname.replace(/^\[|\]$/g, ''); // canonical IPv6
  } catch {
    return v;
  }
}

function normalizeUrl(value: string): string {
  const url = new URL(value.trim());
  url.hostname = normalizeHost(url.hostname);
  url.hash = '';
  // URL drops default ports (80 for http, 443 for https) by itself.
  let path = url.pathname.replace(/\/+$/, '');
  if (path === '') path = '';
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

export function normalizeAsset(kind: AssetKind, value: string): string {
  switch (kind) {
    case 'domain':
    case 'subdomain':
      return normalizeDomain(value);
    case 'ip_address':
      return normalizeIp(value);
    case 'web_app_url':
    case 'api_base_url':
      return normalizeUrl(value);
  }
}

const hostLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function isHostName(host: string): boolean {
  const labels = host.split('.');
  return host.length <= 253 && labels.length >= 2 && labels.every((l) => hostLabel.test(l)) && /[a-z]/.test(labels[labels.length - 1]!);
}

function isIpAddress(value: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return value.split('.').every((o) => Number(o) <= 255);
  if (!value.includes(':')) return false;
  try {
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/**
 * Why a value is not an asset of its kind, or undefined when it is one. Checked before a value
 * is stored, so every stored asset normalises and counts.
 */
export function assetValueProblem(kind: AssetKind, value: string): string | undefined {
  const v = value.trim();
  switch (kind) {
    case 'domain':
    case 'subdomain': {
      if (schemePrefix.test(v)) {
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          return 'must be a host name such as example.com';
        }
        if (!['http:', 'https:'].includes(url.protocol) || url.port || url.username || url.password || url.search || url.hash || url.pathname !== '/') {
          return 'must be a host name such as example.com (a site address may carry no path, query or other port)';
        }
      }
      return isHostName(normalizeDomain(v)) ? undefined : 'must be a host name such as example.com';
    }
    case 'ip_address':
      return isIpAddress(v.replace(/^\[|\]$/g, '')) ? undefined : 'must be an IPv4 or IPv6 address';
    case 'web_app_url':
    case 'api_base_url': {
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        return 'must be an absolute http or https URL';
      }
      if (!['http:', 'https:'].includes(url.protocol) || !url.hostname) return 'must be an absolute http or https URL';
      return undefined;
    }
  }
}

/** Number of distinct assets after normalisation. */
export function countAssets(assets: { kind: AssetKind; value: string }[]): number {
  return new Set(assets.map((a) => `${a.kind}:${normalizeAsset(a.kind, a.value)}`)).size;
}
