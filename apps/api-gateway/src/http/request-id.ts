import { randomUUID } from 'node:crypto';

/** Ids a client or proxy may choose: short and printable, so they are safe in logs and headers. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane incoming `x-request-id`, otherwise makes a new one. */
export function requestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && ACCEPTABLE.test(value) ? value : randomUUID();
}
