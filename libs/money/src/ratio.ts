import { formatScaled } from './decimal';
import type { Cents } from './money';
import { divCeil, divRoundHalfAwayFromZero } from './rounding';

/**
 * numerator / denominator with exactly `decimals` decimals, rounded half away
 * from zero: shares use 4, percentages 2, progress 1. A zero denominator gives
 * zero: a share of nothing is displayed as 0.
 */
export function formatRatio(numerator: bigint, denominator: bigint, decimals: number): string {
  if (denominator === 0n) return formatScaled(0n, decimals);
  return formatScaled(divRoundHalfAwayFromZero(numerator * 10n ** BigInt(decimals), denominator), decimals);
}

/** Percent of a whole (2 decimals unless told otherwise): 450 of 3000 → "15.00". */
export function formatPercent(part: bigint, whole: bigint, decimals = 2): string {
  return formatRatio(part * 100n, whole, decimals);
}

/** Change from previous to current in percent, 2 decimals; null when previous is 0. */
export function formatPercentChange(current: Cents, previous: Cents): string | null {
  if (previous === 0n) return null;
  const magnitude = previous < 0n ? -previous : previous;
  return formatRatio((current - previous) * 100n, magnitude, 2);
}

/** ceil((target − saved) ÷ monthly); 0 once reached; null when it never will be. */
export function monthsToTarget(target: Cents, saved: Cents, monthly: Cents): number | null {
  const missing = target - saved;
  if (missing <= 0n) return 0;
  if (monthly <= 0n) return null;
  return Number(divCeil(missing, monthly));
}
