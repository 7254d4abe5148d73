import { claimJobs, claimStatement, queuedOrStale, type ClaimSpec } from './claim';

const spec: ClaimSpec = {
  table: 'app.jobs',
  claimable: queuedOrStale('60 seconds'),
  orderBy: 'created_at',
  set: "status = 'running', heartbeat_at = now()",
  returning: 'job.id',
};

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('claimStatement', () => {
  it('leases up to $1 claimable rows in one statement, skipping rows other workers hold', () => {
    expect(squash(claimStatement(spec))).toBe(
      "UPDATE app.jobs job SET status = 'running', heartbeat_at = now() " +
        'FROM (SELECT tenant_id, id FROM app.jobs ' +
        "WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < now() - interval '60 seconds') " +
        'ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED) due ' +
        'WHERE job.tenant_id = due.tenant_id AND job.id = due.id RETURNING job.id',
    );
  });
});

describe('claimJobs', () => {
  const db = (answer: unknown) => {
    const calls: unknown[][] = [];
    return {
      calls,
      query: (sql: string, params?: unknown[]) => {
        calls.push([sql, params]);
        return Promise.resolve(answer);
      },
    };
  };

  it('passes the limit as $1 and the spec params after it', async () => {
    const fake = db([[], 0]);
    await claimJobs(fake, spec, 5, [30_000]);
    expect(fake.calls).toEqual([[claimStatement(spec), [5, 30_000]]]);
  });

  it("answers the rows of TypeORM's [rows, affected]", async () => {
    expect(await claimJobs(db([[{ id: 'a' }], 1]), spec, 1)).toEqual([{ id: 'a' }]);
    expect(await claimJobs(db([[], 0]), spec, 1)).toEqual([]);
  });

  it('answers plain rows as they are', async () => {
    expect(await claimJobs(db([{ id: 'a' }, { id: 'b' }]), spec, 2)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(await claimJobs(db([]), spec, 1)).toEqual([]);
  });
});
