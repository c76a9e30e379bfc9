import type { ApiClient, Versioned } from '../core/api-client.js';
import type { Theme, ThemeUpdate } from '../core/api-types.js';

/**
 * The theme routes the editor calls, over the provider's `ApiClient` (bearer token, one retry
 * after a 401, problems as `ApiError`). Every write carries `If-Match` with the theme's ETag.
 */

/** The org's logo as the Theme answer names it; `url`/`rasterUrl` are paths under the api-base. */
export interface ThemeLogo {
  id: string;
  url: string;
  rasterUrl: string;
  /** Whose logo it is: the org's own or the fleet theme's it inherits. */
  source: 'customer' | 'fleet';
}

/** A Theme answer, with the logo the logo routes add. */
export type ThemeAnswer = Theme & { logo?: ThemeLogo | null };

const path = (orgId: string) => `/v1/themes/${encodeURIComponent(orgId)}`;
const etag = (version: number) => `"${version}"`;

async function versioned(response: Response): Promise<Versioned<ThemeAnswer>> {
  const value = (await response.json()) as ThemeAnswer;
  return { value, etag: response.headers.get('etag') ?? etag(value.version) };
}

export async function readTheme(api: ApiClient, orgId: string, signal?: AbortSignal): Promise<Versioned<ThemeAnswer>> {
  return versioned(await api.request(path(orgId), signal ? { signal } : {}));
}

/** Replaces the org's row; a 412 carries the theme as it is now in `current`. */
export async function saveTheme(api: ApiClient, orgId: string, body: ThemeUpdate, ifMatch: string): Promise<Versioned<ThemeAnswer>> {
  return versioned(
    await api.request(path(orgId), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': ifMatch },
      body: JSON.stringify(body),
    }),
  );
}

/** Sends the file's bytes as they are, with its own type (the BFF sanitises SVG and makes the raster). */
export async function uploadLogo(api: ApiClient, orgId: string, file: Blob, ifMatch: string): Promise<Versioned<ThemeAnswer>> {
  return versioned(
    await api.request(`${path(orgId)}/logo`, {
      method: 'PUT',
      headers: { 'content-type': file.type, 'if-match': ifMatch },
      body: file,
    }),
  );
}

export async function removeLogo(api: ApiClient, orgId: string, ifMatch: string): Promise<Versioned<ThemeAnswer>> {
  return versioned(await api.request(`${path(orgId)}/logo`, { method: 'DELETE', headers: { 'if-match': ifMatch } }));
}
