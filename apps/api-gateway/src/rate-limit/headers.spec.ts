import { rateLimitHeaders } from './headers';
import { rateLimitString } from './duration';

describe('rate-limit headers', () => {
  it('formats the IETF draft fields and the X-RateLimit trio for an admitted request', () => {
    expect(
      rateLimitHeaders('reads', { allowed: true, limit: 400, remaining: 399, resetSeconds: 1, retryAfterSeconds: 0, windowSeconds: 2 }),
    ).toEqual({
      'RateLimit-Policy': '"reads";q=400;w=2',
      RateLimit: '"reads";r=399;t=1',
      'X-RateLimit-Limit': '400',
      'X-RateLimit-Remaining': '399',
      'X-RateLimit-Reset': '1',
    });
  });

  it('adds Retry-After to a rejection', () => {
    const headers = rateLimitHeaders('imports', {
      allowed: false,
      limit: 5,
      remaining: 0,
      resetSeconds: 60,
      retryAfterSeconds: 12,
      windowSeconds: 60,
    });
    expect(headers.RateLimit).toBe('"imports";r=0;t=60');
    expect(headers['Retry-After']).toBe('12');
  });
});

describe('rate-limit env syntax', () => {
  it('parses count/period[,burst]', () => {
    expect(rateLimitString.parse('200/1s,400')).toEqual({ count: 200, periodMs: 1_000, burst: 400 });
    expect(rateLimitString.parse('5/1m')).toEqual({ count: 5, periodMs: 60_000, burst: 5 });
    expect(rateLimitString.parse(' 20 / 1h , 21 ')).toEqual({ count: 20, periodMs: 3_600_000, burst: 21 });
    expect(rateLimitString.parse('10/500ms')).toEqual({ count: 10, periodMs: 500, burst: 10 });
  });

  it.each(['', '200', '200/s', '0/1s', '5/1m,0', '5/1d', '-1/1s', '1.5/1s'])('rejects %j', (text) => {
    expect(rateLimitString.safeParse(text).success).toBe(false);
  });
});
