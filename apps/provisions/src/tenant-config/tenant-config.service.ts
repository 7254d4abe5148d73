import {
  AppError,
  parseOrThrow,
  tenantConfigChanged,
  tenantConfigSchema,
  type CreateTenantBody,
  type PatchTenantBody,
  type TenantConfig,
} from '@ledgerline/contracts';
import { invalidateCaches, NatsBus } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MemberReferences } from './member-references';
import { TenantConfigEntity } from './tenant-config.entity';
import { normalizeMember, normalizeSplit } from './tenant-config.normalize';
import { TenantConfigRepository } from './tenant-config.repository';

@Injectable()
export class TenantConfigService {
  constructor(
    private readonly repo: TenantConfigRepository,
    private readonly bus: NatsBus,
    private readonly references: MemberReferences,
  ) {}

  async create(tenantId: string, body: CreateTenantBody): Promise<TenantConfig> {
    if (await this.repo.find(tenantId)) throw new AppError('conflict', 'The tenant already has a configuration.');
    const saved = await this.repo.insert({
      tenantId,
      name: body.name,
      currency: body.currency,
      members: body.members.map(normalizeMember),
      split: normalizeSplit(body.split),
    });
    return toConfig(saved);
  }

  async get(tenantId: string): Promise<TenantConfig> {
    const found = await this.repo.find(tenantId);
    if (!found) throw new AppError('not-found', 'No such tenant.');
    return toConfig(found);
  }

  async update(tenantId: string, patch: PatchTenantBody): Promise<TenantConfig> {
    if (patch.members) await this.assertRemovable(tenantId, patch);
    const saved = await this.repo.update(tenantId, (current) => {
      // The merged config is checked as a whole: a new member list must still fit a manual split.
      const merged = parseOrThrow(
        tenantConfigSchema,
        {
          name: patch.name ?? current.name,
          currency: patch.currency ?? current.currency,
          members: patch.members ?? current.members,
          split: patch.split ?? current.split,
        },
        'tenant',
      );
      current.name = merged.name;
      current.currency = merged.currency;
      current.members = merged.members.map(normalizeMember);
      current.split = normalizeSplit(merged.split);
      return current;
    });
    if (!saved) throw new AppError('not-found', 'No such tenant.');
    const cachesInvalidated = await invalidateCaches(this.bus, tenantId);
    this.bus.publish(tenantConfigChanged, { eventId: randomUUID(), tenantId, occurredAt: new Date().toISOString(), cachesInvalidated });
    return toConfig(saved);
  }

  /**
   * SPEC: removing a member that a fixed line, provision, manual split or
   * transaction still names is a 409 listing those references, nothing changed.
   * A split sent in the same patch replaces the tenant's, so only a kept split counts.
   */
  private async assertRemovable(tenantId: string, patch: PatchTenantBody): Promise<void> {
    const current = await this.repo.find(tenantId);
    if (!current || !patch.members) return;
    const kept = new Set(patch.members.map((m) => m.id));
    const removed = current.members.map((m) => m.id).filter((id) => !kept.has(id));
    if (removed.length === 0) return;
    const references = await this.references.find(tenantId, removed, patch.split ? undefined : current.split);
    if (references.length > 0) {
      throw new AppError(
        'conflict',
        `Member${removed.length === 1 ? '' : 's'} ${removed.map((m) => `"${m}"`).join(', ')} still named elsewhere; nothing was changed.`,
        references,
      );
    }
  }
}

function toConfig(entity: TenantConfigEntity): TenantConfig {
  return { id: entity.tenantId, name: entity.name, currency: entity.currency, members: entity.members, split: entity.split };
}
