import type { Runtime } from '../runtime';
import type { MetricType } from '../metrics';

/** The `k6/metrics` module: Counter, Gauge, Rate, Trend. */
export function metricsModule(rt: Runtime) {
  const metricClass = (type: MetricType) =>
    class {
      readonly name: string;
      constructor(name: string, isTime = false) {
        this.name = name;
        rt.metrics.define(name, type, type === 'trend' && isTime);
      }
      add(value: number | boolean, tags: Record<string, string> = {}): void {
        const numeric = typeof value === 'boolean' ? Number(value) : Number(value);
        rt.metrics.add(this.name, type === 'rate' ? Number(numeric !== 0) : numeric, { ...rt.tags(), ...tags });
      }
    };
  return { Counter: metricClass('counter'), Gauge: metricClass('gauge'), Rate: metricClass('rate'), Trend: metricClass('trend') };
}
