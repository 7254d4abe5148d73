import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface ApiKeyRow {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** The only code that reads or writes gateway.tenants and gateway.api_keys. */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insertTenant(em: EntityManager, tenantId: string): Promise<void> {
    await em.query('INSERT INTO gateway.tenants (id) VALUES ($1)', [tenantId]);
  }

  async insertKey(key: { id: string; tenantId: string; prefix: string; hash: Buffer }, em?: EntityManager): Promise<void> {
    await (em ?? this.db).query('INSERT INTO gateway.api_keys (id, tenant_id, prefix, hash) VALUES ($1, $2, $3, $4)', [
      key.id,
      key.tenantId,
      key.prefix,
      key.hash,
    ]);
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const rows = (await this.db.query('SELECT 1 FROM gateway.tenants WHERE id = $1', [tenantId])) as unknown[];
    return rows.length > 0;
  }

  async findActiveTenantByHash(hash: Buffer): Promise<{ tenantId: string; keyId: string } | undefined> {
    const rows = (await this.db.query('SELECT id, tenant_id FROM gateway.api_keys WHERE hash = $1 AND revoked_at IS NULL', [hash])) as {
      id: string;
      tenant_id: string;
    }[];
    const row = rows[0];
    return row ? { tenantId: row.tenant_id, keyId: row.id } : undefined;
  }

  async listKeys(tenantId: string): Promise<ApiKeyRow[]> {
    return this.db.query(
      `SELECT id, prefix, to_json(created_at) #>> '{}' AS "createdAt", to_json(revoked_at) #>> '{}' AS "revokedAt"
         FROM gateway.api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    ) as Promise<ApiKeyRow[]>;
  }

  /** True when the key existed for this tenant and was active. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const [, count] = (await this.db.query(
      'UPDATE gateway.api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL',
      [keyId, tenantId],
    )) as [unknown, number];
    return count > 0;
  }
}
