import type { NatsBus } from '@ledgerline/messaging';
import { loadGatewayConfig } from '../config';
import { hashApiKey, mintApiKey } from './api-key';
import type { ApiKeyRepository } from './api-key.repository';
import { AuthService } from './auth.service';

/** A key table in memory that counts its queries and answers when released. */
function keyTable(rows: Map<string, { tenantId: string; keyId: string }>) {
  let queries = 0;
  const waiting: (() => void)[] = [];
  const repo = {
    findActiveTenantByHash: async (hash: Buffer) => {
      queries += 1;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return rows.get(hash.toString('hex'));
    },
  } as unknown as ApiKeyRepository;
  return { repo, queries: () => queries, release: () => waiting.splice(0).forEach((go) => go()) };
}

const bus = { subscribe: () => undefined } as unknown as NatsBus;
const config = loadGatewayConfig({ ADMIN_API_KEY: 'the-admin-key' });

describe('AuthService', () => {
  it('asks the database once for concurrent requests with the same uncached key', async () => {
    const key = mintApiKey();
    const table = keyTable(new Map([[hashApiKey(key).toString('hex'), { tenantId: 't1', keyId: 'k1' }]]));
    const auth = new AuthService(table.repo, bus, config);
    const callers = Array.from({ length: 10 }, () => auth.authenticate(key));
    await new Promise((r) => setImmediate(r));
    expect(table.queries()).toBe(1);
    table.release();
    expect(await Promise.all(callers)).toEqual(Array.from({ length: 10 }, () => ({ kind: 'tenant', tenantId: 't1', keyId: 'k1' })));
    // Cached now: no query at all.
    await expect(auth.authenticate(key)).resolves.toEqual({ kind: 'tenant', tenantId: 't1', keyId: 'k1' });
    expect(table.queries()).toBe(1);
  });

  it('rejects every concurrent caller of an unknown key, and asks again once the lookup is over', async () => {
    const key = mintApiKey();
    const table = keyTable(new Map());
    const auth = new AuthService(table.repo, bus, loadGatewayConfig({ ADMIN_API_KEY: 'the-admin-key', API_KEY_CACHE_MS: '0' }));
    const callers = [auth.authenticate(key), auth.authenticate(key)];
    await new Promise((r) => setImmediate(r));
    table.release();
    for (const caller of callers) await expect(caller).rejects.toMatchObject({ code: 'unauthorized' });
    expect(table.queries()).toBe(1);
    const again = auth.authenticate(key);
    await new Promise((r) => setImmediate(r));
    table.release();
    await expect(again).rejects.toMatchObject({ code: 'unauthorized' });
    expect(table.queries()).toBe(2);
  });

  it('knows the admin key without asking the database', async () => {
    const table = keyTable(new Map());
    const auth = new AuthService(table.repo, bus, config);
    await expect(auth.authenticate('the-admin-key')).resolves.toEqual({ kind: 'admin' });
    expect(table.queries()).toBe(0);
  });

  it('serves a known key from its last good lookup while the database fails or hangs; a revocation still ends it', async () => {
    const key = mintApiKey();
    const row = { tenantId: 't1', keyId: 'k1' };
    let mode: 'up' | 'down' | 'stalled' = 'up';
    let endStall: (error: Error) => void = () => undefined;
    const repo = {
      findActiveTenantByHash: async () => {
        if (mode === 'down') throw new Error('timeout exceeded when trying to connect');
        if (mode === 'stalled') await new Promise((_, reject) => (endStall = reject));
        return row;
      },
    } as unknown as ApiKeyRepository;
    let revoked: ((event: { tenantId: string; keyId: string }) => void) | undefined;
    const fanOut = { subscribe: (_c: unknown, handler: typeof revoked) => (revoked = handler) } as unknown as NatsBus;
    // No per-request cache: every call goes to the database first.
    const auth = new AuthService(repo, fanOut, loadGatewayConfig({ ADMIN_API_KEY: 'the-admin-key', API_KEY_CACHE_MS: '0' }));
    auth.onModuleInit();
    await expect(auth.authenticate(key)).resolves.toEqual({ kind: 'tenant', ...row });

    mode = 'down';
    await expect(auth.authenticate(key)).resolves.toEqual({ kind: 'tenant', ...row });
    mode = 'stalled';
    await expect(auth.authenticate(key)).resolves.toEqual({ kind: 'tenant', ...row });
    // A key never seen cannot be vouched for: it waits on (and fails with) the database.
    mode = 'down';
    await expect(auth.authenticate(mintApiKey())).rejects.toThrow('timeout exceeded');

    revoked?.({ tenantId: 't1', keyId: 'k1' });
    const afterRevocation = auth.authenticate(key);
    endStall(new Error('Query read timeout'));
    await expect(afterRevocation).rejects.toThrow('Query read timeout');
  });
});
