import { Module } from '@nestjs/common';
import { MONITORING_CONFIG } from '../tokens';
import type { MonitoringConfig } from '../config';
import { LatencyHistory } from './latency-history';
import { LatencyTracker } from './latency-tracker';

/** The status page charts the shortest standard window, sampled at each evaluation. */
const CHART_WINDOW = '1m';

@Module({
  providers: [
    { provide: LatencyTracker, inject: [MONITORING_CONFIG], useFactory: (config: MonitoringConfig) => new LatencyTracker(config.windows) },
    { provide: LatencyHistory, useFactory: () => new LatencyHistory(CHART_WINDOW) },
  ],
  exports: [LatencyTracker, LatencyHistory],
})
export class LatencyModule {}
