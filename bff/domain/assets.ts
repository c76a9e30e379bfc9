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
      return normalizeHost(value);
    case 'ip_address':
      return normalizeIp(value);
    case 'web_app_url':
    case 'api_base_url':
      return normalizeUrl(value);
  }
}

/** Number of distinct assets after normalisation. */
export function countAssets(assets: { kind: AssetKind; value: string }[]): number {
  return new Set(assets.map((a) => `${a.kind}:${normalizeAsset(a.kind, a.value)}`)).size;
}
