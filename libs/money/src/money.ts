import { formatScaled, parseDecimal, type ParseResult } from './decimal';
import { divRoundHalfAwayFromZero } from './rounding';

/** Money is always integer cents. */
export type Cents = bigint;

export function parseMoney(input: string | number): ParseResult<Cents> {
  const parsed = parseDecimal(input, 2);
  return parsed.ok ? { ok: true, value: parsed.value.units } : parsed;
}

/** "-12.50", "0.00". */
export function formatMoney(cents: Cents): string {
  return formatScaled(cents, 2);
}

export type Frequency = 'monthly' | 'quarterly' | 'yearly';

const MONTHS_PER_PERIOD: Record<Frequency, bigint> = { monthly: 1n, quarterly: 3n, yearly: 12n };

export function monthlyEquivalent(amount: Cents, frequency: Frequency): Cents {
  return divRoundHalfAwayFromZero(amount, MONTHS_PER_PERIOD[frequency]);
}

export function average(total: Cents, count: number | bigint): Cents {
  if (BigInt(count) === 0n) return 0n;
  return divRoundHalfAwayFromZero(total, BigInt(count));
}
