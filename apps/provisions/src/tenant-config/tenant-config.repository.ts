import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { TenantConfigEntity } from './tenant-config.entity';

@Injectable()
export class TenantConfigRepository {
  constructor(@InjectRepository(TenantConfigEntity) private readonly repo: Repository<TenantConfigEntity>) {}

  find(tenantId: string): Promise<TenantConfigEntity | null> {
    return this.repo.findOneBy({ tenantId });
  }

  async insert(config: Omit<TenantConfigEntity, 'version' | 'createdAt' | 'updatedAt'>): Promise<TenantConfigEntity> {
    return this.repo.save(this.repo.create(config));
  }

  /** Runs `change` on the row locked FOR UPDATE, so concurrent patches apply one after the other. */
  async update(tenantId: string, change: (current: TenantConfigEntity) => TenantConfigEntity): Promise<TenantConfigEntity | null> {
    return this.repo.manager.transaction(async (em: EntityManager) => {
      const current = await em.findOne(TenantConfigEntity, { where: { tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      return em.save(TenantConfigEntity, change(current));
    });
  }
}
