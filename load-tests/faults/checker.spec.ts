import { check, type Figures, type RawCount } from './checker';
import { classify, type Op } from './history';

const op = (over: Partial<Op>): Op => ({
  kind: 'batch',
  phase: 'f0',
  tenant: 'A',
  startMs: 0,
  endMs: 1,
  outcome: 'ok',
  key: 'f0-b1',
  rows: 1000,
  ...over,
});
const raw = (entries: Record<string, RawCount>) => new Map(Object.entries(entries));
const figures = (count: number, cents: bigint): Figures => new Map([['Food', { count, cents }]]);
const none = new Map();

describe('fault history checker', () => {
  it('classifies outcomes: 2xx ok, 4xx a definite failure, 5xx and timeouts unknown, a refused connection a failure', () => {
    expect(classify({ status: 201 })).toBe('ok');
    expect(classify({ status: 422 })).toBe('fail');
    expect(classify({ status: 429 })).toBe('fail');
    expect(classify({ status: 503 })).toBe('unknown');
    expect(classify({ status: 504 })).toBe('unknown');
    expect(classify({ error: Object.assign(new Error('timeout'), { name: 'TimeoutError' }) })).toBe('unknown');
    expect(classify({ error: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }) })).toBe('unknown');
    expect(classify({ error: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) })).toBe('fail');
  });

  it('passes a history whose acknowledged rows are all there once and whose unknown writes are whole or absent', () => {
    const ops = [
      op({}),
      op({ key: 'f0-b2', outcome: 'unknown', status: 504 }),
      op({ key: 'f0-b3', outcome: 'unknown' }),
      op({ key: 'f0-b4', outcome: 'fail', status: 422 }),
    ];
    const v = check(ops, raw({ 'f0-b1': { rows: 1000, distinct: 1000 }, 'f0-b2': { rows: 1000, distinct: 1000 } }), none, none, []);
    expect(v.violations).toEqual([]);
    expect(v).toMatchObject({ rowsAcknowledged: 1000, unknownPresent: 1, unknownAbsent: 1, writes: { ok: 1, fail: 1, unknown: 2 } });
  });

  it('names lost, doubled and partial rows and failed writes that landed', () => {
    const v = check(
      [op({}), op({ key: 'f0-b2', outcome: 'unknown' }), op({ key: 'f0-s3', kind: 'single', rows: 1, outcome: 'fail', status: 400 })],
      raw({ 'f0-b1': { rows: 1001, distinct: 999 }, 'f0-b2': { rows: 10, distinct: 10 }, 'f0-s3': { rows: 1, distinct: 1 } }),
      none,
      none,
      [],
    );
    expect(v).toMatchObject({ rowsLost: 1, rowsDoubled: 2, partialBatches: 2, failedButPresent: 1 });
    expect(v.violations).toHaveLength(5);
  });

  it('checks patches and deletes against the rows they targeted', () => {
    const seeded = new Map([
      ['p1', 'Seed'],
      ['d1', 'Seed'],
      ['d2', 'Seed'],
    ]);
    const now = new Map([
      ['p1', { category: 'Seed' }],
      ['d2', { category: 'Seed' }],
    ]);
    const v = check(
      [
        op({ kind: 'patch', transactionId: 'p1', category: 'Patched' }),
        op({ kind: 'delete', transactionId: 'd1', outcome: 'fail', status: 404 }),
        op({ kind: 'delete', transactionId: 'd2', outcome: 'unknown' }),
      ],
      none,
      seeded,
      now,
      [],
    );
    expect(v).toMatchObject({ changesLost: 1, failedChangesApplied: 1 });
  });

  it('compares dashboard figures with the recomputation from raw rows, in both directions', () => {
    const samples = [
      { tenant: 'A', month: '2020-01', raw: figures(3, 300n), dashboard: figures(2, 200n), cachedMatches: true },
      { tenant: 'B', month: '2020-01', raw: figures(3, 300n), dashboard: figures(4, 400n), cachedMatches: false },
    ];
    const v = check([], none, none, none, samples);
    expect(v).toMatchObject({ rollupRowsMissing: 1, rollupRowsExtra: 1, staleCachedReads: 1 });
  });

  it('flags a read that showed figures older than an applied write of the same reader', () => {
    const v = check([op({ kind: 'fresh-read', stale: true }), op({ kind: 'fresh-read', stale: false })], none, none, none, []);
    expect(v.staleReads).toBe(1);
  });
});
