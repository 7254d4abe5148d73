import { nextAttemptAt, type RetryPolicy } from './delivery-schedule';

const policy: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, windowMs: 86_400_000 };
const created = new Date('2026-12-01T00:00:00Z');
const at = (ms: number) => new Date(created.getTime() + ms);

describe('webhook retry schedule', () => {
  it('doubles the wait after each failed attempt: 30 s, 60 s, 120 s, …', () => {
    expect(nextAttemptAt(policy, created, 1, at(0))).toEqual(at(30_000));
    expect(nextAttemptAt(policy, created, 2, at(30_000))).toEqual(at(90_000));
    expect(nextAttemptAt(policy, created, 3, at(90_000))).toEqual(at(210_000));
  });

  it('caps the wait', () => {
    expect(nextAttemptAt(policy, created, 20, at(1_000))).toEqual(at(3_601_000));
    expect(nextAttemptAt(policy, created, 5_000, at(1_000))).toEqual(at(3_601_000));
  });

  it('makes the last retry at the end of the 24 h window and gives up after it', () => {
    expect(nextAttemptAt(policy, created, 30, at(86_000_000))).toEqual(at(86_400_000));
    expect(nextAttemptAt(policy, created, 31, at(86_400_000))).toBeNull();
  });
});
