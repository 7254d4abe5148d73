import { createHotPathRedis, shutDownRedis, type Redis } from '@ledgerline/runtime';
import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import type pino from 'pino';
import { GATEWAY_CONFIG, LIVE_CONFIG, LIVE_REDIS } from '../tokens';
import type { GatewayConfig } from '../config';
import { loadLiveConfig } from './live.config';
import { LiveAdmission } from './live-admission';
import { LiveHub } from './live-hub';
import { LiveRoutes } from './live.routes';
import { LiveTokensController } from './live-tokens.controller';
import { LiveViews } from './live-views';

/** Live dashboards: GET /v1/dashboard/live (SSE and WebSocket) and POST /v1/dashboard/live-tokens. */
@Module({})
export class LiveModule implements OnApplicationShutdown {
  constructor(@Inject(LIVE_REDIS) private readonly redis: Redis) {}

  static forRoot(logger: pino.Logger): DynamicModule {
    return {
      module: LiveModule,
      controllers: [LiveTokensController],
      providers: [
        { provide: LIVE_CONFIG, useFactory: () => loadLiveConfig() },
        {
          provide: LIVE_REDIS,
          inject: [GATEWAY_CONFIG],
          useFactory: (config: GatewayConfig) =>
            createHotPathRedis(config.REDIS_URL, logger, 'shared live stream limits (per-replica limits apply)'),
        },
        LiveViews,
        LiveHub,
        LiveAdmission,
        LiveRoutes,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    shutDownRedis(this.redis);
  }
}
