import { z } from 'zod';

/**
 * Wire primitives. Amounts travel as decimal strings; JSON numbers are accepted
 * from clients and turned into their string form so nothing is rounded silently.
 * Range and scale checks here are syntactic; exact arithmetic lives in libs/money.
 */
const decimalText = (maxDecimals: number) => new RegExp(maxDecimals === 0 ? '^-?\\d+$' : `^-?\\d+(\\.\\d{1,${maxDecimals}})?$`);

const numberToText = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value);

export function decimalString(maxDecimals: number, label = 'a decimal number') {
  return z.preprocess(
    numberToText,
    z
      .string({ error: `must be ${label}` })
      .regex(/^-?\d+(\.\d+)?$/, { error: `must be ${label}` })
      .regex(decimalText(maxDecimals), { error: `must have at most ${maxDecimals} decimals` }),
  );
}

/** Compares two non-negative decimal strings without floats. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.replace(/^-/, '').split('.');
  const [bi = '0', bf = ''] = b.replace(/^-/, '').split('.');
  const width = Math.max(af.length, bf.length);
  const av = BigInt(ai + af.padEnd(width, '0'));
  const bv = BigInt(bi + bf.padEnd(width, '0'));
  const sa = a.startsWith('-') && av !== 0n ? -av : av;
  const sb = b.startsWith('-') && bv !== 0n ? -bv : bv;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export const moneyString = decimalString(2, 'an amount like "12.50"');

export const nonNegativeMoney = moneyString.refine((v) => !v.startsWith('-'), { error: 'must not be negative' });

export const monthString = z.string({ error: 'must be a month YYYY-MM' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, {
  error: 'must be a month YYYY-MM',
});

export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

export const dateString = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'must be a real calendar date YYYY-MM-DD' });

export const uuidString = z.uuid({ error: 'must be a UUID' });

export const tenantId = uuidString;
