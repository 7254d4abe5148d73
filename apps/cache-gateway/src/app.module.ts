import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { createHotPathRedis, HealthModule, LOGGER, RedisDeadline, shutDownRedis, type Redis } from '@ledgerline/runtime';
import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import type { CacheGatewayConfig } from './config';
import { CacheModule } from './cache/cache.module';
import { CACHE_GATEWAY_CONFIG, REDIS } from './tokens';

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    shutDownRedis(this.redis);
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
        { provide: REDIS, useFactory: () => createHotPathRedis(config.REDIS_URL, logger, 'shared cache (L1 and the source serve)') },
        {
          provide: RedisDeadline,
          inject: [REDIS],
          useFactory: (redis: Redis) => new RedisDeadline(redis, config.REDIS_COMMAND_TIMEOUT_MS),
        },
        { provide: CACHE_GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        RedisCloser,
      ],
      exports: [REDIS, RedisDeadline, CACHE_GATEWAY_CONFIG, LOGGER],
      imports: [
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'cache-gateway',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          // Not Redis: without it the cache degrades to L1 and the source, it does not stop serving.
          inject: [NatsBus],
          checks: (bus: NatsBus) => [natsReadiness(bus)],
        }),
        CacheModule,
      ],
    };
  }
}
