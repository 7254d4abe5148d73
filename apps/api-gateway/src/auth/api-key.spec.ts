import { bearerToken, hashApiKey, keyPrefix, looksLikeApiKey, mintApiKey, sameSecret } from './api-key';

describe('api keys', () => {
  it('mints distinct ll_ keys of fixed length from the base62 alphabet', () => {
    const keys = new Set(Array.from({ length: 200 }, () => mintApiKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^ll_[0-9A-Za-z]{32}$/);
      expect(looksLikeApiKey(key)).toBe(true);
    }
  });

  it('shows only a short prefix and hashes deterministically', () => {
    const key = mintApiKey();
    expect(keyPrefix(key)).toHaveLength(11);
    expect(key.startsWith(keyPrefix(key))).toBe(true);
    expect(hashApiKey(key).equals(hashApiKey(key))).toBe(true);
    expect(hashApiKey(key).equals(hashApiKey(mintApiKey()))).toBe(false);
  });

  it('parses bearer tokens and rejects other schemes', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('dev-admin-key', 'dev-admin-key')).toBe(true);
    expect(sameSecret('dev-admin-key', 'dev-admin-kez')).toBe(false);
    expect(sameSecret('short', 'a-much-longer-secret')).toBe(false);
  });
});
