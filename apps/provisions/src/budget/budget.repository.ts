import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityTarget, FindOptionsOrder, FindOptionsWhere } from 'typeorm';
import { FixedLineEntity, ProvisionEntity } from './budget.entities';

type Line = FixedLineEntity | ProvisionEntity;

/** TypeORM cannot see through the generic that both entities carry `tenantId` and `id`. */
const scope = <T extends Line>(tenantId: string, id?: string) =>
  (id === undefined ? { tenantId } : { tenantId, id }) as FindOptionsWhere<T>;

/** Tenant-scoped storage of fixed lines and provisions: every query names the tenant. */
@Injectable()
export class BudgetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list<T extends Line>(entity: EntityTarget<T>, tenantId: string): Promise<T[]> {
    return this.db.getRepository(entity).find({ where: scope<T>(tenantId), order: { createdAt: 'ASC', id: 'ASC' } as FindOptionsOrder<T> });
  }

  find<T extends Line>(entity: EntityTarget<T>, tenantId: string, id: string): Promise<T | null> {
    return this.db.getRepository(entity).findOneBy(scope<T>(tenantId, id));
  }

  insert<T extends Line>(entity: EntityTarget<T>, values: Partial<T>): Promise<T> {
    const repo = this.db.getRepository(entity);
    return repo.save(repo.create(values as T));
  }

  /** Runs `change` on the row locked FOR UPDATE, so concurrent patches apply one after the other. */
  update<T extends Line>(entity: EntityTarget<T>, tenantId: string, id: string, change: (current: T) => T): Promise<T | null> {
    return this.db.transaction(async (em: EntityManager) => {
      const current = await em.findOne(entity, { where: scope<T>(tenantId, id), lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      return em.save(entity, change(current));
    });
  }

  async delete(entity: EntityTarget<Line>, tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.getRepository(entity).delete(scope(tenantId, id));
    return (result.affected ?? 0) > 0;
  }
}
