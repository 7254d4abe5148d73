/** A dependency a service needs to do its work; `/readyz` reports them all. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Bounds a check so a hung dependency answers "not ready" instead of hanging the probe. */
export async function runCheck(check: ReadinessCheck, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check.check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each check's outcome by name, as `/readyz` reports it. */
export type ReadinessResults = Record<string, boolean>;
type ReadinessListener = (checks: ReadinessResults) => void;
const readinessListeners = new Set<ReadinessListener>();
let lastReported: string | undefined;

/**
 * Follow this replica's readiness as `/readyz` computes it: an unready replica must
 * stop taking work that does not come through its Service (NATS queue groups).
 * Returns the function that removes the listener.
 */
export function onReadinessChange(listener: ReadinessListener): () => void {
  readinessListeners.add(listener);
  return () => readinessListeners.delete(listener);
}

/** Called with every `/readyz` outcome; listeners hear only changes. */
export function reportReadiness(checks: ReadinessResults): void {
  const signature = JSON.stringify(checks);
  if (signature === lastReported) return;
  lastReported = signature;
  for (const listener of readinessListeners) listener(checks);
}
