import { api, createTenant, SPEC_TENANT, waitFor, whilePostgresStalled, type ApiResponse } from '@ledgerline/testing';

interface Timed {
  name: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  contentType: string | null;
  /** Whether the answer came while PostgreSQL was still frozen (a request that hung would answer after the thaw). */
  duringStall: boolean;
}

const STALL_MS = 6_000;

/**
 * SPEC "Resilient": PostgreSQL stalled → requests that need it answer 503/504
 * with Retry-After (no request hangs), while reads that caches can answer and
 * keys already known keep working.
 */
describe('with PostgreSQL stalled (SIGSTOP)', () => {
  it('fails fast where the database is needed and keeps cached reads and known keys working', async () => {
    const tenant = await createTenant(SPEC_TENANT);
    const key = tenant.apiKey;
    const rows = [{ date: '2026-10-05', amount: '12.50', category: 'Groceries', externalId: 'stall-1' }];
    expect((await api('POST', '/v1/transactions', { key, body: { transactions: rows } })).status).toBe(201);
    // Warm the caches a dashboard read is answered from.
    for (let i = 0; i < 2; i++) expect((await api('GET', '/v1/dashboard/summary?month=2026-10', { key })).status).toBe(200);

    let stalled = true;
    const timed = async (name: string, call: () => Promise<ApiResponse>): Promise<Timed> => {
      const started = performance.now();
      const res = await call();
      return {
        name,
        status: res.status,
        ms: Math.round(performance.now() - started),
        retryAfter: res.headers.get('retry-after'),
        contentType: res.headers.get('content-type'),
        duringStall: stalled,
      };
    };

    const results = await whilePostgresStalled(async () => {
      // Past the 1 s key cache: a key lookup now needs the database too.
      await new Promise((r) => setTimeout(r, 1_200));
      const answers = Promise.all([
        timed('POST /v1/transactions', () =>
          api('POST', '/v1/transactions', { key, body: { transactions: [{ ...rows[0], externalId: 'stall-2' }] } }),
        ),
        timed('GET /v1/tenant', () => api('GET', '/v1/tenant', { key })),
        timed('GET /v1/tenant/keys', () => api('GET', '/v1/tenant/keys', { key })),
        timed('GET /v1/dashboard/summary (cached)', () => api('GET', '/v1/dashboard/summary?month=2026-10', { key })),
        timed('GET /v1/tenant/keys/current (known key)', () => api('GET', '/v1/tenant/keys/current', { key })),
      ]);
      // The stall outlasts every bound the answers should come within; a hung request answers only after the thaw.
      await new Promise((r) => setTimeout(r, STALL_MS));
      stalled = false;
      return answers;
    });
    stalled = false;
    // The figures for the record (the test asserts outcomes, not timings).
    console.log(`PostgreSQL stalled:\n${results.map((r) => `  ${r.name}: ${r.status} in ${r.ms} ms`).join('\n')}`);

    const [write, list, keys, cached, known] = results as [Timed, Timed, Timed, Timed, Timed];
    for (const failed of [write, list, keys]) {
      expect({ name: failed.name, duringStall: failed.duringStall }).toEqual({ name: failed.name, duringStall: true });
      expect([503, 504]).toContain(failed.status);
      expect(failed.retryAfter).toBe('1');
      expect(failed.contentType).toContain('application/problem+json');
    }
    for (const served of [cached, known]) {
      expect({ name: served.name, status: served.status, duringStall: served.duringStall }).toEqual({
        name: served.name,
        status: 200,
        duringStall: true,
      });
    }

    // Thawed: the same write goes through without restarting anything.
    await waitFor(
      'a write after the thaw',
      async () =>
        (await api('POST', '/v1/transactions', { key, body: { transactions: [{ ...rows[0], externalId: 'stall-3' }] } })).status === 201,
      30_000,
      250,
    );
  });
});
