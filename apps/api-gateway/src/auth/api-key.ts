import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'll_';
const SECRET_LENGTH = 32; // 32 base62 chars ≈ 190 bits
const PREFIX_SHOWN = KEY_PREFIX.length + 8;

/** A new tenant key, e.g. `ll_3fZ…`; only its hash is stored. */
export function mintApiKey(): string {
  const bytes = randomBytes(SECRET_LENGTH * 2);
  let secret = '';
  // Rejection sampling keeps every character uniform (256 is not a multiple of 62).
  for (const byte of bytes) {
    if (byte < 248) secret += ALPHABET[byte % 62];
    if (secret.length === SECRET_LENGTH) break;
  }
  if (secret.length < SECRET_LENGTH) return mintApiKey();
  return KEY_PREFIX + secret;
}

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/** The part of a key that may be shown in listings. */
export const keyPrefix = (key: string): string => key.slice(0, PREFIX_SHOWN);

export const looksLikeApiKey = (key: string): boolean => key.startsWith(KEY_PREFIX) && key.length === KEY_PREFIX.length + SECRET_LENGTH;

/** Constant-time comparison (by hash, so lengths never leak). */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(hashApiKey(a), hashApiKey(b));

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
