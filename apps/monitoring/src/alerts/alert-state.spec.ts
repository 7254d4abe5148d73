import { AlertStateMachine, notifies } from './alert-state';
import { fingerprintOf, type Condition } from './evaluate';

const cond = (active: boolean, overrides: Partial<Condition> = {}): Condition => ({
  fingerprint: fingerprintOf('RouteLatency', { route: 'GET /v1/x', severity: 'warning' }),
  rule: 'RouteLatency',
  severity: 'warning',
  labels: { alertname: 'RouteLatency', severity: 'warning', route: 'GET /v1/x' },
  summary: 'p95 high',
  value: active ? 300 : 50,
  threshold: 200,
  forMs: 60_000,
  active,
  exemplarTraceIds: ['trace-a'],
  ...overrides,
});

describe('AlertStateMachine', () => {
  it('goes pending, then firing once the condition held for `for`, then resolved', () => {
    const m = new AlertStateMachine();
    const [pending] = m.step([cond(true)], 0);
    expect(pending).toMatchObject({ state: 'pending', firedAt: null, exemplarTraceIds: ['trace-a'] });
    expect(m.step([cond(true)], 59_999)).toEqual([]);
    const [firing] = m.step([cond(true, { exemplarTraceIds: ['trace-b'] })], 60_000);
    expect(firing).toMatchObject({ id: pending?.id, state: 'firing', firedAt: new Date(60_000).toISOString() });
    expect(firing?.exemplarTraceIds).toEqual(['trace-b', 'trace-a']);
    expect(firing && notifies(firing)).toBe(true);
    const [resolved] = m.step([cond(false)], 120_000);
    expect(resolved).toMatchObject({ id: pending?.id, state: 'resolved', resolvedAt: new Date(120_000).toISOString() });
    expect(resolved && notifies(resolved)).toBe(true);
    expect(m.active()).toEqual([]);
  });

  it('deduplicates: a condition that stays true keeps one alert and reports no new transitions', () => {
    const m = new AlertStateMachine();
    m.step([cond(true), cond(true)], 0);
    m.step([cond(true)], 60_000);
    for (let t = 70_000; t < 200_000; t += 10_000) expect(m.step([cond(true)], t)).toEqual([]);
    expect(m.active()).toHaveLength(1);
  });

  it('closes a pending alert whose condition cleared without notifying', () => {
    const m = new AlertStateMachine();
    m.step([cond(true)], 0);
    const [closed] = m.step([cond(false)], 10_000);
    expect(closed).toMatchObject({ state: 'resolved', firedAt: null });
    expect(closed && notifies(closed)).toBe(false);
  });

  it('resolves when the series disappears (no data is not a breach)', () => {
    const m = new AlertStateMachine();
    m.step([cond(true, { forMs: 0 })], 0);
    expect(m.step([], 5_000)).toEqual([expect.objectContaining({ state: 'resolved' })]);
  });

  it('fires at once with `for: 0` and starts a new alert after a resolution', () => {
    const m = new AlertStateMachine();
    const [first] = m.step([cond(true, { forMs: 0 })], 0);
    expect(first).toMatchObject({ state: 'firing', firedAt: new Date(0).toISOString() });
    m.step([cond(false, { forMs: 0 })], 1_000);
    const [second] = m.step([cond(true, { forMs: 0 })], 2_000);
    expect(second?.id).not.toBe(first?.id);
  });

  it('continues alerts restored from storage instead of opening duplicates', () => {
    const m1 = new AlertStateMachine();
    const [pending] = m1.step([cond(true)], 0);
    const m2 = new AlertStateMachine();
    m2.restore(pending ? [pending] : []);
    const [firing] = m2.step([cond(true)], 60_000);
    expect(firing).toMatchObject({ id: pending?.id, state: 'firing' });
  });
});
