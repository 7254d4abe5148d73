import type { FreshnessBatch } from '@ledgerline/contracts';
import type { NatsBus } from '@ledgerline/messaging';
import { metricsRegistry } from '@ledgerline/runtime';
import { ApplyLag } from './apply-lag';

describe('apply lag: commit → applied per tenant', () => {
  it('observes each change on /metrics per tenant and sends it to monitoring as the applied stage', async () => {
    const published: FreshnessBatch[] = [];
    // Only `publish` is used: the batch goes out on flush (here, at destroy).
    const bus = { publish: (_contract: unknown, batch: FreshnessBatch) => published.push(batch) } as unknown as NatsBus;
    const lag = new ApplyLag(bus);
    const committed = new Date(Date.now() - 40).toISOString();
    lag.applied('t1', [{ occurredAt: committed }, { occurredAt: committed }]);
    lag.onModuleDestroy();

    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ service: 'aggregation', dropped: 0 });
    expect(published[0]?.samples.map((s) => [s.level, s.tenant])).toEqual([
      ['applied', 't1'],
      ['applied', 't1'],
    ]);
    for (const sample of published[0]?.samples ?? []) expect(sample.lagMs).toBeGreaterThanOrEqual(40);
    expect(await metricsRegistry.metrics()).toContain('ledgerline_change_apply_lag_seconds_count{tenant="t1"} 2');
  });
});
