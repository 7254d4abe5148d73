import { AppError } from '@ledgerline/contracts';

const TIMED_OUT_MESSAGES = ['Query read timeout'];
const UNREACHABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
];
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * PostgreSQL (pg / TypeORM) failures that are the server side's, not the
 * client's: a statement cancelled by statement_timeout or abandoned by the
 * client's query_timeout is a 504; a connection that cannot be had is a 503.
 * Anything else is not a dependency failure (undefined).
 */
export function dependencyFailure(error: unknown): AppError | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === '57014') return new AppError('upstream-timeout', 'The database did not answer in time.');
    if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === '53300' || UNREACHABLE_ERRNO.has(code))) {
      return new AppError('service-unavailable', 'The database is unavailable.');
    }
    if (typeof message === 'string') {
      if (TIMED_OUT_MESSAGES.some((m) => message.includes(m)))
        return new AppError('upstream-timeout', 'The database did not answer in time.');
      if (UNREACHABLE_MESSAGES.some((m) => message.includes(m))) return new AppError('service-unavailable', 'The database is unavailable.');
    }
    // TypeORM wraps the driver's error (driverError); others chain it (cause).
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}
