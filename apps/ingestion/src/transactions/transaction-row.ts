import type { ExpenseType, Transaction, TransactionInput } from '@ledgerline/contracts';
import { formatMoney, parseMoney, type Cents } from '@ledgerline/money';

/** A transaction as stored: cents, a budget month always set. */
export interface TransactionRow {
  id: string;
  externalId: string | null;
  date: string;
  month: string;
  label: string | null;
  amountCents: Cents;
  category: string;
  subcategory: string;
  expenseType: ExpenseType;
  member: string | null;
  exclude: boolean;
}

export const DEFAULT_SUBCATEGORY = 'Other';

export function toRow(id: string, input: TransactionInput): TransactionRow {
  const amount = parseMoney(input.amount);
  if (!amount.ok) throw new Error(`validated amount did not parse: ${amount.reason}`);
  return {
    id,
    externalId: input.externalId ?? null,
    date: input.date,
    month: input.month ?? input.date.slice(0, 7),
    label: input.label ?? null,
    amountCents: amount.value,
    category: input.category,
    subcategory: input.subcategory || DEFAULT_SUBCATEGORY,
    expenseType: input.expenseType,
    member: input.member ?? null,
    exclude: input.exclude,
  };
}

export function toTransaction(row: TransactionRow): Transaction {
  return {
    id: row.id,
    externalId: row.externalId,
    date: row.date,
    month: row.month,
    label: row.label,
    amount: formatMoney(row.amountCents),
    category: row.category,
    subcategory: row.subcategory,
    expenseType: row.expenseType,
    member: row.member,
    exclude: row.exclude,
  };
}
