import assert from 'node:assert/strict';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
  /** Extension members a route documents (`current` on a 412, …). */
  [member: string]: unknown;
}

const PROBLEM_KEYS = new Set(['type', 'title', 'status', 'detail', 'errors']);

/**
 * Asserts an RFC 9457 response: the exact status, `application/problem+json`, the problem type
 * (`not-found`, `authentication-error`, …), and nothing beyond the documented members (plus the
 * `extensions` the route documents for this status, such as `current` on a 412).
 */
export async function expectProblem(res: Response, status: number, type: string, context = '', extensions: string[] = []): Promise<ProblemBody> {
  const text = await res.text();
  const where = context ? `${context}: ` : '';
  assert.equal(res.status, status, `${where}expected ${status}, got ${res.status}: ${text.slice(0, 300)}`);
  assert.equal(res.headers.get('content-type'), 'application/problem+json', `${where}content-type`);
  const body = JSON.parse(text) as ProblemBody;
  assert.equal(body.type, `https://portico.dev/problems/${type}`, `${where}problem type`);
  assert.equal(body.status, status, `${where}status member`);
  assert.equal(typeof body.title, 'string', `${where}title`);
  assert.ok(body.title.length > 0, `${where}title`);
  assert.equal(typeof body.detail, 'string', `${where}detail`);
  assert.ok(body.detail.length > 0, `${where}detail`);
  assert.deepEqual(Object.keys(body).filter((k) => !PROBLEM_KEYS.has(k) && !extensions.includes(k)), [], `${where}undocumented members`);
  assert.doesNotMatch(text, /\n\s+at |node_modules|\.ts:\d+/, `${where}a stack trace leaked`);
  return body;
}

/** A 400 whose every field error names `pointer` (and there is at least one). */
export async function expectFieldError(res: Response, pointer: string, context = ''): Promise<ProblemBody> {
  const body = await expectProblem(res, 400, 'invalid-request', context);
  const pointers = (body.errors ?? []).map((e) => e.pointer);
  assert.ok(pointers.length > 0, `${context}: no errors[] in ${JSON.stringify(body)}`);
  assert.deepEqual([...new Set(pointers)], [pointer], `${context}: errors[].pointer`);
  for (const e of body.errors ?? []) assert.ok(typeof e.detail === 'string' && e.detail.length > 0, `${context}: error detail`);
  return body;
}
