import { mintLiveToken, verifyLiveToken } from './live-token';

const secret = Buffer.alloc(32, 7);
const claims = { tenantId: '6f1c2b8e-0000-4000-8000-000000000001', keyId: '6f1c2b8e-0000-4000-8000-000000000002', expiresAtMs: 2_000 };

describe('live stream tokens', () => {
  it('verifies a token it minted, with its claims and a nonce', () => {
    const { token, claims: minted } = mintLiveToken(secret, claims);
    expect(token).toMatch(/^lst_[\w-]+\.[\w-]+$/);
    expect(verifyLiveToken(secret, token, 1_999)).toEqual(minted);
    expect(minted.nonce).not.toBe(mintLiveToken(secret, claims).claims.nonce);
  });

  it('refuses an expired token', () => {
    const { token } = mintLiveToken(secret, claims);
    expect(verifyLiveToken(secret, token, 2_000)).toBeUndefined();
  });

  it('refuses a token signed with another secret, or with altered claims', () => {
    const { token } = mintLiveToken(secret, claims);
    expect(verifyLiveToken(Buffer.alloc(32, 8), token, 0)).toBeUndefined();
    const [payload = '', signature = ''] = token.slice(4).split('.');
    const other = Buffer.from(JSON.stringify(['another-tenant', claims.keyId, claims.expiresAtMs, 'n'])).toString('base64url');
    expect(verifyLiveToken(secret, `lst_${other}.${signature}`, 0)).toBeUndefined();
    expect(verifyLiveToken(secret, `lst_${payload}.${signature}x`, 0)).toBeUndefined();
  });

  it('refuses malformed tokens', () => {
    for (const bad of ['', 'lst_', 'lst_a.b.c', 'll_abc', 'lst_.', `lst_${Buffer.from('{').toString('base64url')}.x`]) {
      expect(verifyLiveToken(secret, bad, 0)).toBeUndefined();
    }
  });
});
