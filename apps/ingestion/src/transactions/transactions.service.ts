import { TenantMembers } from '@ledgerline/messaging';
import {
  AppError,
  type FieldError,
  type IngestResult,
  type Transaction,
  type TransactionInput,
  type TransactionPatch,
  type WriteOutcome,
} from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '../outbox/outbox.repository';
import { ChangeLog } from './change-log';
import { computeDeltas } from './deltas';
import { toRow, toTransaction, type TransactionRow } from './transaction-row';
import { TransactionsRepository } from './transactions.repository';

@Injectable()
export class TransactionsService {
  constructor(
    private readonly repo: TransactionsRepository,
    private readonly members: TenantMembers,
    private readonly changes: ChangeLog,
  ) {}

  /** All rows or none: any unknown member fails the whole batch with every bad row listed. */
  async ingest(tenantId: string, inputs: readonly TransactionInput[]): Promise<IngestResult> {
    const members = await this.members.of(tenantId);
    const errors: FieldError[] = [];
    inputs.forEach((input, index) => {
      if (input.member !== undefined && !members.has(input.member)) {
        errors.push({ index, field: 'member', message: `unknown member "${input.member}"` });
      }
    });
    if (errors.length > 0) throw new AppError('validation-failed', 'Some transactions are invalid; none were stored.', errors);

    const rows = inputs.map((input) => toRow(randomUUID(), input));
    const inserted = await this.changes.insertRows(tenantId, rows);
    if (inserted !== undefined) return { accepted: rows.length, duplicates: 0, ...(await this.outcome(tenantId, inserted, true)) };
    const { accepted, change } = await this.repo.transaction(async (em) => {
      const inserted = await this.repo.insertBatch(em, tenantId, rows);
      const added = rows.filter((r) => inserted.has(r.id));
      return { accepted: added.length, change: await this.changes.stage(em, tenantId, 'ingested', computeDeltas(added)) };
    });
    return { accepted, duplicates: rows.length - accepted, ...(await this.committed(tenantId, change)) };
  }

  async update(tenantId: string, id: string, patch: TransactionPatch): Promise<Transaction & WriteOutcome> {
    if (patch.member) {
      const members = await this.members.of(tenantId);
      if (!members.has(patch.member)) {
        throw new AppError('validation-failed', 'The change is invalid.', [
          { field: 'member', message: `unknown member "${patch.member}"` },
        ]);
      }
    }
    const { updated, change } = await this.repo.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, tenantId, id);
      if (!before) throw new AppError('not-found', 'No such transaction.');
      const after: TransactionRow = {
        ...before,
        category: patch.category ?? before.category,
        subcategory: patch.subcategory === undefined ? before.subcategory : patch.subcategory || 'Other',
        expenseType: patch.expenseType ?? before.expenseType,
        member: patch.member === undefined ? before.member : patch.member,
        exclude: patch.exclude ?? before.exclude,
        label: patch.label === undefined ? before.label : patch.label,
      };
      await this.repo.update(em, tenantId, after);
      return { updated: after, change: await this.changes.stage(em, tenantId, 'updated', computeDeltas([after], [before])) };
    });
    return { ...toTransaction(updated), ...(await this.committed(tenantId, change)) };
  }

  async delete(tenantId: string, id: string): Promise<{ deleted: true } & WriteOutcome> {
    const change = await this.repo.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, tenantId, id);
      if (!before) throw new AppError('not-found', 'No such transaction.');
      await this.repo.delete(em, tenantId, id);
      return this.changes.stage(em, tenantId, 'deleted', computeDeltas([], [before]));
    });
    return { deleted: true, ...(await this.committed(tenantId, change)) };
  }

  /** After the commit of a staged change: its entries published by this writer, then the outcome. */
  private committed(tenantId: string, change: { version: string; entries: readonly OutboxEntry[] }): Promise<WriteOutcome> {
    this.changes.publish(change.entries);
    return this.outcome(tenantId, change.version, change.entries.length > 0);
  }

  private async outcome(tenantId: string, version: string, published = false): Promise<WriteOutcome> {
    return { applied: await this.changes.applied(tenantId, version, published), version };
  }
}
