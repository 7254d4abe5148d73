import { Module } from '@nestjs/common';
import { freshnessThresholdsOf } from '../alerts/rules';
import type { MonitoringConfig } from '../config';
import { MONITORING_CONFIG } from '../tokens';
import { SloController } from './slo.controller';
import { SloHandlers } from './slo.handlers';
import { SloHistory } from './slo-history';
import { SloTracker } from './slo-tracker';

/** Charted over the same window as latency. */
const CHART_WINDOW = '1m';

@Module({
  controllers: [SloController],
  providers: [
    {
      provide: SloTracker,
      inject: [MONITORING_CONFIG],
      useFactory: (config: MonitoringConfig) => new SloTracker(config.windows, freshnessThresholdsOf(config.rules)),
    },
    { provide: SloHistory, useFactory: () => new SloHistory(CHART_WINDOW) },
    SloHandlers,
  ],
  exports: [SloTracker, SloHistory],
})
export class SloModule {}
