import { TenantMembers } from '@ledgerline/messaging';
import {
  AppError,
  type FieldError,
  type Committed,
  type IngestResult,
  type Transaction,
  type TransactionInput,
  type TransactionPatch,
  type Version,
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
  async ingest(tenantId: string, inputs: readonly TransactionInput[]): Promise<Committed<IngestResult>> {
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
    if (inserted !== undefined) return { accepted: rows.length, duplicates: 0, version: inserted };
    const { accepted, change } = await this.repo.transaction(async (em) => {
      const inserted = await this.repo.insertBatch(em, tenantId, rows);
      const added = rows.filter((r) => inserted.has(r.id));
      return { accepted: added.length, change: await this.changes.stage(em, tenantId, 'ingested', computeDeltas(added)) };
    });
    return { accepted, duplicates: rows.length - accepted, version: this.committed(change) };
  }

  async update(tenantId: string, id: string, patch: TransactionPatch): Promise<Committed<Transaction & WriteOutcome>> {
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
    return { ...toTransaction(updated), version: this.committed(change) };
  }

  async delete(tenantId: string, id: string): Promise<Committed<{ deleted: true } & WriteOutcome>> {
    const change = await this.repo.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, tenantId, id);
      if (!before) throw new AppError('not-found', 'No such transaction.');
      await this.repo.delete(em, tenantId, id);
      return this.changes.stage(em, tenantId, 'deleted', computeDeltas([], [before]));
    });
    return { deleted: true, version: this.committed(change) };
  }

  /**
   * After the commit of a staged change: its entries go to JetStream from here at once. The caller learns
   * from the tenant's watermark when the dashboards reflect it; this service does not wait for that.
   */
  private committed(change: { version: Version; entries: readonly OutboxEntry[] }): Version {
    this.changes.publish(change.entries);
    return change.version;
  }
}
