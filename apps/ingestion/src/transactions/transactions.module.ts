import { ChangeApplier } from './change-applier';
import { Module } from '@nestjs/common';
import { OutboxRelay } from '../outbox/outbox.relay';
import { OutboxRepository } from '../outbox/outbox.repository';
import { TenantMembers } from './tenant-members';
import { TransactionsHandlers } from './transactions.handlers';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';

@Module({
  providers: [
    ChangeApplier,
    TransactionsRepository,
    TransactionsService,
    TransactionsHandlers,
    TenantMembers,
    OutboxRepository,
    OutboxRelay,
  ],
  exports: [TransactionsService, TransactionsRepository, TenantMembers, OutboxRelay, ChangeApplier],
})
export class TransactionsModule {}
