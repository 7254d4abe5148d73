import type { RateLimitDecision } from './gcra';

/**
 * Response headers for one decision: the IETF draft (draft-ietf-httpapi-ratelimit-headers,
 * structured-field syntax) and the widespread X-RateLimit-* trio. Resets are
 * delta seconds in both, never epoch times, so client clock skew does not matter.
 */
export function rateLimitHeaders(policy: string, decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${policy}";q=${decision.limit};w=${decision.windowSeconds}`,
    RateLimit: `"${policy}";r=${decision.remaining};t=${decision.resetSeconds}`,
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.resetSeconds),
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfterSeconds);
  return headers;
}
