import type { NatsBus, RawReply } from '@ledgerline/messaging';
import { loadGatewayConfig } from '../config';
import { NearCache } from './near-cache';
import type { NearCacheFreshness } from './near-cache-freshness';

describe('near-cache: first serve for freshness, samples for the auditor', () => {
  const setup = () => {
    const firstServed: { tenantId: string; version: string | undefined }[] = [];
    const freshness = { replica: 'gw-1', firstServed: (tenantId: string, version: string | undefined) => firstServed.push({ tenantId, version }) };
    // The bus is used only in onModuleInit, which these tests do not run.
    const near = new NearCache({} as NatsBus, freshness as unknown as NearCacheFreshness, loadGatewayConfig({}));
    const reply = (total: string, version: string): RawReply => ({ body: Buffer.from(`{"total":"${total}"}`), encoding: 'identity', version });
    const put = (tenantId: string, month: string, r: RawReply) =>
      near.set(tenantId, `dashboard.summary.v1 ${month}`, r, near.generation(tenantId), {
        subject: 'dashboard.summary.v1',
        payload: { tenantId, month },
      });
    return { near, firstServed, reply, put };
  };

  it('reports an entry to freshness on its first hit only', () => {
    const { near, firstServed, reply, put } = setup();
    put('t1', '2026-03', reply('1.00', '7'));
    expect(firstServed).toEqual([]); // stored on a miss: served from the cache-gateway, not from here
    near.get('summary', 't1', 'dashboard.summary.v1 2026-03');
    near.get('summary', 't1', 'dashboard.summary.v1 2026-03');
    expect(firstServed).toEqual([{ tenantId: 't1', version: '7' }]);
    put('t1', '2026-03', reply('2.00', '8')); // a new entry is measured again
    near.get('summary', 't1', 'dashboard.summary.v1 2026-03');
    expect(firstServed).toEqual([
      { tenantId: 't1', version: '7' },
      { tenantId: 't1', version: '8' },
    ]);
  });

  it('samples the most recently used entry never audited, then the least recently audited', () => {
    const { near, reply, put } = setup();
    put('t1', '2026-03', reply('1.00', '7'));
    put('t2', '2026-04', reply('2.00', '9'));
    const first = near.sample('gw-1');
    expect(first).toMatchObject({
      replica: 'gw-1',
      key: 't2\ndashboard.summary.v1 2026-04',
      subject: 'dashboard.summary.v1',
      payload: { tenantId: 't2', month: '2026-04' },
      version: '9',
      encoding: 'identity',
    });
    expect(Buffer.from(first?.body ?? '', 'base64').toString()).toBe('{"total":"2.00"}');
    expect(near.sample('gw-1')?.key).toBe('t1\ndashboard.summary.v1 2026-03');
    expect(near.sample('gw-1')?.key).toBe('t2\ndashboard.summary.v1 2026-04'); // audited longest ago
  });

  it('answers the entry held under a key, and null once it is gone or for an empty cache', () => {
    const { near, reply, put } = setup();
    expect(near.sample('gw-1')).toBeNull();
    put('t1', '2026-03', reply('1.00', '7'));
    expect(near.sample('gw-1', 't1\ndashboard.summary.v1 2026-03')?.version).toBe('7');
    expect(near.sample('gw-1', 't1\ndashboard.summary.v1 2026-05')).toBeNull();
  });
});
