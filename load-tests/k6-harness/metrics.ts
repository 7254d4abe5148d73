/** k6's four metric types and the samples a run produced, with their tags. */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface Sample {
  value: number;
  tags: Readonly<Record<string, string>>;
}

export interface Metric {
  name: string;
  type: MetricType;
  /** Trends of durations (k6 `isTime`): shown in ms, and the thresholds a test may leave unenforced. */
  isTime: boolean;
  samples: Sample[];
}

export class MetricRegistry {
  private readonly metrics = new Map<string, Metric>();

  define(name: string, type: MetricType, isTime = false): Metric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric ${name} is already a ${existing.type}, not a ${type}`);
      return existing;
    }
    const metric: Metric = { name, type, isTime, samples: [] };
    this.metrics.set(name, metric);
    return metric;
  }

  add(name: string, value: number, tags: Record<string, string>): void {
    const metric = this.metrics.get(name);
    if (!metric) throw new Error(`metric ${name} was never defined`);
    metric.samples.push({ value, tags });
  }

  get(name: string): Metric | undefined {
    return this.metrics.get(name);
  }

  all(): Metric[] {
    return [...this.metrics.values()];
  }
}

/** Linear interpolation between closest ranks, as k6 computes trend percentiles. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

/** The aggregates k6 puts in a summary for a metric's samples (plus any `p(N)` asked for). */
export function aggregate(
  type: MetricType,
  samples: readonly Sample[],
  durationMs: number,
  percentiles: readonly number[] = [],
): Record<string, number> {
  const values = samples.map((s) => s.value);
  switch (type) {
    case 'counter': {
      const count = values.reduce((a, b) => a + b, 0);
      return { count, rate: durationMs > 0 ? count / (durationMs / 1000) : 0 };
    }
    case 'gauge':
      return { value: values.at(-1) ?? 0, min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values) : 0 };
    case 'rate': {
      const passes = values.filter((v) => v !== 0).length;
      return { rate: values.length ? passes / values.length : 0, passes, fails: values.length - passes };
    }
    case 'trend': {
      const sorted = [...values].sort((a, b) => a - b);
      const out: Record<string, number> = {
        avg: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
        min: sorted[0] ?? 0,
        med: percentile(sorted, 50),
        max: sorted.at(-1) ?? 0,
        'p(90)': percentile(sorted, 90),
        'p(95)': percentile(sorted, 95),
      };
      for (const p of percentiles) out[`p(${p})`] = percentile(sorted, p);
      return out;
    }
  }
}
