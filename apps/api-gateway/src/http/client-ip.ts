import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

/** Parses a list of IPs and CIDRs (`10.0.0.0/8, 127.0.0.1, fd00::/8`); throws naming the bad entry. */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`not an IP address or CIDR: "${entry}"`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`bad prefix length in "${entry}"`);
    list.addSubnet(address, bits, type);
  }
  return list;
}

const isTrusted = (trusted: BlockList, ip: string): boolean => {
  const family = isIP(ip);
  return family !== 0 && trusted.check(ip, family === 4 ? 'ipv4' : 'ipv6');
};

/**
 * The client address: the socket peer, unless that peer is a trusted proxy,
 * in which case X-Forwarded-For is walked from the right (the hop nearest to
 * us) past trusted proxies; the first untrusted hop is the client. Entries a
 * client wrote itself sit further left and are never reached.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: BlockList): string {
  let current = normalizeIp(peer ?? '');
  if (!isTrusted(trusted, current) || forwardedFor === undefined) return current;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map(normalizeIp).filter(Boolean);
  while (hops.length > 0 && isTrusted(trusted, current)) {
    const next = hops.pop() as string;
    if (isIP(next) === 0) return current; // garbage from a client: stop at the last address we can vouch for
    current = next;
  }
  return current;
}
