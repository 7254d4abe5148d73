import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule } from '@ledgerline/runtime';
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import type { CacheGatewayConfig } from './config';
import { CacheModule } from './cache/cache.module';
import { createRedis, REDIS, redisReadiness, type Redis } from './redis/redis.client';
import { CACHE_GATEWAY_CONFIG, CACHE_GATEWAY_LOGGER } from './tokens';

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.destroy();
  }
}

/** cache-gateway: L1 + Redis cache in front of aggregation and provisions reads; owns nothing durable. */
@Global()
@Module({})
export class AppModule {
  static forRoot(config: CacheGatewayConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      providers: [
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS, logger) },
        { provide: CACHE_GATEWAY_CONFIG, useValue: config },
        { provide: CACHE_GATEWAY_LOGGER, useValue: logger },
        RedisCloser,
      ],
      exports: [REDIS, CACHE_GATEWAY_CONFIG, CACHE_GATEWAY_LOGGER],
      imports: [
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'cache-gateway',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, REDIS],
          checks: (bus: NatsBus, redis: Redis) => [natsReadiness(bus), redisReadiness(redis)],
        }),
        CacheModule,
      ],
    };
  }
}
