import { Module } from '@nestjs/common';
import type pino from 'pino';
import { LOGGER } from '@ledgerline/runtime';
import { MONITORING_CONFIG } from '../tokens';
import type { MonitoringConfig } from '../config';
import { LatencyModule } from '../latency/latency.module';
import { SloModule } from '../slo/slo.module';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { WebhookNotifier } from './webhook-notifier';

@Module({
  imports: [LatencyModule, SloModule],
  providers: [
    AlertsRepository,
    AlertsService,
    {
      provide: WebhookNotifier,
      inject: [MONITORING_CONFIG, LOGGER],
      useFactory: (config: MonitoringConfig, logger: pino.Logger) =>
        new WebhookNotifier({
          urls: config.MONITORING_WEBHOOK_URLS,
          maxAttempts: config.MONITORING_WEBHOOK_MAX_ATTEMPTS,
          backoffMs: config.MONITORING_WEBHOOK_BACKOFF_MS,
          timeoutMs: config.MONITORING_WEBHOOK_TIMEOUT_MS,
          logger,
        }),
    },
  ],
  exports: [AlertsService],
})
export class AlertsModule {}
