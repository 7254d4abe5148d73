import { countMemberTransactions, deleteTransaction, ingestTransactions, updateTransaction } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';

@Injectable()
export class TransactionsHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly service: TransactionsService,
    private readonly repo: TransactionsRepository,
  ) {}

  onModuleInit(): void {
    this.bus.serve(ingestTransactions, (req) => this.service.ingest(req.tenantId, req.batch.transactions));
    this.bus.serve(updateTransaction, (req) => this.service.update(req.tenantId, req.id, req.patch));
    this.bus.serve(deleteTransaction, (req) => this.service.delete(req.tenantId, req.id));
    this.bus.serve(countMemberTransactions, async (req) => ({ counts: await this.repo.countByMember(req.tenantId, req.members) }));
  }
}
