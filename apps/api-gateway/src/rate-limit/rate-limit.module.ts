import { Global, Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { GATEWAY_CONFIG, RATE_LIMIT_REDIS } from '../tokens';
import type { GatewayConfig } from '../config';
import { createHotPathRedis } from '@ledgerline/runtime';
import { RateLimiter } from './rate-limiter.service';
import { ReplicaPresence } from './replica-presence';

@Global()
@Module({})
export class RateLimitModule {
  static forRoot(logger: pino.Logger): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        {
          provide: RATE_LIMIT_REDIS,
          inject: [GATEWAY_CONFIG],
          useFactory: (config: GatewayConfig) =>
            createHotPathRedis(config.REDIS_URL, logger, 'shared rate limits (per-replica fallback limits apply)'),
        },
        ReplicaPresence,
        RateLimiter,
      ],
      exports: [RateLimiter],
    };
  }
}
