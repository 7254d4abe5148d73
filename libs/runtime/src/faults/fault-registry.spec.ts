import { AppError } from '@ledgerline/contracts';
import { FaultRegistry, faultRegistryFromEnv } from './fault-registry';

describe('FaultRegistry', () => {
  it('fails every request of a target with errorRate 1 and leaves other targets alone', async () => {
    const registry = new FaultRegistry(true);
    registry.set([{ target: 'POST /v1/dashboard/refresh', delayMs: 0, errorRate: 1 }]);
    await expect(registry.apply('POST /v1/dashboard/refresh')).rejects.toMatchObject({ code: 'service-unavailable' });
    await expect(registry.apply('GET /v1/dashboard/summary')).resolves.toBeUndefined();
    registry.set([]);
    await expect(registry.apply('POST /v1/dashboard/refresh')).resolves.toBeUndefined();
  });

  it('is off in production unless enabled explicitly, and clearing is always allowed', () => {
    const prod = faultRegistryFromEnv({ NODE_ENV: 'production' });
    expect(() => prod.set([{ target: 'x', delayMs: 1, errorRate: 0 }])).toThrow(AppError);
    expect(() => prod.set([])).not.toThrow();
    expect(faultRegistryFromEnv({ NODE_ENV: 'production', FAULT_INJECTION_ENABLED: 'true' }).enabled).toBe(true);
    expect(faultRegistryFromEnv({}).enabled).toBe(true);
  });

  it('reads FAULTS from the environment and rejects a malformed value', () => {
    const registry = faultRegistryFromEnv({ FAULTS: '[{"target":"aggregation.rollups.refresh.v1","delayMs":700}]' });
    expect(registry.list()).toEqual([{ target: 'aggregation.rollups.refresh.v1', delayMs: 700, errorRate: 0 }]);
    expect(() => faultRegistryFromEnv({ FAULTS: 'delay everything' })).toThrow(/FAULTS/);
    expect(() => faultRegistryFromEnv({ FAULTS: '[{"target":"x","errorRate":2}]' })).toThrow(/errorRate/);
  });
});
