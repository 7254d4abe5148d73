import { countMemberTransactions, type FieldError, type LineSplit, type TenantConfig } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FixedLineEntity, ProvisionEntity } from '../budget/budget.entities';

/** Ingestion counts the rows of one tenant; a bounded wait, as every request. */
const COUNT_TIMEOUT_MS = 1_500;

const names = (split: LineSplit | TenantConfig['split'], member: string): boolean =>
  (split.mode === 'member' && 'member' in split && split.member === member) ||
  (split.mode === 'manual' && 'shares' in split && Object.hasOwn(split.shares, member));

/**
 * What still names members about to be removed from a tenant: the tenant's own
 * manual split, fixed lines and provisions (this service's tables) and
 * transactions (ingestion's, asked over NATS). Each reference is one entry.
 */
@Injectable()
export class MemberReferences {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: NatsBus,
  ) {}

  async find(tenantId: string, members: readonly string[], tenantSplit: TenantConfig['split'] | undefined): Promise<FieldError[]> {
    const [fixedLines, provisions, transactions] = await Promise.all([
      this.db.getRepository(FixedLineEntity).find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.db.getRepository(ProvisionEntity).find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.bus.request(countMemberTransactions, { tenantId, members: [...members] }, { timeoutMs: COUNT_TIMEOUT_MS }),
    ]);
    const references: FieldError[] = [];
    for (const member of members) {
      const named = (what: string) => ({ field: 'members', message: `member "${member}" is named by ${what}` });
      if (tenantSplit && names(tenantSplit, member))
        references.push({ ...named("the tenant's manual split"), field: `split.shares.${member}` });
      for (const line of fixedLines) if (names(line.split, member)) references.push(named(`fixed line ${line.id} ("${line.name}")`));
      for (const p of provisions) {
        if (names(p.split, member)) references.push(named(`the split of provision ${p.id} ("${p.name}")`));
        if (p.base === member) references.push(named(`the base of provision ${p.id} ("${p.name}")`));
      }
      const count = transactions.counts[member] ?? 0;
      if (count > 0) references.push(named(`${count} transaction${count === 1 ? '' : 's'}`));
    }
    return references;
  }
}
