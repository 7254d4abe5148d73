import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Server-side request forgery guard for tenant webhooks. A tenant names the
 * URL; the system POSTs to it from inside the cluster, so a URL reaching the
 * cluster's own services, the cloud metadata endpoint or the node itself
 * would hand a tenant a way in. Only global unicast addresses pass, unless
 * the operator allows private ones (local development and tests).
 */

export interface TargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: loopback, private, cluster-internal names and plain http are allowed. */
  allowPrivate: boolean;
  /** Every address a host name resolves to (DNS), injectable for tests. */
  resolve?: (host: string) => Promise<string[]>;
}

/** A URL the guard refuses, with the reason a client reads in its 422 (or a delivery attempt shows). */
export class RefusedTarget extends Error {}

/** Where a delivery connects: the URL and the address it was checked against (the connection is pinned to it). */
export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Names that only mean something inside a cluster or a host: never sent to a public resolver's answer. */
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.svc', '.cluster.local', '.home.arpa', '.in-addr.arpa', '.ip6.arpa'];

/** Why an address is not a public one, or null when it is (ipaddr.js range names: loopback, private, linkLocal, …). */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** Below the callers' request bounds (NATS 1.5–2 s), so a resolver that does not answer is a refusal, never a timeout. */
const DNS_TIMEOUT_MS = 1_000;

async function resolveAll(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('DNS timeout')), DNS_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([lookup(host, { all: true, verbatim: true }), timeout])).map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a webhook URL and resolves its host; throws RefusedTarget. Run when
 * the URL is registered and again before every delivery, whose connection
 * then uses the returned address (a DNS answer that changes in between —
 * rebinding — cannot redirect it).
 */
export async function resolveTarget(text: string, policy: TargetPolicy): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RefusedTarget('must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    throw new RefusedTarget('must be an https:// URL');
  }
  if (url.username !== '' || url.password !== '') throw new RefusedTarget('must not carry credentials');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  if (literal !== 0) return { url, address: checked(host, policy), family: literal as 4 | 6 };

  const name = host.toLowerCase().replace(/\.$/, '');
  if (!policy.allowPrivate && (name === 'localhost' || !name.includes('.') || INTERNAL_SUFFIXES.some((s) => name.endsWith(s)))) {
    throw new RefusedTarget(`must not name an internal host (${name})`);
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? resolveAll)(name);
  } catch {
    throw new RefusedTarget(`host ${name} does not resolve`);
  }
  if (addresses.length === 0) throw new RefusedTarget(`host ${name} does not resolve`);
  // Every answer is checked: a name with one public and one private address could be made to use either.
  for (const address of addresses) checked(address, policy);
  const address = addresses[0] as string;
  return { url, address, family: isIP(address) === 6 ? 6 : 4 };
}

function checked(address: string, policy: TargetPolicy): string {
  const range = nonPublicRange(address);
  if (range !== null && !policy.allowPrivate) throw new RefusedTarget(`must not reach a ${range} address (${address})`);
  return address;
}
