import { EXPOSURE, FreshnessTracker, type FreshnessLimits, type FreshnessSeries } from './freshness-tracker';
import { TopTenants } from './top-tenants';

describe('freshness: commit → first served, and exposure', () => {
  const M = ['2026-03'];
  const setup = (limits: Partial<FreshnessLimits> = {}) => {
    const samples: { series: FreshnessSeries; tenant: string; lagMs: number }[] = [];
    const tracker = new FreshnessTracker(
      ['l1', 'l2', 'upstream'],
      { maxTenants: 100, maxPerTenant: 8, settleMs: 5_000, topTenants: 10, ...limits },
      (series, tenant, lagMs) => samples.push({ series, tenant, lagMs }),
    );
    const of = (series: FreshnessSeries) => samples.filter((s) => s.series === series).map((s) => s.lagMs);
    return { tracker, samples, of };
  };

  it('samples each change once per level, at the first reply reflecting its version', () => {
    const { tracker, of } = setup();
    tracker.committed('t1', '5', M, 1_000, 1_000);
    tracker.served('t1', '4', M, 'upstream', 1_010); // older figures: not visible yet
    expect(of('any')).toEqual([]);
    tracker.served('t1', '5', M, 'upstream', 1_030);
    tracker.served('t1', '5', M, 'l1', 1_050);
    tracker.served('t1', '6', M, 'l1', 1_060); // l1 already seen
    expect(of('any')).toEqual([30]);
    expect(of('upstream')).toEqual([30]);
    expect(of('l1')).toEqual([50]);
  });

  it('follows the levels it was given, and ignores others', () => {
    const samples: { series: string; lagMs: number }[] = [];
    const tracker = new FreshnessTracker(['near'], { maxTenants: 10, maxPerTenant: 8, settleMs: 5_000, topTenants: 10 }, (series, _t, lagMs) =>
      samples.push({ series, lagMs }),
    );
    tracker.committed('t1', '5', M, 1_000, 1_000);
    tracker.served('t1', '5', M, 'l1', 1_010); // not a level of this tracker: counts for `any` only
    tracker.served('t1', '5', M, 'near', 1_040);
    tracker.served('t1', '5', M, 'near', 1_090); // seen already
    expect(samples).toEqual([
      { series: 'any', lagMs: 10 },
      { series: 'near', lagMs: 40 },
    ]);
  });

  it('a later version makes every earlier change visible at once, each with its own lag', () => {
    const { tracker, of } = setup();
    tracker.committed('t1', '1', M, 1_000, 1_000);
    tracker.committed('t1', '2', M, 1_020, 1_020);
    tracker.served('t1', '2', M, 'l2', 1_100);
    expect(of('any')).toEqual([100, 80]);
  });

  it('exposure: how long after the commit readers of its months were still served figures without it', () => {
    const { tracker, of } = setup();
    tracker.committed('t1', '5', M, 1_000, 1_000);
    tracker.served('t1', '4', M, 'l1', 1_040); // a reader 40 ms after the commit got the old figures
    tracker.served('t1', '4', ['2026-04'], 'l1', 1_900); // another month: its figures did not change
    tracker.served('t1', '5', M, 'upstream', 1_060);
    expect(of(EXPOSURE)).toEqual([]); // reported once settled
    tracker.settleDue(6_000);
    expect(of(EXPOSURE)).toEqual([40]);
  });

  it('a change learned of once applied: the reads of its months since its commit were all without it', () => {
    const { tracker, of } = setup();
    tracker.served('t1', '4', M, 'l1', 990); // before the commit: not exposure
    tracker.served('t1', '4', M, 'l1', 1_020);
    tracker.served('t1', '4', M, 'l2', 1_060);
    tracker.served('t1', '4', ['2026-04'], 'l1', 1_070); // another month: its figures did not change
    tracker.committed('t1', '5', M, 1_000, 1_080);
    tracker.committed('t1', '6', ['2026-05'], 1_010, 1_080); // nobody read its month
    tracker.served('t1', '5', M, 'l1', 1_090);
    expect(of('any')).toEqual([90]);
    tracker.settleDue(7_000);
    expect(of(EXPOSURE)).toEqual([60]);
  });

  it('a change of every month is exposed by a read of any month', () => {
    const { tracker, of } = setup();
    tracker.served('t1', '1', ['2026-07'], 'l1', 1_030);
    tracker.committed('t1', '2', [], 1_000, 1_050);
    tracker.settleDue(7_000);
    expect(of(EXPOSURE)).toEqual([30]);
  });

  it('a change read only in time has no exposure; a change nobody read is not a sample', () => {
    const { tracker, of } = setup();
    tracker.committed('t1', '1', M, 1_000, 1_000);
    tracker.served('t1', '1', M, 'upstream', 1_500);
    tracker.committed('t2', '1', M, 1_000, 1_000);
    tracker.settleDue(10_000);
    expect(of(EXPOSURE)).toEqual([0]);
    expect(tracker.following).toBe(0);
  });

  it('changes out of order are followed in version order', () => {
    const { tracker, of } = setup();
    tracker.committed('t1', '2', M, 1_010, 1_010);
    tracker.committed('t1', '1', M, 1_000, 1_000);
    tracker.served('t1', '1', M, 'l1', 1_100);
    expect(of('any')).toEqual([100]);
    tracker.served('t1', '2', M, 'l1', 1_200);
    expect(of('any')).toEqual([100, 190]);
  });

  it('ignores other tenants and unversioned replies', () => {
    const { tracker, samples } = setup();
    tracker.committed('t1', '1', M, 1_000, 1_000);
    tracker.served('t2', '9', M, 'l1', 1_010);
    tracker.served('t1', undefined, M, 'l1', 1_010);
    expect(samples).toEqual([]);
  });

  it('stays bounded: per tenant and in tenants, settling what it drops', () => {
    const { tracker, of } = setup({ maxPerTenant: 3, maxTenants: 2 });
    for (let v = 1; v <= 10; v++) {
      tracker.committed('t1', String(v), M, 1_000, 1_000);
      tracker.served('t1', String(v - 1), M, 'l1', 1_020); // each change read late once
    }
    expect(tracker.following).toBe(3);
    expect(of(EXPOSURE)).toHaveLength(7);
    tracker.committed('t2', '1', M, 1_000, 1_000);
    tracker.committed('t3', '1', M, 1_000, 1_000); // t1 changed least recently: settled and forgotten
    expect(tracker.following).toBe(2);
    expect(of(EXPOSURE)).toHaveLength(10);
  });

  it('labels the top tenants by volume and folds the rest into "other"', () => {
    const { tracker, samples } = setup({ topTenants: 1 });
    for (let v = 1; v <= 3; v++) tracker.committed('big', String(v), M, 0, 0);
    tracker.committed('small', '1', M, 10_000, 10_000); // reranks: big has the volume
    tracker.served('big', '3', M, 'l1', 10_000);
    tracker.served('small', '1', M, 'l1', 10_000);
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
