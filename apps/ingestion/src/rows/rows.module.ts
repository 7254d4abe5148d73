import { Module } from '@nestjs/common';
import { RowsHandlers } from './rows.handlers';
import { RowsRepository } from './rows.repository';

/** Row-level reads for aggregation (rebuilds, drill-down rows, largest expense), which never reads ingestion's tables. */
@Module({ providers: [RowsRepository, RowsHandlers] })
export class RowsModule {}
