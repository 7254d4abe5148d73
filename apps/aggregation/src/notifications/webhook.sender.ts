import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './webhook-target';

export interface SendResult {
  status: number;
}

/** What an endpoint may answer: read up to this much, then drop the connection (a receiver can't make us buffer). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs `body` to the target over a connection to the address the guard
 * checked — the name is not resolved again (TLS still verifies the
 * certificate against the URL's host name). Rejects on a network error or
 * the timeout; any HTTP status resolves.
 */
export function postJson(target: ResolvedTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve, reject) => {
    const req = send(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        // A connection of its own each time: a pooled socket would skip the check (and the pinning) of this attempt.
        agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString() },
        timeout: timeoutMs,
        // No redirects are followed (node's client never does): a 3xx is a failed attempt, not a hop elsewhere.
      },
      (res: IncomingMessage) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on('close', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
