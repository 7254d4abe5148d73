import { SetMetadata } from '@nestjs/common';
import type { RateLimit } from './gcra';

/** Route classes limited separately; `anonymous` is per client IP for requests without a valid key. */
export type RouteClass = 'reads' | 'writes' | 'imports' | 'anonymous';

export const ROUTE_CLASS = 'ledgerline:route-class';

/** Puts a handler in a class other than the one its HTTP method implies. */
export const RateLimitClass = (routeClass: RouteClass) => SetMetadata(ROUTE_CLASS, routeClass);

export const classOfMethod = (method: string): RouteClass => (method === 'GET' || method === 'HEAD' ? 'reads' : 'writes');

/**
 * What a replica enforces alone while Redis is down: its share of the
 * fleet-wide limit, so N replicas together stay near the configured limit.
 */
export function fallbackLimit(limit: RateLimit, replicas: number): RateLimit {
  return { count: limit.count, periodMs: limit.periodMs * replicas, burst: Math.max(1, Math.ceil(limit.burst / replicas)) };
}
