import {
  budgetChanged,
  createFixedLine,
  createProvision,
  createTenantConfig,
  deleteProvision,
  getMonthPlan,
  updateFixedLine,
} from '@ledgerline/contracts';
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
    { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
    { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
  ],
  split: { mode: 'proportional' as const },
};

describe('month plan over NATS with real PostgreSQL', () => {
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

  it('composes stored fixed lines and provisions into the month plan and announces every change', async () => {
    const tenantId = randomUUID();
    await client.request(createTenantConfig, { tenantId, config: household });
    const events: string[] = [];
    client.subscribe(budgetChanged, (e) => {
      if (e.tenantId === tenantId) events.push(e.resource);
    });
    await client.connection.flush();

    const car = await client.request(createFixedLine, {
      tenantId,
      body: { name: 'Car insurance', category: 'Insurance', amount: '540.00', frequency: 'yearly', split: { mode: 'equal' } },
    });
    await client.request(createFixedLine, {
      tenantId,
      body: { name: 'Rent', category: 'Housing', amount: '1000.00', frequency: 'monthly', startMonth: '2026-11' },
    });
    const holidays = await client.request(createProvision, {
      tenantId,
      body: { name: 'Holidays', kind: 'percent', percent: '5', base: 'household', target: '3000.00', saved: '450.00' },
    });

    expect(await client.request(getMonthPlan, { tenantId, month: '2026-10' })).toEqual({
      month: '2026-10',
      currency: 'EUR',
      revenue: { gross: '7000.00', net: '5558.00' },
      fixedPlanned: '45.00',
      fixedCount: 1,
      provisions: { total: '277.90', count: 1 },
      householdWeights: ['327600', '228200'],
      members: [
        { id: 'm1', name: 'Alex', gross: '4200.00', net: '3276.00', share: '0.5894', fixed: '22.50', provisions: '163.80' },
        { id: 'm2', name: 'Sam', gross: '2800.00', net: '2282.00', share: '0.4106', fixed: '22.50', provisions: '114.10' },
      ],
    });

    await client.request(updateFixedLine, { tenantId, id: car.id, patch: { active: false } });
    await client.request(deleteProvision, { tenantId, id: holidays.id });
    const november = await client.request(getMonthPlan, { tenantId, month: '2026-11' });
    expect(november).toMatchObject({ fixedPlanned: '1000.00', fixedCount: 1, provisions: { total: '0.00', count: 0 } });
    expect(november.members.map((m) => m.fixed)).toEqual(['589.42', '410.58']);

    for (let i = 0; i < 50 && events.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
    expect(events.sort()).toEqual(['fixed-line', 'fixed-line', 'fixed-line', 'provision', 'provision']);
  });

  it('refuses lines for a tenant without a configuration', async () => {
    await expect(
      client.request(createFixedLine, {
        tenantId: randomUUID(),
        body: { name: 'x', category: 'y', amount: '1.00', frequency: 'monthly' },
      }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });
});
