import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp, type Redis } from '@ledgerline/runtime';
import {
  ensureBinaries,
  freePort,
  startNats,
  startRedis,
  stopChild,
  waitFor,
  type RunningNats,
  type RunningRedis,
} from '@ledgerline/testing';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AppModule } from '../src/app.module';
import { loadCacheGatewayConfig } from '../src/config';
import { REDIS } from '../src/tokens';

export const logger = pino({ level: 'silent' });

/**
 * cache-gateway replicas in this process against NATS and Redis processes of
 * their own (specs kill or stop them, so they are never shared), with a client
 * connection for the test; stand-in services connect with `connect`.
 */
export class CacheGatewayFixture {
  private readonly others: NatsBus[] = [];

  private constructor(
    readonly dir: string,
    readonly nats: RunningNats,
    /** Replaced by `restartRedis`. */
    public redis: RunningRedis,
    readonly replicas: INestApplication[],
    readonly client: NatsBus,
  ) {}

  /** `env` on top of the fixture's NATS_URL, REDIS_URL and PORT. */
  static async start(label: string, replicaCount: number, env: Record<string, string>): Promise<CacheGatewayFixture> {
    const dir = mkdtempSync(join(tmpdir(), `${label}-`));
    const bins = ensureBinaries(() => undefined);
    const nats = await startNats(bins.natsServer, await freePort(), join(dir, 'nats'), dir);
    const redis = await startRedis(bins.redisServer, await freePort(), join(dir, 'redis'), dir);
    const config = loadCacheGatewayConfig({ NATS_URL: nats.url, REDIS_URL: redis.url, PORT: '0', ...env });
    const replicas: INestApplication[] = [];
    for (let i = 0; i < replicaCount; i++) {
      const app = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
      await app.init();
      replicas.push(app);
    }
    const fixture = new CacheGatewayFixture(dir, nats, redis, replicas, await connect(nats, 'it-client', 5_000));
    await fixture.redisReady();
    return fixture;
  }

  /** A stand-in service (aggregation, an api-gateway replica) on the fixture's NATS; closed by `stop`. */
  async connect(name: string): Promise<NatsBus> {
    const bus = await connect(this.nats, name, 2_000);
    this.others.push(bus);
    return bus;
  }

  /** Every replica's Redis client is ready (again). */
  redisReady(timeoutMs?: number): Promise<void> {
    return waitFor('replicas connected to redis', async () => this.replicas.every((a) => a.get<Redis>(REDIS).isReady), timeoutMs);
  }

  /** Starts Redis again on the same port, after a spec stopped it. */
  async restartRedis(): Promise<void> {
    this.redis = await startRedis(ensureBinaries(() => undefined).redisServer, this.redis.port, join(this.dir, 'redis'), this.dir);
  }

  async stop(): Promise<void> {
    await this.client.close();
    // A spec may have closed a stand-in already (an upstream outage).
    for (const bus of this.others) await bus.close().catch(() => undefined);
    for (const app of this.replicas) await app.close();
    await stopChild(this.redis.child);
    await stopChild(this.nats.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const connect = (nats: RunningNats, name: string, requestTimeoutMs: number) =>
  NatsBus.connect({ url: nats.url, name, requestTimeoutMs, logger });
