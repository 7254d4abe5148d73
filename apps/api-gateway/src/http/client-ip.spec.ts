import { clientIp, normalizeIp, trustedProxies } from './client-ip';

describe('client IP behind trusted proxies', () => {
  const trusted = trustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);

  it('matches CIDRs and single addresses, IPv4 and IPv6', () => {
    expect(clientIp('10.1.2.3', '203.0.113.9', trusted)).toBe('203.0.113.9');
    expect(clientIp('192.168.1.7', '203.0.113.9', trusted)).toBe('203.0.113.9');
    expect(clientIp('fd00::1', '2001:db8::5', trusted)).toBe('2001:db8::5');
    expect(clientIp('::ffff:10.9.9.9', '203.0.113.9', trusted)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(clientIp('127.0.0.1', '203.0.113.9', trusted)).toBe('127.0.0.1');
    expect(clientIp('192.168.1.8', '203.0.113.9', trusted)).toBe('192.168.1.8');
    expect(clientIp('11.0.0.1', '203.0.113.9', trusted)).toBe('11.0.0.1');
  });

  it('walks past trusted hops only, so a client cannot prepend a fake address', () => {
    // Client 198.51.100.1 claims to be 1.2.3.4; two trusted proxies appended their peers.
    expect(clientIp('10.0.0.2', '1.2.3.4, 198.51.100.1, 10.0.0.1', trusted)).toBe('198.51.100.1');
    expect(clientIp('10.0.0.2', ['1.2.3.4', '198.51.100.1'], trusted)).toBe('198.51.100.1');
    // Every hop trusted: the leftmost is the best we know.
    expect(clientIp('10.0.0.2', '10.0.0.3, 10.0.0.1', trusted)).toBe('10.0.0.3');
    // Garbage in the header stops the walk at the last address we can vouch for.
    expect(clientIp('10.0.0.2', 'not-an-ip', trusted)).toBe('10.0.0.2');
    expect(clientIp('10.0.0.2', undefined, trusted)).toBe('10.0.0.2');
  });

  it('trusts nobody when the list is empty', () => {
    expect(clientIp('10.0.0.2', '1.2.3.4', trustedProxies([]))).toBe('10.0.0.2');
  });

  it('rejects malformed entries', () => {
    expect(() => trustedProxies(['10.0.0.0/33'])).toThrow('bad prefix');
    expect(() => trustedProxies(['example.com'])).toThrow('not an IP');
    expect(() => trustedProxies(['10.0.0.0/x'])).toThrow('bad prefix');
  });

  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });
});
