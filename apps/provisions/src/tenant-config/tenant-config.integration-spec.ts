import { createTenantConfig, getTenantConfig, tenantConfigChanged, updateTenantConfig } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { AppModule } from '../app.module';
import { loadProvisionsConfig } from '../config';

const logger = pino({ level: 'silent' });
const config = loadProvisionsConfig({ DATABASE_URL: process.env.IT_DATABASE_URL, NATS_URL: process.env.IT_NATS_URL, PORT: '0' });
const household = {
  name: 'Doe household',
  currency: 'EUR',
  members: [
    { id: 'm1', name: 'Alex', monthlyRevenue: '4200', taxRate: '22.0' },
    { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
  ],
  split: { mode: 'proportional' as const },
};

describe('provisions tenant config over NATS with real PostgreSQL', () => {
  let app: INestApplication;
  let client: NatsBus;

  beforeAll(async () => {
    app = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
    await app.init();
    client = await NatsBus.connect({ url: config.NATS_URL, name: 'it-client', requestTimeoutMs: 2_000, logger });
  });

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('stores a normalised config and reads it back', async () => {
    const tenantId = randomUUID();
    const created = await client.request(createTenantConfig, { tenantId, config: household });
    expect(created).toEqual({
      id: tenantId,
      name: 'Doe household',
      currency: 'EUR',
      members: [
        { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
        { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
      ],
      split: { mode: 'proportional' },
    });
    await expect(client.request(getTenantConfig, { tenantId })).resolves.toEqual(created);
  });

  it('refuses a second config for the same tenant and reports unknown tenants', async () => {
    const tenantId = randomUUID();
    await client.request(createTenantConfig, { tenantId, config: household });
    await expect(client.request(createTenantConfig, { tenantId, config: household })).rejects.toMatchObject({ code: 'conflict' });
    await expect(client.request(getTenantConfig, { tenantId: randomUUID() })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('applies concurrent patches one after the other and announces each change', async () => {
    const tenantId = randomUUID();
    await client.request(createTenantConfig, { tenantId, config: household });
    const events: string[] = [];
    client.subscribe(tenantConfigChanged, (e) => {
      if (e.tenantId === tenantId) events.push(e.eventId);
    });
    await client.connection.flush();

    await Promise.all([
      client.request(updateTenantConfig, { tenantId, patch: { name: 'Renamed' } }),
      client.request(updateTenantConfig, { tenantId, patch: { split: { mode: 'equal' } } }),
    ]);
    const after = await client.request(getTenantConfig, { tenantId });
    expect(after).toMatchObject({ name: 'Renamed', split: { mode: 'equal' } });
    for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(new Set(events).size).toBe(2);
  });

  it('rejects a patch that breaks the manual split and keeps the stored config', async () => {
    const tenantId = randomUUID();
    await client.request(createTenantConfig, {
      tenantId,
      config: { ...household, split: { mode: 'manual', shares: { m1: '0.5', m2: '0.5' } } },
    });
    await expect(
      client.request(updateTenantConfig, { tenantId, patch: { split: { mode: 'manual', shares: { m1: '0.5', m2: '0.4999' } } } }),
    ).rejects.toMatchObject({ code: 'validation-failed', errors: [{ field: 'split.shares', message: 'shares must sum to exactly 1' }] });
    await expect(client.request(getTenantConfig, { tenantId })).resolves.toMatchObject({
      split: { mode: 'manual', shares: { m1: '0.5', m2: '0.5' } },
    });
  });

  it('boots again on an already migrated schema', async () => {
    const second = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
    await expect(second.init()).resolves.toBeDefined();
    await second.close();
  });
});
