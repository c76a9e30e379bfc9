import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/** One field at fault: `pointer` names it the way RFC 9457 suggests (`#/body/user/email`). */
export interface FieldError {
  pointer: string;
  detail: string;
}

/**
 * The typed error set a host page can rely on; `type` URIs stay stable across versions.
 * Every error leaves the BFF as RFC 9457 application/problem+json.
 */
export const problemTypes = {
  invalid_request: 'Invalid request',
  authentication_error: 'Authentication required',
  session_expired: 'Session expired',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  invalid_transition: 'Invalid transition',
  inaccessible_theme: 'Inaccessible theme',
  precondition_failed: 'Precondition failed',
  precondition_required: 'Precondition required',
  idempotency_key_reused: 'Idempotency key reused',
  invite_expired: 'Invite expired',
  link_expired: 'Link expired',
  payload_too_large: 'Payload too large',
  rate_limit_error: 'Too many requests',
  internal_error: 'Internal error',
} as const;
export type ProblemType = keyof typeof problemTypes;

export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ProblemType,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** RFC 9457 extension members (such as `current` on a 412), documented per route. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const notFound = (what = 'resource') =>
  new HttpProblem(404, 'not_found', `No ${what} with that id exists, or you cannot see it.`);

export function problemBody(status: number, type: ProblemType, detail: string, errors?: FieldError[], extensions?: Record<string, unknown>) {
  const members = {
    type: `https://portico.dev/problems/${type.replaceAll('_', '-')}`,
    title: problemTypes[type],
    status,
    detail,
    ...(errors?.length ? { errors } : {}),
  };
  // Extensions add members; they never replace the standard ones.
  return { ...members, ...Object.fromEntries(Object.entries(extensions ?? {}).filter(([k]) => !(k in members) && k !== 'errors')) };
}

export function problemResponse(c: Context, problem: HttpProblem): Response {
  const body = problemBody(problem.status, problem.type, problem.message, problem.errors, problem.extensions);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...problem.headers };
  return c.body(JSON.stringify(body), problem.status, headers);
}

/** The JSON pointer of a field in the part of the request it came from (`#/body/user/email`). */
export function fieldPointer(target: string, path: readonly PropertyKey[]): string {
  // The validator calls a JSON or form body `json`/`form` and path parameters `param`; clients
  // know them as the body and the path.
  const root = target === 'json' || target === 'form' ? 'body' : target === 'param' ? 'path' : target;
  return ['#', root, ...path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1'))].join('/');
}

/** Turns zod issues into field errors rooted at the part of the request they came from. */
export function fieldErrors(target: string, error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({ pointer: fieldPointer(target, issue.path), detail: issue.message }));
}

export function invalidRequest(target: string, error: ZodError): HttpProblem {
  const errors = fieldErrors(target, error);
  const fields = errors.map((e) => e.pointer.replace(/^#\//, '')).join(', ');
  return new HttpProblem(400, 'invalid_request', `The request is not valid: check ${fields}.`, errors);
}
