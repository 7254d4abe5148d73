import { FreshnessTracker, type FreshnessLevel } from './freshness-tracker';
import { TopTenants } from './top-tenants';

describe('freshness: commit → first served', () => {
  const setup = (limits: Partial<{ maxTenants: number; maxPerTenant: number; maxAgeMs: number; topTenants: number }> = {}) => {
    const samples: { level: FreshnessLevel; tenant: string; lagMs: number }[] = [];
    const tracker = new FreshnessTracker(
      { maxTenants: 100, maxPerTenant: 8, maxAgeMs: 60_000, topTenants: 10, ...limits },
      (level, tenant, lagMs) => samples.push({ level, tenant, lagMs }),
    );
    return { tracker, samples };
  };

  it('samples each change once per level, at the first reply reflecting its version', () => {
    const { tracker, samples } = setup();
    tracker.committed('t1', '5', 1_000, 1_000);
    tracker.served('t1', '4', 'upstream', 1_010); // older figures: not visible yet
    expect(samples).toEqual([]);
    tracker.served('t1', '5', 'upstream', 1_030);
    tracker.served('t1', '5', 'l1', 1_050);
    tracker.served('t1', '6', 'l1', 1_060); // l1 already seen
    expect(samples).toEqual([
      { level: 'any', tenant: 't1', lagMs: 30 },
      { level: 'upstream', tenant: 't1', lagMs: 30 },
      { level: 'l1', tenant: 't1', lagMs: 50 },
    ]);
  });

  it('a later version makes every earlier change visible at once, each with its own lag', () => {
    const { tracker, samples } = setup();
    tracker.committed('t1', '1', 1_000, 1_000);
    tracker.committed('t1', '2', 1_020, 1_020);
    tracker.served('t1', '2', 'l2', 1_100);
    expect(samples.filter((s) => s.level === 'any').map((s) => s.lagMs)).toEqual([100, 80]);
  });

  it('ignores other tenants, unversioned replies and changes nobody read in time', () => {
    const { tracker, samples } = setup({ maxAgeMs: 1_000 });
    tracker.committed('t1', '1', 1_000, 1_000);
    tracker.served('t2', '9', 'l1', 1_010);
    tracker.served('t1', undefined, 'l1', 1_010);
    tracker.prune(5_000);
    tracker.served('t1', '1', 'l1', 5_000);
    expect(samples).toEqual([]);
    expect(tracker.waiting).toBe(0);
  });

  it('stays bounded: per tenant and in tenants', () => {
    const { tracker } = setup({ maxPerTenant: 3, maxTenants: 2 });
    for (let v = 1; v <= 10; v++) tracker.committed('t1', String(v), 1_000, 1_000);
    expect(tracker.waiting).toBe(3);
    tracker.committed('t2', '1', 1_000, 1_000);
    tracker.committed('t3', '1', 1_000, 1_000); // t1 changed least recently: forgotten
    expect(tracker.waiting).toBe(2);
  });

  it('labels the top tenants by volume and folds the rest into "other"', () => {
    const { tracker, samples } = setup({ topTenants: 1 });
    for (let v = 1; v <= 3; v++) tracker.committed('big', String(v), 0, 0);
    tracker.committed('small', '1', 10_000, 10_000); // reranks: big has the volume
    tracker.served('big', '3', 'l1', 10_000);
    tracker.served('small', '1', 'l1', 10_000);
    expect(new Set(samples.map((s) => s.tenant))).toEqual(new Set(['big', TopTenants.OTHER]));
  });
});

describe('top tenants', () => {
  it('reports tenants that left the top so their series can be dropped', () => {
    const dropped: string[] = [];
    const top = new TopTenants(1, 0, 100, (t) => dropped.push(t));
    top.count('a', 0);
    expect(top.label('a')).toBe('a');
    top.count('b', 1);
    top.count('b', 2);
    expect(top.label('b')).toBe('b');
    expect(top.label('a')).toBe(TopTenants.OTHER);
    expect(dropped).toEqual(['a']);
  });

  it('decays counts once it tracks too many tenants', () => {
    const top = new TopTenants(1, 0, 2);
    top.count('a', 0);
    top.count('b', 0);
    top.count('c', 0); // over the limit: every count halves, the ones go
    top.count('d', 0);
    expect(top.label('d')).toBe('d');
  });
});
