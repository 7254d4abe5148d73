import {
  AppError,
  transactionsChanged,
  type FieldError,
  type IngestResult,
  type Transaction,
  type TransactionInput,
  type TransactionPatch,
} from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { OutboxRelay } from '../outbox/outbox.relay';
import { ChangeApplier, type ChangeEvent } from './change-applier';
import { computeDeltas, monthsOf } from './deltas';
import { TenantMembers } from './tenant-members';
import { toRow, toTransaction, type TransactionRow } from './transaction-row';
import { TransactionsRepository } from './transactions.repository';

type Cause = 'ingested' | 'imported' | 'updated' | 'deleted';

@Injectable()
export class TransactionsService {
  constructor(
    private readonly repo: TransactionsRepository,
    private readonly members: TenantMembers,
    private readonly relay: OutboxRelay,
    private readonly applier: ChangeApplier,
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
    const { accepted, event } = await this.repo.transaction(async (em) => {
      const inserted = await this.repo.insertBatch(em, tenantId, rows);
      const added = rows.filter((r) => inserted.has(r.id));
      return {
        accepted: added.length,
        event: added.length > 0 ? await this.enqueueChange(em, tenantId, 'ingested', added, []) : undefined,
      };
    });
    this.relay.kick();
    return { accepted, duplicates: rows.length - accepted, applied: await this.applier.apply(event) };
  }

  async update(tenantId: string, id: string, patch: TransactionPatch): Promise<Transaction & { applied: boolean }> {
    if (patch.member) {
      const members = await this.members.of(tenantId);
      if (!members.has(patch.member)) {
        throw new AppError('validation-failed', 'The change is invalid.', [
          { field: 'member', message: `unknown member "${patch.member}"` },
        ]);
      }
    }
    const { updated, event } = await this.repo.transaction(async (em) => {
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
      return { updated: after, event: await this.enqueueChange(em, tenantId, 'updated', [after], [before]) };
    });
    this.relay.kick();
    return { ...toTransaction(updated), applied: await this.applier.apply(event) };
  }

  async delete(tenantId: string, id: string): Promise<{ deleted: true; applied: boolean }> {
    const event = await this.repo.transaction(async (em) => {
      const before = await this.repo.findForUpdate(em, tenantId, id);
      if (!before) throw new AppError('not-found', 'No such transaction.');
      await this.repo.delete(em, tenantId, id);
      return this.enqueueChange(em, tenantId, 'deleted', [], [before]);
    });
    this.relay.kick();
    return { deleted: true, applied: await this.applier.apply(event) };
  }

  private async enqueueChange(
    em: EntityManager,
    tenantId: string,
    cause: Cause,
    added: TransactionRow[],
    removed: TransactionRow[],
  ): Promise<ChangeEvent> {
    const deltas = computeDeltas(added, removed);
    const event: ChangeEvent = {
      eventId: randomUUID(),
      tenantId,
      occurredAt: new Date().toISOString(),
      cause,
      months: monthsOf(deltas),
      deltas,
    };
    await this.repo.enqueue(em, transactionsChanged.subject, event);
    return event;
  }
}
