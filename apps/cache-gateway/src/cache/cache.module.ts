import KeyvRedis from '@keyv/redis';
import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import Keyv from 'keyv';
import type { Redis } from '@ledgerline/runtime';
import { REDIS } from '../tokens';
import { CacheHandlers } from './cache.handlers';
import { CacheVersions } from './cache-versions';
import { ReadThroughCache } from './read-through';
import { ConsistencyAuditor } from '../slo/consistency-auditor';
import { ServedAnswers } from '../slo/served-answers';

/**
 * Keyv wraps each value as {value, expires}; stored replies are strings, so a
 * separator beats JSON on every hit.
 */
const serialize = (data: { value?: unknown; expires?: number | null }): string => `${data.expires ?? ''}|${String(data.value)}`;
const deserialize = <Value>(text: string): { value?: Value; expires?: number } => {
  const bar = text.indexOf('|');
  const expires = text.slice(0, bar);
  return { value: text.slice(bar + 1) as Value, ...(expires ? { expires: Number(expires) } : {}) };
};

/**
 * L2 is Redis through @nestjs/cache-manager + @keyv/redis, on the same client
 * as everything else here: no offline queue and short command timeouts, so a
 * dead Redis is a miss, not a stall.
 */
@Module({
  imports: [
    NestCacheModule.registerAsync({
      inject: [REDIS],
      useFactory: (redis: Redis) => {
        const store = new KeyvRedis(redis, { namespace: 'll:cache:l2', throwOnErrors: false, throwOnConnectError: false });
        const keyv = new Keyv({ store, serialize, deserialize, useKeyPrefix: false });
        keyv.on('error', () => undefined); // Redis trouble is reported by the client and treated as a miss.
        return { stores: [keyv] };
      },
    }),
  ],
  providers: [CacheVersions, ServedAnswers, ReadThroughCache, CacheHandlers, ConsistencyAuditor],
})
export class CacheModule {}
