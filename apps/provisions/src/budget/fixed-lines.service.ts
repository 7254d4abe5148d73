import {
  AppError,
  fixedLineBodySchema,
  parseOrThrow,
  type FixedLine,
  type FixedLineBody,
  type FixedLinePatch,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { formatMoney, monthlyEquivalent, parseMoney } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { TenantConfigService } from '../tenant-config/tenant-config.service';
import { announceBudgetChange } from './budget-change';
import { FixedLineEntity } from './budget.entities';
import { BudgetRepository } from './budget.repository';
import { normalizeLineSplit, unknownMemberErrors } from './line-split';

@Injectable()
export class FixedLinesService {
  constructor(
    private readonly repo: BudgetRepository,
    private readonly tenants: TenantConfigService,
    private readonly bus: NatsBus,
  ) {}

  async list(tenantId: string): Promise<{ fixedLines: FixedLine[] }> {
    return { fixedLines: (await this.repo.list(FixedLineEntity, tenantId)).map(toFixedLine) };
  }

  /** Stored terms of every fixed line, for the planning module. */
  entities(tenantId: string): Promise<FixedLineEntity[]> {
    return this.repo.list(FixedLineEntity, tenantId);
  }

  async get(tenantId: string, id: string): Promise<FixedLine> {
    return toFixedLine(await this.found(this.repo.find(FixedLineEntity, tenantId, id)));
  }

  async create(tenantId: string, body: FixedLineBody): Promise<FixedLine> {
    await this.checkMembers(tenantId, body);
    const saved = await this.repo.insert(FixedLineEntity, { tenantId, ...toColumns(body) });
    await this.announce(tenantId);
    return toFixedLine(saved);
  }

  async update(tenantId: string, id: string, patch: FixedLinePatch): Promise<FixedLine> {
    const memberIds = await this.memberIds(tenantId);
    const saved = await this.found(
      this.repo.update(FixedLineEntity, tenantId, id, (current) => {
        const merged = parseOrThrow(fixedLineBodySchema, { ...toBody(current), ...patch }, 'fixed line');
        throwIfAny(unknownMemberErrors(memberIds, merged.split));
        return Object.assign(current, toColumns(merged));
      }),
    );
    await this.announce(tenantId);
    return toFixedLine(saved);
  }

  async delete(tenantId: string, id: string): Promise<{ deleted: true }> {
    if (!(await this.repo.delete(FixedLineEntity, tenantId, id))) throw notFound();
    await this.announce(tenantId);
    return { deleted: true };
  }

  private async checkMembers(tenantId: string, body: FixedLineBody): Promise<void> {
    throwIfAny(unknownMemberErrors(await this.memberIds(tenantId), body.split));
  }

  private async memberIds(tenantId: string): Promise<string[]> {
    return (await this.tenants.get(tenantId)).members.map((m) => m.id);
  }

  private async found(pending: Promise<FixedLineEntity | null>): Promise<FixedLineEntity> {
    const entity = await pending;
    if (!entity) throw notFound();
    return entity;
  }

  private announce(tenantId: string): Promise<void> {
    return announceBudgetChange(this.bus, tenantId, 'fixed-line');
  }
}

const notFound = () => new AppError('not-found', 'No such fixed line.');

export function throwIfAny(errors: { field: string; message: string }[]): void {
  if (errors.length > 0) throw new AppError('validation-failed', 'The request has invalid fields.', errors);
}

function toColumns(body: FixedLineBody): Omit<FixedLineEntity, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'> {
  return {
    name: body.name,
    category: body.category,
    amount: cents(body.amount),
    frequency: body.frequency,
    split: normalizeLineSplit(body.split),
    active: body.active,
    startMonth: body.startMonth ?? null,
    endMonth: body.endMonth ?? null,
  };
}

function toBody(entity: FixedLineEntity): Record<string, unknown> {
  const line = toFixedLine(entity);
  return {
    name: line.name,
    category: line.category,
    amount: line.amount,
    frequency: line.frequency,
    split: line.split,
    active: line.active,
    startMonth: line.startMonth,
    endMonth: line.endMonth,
  };
}

export function toFixedLine(entity: FixedLineEntity): FixedLine {
  return {
    id: entity.id,
    name: entity.name,
    category: entity.category,
    amount: formatMoney(entity.amount),
    frequency: entity.frequency,
    monthlyAmount: formatMoney(monthlyEquivalent(entity.amount, entity.frequency)),
    split: entity.split,
    active: entity.active,
    startMonth: entity.startMonth,
    endMonth: entity.endMonth,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function cents(text: string): bigint {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`validated amount "${text}" did not parse: ${parsed.reason}`);
  return parsed.value;
}
