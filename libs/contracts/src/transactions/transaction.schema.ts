import { z } from 'zod';
import { dateString, decimalString, monthString } from '../common/primitives';
import { memberIdSchema } from '../tenant/tenant-config.schema';

export const MAX_BATCH_ROWS = 10_000;
/** 0 < |amount| ≤ 1,000,000,000.00, in cents. */
export const MAX_AMOUNT_CENTS = 100_000_000_000n;

export const EXPENSE_TYPES = ['FIXED', 'VARIABLE'] as const;
export type ExpenseType = (typeof EXPENSE_TYPES)[number];

function amountInRange(text: string): boolean {
  const [int = '0', frac = ''] = text.replace('-', '').split('.');
  const cents = BigInt(int + frac.padEnd(2, '0'));
  return cents > 0n && cents <= MAX_AMOUNT_CENTS;
}

const text = (max: number, label: string) =>
  z
    .string({ error: `must be a string` })
    .max(max, { error: `must be at most ${max} characters` })
    .describe(label);

/** One incoming transaction, as SPEC.md's Transaction table says. */
export const transactionInputSchema = z.strictObject({
  externalId: text(128, 'externalId').min(1, { error: 'must not be empty' }).optional(),
  date: dateString,
  month: monthString.optional(),
  label: text(500, 'label').optional(),
  amount: decimalString(2, 'an amount like "12.50"').refine(amountInRange, {
    error: 'must be non-zero and at most 1000000000.00 in absolute value',
  }),
  category: z
    .string({ error: 'is required' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(100, { error: 'must be at most 100 characters' }),
  subcategory: z.string({ error: 'must be a string' }).trim().max(100, { error: 'must be at most 100 characters' }).optional(),
  expenseType: z.enum(EXPENSE_TYPES, { error: 'must be FIXED or VARIABLE' }).default('VARIABLE'),
  member: memberIdSchema.optional(),
  exclude: z.boolean({ error: 'must be true or false' }).default(false),
});

export type TransactionInput = z.output<typeof transactionInputSchema>;

export const transactionBatchSchema = z.strictObject({
  transactions: z
    .array(transactionInputSchema, { error: 'must be a list of transactions' })
    .min(1, { error: 'must hold at least 1 transaction' })
    .max(MAX_BATCH_ROWS, { error: `must hold at most ${MAX_BATCH_ROWS} transactions` }),
});

export const transactionPatchSchema = z
  .strictObject({
    category: transactionInputSchema.shape.category.optional(),
    subcategory: z.string({ error: 'must be a string' }).trim().max(100, { error: 'must be at most 100 characters' }).optional(),
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
