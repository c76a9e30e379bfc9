/** The typed error set a host page handles (one `msp-error` event carries it). */
export const mspErrorTypes = [
  'authentication_error',
  'session_expired',
  'rate_limit_error',
  'network_error',
  'api_error',
  'invalid_request_error',
] as const;
export type MspErrorType = (typeof mspErrorTypes)[number];

export interface MspErrorDetail {
  type: MspErrorType;
  message: string;
  status?: number;
}

/** RFC 9457 body as the BFF sends it (bff/http/problem.ts). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

/** A failed API call, already classified into the public error set. */
export class ApiError extends Error implements MspErrorDetail {
  constructor(
    readonly type: MspErrorType,
    message: string,
    readonly status?: number,
    readonly problem?: ProblemBody,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get detail(): MspErrorDetail {
    return this.status === undefined ? { type: this.type, message: this.message } : { type: this.type, message: this.message, status: this.status };
  }
}

/** Maps an HTTP status and problem body onto the public error set. */
export function classifyProblem(status: number, problem: ProblemBody | undefined): MspErrorType {
  const kind = problem?.type?.split('/').pop()?.replaceAll('-', '_');
  if (status === 401) return kind === 'session_expired' ? 'session_expired' : 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 400 || status === 422) return 'invalid_request_error';
  return 'api_error';
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return new ApiError('network_error', 'The request was cancelled.');
  return new ApiError('network_error', error instanceof Error ? error.message : String(error));
}
