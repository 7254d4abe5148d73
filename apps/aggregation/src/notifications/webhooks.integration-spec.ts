import { getWebhooks, invalidateCache, putWebhooks, type Webhooks } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import { createDatabase, ensureBinaries, freePort, startNats, type RunningNats, waitFor } from '@ledgerline/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { loadAggregationConfig } from '../config';

const logger = pino({ level: 'silent' });

/**
 * The SSRF guard as production runs it (WEBHOOK_ALLOW_PRIVATE_ADDRESSES off),
 * through NATS and PostgreSQL: refused when registered, and refused again at
 * send time when a registered name has come to point inside (DNS rebinding).
 * The e2e stack allows private targets for its local receivers, so this is
 * where the refusals are proven.
 */
describe('webhook targets with private addresses refused (the production setting)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-webhooks-it-'));
  let nats: RunningNats;
  let peer: NatsBus;
  let aggregation: INestApplication;
  let listener: Server;
  let connections = 0;

  beforeAll(async () => {
    // A NATS of its own: aggregation's durable consumer must not take the changes other specs publish.
    nats = await startNats(ensureBinaries().natsServer, await freePort(), join(dir, 'nats'), dir);
    const database = await createDatabase(process.env.IT_DATABASE_URL as string, 'webhooks_it');
    peer = await NatsBus.connect({ url: nats.url, name: 'it-peer', requestTimeoutMs: 10_000, logger });
    peer.serve(invalidateCache, async () => ({ invalidated: true as const }));
    await peer.connection.flush();
    const config = loadAggregationConfig({
      DATABASE_URL: database,
      NATS_URL: nats.url,
      PORT: '0',
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false',
      WEBHOOK_BACKOFF_MS: '100',
      WEBHOOK_POLL_MS: '100',
    });
    aggregation = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
    await aggregation.init();
    // Stands where a rebound name would lead: it must never see a connection.
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
    await aggregation?.close();
    await peer?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses loopback, metadata, private, unique-local and cluster-internal URLs with a field error each, nothing stored', async () => {
    const tenantId = randomUUID();
    const urls = [
      'https://127.0.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.1.2.3:8443/hook',
      'https://[fd12::1]/',
      'https://[::ffff:192.168.0.1]/',
      'https://kubernetes.default.svc/',
      'https://redis.ledgerline.svc.cluster.local/',
      'https://localhost:3000/',
      'http://93.184.215.14/',
    ];
    const refused = peer.request(putWebhooks, { tenantId, body: { webhooks: urls.map((url) => ({ url })) } });
    await expect(refused).rejects.toMatchObject({
      code: 'validation-failed',
      errors: [
        { field: 'webhooks[0].url', message: 'must not reach a loopback address (127.0.0.1)' },
        { field: 'webhooks[1].url', message: 'must not reach a linkLocal address (169.254.169.254)' },
        { field: 'webhooks[2].url', message: 'must not reach a private address (10.1.2.3)' },
        { field: 'webhooks[3].url', message: 'must not reach a uniqueLocal address (fd12::1)' },
        { field: 'webhooks[4].url', message: 'must not reach a private address (::ffff:c0a8:1)' },
        { field: 'webhooks[5].url', message: 'must not name an internal host (kubernetes.default.svc)' },
        { field: 'webhooks[6].url', message: 'must not name an internal host (redis.ledgerline.svc.cluster.local)' },
        { field: 'webhooks[7].url', message: 'must not name an internal host (localhost)' },
        { field: 'webhooks[8].url', message: 'must be an https:// URL' },
      ],
    });
    expect((await peer.request(getWebhooks, { tenantId })).webhooks).toEqual([]);
  });

  it('checks the target again before sending: an endpoint now pointing at loopback is refused, never connected to', async () => {
    const tenantId = randomUUID();
    const port = (listener.address() as { port: number }).port;
    const db = aggregation.get(DataSource);
    // As if it had been registered while its name still resolved to a public address.
    const [endpoint] = (await db.query(
      `INSERT INTO aggregation.webhook_endpoints (tenant_id, url, secret) VALUES ($1, $2, 'whsec_it') RETURNING id`,
      [tenantId, `https://127.0.0.1:${port}/hook`],
    )) as { id: string }[];
    await db.query(
      `INSERT INTO aggregation.webhook_deliveries (tenant_id, endpoint_id, url, event_id, payload, next_attempt_at)
       VALUES ($1, $2, $3, $4, '{"type":"budget.threshold"}', now())`,
      [tenantId, endpoint?.id, `https://127.0.0.1:${port}/hook`, randomUUID()],
    );

    let seen: Webhooks['deliveries'] = [];
    await waitFor('two attempts of the delivery', async () => {
      seen = (await peer.request(getWebhooks, { tenantId })).deliveries;
      return (seen[0]?.attempts.length ?? 0) >= 2;
    });
    expect(seen[0]?.state).toBe('pending');
    for (const attempt of seen[0]?.attempts ?? []) {
      expect(attempt).toMatchObject({ status: null, error: 'refused: must not reach a loopback address (127.0.0.1)' });
    }
    expect(connections).toBe(0);
  });
});
