import { AppError, searchTransactions } from '@ledgerline/contracts';
import { NatsBus, TenantMembers } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SearchRepository } from './search.repository';

@Injectable()
export class SearchHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly members: TenantMembers,
    private readonly repo: SearchRepository,
  ) {}

  onModuleInit(): void {
    this.bus.serve(searchTransactions, async ({ tenantId, query }) => {
      // A member the tenant does not have is a mistake to name, not an empty page.
      if (query.member !== undefined && !(await this.members.of(tenantId)).has(query.member)) {
        throw new AppError('validation-failed', 'The query has invalid fields.', [
          { field: 'member', message: 'is not a member of the tenant' },
        ]);
      }
      return this.repo.page(tenantId, query);
    });
  }
}
