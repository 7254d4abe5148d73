import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * Samples new traces up to a steady rate per process: every trace while
 * traffic is below it (tests, drills and quiet hours see everything), a
 * bounded number per second above it, spread evenly over time by a token
 * bucket. Recording a span costs far more than the request it describes on
 * a hot route (bench:gateway), so tracing cost stays flat under load while
 * latency quantiles, error and hit ratios (what the monitoring rules use)
 * remain unbiased estimates.
 */
export class RateLimitedSampler implements Sampler {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond >= 0) || !Number.isFinite(perSecond))
      throw new RangeError(`traces per second must be a finite number ≥ 0, got ${perSecond}`);
    this.tokens = this.capacity;
    this.refilledAt = this.now();
  }

  /** A second's worth of burst (at least one trace, unless sampling is off): a quiet process records the start of a spike. */
  private get capacity(): number {
    return this.perSecond === 0 ? 0 : Math.max(1, this.perSecond);
  }

  shouldSample(): SamplingResult {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return { decision: SamplingDecision.NOT_RECORD };
    this.tokens -= 1;
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return `RateLimitedSampler{${this.perSecond}/s}`;
  }
}
