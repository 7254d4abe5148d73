import { z } from 'zod';
import { dateString, monthString, transactionAmount } from '../common/primitives';
import { textField } from '../common/text';
import { memberIdSchema } from '../tenant/tenant-config.schema';

export const MAX_BATCH_ROWS = 10_000;

export const EXPENSE_TYPES = ['FIXED', 'VARIABLE'] as const;
export type ExpenseType = (typeof EXPENSE_TYPES)[number];

const text = (max: number, label: string) => textField({ max }).describe(label);
const subcategory = textField({ trim: true, max: 100 });

/** One incoming transaction, as SPEC.md's Transaction table says. */
export const transactionInputSchema = z.strictObject({
  externalId: text(128, 'externalId').min(1, { error: 'must not be empty' }).optional(),
  date: dateString,
  month: monthString.optional(),
  label: text(500, 'label').optional(),
  amount: transactionAmount,
  category: textField({ trim: true, min: 1, max: 100, typeError: 'is required' }),
  subcategory: subcategory.optional(),
  expenseType: z.enum(EXPENSE_TYPES, { error: 'must be FIXED or VARIABLE' }).default('VARIABLE'),
  member: memberIdSchema.optional(),
  exclude: z.boolean({ error: 'must be true or false' }).default(false),
});

export type TransactionInput = z.output<typeof transactionInputSchema>;

/** A transaction's client-given fields in SPEC.md's order: the CSV import's columns, the export's after `id`. */
export const TRANSACTION_INPUT_FIELDS = Object.keys(transactionInputSchema.shape) as readonly (keyof TransactionInput)[];

export const transactionBatchSchema = z.strictObject({
  transactions: z
    .array(transactionInputSchema, { error: 'must be a list of transactions' })
    .min(1, { error: 'must hold at least 1 transaction' })
    .max(MAX_BATCH_ROWS, { error: `must hold at most ${MAX_BATCH_ROWS} transactions` }),
});

export const transactionPatchSchema = z
  .strictObject({
    category: transactionInputSchema.shape.category.optional(),
    subcategory: subcategory.optional(),
    expenseType: z.enum(EXPENSE_TYPES, { error: 'must be FIXED or VARIABLE' }).optional(),
    member: memberIdSchema.nullable().optional(),
    exclude: z.boolean({ error: 'must be true or false' }).optional(),
    label: text(500, 'label').nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { error: 'must change at least one field' });

export type TransactionPatch = z.output<typeof transactionPatchSchema>;

/** A stored transaction as the API shows it. */
export interface Transaction {
  id: string;
  externalId: string | null;
  date: string;
  month: string;
  label: string | null;
  amount: string;
  category: string;
  subcategory: string;
  expenseType: ExpenseType;
  member: string | null;
  exclude: boolean;
}
