import { TenantMembers, Watermarks } from '@ledgerline/messaging';
import { Module } from '@nestjs/common';
import { ChangeLog } from './change-log';
import { OutboxRelay } from '../outbox/outbox.relay';
import { OutboxRepository } from '../outbox/outbox.repository';
import { TransactionsHandlers } from './transactions.handlers';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';

@Module({
  providers: [
    ChangeLog,
    Watermarks,
    TransactionsRepository,
    TransactionsService,
    TransactionsHandlers,
    TenantMembers,
    OutboxRepository,
    OutboxRelay,
  ],
  exports: [TransactionsService, TransactionsRepository, TenantMembers, ChangeLog],
})
export class TransactionsModule {}
