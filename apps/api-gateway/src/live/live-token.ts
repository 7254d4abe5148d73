import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a stream token stands for: one stream of this tenant, opened with this key, before `expiresAtMs`. */
export interface LiveTokenClaims {
  tenantId: string;
  keyId: string;
  expiresAtMs: number;
  /** Unique per token: a used token is remembered by it, so it opens one stream only. */
  nonce: string;
}

const PREFIX = 'lst_';

const sign = (secret: Buffer, payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

/**
 * A self-contained signed token (`lst_<claims>.<hmac>`): any replica sharing
 * the secret can check it without a lookup, so minting costs no storage and
 * the stream may land on any replica.
 */
export function mintLiveToken(secret: Buffer, claims: Omit<LiveTokenClaims, 'nonce'>): { token: string; claims: LiveTokenClaims } {
  const full: LiveTokenClaims = { ...claims, nonce: randomBytes(12).toString('base64url') };
  const payload = Buffer.from(JSON.stringify([full.tenantId, full.keyId, full.expiresAtMs, full.nonce])).toString('base64url');
  return { token: `${PREFIX}${payload}.${sign(secret, payload).toString('base64url')}`, claims: full };
}

/** The claims of a genuine, unexpired token; undefined for anything else (forged, altered, expired, malformed). */
export function verifyLiveToken(secret: Buffer, token: string, nowMs: number): LiveTokenClaims | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const [payload, signature, ...rest] = token.slice(PREFIX.length).split('.');
  if (!payload || !signature || rest.length > 0) return undefined;
  const expected = sign(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const [tenantId, keyId, expiresAtMs, nonce] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    if (typeof tenantId !== 'string' || typeof keyId !== 'string' || typeof expiresAtMs !== 'number' || typeof nonce !== 'string') {
      return undefined;
    }
    if (nowMs >= expiresAtMs) return undefined;
    return { tenantId, keyId, expiresAtMs, nonce };
  } catch {
    return undefined;
  }
}
