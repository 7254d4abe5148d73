import { z } from 'zod';
import { parseDecimalText } from './decimal-text';

/**
 * Wire primitives. Amounts travel as decimal strings; JSON numbers are accepted
 * from clients only when their decimal form is exact (see parseDecimalText), so
 * nothing is rounded silently. Exact arithmetic lives in libs/money.
 */

export interface DecimalFieldOptions {
  maxDecimals: number;
  /** The shape error: `must be ${label}`. */
  label: string;
  /** The range rule on the parsed value (in units of 10^-maxDecimals): an error message, or undefined when in range. */
  range?: (units: bigint) => string | undefined;
}

/**
 * A decimal field, parsed once: the grammar, the scale and the range are
 * checked on the parsed value and reported as one field error; nothing is
 * converted before it is known to be valid. Outputs the text as sent (a JSON
 * number as its exact decimal text).
 */
export function decimalField({ maxDecimals, label, range }: DecimalFieldOptions) {
  return z.union([z.string(), z.number()], { error: `must be ${label}` }).transform((input, ctx) => {
    const parsed = parseDecimalText(input, maxDecimals);
    const error = !parsed.ok
      ? parsed.reason === 'must be a decimal number'
        ? `must be ${label}`
        : parsed.reason
      : range?.(parsed.value.units);
    if (error !== undefined || !parsed.ok) {
      ctx.issues.push({ code: 'custom', message: error ?? `must be ${label}`, input });
      return z.NEVER;
    }
    return parsed.value.text;
  });
}

/** 1,000,000,000.00: the largest absolute amount anywhere in the API, in cents. */
export const MAX_AMOUNT_UNITS = 100_000_000_000n;
const MAX_AMOUNT_TEXT = '1000000000';

export const moneyString = decimalField({ maxDecimals: 2, label: 'an amount like "12.50"' });

/** 0 ≤ amount ≤ 1,000,000,000 (revenues, saved balances). */
export const nonNegativeMoney = decimalField({
  maxDecimals: 2,
  label: 'an amount like "12.50"',
  range: (cents) => (cents < 0n ? 'must not be negative' : cents > MAX_AMOUNT_UNITS ? `must be at most ${MAX_AMOUNT_TEXT}` : undefined),
});

/** 0 < amount ≤ 1,000,000,000 (fixed lines, fixed provisions, targets). */
export const positiveMoney = decimalField({
  maxDecimals: 2,
  label: 'an amount like "12.50"',
  range: (cents) => (cents <= 0n ? 'must be greater than 0' : cents > MAX_AMOUNT_UNITS ? `must be at most ${MAX_AMOUNT_TEXT}` : undefined),
});

/** 0 < |amount| ≤ 1,000,000,000 (transactions: refunds are negative). */
export const transactionAmount = decimalField({
  maxDecimals: 2,
  label: 'an amount like "12.50"',
  range: (cents) =>
    cents === 0n || cents > MAX_AMOUNT_UNITS || cents < -MAX_AMOUNT_UNITS
      ? `must be non-zero and at most ${MAX_AMOUNT_TEXT}.00 in absolute value`
      : undefined,
});

/** Years a month or date may name: a budget outside 1900–2999 is a typo, and year 0 breaks calendar arithmetic. */
export const YEAR_RANGE = { min: 1900, max: 2999 } as const;
const inYearRange = (text: string) => {
  const year = Number(text.slice(0, 4));
  return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
};
const YEAR_ERROR = `between ${YEAR_RANGE.min} and ${YEAR_RANGE.max}`;

export const monthString = z
  .string({ error: 'must be a month YYYY-MM' })
  .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month YYYY-MM' })
  .refine((m) => !/^[0-9]{4}-/.test(m) || inYearRange(m), { error: `must be a month YYYY-MM with a year ${YEAR_ERROR}` });

export function isCalendarDate(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

export const dateString = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'must be a real calendar date YYYY-MM-DD' })
  .refine((d) => !isCalendarDate(d) || inYearRange(d), { error: `must be a date with a year ${YEAR_ERROR}` });

export const uuidString = z.uuid({ error: 'must be a UUID' });

export const tenantId = uuidString;
