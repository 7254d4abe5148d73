/** How retries of a failed webhook delivery are spaced: exponential, capped, within a window after the event. */
export interface RetryPolicy {
  /** Delay after the first failed attempt; doubles with each further one (WEBHOOK_BACKOFF_MS). */
  baseMs: number;
  /** No wait is ever longer than this (WEBHOOK_BACKOFF_MAX_MS). */
  maxMs: number;
  /** Retries stop this long after the event (WEBHOOK_RETRY_WINDOW_MS, 24 h). */
  windowMs: number;
}

/**
 * When to try again after `attempts` failed attempts, or null to give up:
 * base × 2^(attempts−1), capped; the last retry is at the window's end at the latest.
 */
export function nextAttemptAt(policy: RetryPolicy, createdAt: Date, attempts: number, now: Date): Date | null {
  const deadline = createdAt.getTime() + policy.windowMs;
  if (now.getTime() >= deadline) return null;
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts - 1, 40));
  return new Date(Math.min(now.getTime() + delay, deadline));
}
