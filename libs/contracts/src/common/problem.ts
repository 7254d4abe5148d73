/**
 * Problem codes shared by every service. The gateway turns them into RFC 9457
 * `application/problem+json`; services return them in NATS replies.
 */
export const PROBLEM_STATUS = {
  'malformed-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'uri-too-long': 414,
  'unsupported-media-type': 415,
  'validation-failed': 422,
  'rate-limited': 429,
  'header-fields-too-large': 431,
  internal: 500,
  'service-unavailable': 503,
  'upstream-timeout': 504,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

export const PROBLEM_TITLES: Record<ProblemCode, string> = {
  'malformed-request': 'Malformed request',
  unauthorized: 'Missing or unknown API key',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  conflict: 'Conflict',
  'payload-too-large': 'Payload too large',
  'uri-too-long': 'URI too long',
  'unsupported-media-type': 'Unsupported media type',
  'validation-failed': 'Validation failed',
  'rate-limited': 'Too many requests',
  'header-fields-too-large': 'Request header fields too large',
  internal: 'Internal error',
  'service-unavailable': 'Service unavailable',
  'upstream-timeout': 'Upstream timeout',
};

export const PROBLEM_TYPE_BASE = 'https://ledgerline.dev/problems/';

/** One invalid field. `index` names the row of a batch, `line` the CSV line. */
export interface FieldError {
  field: string;
  message: string;
  index?: number;
  line?: number;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** An expected failure a handler reports to its caller; anything else is a 500. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = PROBLEM_STATUS[code];
  }

  toProblem(): Problem {
    return toProblem(this.code, this.message, this.errors);
  }
}

export function toProblem(code: ProblemCode, detail: string, errors?: FieldError[]): Problem {
  const problem: Problem = {
    type: PROBLEM_TYPE_BASE + code,
    title: PROBLEM_TITLES[code],
    status: PROBLEM_STATUS[code],
    detail,
  };
  if (errors && errors.length > 0) problem.errors = errors;
  return problem;
}

export function isProblemCode(value: string): value is ProblemCode {
  return Object.prototype.hasOwnProperty.call(PROBLEM_STATUS, value);
}
