import { encodeCursor, type TransactionPage, type TransactionSearchQuery } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { toTransaction } from '../transactions/transaction-row';
import { fromDb, type DbRow } from '../transactions/transactions.repository';
import { buildSearchQuery, NEWEST_ROWS_FIRST, type SqlQuery } from './search-query';

@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(tenantId: string, query: TransactionSearchQuery): Promise<TransactionPage> {
    const newest = buildSearchQuery(tenantId, query, NEWEST_ROWS_FIRST);
    let rows = newest ? await this.rows(newest) : [];
    // Not a full page among the newest rows: the whole search (the matches are few, an index of the words finds them).
    if (rows.length <= query.limit) rows = await this.rows(buildSearchQuery(tenantId, query));
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toTransaction(fromDb(r))),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ date: last.date, id: last.id }) : null,
    };
  }

  private rows(sql: SqlQuery): Promise<DbRow[]> {
    return this.db.query(sql.text, sql.values);
  }
}
