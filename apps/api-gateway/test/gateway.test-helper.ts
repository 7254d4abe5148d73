import { createHttpApp } from '@ledgerline/runtime';
import { ensureBinaries, freePort, startNats, startRedis, type RunningNats, type RunningRedis } from '@ledgerline/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../src/app.module';
import { hashApiKey, keyPrefix, mintApiKey } from '../src/auth/api-key';
import { ApiKeyRepository } from '../src/auth/api-key.repository';
import { loadGatewayConfig } from '../src/config';
import { configureEdge } from '../src/http/edge';

export const IT_ADMIN_KEY = 'it-admin-key-0123';

/**
 * A NATS server and a Redis server of the spec's own (so a spec may kill them
 * without disturbing other specs) next to the integration tier's PostgreSQL.
 */
export interface OwnInfra {
  dir: string;
  nats: RunningNats;
  redis: RunningRedis;
  restartRedis(): Promise<RunningRedis>;
  stop(): Promise<void>;
}

export async function startOwnInfra(): Promise<OwnInfra> {
  const bins = ensureBinaries(() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-gw-it-'));
  const nats = await startNats(bins.natsServer, await freePort(), join(dir, 'nats'), dir);
  const redisPort = await freePort();
  const infra: OwnInfra = {
    dir,
    nats,
    redis: await startRedis(bins.redisServer, redisPort, join(dir, 'redis'), dir),
    restartRedis: async () => {
      infra.redis = await startRedis(bins.redisServer, redisPort, join(dir, 'redis'), dir);
      return infra.redis;
    },
    stop: async () => {
      await infra.redis.stop();
      await nats.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return infra;
}

export interface Replica {
  app: NestFastifyApplication;
  url: string;
}

/** One gateway instance as main.ts builds it, listening on a free loopback port. */
export async function startReplica(infra: OwnInfra, env: Record<string, string> = {}): Promise<Replica> {
  const config = loadGatewayConfig({
    DATABASE_URL: process.env.IT_DATABASE_URL,
    NATS_URL: infra.nats.url,
    REDIS_URL: infra.redis.url,
    ADMIN_API_KEY: IT_ADMIN_KEY,
    PORT: '0',
    ...env,
  });
  const logger = pino({ level: 'silent' });
  const app = await createHttpApp({
    module: AppModule.forRoot(config, logger),
    logger,
    host: '127.0.0.1',
    port: 0,
    bodyLimit: config.JSON_BODY_LIMIT_BYTES,
    configure: (a) => configureEdge(a, config),
  });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

/** A tenant and a key written straight to the gateway's tables (provisions is not part of these specs). */
export async function insertTenantKey(
  replica: Replica,
  tenantId: string = randomUUID(),
): Promise<{ tenantId: string; keyId: string; apiKey: string }> {
  const repo = replica.app.get(ApiKeyRepository);
  const apiKey = mintApiKey();
  const keyId = randomUUID();
  await repo.transaction(async (em) => {
    await repo.insertTenant(em, tenantId);
    await repo.insertKey({ id: keyId, tenantId, prefix: keyPrefix(apiKey), hash: hashApiKey(apiKey) }, em);
  });
  return { tenantId, keyId, apiKey };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: type.includes('json') && text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
