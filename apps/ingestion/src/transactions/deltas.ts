import type { TransactionDelta } from '@ledgerline/contracts';
import type { TransactionRow } from './transaction-row';

type DeltaKey = Pick<TransactionDelta, 'month' | 'category' | 'subcategory' | 'expenseType' | 'member' | 'excluded'>;

interface Accumulator extends DeltaKey {
  addedCount: number;
  addedCents: bigint;
  addedMin: bigint | null;
  addedMax: bigint | null;
  removedCount: number;
  removedCents: bigint;
}

const keyOf = (row: TransactionRow): string =>
  JSON.stringify([row.month, row.category, row.subcategory, row.expenseType, row.member, row.exclude]);

/**
 * Pre-aggregates a change per rollup key, so the consumer upserts once per key
 * instead of once per row. Rows added count toward sum/min/max; rows removed
 * (deleted, or the before-image of a patch) only toward count and sum.
 * Incremental, so a streamed import can fold rows as they pass.
 */
export class DeltaAccumulator {
  private readonly byKey = new Map<string, Accumulator>();

  add(row: TransactionRow): void {
    const acc = this.accumulatorFor(row);
    acc.addedCount += 1;
    acc.addedCents += row.amountCents;
    if (acc.addedMin === null || row.amountCents < acc.addedMin) acc.addedMin = row.amountCents;
    if (acc.addedMax === null || row.amountCents > acc.addedMax) acc.addedMax = row.amountCents;
  }

  remove(row: TransactionRow): void {
    const acc = this.accumulatorFor(row);
    acc.removedCount += 1;
    acc.removedCents += row.amountCents;
  }

  deltas(): TransactionDelta[] {
    return [...this.byKey.values()].map((acc) => ({
      month: acc.month,
      category: acc.category,
      subcategory: acc.subcategory,
      expenseType: acc.expenseType,
      member: acc.member,
      excluded: acc.excluded,
      addedCount: acc.addedCount,
      addedCents: acc.addedCents.toString(),
      addedMinCents: acc.addedMin === null ? null : acc.addedMin.toString(),
      addedMaxCents: acc.addedMax === null ? null : acc.addedMax.toString(),
      removedCount: acc.removedCount,
      removedCents: acc.removedCents.toString(),
    }));
  }

  private accumulatorFor(row: TransactionRow): Accumulator {
    const key = keyOf(row);
    let acc = this.byKey.get(key);
    if (!acc) {
      acc = {
        month: row.month,
        category: row.category,
        subcategory: row.subcategory,
        expenseType: row.expenseType,
        member: row.member,
        excluded: row.exclude,
        addedCount: 0,
        addedCents: 0n,
        addedMin: null,
        addedMax: null,
        removedCount: 0,
        removedCents: 0n,
      };
      this.byKey.set(key, acc);
    }
    return acc;
  }
}

export function computeDeltas(added: readonly TransactionRow[], removed: readonly TransactionRow[] = []): TransactionDelta[] {
  const acc = new DeltaAccumulator();
  added.forEach((row) => acc.add(row));
  removed.forEach((row) => acc.remove(row));
  return acc.deltas();
}

export const monthsOf = (deltas: readonly TransactionDelta[]): string[] => [...new Set(deltas.map((d) => d.month))].sort();
