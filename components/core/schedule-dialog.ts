import type { ReactiveElement } from 'lit';
import type { ApiClient } from './api-client.js';
import { toApiError, type ApiError } from './errors.js';

/**
 * The edit and delete dialogs of a schedule list (report and scan schedules): a schedule is saved
 * with `POST` (Idempotency-Key) or `PUT` and deleted with `DELETE`, both with If-Match (the
 * schedule's `version` as its ETag). A 412 shows the schedule as it is now; a 404 says it is gone.
 */

export interface Versioned {
  id: string;
  version: number;
}

export type EditDialog<S, D, F extends string> = { kind: 'edit'; schedule?: S; draft: D; errors: Partial<Record<F, string>>; busy: boolean; error?: string; key: string };
export type DeleteDialog<S> = { kind: 'delete'; schedule: S; busy: boolean; error?: string };
export type ScheduleDialog<S, D, F extends string> = EditDialog<S, D, F> | DeleteDialog<S>;

const CHANGED = 'Someone else changed this schedule in the meantime. It now shows their version; make your change again and save.';
const GONE = 'This schedule was deleted in the meantime.';

export const etagOf = (s: Versioned) => `"${s.version}"`;

/** The IANA zones the browser knows (`UTC` where it cannot list them). */
export function zones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

/** The field each of a problem's pointers names (the first detail per field); `pointer` captures the name. */
export function fieldErrors<F extends string>(e: ApiError, pointer: RegExp): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  for (const p of e.problem?.errors ?? []) {
    const name = pointer.exec(p.pointer)?.[1] as F | undefined;
    if (name && !out[name]) out[name] = p.detail;
  }
  return out;
}

/** Focuses the first invalid control once the host has rendered. */
export function focusInvalid(host: ReactiveElement): void {
  void host.updateComplete.then(() => host.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** A new edit dialog for `schedule` (none: a new schedule), with a fresh Idempotency-Key. */
export function editDialog<S, D, F extends string>(schedule: S | undefined, draft: D): EditDialog<S, D, F> {
  return { kind: 'edit', ...(schedule ? { schedule } : {}), draft, errors: {}, busy: false, key: crypto.randomUUID() };
}

/** The edit dialog with `changes` in its draft and the error of `field` dropped. */
export function withDraft<S, D, F extends string>(d: EditDialog<S, D, F>, changes: Partial<D>, field?: F): EditDialog<S, D, F> {
  const errors = { ...d.errors };
  if (field) delete errors[field];
  return { ...d, draft: { ...d.draft, ...changes }, errors };
}

/** Creates (`POST` to `collection`) or replaces (`PUT`, If-Match) the dialog's schedule. */
export async function saveSchedule<S extends Versioned>(api: ApiClient, collection: string, d: EditDialog<S, unknown, string>, input: unknown): Promise<void> {
  const editing = d.schedule;
  await api.json<S>(editing ? `${collection}/${encodeURIComponent(editing.id)}` : collection, {
    method: editing ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/json', ...(editing ? { 'if-match': etagOf(editing) } : { 'idempotency-key': d.key }) },
    body: JSON.stringify(input),
  });
}

/**
 * The edit dialog after a failed save, or undefined when it was closed meanwhile. A 412 shows the
 * schedule as it is now (read again, else `current` of the problem); a 404 says it is gone; other
 * errors go to their fields, else `forbidden` for a 403 and the message otherwise.
 */
export async function saveFailed<S extends Versioned, D, F extends string>(
  e: ApiError,
  o: {
    dialog: EditDialog<S, D, F> | DeleteDialog<S> | undefined;
    editing: S | undefined;
    reload: () => Promise<S[]>;
    draftOf: (s: S) => D;
    fields: (e: ApiError) => Partial<Record<F, string>>;
    forbidden: string;
    current?: S;
  },
): Promise<EditDialog<S, D, F> | undefined> {
  const current = o.dialog;
  const editing = o.editing;
  if (current?.kind !== 'edit') return undefined;
  if (e.status === 412 && editing) {
    const fresh = (await o.reload()).find((s) => s.id === editing.id) ?? o.current;
    return fresh ? { ...current, busy: false, schedule: fresh, draft: o.draftOf(fresh), error: CHANGED } : { ...current, busy: false, error: GONE };
  }
  if (e.status === 404 && editing) {
    await o.reload();
    return { ...current, busy: false, error: GONE };
  }
  const fields = o.fields(e);
  return { ...current, busy: false, errors: fields, ...(Object.keys(fields).length ? {} : { error: e.status === 403 ? o.forbidden : e.message }) };
}

/**
 * Deletes the dialog's schedule (If-Match). On failure, reads the list again and answers the
 * dialog to show: the schedule as it is now after a 412 (`changed` says so), "already deleted"
 * when it is gone; undefined when it was deleted.
 */
export async function deleteSchedule<S extends Versioned>(
  api: ApiClient,
  collection: string,
  d: DeleteDialog<S>,
  reload: () => Promise<S[]>,
  changed: string,
): Promise<{ dialog: DeleteDialog<S>; error: ApiError } | undefined> {
  try {
    await api.request(`${collection}/${encodeURIComponent(d.schedule.id)}`, { method: 'DELETE', headers: { 'if-match': etagOf(d.schedule) } });
    return undefined;
  } catch (error) {
    const e = toApiError(error);
    const fresh = (await reload()).find((s) => s.id === d.schedule.id);
    const message = e.status === 412 && fresh ? changed : e.status === 404 || e.status === 412 ? 'This schedule was already deleted.' : e.message;
    return { dialog: fresh ? { kind: 'delete', schedule: fresh, busy: false, error: message } : { ...d, busy: false, error: message }, error: e };
  }
}
