import { Module } from '@nestjs/common';
import { TransactionsModule } from '../transactions/transactions.module';
import { SearchHandlers } from './search.handlers';
import { SearchRepository } from './search.repository';

/** Listing and searching a tenant's transactions (`GET /v1/transactions`). */
@Module({ imports: [TransactionsModule], providers: [SearchRepository, SearchHandlers] })
export class SearchModule {}
