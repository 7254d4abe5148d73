import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { RateLimitedSampler } from './rate-limited-sampler';

describe('RateLimitedSampler', () => {
  let nowMs: number;
  const sampler = (perSecond: number) => new RateLimitedSampler(perSecond, () => nowMs);
  const sampled = (s: RateLimitedSampler, n: number) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (s.shouldSample().decision === SamplingDecision.RECORD_AND_SAMPLED) count++;
    return count;
  };

  beforeEach(() => {
    nowMs = 1_000;
  });

  it('samples everything below the rate', () => {
    const s = sampler(100);
    for (let second = 0; second < 5; second++) {
      expect(sampled(s, 50)).toBe(50);
      nowMs += 1_000;
    }
  });

  it('samples a second of burst, then the rate, under overload', () => {
    const s = sampler(100);
    expect(sampled(s, 1_000)).toBe(100);
    nowMs += 1_000;
    expect(sampled(s, 1_000)).toBe(100);
  });

  it('spreads samples evenly over time instead of taking each second first-come', () => {
    const s = sampler(10);
    sampled(s, 10); // spend the burst
    const picks: number[] = [];
    for (let ms = 1; ms <= 1_000; ms++) {
      nowMs += 1;
      if (s.shouldSample().decision === SamplingDecision.RECORD_AND_SAMPLED) picks.push(ms);
    }
    expect(picks).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
  });

  it('does not bank idle time beyond one second of burst', () => {
    const s = sampler(10);
    nowMs += 60_000;
    expect(sampled(s, 100)).toBe(10);
  });

  it('samples nothing at a rate of 0', () => {
    const s = sampler(0);
    expect(sampled(s, 5)).toBe(0);
    nowMs += 10_000;
    expect(sampled(s, 5)).toBe(0);
  });

  it('keeps one trace in reserve below one per second', () => {
    const s = sampler(0.5);
    expect(sampled(s, 5)).toBe(1);
    nowMs += 1_000;
    expect(sampled(s, 5)).toBe(0);
    nowMs += 1_000;
    expect(sampled(s, 5)).toBe(1);
  });

  it('rejects a rate that is not a finite number ≥ 0', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => sampler(bad)).toThrow(RangeError);
  });
});
