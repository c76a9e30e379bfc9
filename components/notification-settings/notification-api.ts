/**
 * The notification settings' calls to the BFF, over the provider's `ApiClient` (bearer token,
 * one renewal after a 401, problems turned into `ApiError`s). Types come from the routes.
 */
import type { ApiClient } from '../core/api-client.js';
import type { NotificationSettingsJson, NotificationSettingsUpdate, UserNotificationSettingsJson } from '../../bff/routes/notification-preferences.js';

export type NotificationSettings = NotificationSettingsJson;
export type NotificationSettingsChange = NotificationSettingsUpdate;
export type UserNotificationSettings = UserNotificationSettingsJson;

/** The settings with the ETag to send back when saving them. */
export interface VersionedSettings {
  value: NotificationSettings;
  etag: string;
}

/** `/v1/me/…` for the signed-in user, `/v1/users/{id}/…` (admins) for anyone else. */
const pathOf = (userId: string | null) =>
  userId ? `/v1/users/${encodeURIComponent(userId)}/notification-preferences` : '/v1/me/notification-preferences';

const versioned = async (response: Response): Promise<VersionedSettings> => {
  const value = (await response.json()) as NotificationSettings;
  return { value, etag: response.headers.get('etag') ?? `"${value.version}"` };
};

export async function fetchSettings(api: ApiClient, userId: string | null, signal?: AbortSignal): Promise<VersionedSettings> {
  return versioned(await api.request(pathOf(userId), signal ? { signal } : {}));
}

/** Saves with `If-Match`; a 412 rejects with an `ApiError` whose problem carries `current`. */
export async function saveSettings(api: ApiClient, userId: string | null, change: NotificationSettingsChange, etag: string): Promise<VersionedSettings> {
  return versioned(
    await api.request(pathOf(userId), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify(change),
    }),
  );
}

/** Every user who receives notifications that the caller (an admin) can see, a page at a time. */
export async function fetchUsers(api: ApiClient, signal?: AbortSignal): Promise<UserNotificationSettings[]> {
  const users: UserNotificationSettings[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '200' });
    if (cursor) query.set('cursor', cursor);
    const page: { items: UserNotificationSettings[]; nextCursor: string | null } = await api.json('/v1/notification-preferences', { query, ...(signal ? { signal } : {}) });
    users.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && users.length < 2000);
  return users;
}
