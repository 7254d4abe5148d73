import { z } from 'zod';
import { cursorString } from '../common/cursor';
import { parseDecimalText } from '../common/decimal-text';
import { dateString, decimalField, MAX_AMOUNT_UNITS, monthString } from '../common/primitives';
import { textField } from '../common/text';
import { whenValid } from '../common/validation';
import { memberIdSchema } from '../tenant/tenant-config.schema';
import { EXPENSE_TYPES, type Transaction } from './transaction.schema';

/** `GET /v1/transactions`: list and search a tenant's transactions (validated at the gateway and again in ingestion). */

export const SEARCH_LIMIT = { default: 50, max: 500 } as const;
/** Words in `q` beyond this add nothing a person types; the bound keeps the query plan small. */
export const MAX_SEARCH_WORDS = 8;

const amountBound = decimalField({
  maxDecimals: 2,
  label: 'an amount like "12.50"',
  range: (cents) => (cents > MAX_AMOUNT_UNITS || cents < -MAX_AMOUNT_UNITS ? 'must be at most 1000000000.00 in absolute value' : undefined),
});

/** A date `YYYY-MM-DD`, or a month `YYYY-MM` meaning its first day (`from`) or last day (`to`). */
const dayOrMonth = (end: 'first' | 'last') =>
  z.union([dateString, monthString], { error: 'must be a date YYYY-MM-DD or a month YYYY-MM' }).transform((value) => {
    if (value.length === 10) return value;
    if (end === 'first') return `${value}-01`;
    const [year, month] = value.split('-').map(Number) as [number, number];
    return `${value}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}`;
  });

/** The words of a search: letters and digits, lower-cased and without accents (what the index holds). */
export function searchWords(q: string): string[] {
  return q
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

export const transactionSearchQuerySchema = z
  .object({
    from: dayOrMonth('first').optional(),
    to: dayOrMonth('last').optional(),
    category: textField({ min: 1, max: 100 }).optional(),
    subcategory: textField({ min: 1, max: 100 }).optional(),
    member: memberIdSchema.optional(),
    expenseType: z.enum(EXPENSE_TYPES, { error: 'must be FIXED or VARIABLE' }).optional(),
    q: textField({ max: 200 })
      .refine((q) => searchWords(q).length <= MAX_SEARCH_WORDS, { error: `must hold at most ${MAX_SEARCH_WORDS} words` })
      .optional(),
    minAmount: amountBound.optional(),
    maxAmount: amountBound.optional(),
    excluded: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: `must be between 1 and ${SEARCH_LIMIT.max}` })
      .max(SEARCH_LIMIT.max, { error: `must be between 1 and ${SEARCH_LIMIT.max}` })
      .default(SEARCH_LIMIT.default),
    cursor: cursorString.optional(),
  })
  .superRefine(
    (query, ctx) => {
      if (query.from !== undefined && query.to !== undefined && query.to < query.from) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      }
    },
    whenValid({ from: dayOrMonth('first').optional(), to: dayOrMonth('last').optional() }),
  )
  .superRefine(
    (query, ctx) => {
      const [min, max] = [query.minAmount, query.maxAmount].map((text) => {
        const parsed = text === undefined ? undefined : parseDecimalText(text, 2);
        return parsed?.ok ? parsed.value.units : undefined;
      });
      if (min !== undefined && max !== undefined && max < min) {
        ctx.addIssue({ code: 'custom', path: ['maxAmount'], message: 'must not be below minAmount' });
      }
    },
    whenValid({ minAmount: amountBound.optional(), maxAmount: amountBound.optional() }),
  );

export type TransactionSearchQuery = z.output<typeof transactionSearchQuerySchema>;

export interface TransactionPage {
  items: Transaction[];
  nextCursor: string | null;
}
