/** Anything that runs SQL: a DataSource, an EntityManager, a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** What a worker claims and how it holds what it claimed. */
export interface ClaimSpec {
  /** The schema-qualified job table, keyed by (tenant_id, id) like every tenant-owned table. */
  table: string;
  /** Which rows may be claimed now (queued, or due, or whose previous holder's lease ran out). */
  claimable: string;
  /** Which claimable rows go first. */
  orderBy: string;
  /** The assignments that take the lease (status, heartbeat, next attempt…); `$2…` are the call's params. */
  set: string;
  /** What the claim answers, over the claimed row as `job`. */
  returning: string;
}

/**
 * The one job-claim statement of every worker: up to `$1` claimable rows,
 * locked with SKIP LOCKED so concurrent replicas pass over each other's rows
 * instead of waiting, updated to hold the lease in the same statement.
 */
export function claimStatement(spec: ClaimSpec): string {
  return `UPDATE ${spec.table} job SET ${spec.set}
      FROM (SELECT tenant_id, id FROM ${spec.table}
             WHERE ${spec.claimable}
             ORDER BY ${spec.orderBy} LIMIT $1 FOR UPDATE SKIP LOCKED) due
     WHERE job.tenant_id = due.tenant_id AND job.id = due.id
 RETURNING ${spec.returning}`;
}

/**
 * Rows held by a worker that beats a `heartbeat_at` column: queued ones, and
 * running ones whose worker stopped beating `staleAfter` ago (it died, so the
 * row is claimed again).
 */
export const queuedOrStale = (staleAfter: string): string =>
  `status = 'queued' OR (status = 'running' AND heartbeat_at < now() - interval '${staleAfter}')`;

/** Runs the claim for up to `limit` rows; `params` are `$2…` of the spec's `set`. */
export async function claimJobs<Row>(db: Queryable, spec: ClaimSpec, limit: number, params: unknown[] = []): Promise<Row[]> {
  const result = (await db.query(claimStatement(spec), [limit, ...params])) as [Row[], number] | Row[];
  // TypeORM answers an UPDATE … RETURNING with [rows, affected] (plain rows from some drivers).
  return (Array.isArray(result[0]) ? result[0] : result) as Row[];
}
