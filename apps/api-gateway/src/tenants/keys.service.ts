import { AppError } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hashApiKey, keyPrefix, mintApiKey } from '../auth/api-key';
import { ApiKeyRepository, type ApiKeyRow } from '../auth/api-key.repository';
import { AuthService } from '../auth/auth.service';

@Injectable()
export class KeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly auth: AuthService,
  ) {}

  async mint(tenantId: string): Promise<{ id: string; prefix: string; apiKey: string }> {
    const apiKey = mintApiKey();
    const id = randomUUID();
    await this.keys.insertKey({ id, tenantId, prefix: keyPrefix(apiKey), hash: hashApiKey(apiKey) });
    return { id, prefix: keyPrefix(apiKey), apiKey };
  }

  /** The operator's way back in for a tenant that revoked its last key. */
  async mintForTenant(tenantId: string): Promise<{ id: string; prefix: string; apiKey: string }> {
    if (!(await this.keys.tenantExists(tenantId))) throw new AppError('not-found', 'No such tenant.');
    return this.mint(tenantId);
  }

  list(tenantId: string): Promise<ApiKeyRow[]> {
    return this.keys.listKeys(tenantId);
  }

  async revoke(tenantId: string, keyId: string): Promise<void> {
    if (!(await this.auth.revoke(tenantId, keyId))) throw new AppError('not-found', 'No such active key.');
  }
}
