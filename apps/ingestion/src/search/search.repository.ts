import { encodeCursor, type TransactionPage, type TransactionSearchQuery } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { toTransaction } from '../transactions/transaction-row';
import { fromDb, type DbRow } from '../transactions/transactions.repository';
import { buildSearchQuery } from './search-query';

@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(tenantId: string, query: TransactionSearchQuery): Promise<TransactionPage> {
    const sql = buildSearchQuery(tenantId, query);
    const rows: DbRow[] = await this.db.query(sql.text, sql.values);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toTransaction(fromDb(r))),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ date: last.date, id: last.id }) : null,
    };
  }
}
