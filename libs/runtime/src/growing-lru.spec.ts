import { growingLru } from './growing-lru';

describe('growingLru', () => {
  it('holds at most max entries, evicting the least recently used', () => {
    const cache = growingLru<string, number>(3);
    cache.set('a', 1).set('b', 2).set('c', 3);
    cache.get('a');
    cache.set('d', 4);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    expect(cache.size).toBe(3);
  });

  it('stays bounded when filled far beyond max', () => {
    const cache = growingLru<string, true>(1_000);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, true);
    expect(cache.size).toBe(1_000);
    expect(cache.has('k9999')).toBe(true);
    expect(cache.has('k8999')).toBe(false);
  });

  it('expires entries after the TTL', () => {
    let now = 1_000;
    const cache = growingLru<string, true>(10, { ttl: 50, ttlResolution: 0, perf: { now: () => now } });
    cache.set('a', true);
    now += 49;
    expect(cache.has('a')).toBe(true);
    now += 2;
    expect(cache.has('a')).toBe(false);
  });
});
