/**
 * The recorded history, Jepsen style: every operation the workload invoked,
 * when, and how it ended. The checker reads it against the final state.
 */
export type Outcome = 'ok' | 'fail' | 'unknown';

export type OpKind = 'single' | 'batch' | 'import' | 'patch' | 'delete' | 'read' | 'fresh-read';

export interface Op {
  kind: OpKind;
  phase: string;
  tenant: string;
  startMs: number;
  endMs: number;
  outcome: Outcome;
  status?: number;
  error?: string;
  /** Writes that create rows: every row's externalId is `${key}.${index}`, index < rows. */
  key?: string;
  rows?: number;
  /** patch/delete: the transaction they target; patch: the category it sets. */
  transactionId?: string;
  category?: string;
  /** Set on a 2xx write: false when the rows are committed but the figures lag (SPEC). */
  applied?: boolean;
  version?: string;
  /** fresh-read: figures older than an acknowledged write of this reader. */
  stale?: boolean;
}

/**
 * How a response ended, for a write: a 2xx is ok; a 4xx is a definite failure
 * (the request was refused, nothing written); any 5xx is unknown, because a
 * gateway 503/504 after a timeout says nothing of whether the write committed
 * behind it. A connection that was never opened (ECONNREFUSED) carried no
 * request, so that is a definite failure too; a timeout or a reset is unknown.
 */
export function classify(result: { status?: number; error?: unknown }): Outcome {
  if (result.status !== undefined) {
    if (result.status < 300) return 'ok';
    if (result.status < 500) return 'fail';
    return 'unknown';
  }
  return errorCode(result.error) === 'ECONNREFUSED' ? 'fail' : 'unknown';
}

export function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  if (cause?.code) return cause.code;
  if ((error as Error | undefined)?.name === 'TimeoutError') return 'timeout';
  return (error as Error | undefined)?.message ?? String(error);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] as number) * 10) / 10;
}
