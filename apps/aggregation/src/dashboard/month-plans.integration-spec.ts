import { budgetChanged, getMonthPlan, tenantConfigChanged, type MonthPlan } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { MonthPlans } from './month-plans';

const logger = pino({ level: 'silent' });

/** Provisions, as far as month plans go: answers with a plan whose revenue counts the times it was asked. */
describe('month plans kept between summaries', () => {
  let provisions: NatsBus;
  let aggregation: NatsBus;
  let plans: MonthPlans;
  const asked = new Map<string, number>();

  const connect = (name: string) => NatsBus.connect({ url: process.env.IT_NATS_URL as string, name, requestTimeoutMs: 2_000, logger });

  beforeAll(async () => {
    provisions = await connect(`it-provisions-${randomUUID()}`);
    provisions.serve(getMonthPlan, async ({ tenantId, month }) => {
      const n = (asked.get(`${tenantId} ${month}`) ?? 0) + 1;
      asked.set(`${tenantId} ${month}`, n);
      if (month === '2026-12') throw new Error('provisions failed');
      return { month, revenue: { gross: String(n), net: String(n) } } as MonthPlan;
    });
    await provisions.connection.flush();
    aggregation = await connect('it-aggregation');
    plans = new MonthPlans(aggregation);
    await aggregation.connection.flush();
  });

  afterAll(async () => {
    await aggregation.close();
    await provisions.close();
  });

  const revenue = async (tenantId: string, month: string) => (await plans.get(tenantId, month)).revenue.gross;
  const announce = async (event: 'budget' | 'config', tenantId: string) => {
    const common = { eventId: randomUUID(), tenantId, occurredAt: new Date().toISOString(), cachesInvalidated: true };
    if (event === 'budget') provisions.publish(budgetChanged, { ...common, resource: 'fixed-line' });
    else provisions.publish(tenantConfigChanged, common);
    // Published before provisions answers anything else: flushed, the next request finds it handled.
    await provisions.connection.flush();
    await aggregation.connection.flush();
  };

  it('asks provisions once per tenant-month until the tenant’s budget or config changes', async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    await expect(Promise.all([revenue(tenant, '2026-03'), revenue(tenant, '2026-03')])).resolves.toEqual(['1', '1']);
    await expect(revenue(tenant, '2026-04')).resolves.toBe('1');
    await expect(revenue(other, '2026-03')).resolves.toBe('1');

    await announce('budget', tenant);
    await expect(revenue(tenant, '2026-03')).resolves.toBe('2');
    await expect(revenue(tenant, '2026-04')).resolves.toBe('2');
    await expect(revenue(other, '2026-03')).resolves.toBe('1'); // another tenant's plans stay

    await announce('config', tenant);
    await expect(revenue(tenant, '2026-03')).resolves.toBe('3');
  });

  it('does not keep a failed answer', async () => {
    const tenant = randomUUID();
    await expect(plans.get(tenant, '2026-12')).rejects.toMatchObject({ code: 'internal' });
    await expect(plans.get(tenant, '2026-12')).rejects.toMatchObject({ code: 'internal' });
    expect(asked.get(`${tenant} 2026-12`)).toBe(2);
  });
});
