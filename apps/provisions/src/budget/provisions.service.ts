import {
  AppError,
  parseOrThrow,
  provisionBodySchema,
  type Provision,
  type ProvisionBody,
  type ProvisionPatch,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { formatMoney } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { TenantConfigService } from '../tenant-config/tenant-config.service';
import { announceBudgetChange } from './budget-change';
import { ProvisionEntity } from './budget.entities';
import { BudgetRepository } from './budget.repository';
import { cents, throwIfAny } from './fixed-lines.service';
import { canonical, normalizeLineSplit, unknownMemberErrors } from './line-split';

const KIND_FIELDS = { percent: ['percent', 'base'], fixed: ['amount'] } as const;

@Injectable()
export class ProvisionsService {
  constructor(
    private readonly repo: BudgetRepository,
    private readonly tenants: TenantConfigService,
    private readonly bus: NatsBus,
  ) {}

  async list(tenantId: string): Promise<{ provisions: Provision[] }> {
    return { provisions: (await this.repo.list(ProvisionEntity, tenantId)).map(toProvision) };
  }

  /** Stored terms of every provision, for the planning module. */
  entities(tenantId: string): Promise<ProvisionEntity[]> {
    return this.repo.list(ProvisionEntity, tenantId);
  }

  async get(tenantId: string, id: string): Promise<Provision> {
    return toProvision(await this.found(this.repo.find(ProvisionEntity, tenantId, id)));
  }

  async create(tenantId: string, body: ProvisionBody): Promise<Provision> {
    throwIfAny(unknownMemberErrors(await this.memberIds(tenantId), body.split, body.kind === 'percent' ? body.base : null));
    const saved = await this.repo.insert(ProvisionEntity, { tenantId, ...toColumns(body) });
    await this.announce(tenantId);
    return toProvision(saved);
  }

  async update(tenantId: string, id: string, patch: ProvisionPatch): Promise<Provision> {
    const memberIds = await this.memberIds(tenantId);
    const saved = await this.found(
      this.repo.update(ProvisionEntity, tenantId, id, (current) => {
        const merged = parseOrThrow(provisionBodySchema, mergePatch(toBody(current), patch), 'provision');
        throwIfAny(unknownMemberErrors(memberIds, merged.split, merged.kind === 'percent' ? merged.base : null));
        return Object.assign(current, toColumns(merged));
      }),
    );
    await this.announce(tenantId);
    return toProvision(saved);
  }

  async delete(tenantId: string, id: string): Promise<{ deleted: true }> {
    if (!(await this.repo.delete(ProvisionEntity, tenantId, id))) throw notFound();
    await this.announce(tenantId);
    return { deleted: true };
  }

  private async memberIds(tenantId: string): Promise<string[]> {
    return (await this.tenants.get(tenantId)).members.map((m) => m.id);
  }

  private async found(pending: Promise<ProvisionEntity | null>): Promise<ProvisionEntity> {
    const entity = await pending;
    if (!entity) throw notFound();
    return entity;
  }

  private announce(tenantId: string): Promise<void> {
    return announceBudgetChange(this.bus, tenantId, 'provision');
  }
}

const notFound = () => new AppError('not-found', 'No such provision.');

/** A patch that switches `kind` drops the old kind's fields, so `{kind: "fixed", amount}` is a complete change. */
export function mergePatch(current: Record<string, unknown>, patch: ProvisionPatch): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  if (patch.kind !== undefined && patch.kind !== current.kind) {
    for (const field of KIND_FIELDS[current.kind as keyof typeof KIND_FIELDS]) delete merged[field];
  }
  return { ...merged, ...patch };
}

function toColumns(body: ProvisionBody): Omit<ProvisionEntity, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'> {
  return {
    name: body.name,
    kind: body.kind,
    percent: body.kind === 'percent' ? canonical(body.percent, 4) : null,
    base: body.kind === 'percent' ? body.base : null,
    amount: body.kind === 'fixed' ? cents(body.amount) : null,
    split: normalizeLineSplit(body.split),
    target: body.target === undefined || body.target === null ? null : cents(body.target),
    saved: body.saved === undefined ? 0n : cents(body.saved),
    active: body.active,
    startMonth: body.startMonth ?? null,
    endMonth: body.endMonth ?? null,
  };
}

function toBody(entity: ProvisionEntity): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...provision } = toProvision(entity);
  const body: Record<string, unknown> = { ...provision };
  for (const field of ['percent', 'base', 'amount'] as const) if (body[field] === null) delete body[field];
  return body;
}

export function toProvision(entity: ProvisionEntity): Provision {
  return {
    id: entity.id,
    name: entity.name,
    kind: entity.kind,
    percent: entity.percent,
    base: entity.base,
    amount: entity.amount === null ? null : formatMoney(entity.amount),
    split: entity.split,
    target: entity.target === null ? null : formatMoney(entity.target),
    saved: formatMoney(entity.saved),
    active: entity.active,
    startMonth: entity.startMonth,
    endMonth: entity.endMonth,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
