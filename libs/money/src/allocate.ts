import { parseDecimal } from './decimal';
import type { Cents } from './money';

/**
 * Largest-remainder allocation over integer weights: each part gets
 * floor(amount × w / W); the leftover cents go one each to the largest
 * remainders (amount × w) mod W, ties to the earlier index. A negative amount
 * is split as the negation of its absolute value's split, so parts always sum
 * to the amount exactly.
 */
export function allocate(amount: Cents, weights: readonly bigint[]): Cents[] {
  if (weights.length === 0) throw new RangeError('allocate needs at least one weight');
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must not be negative');
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n) throw new RangeError('weights must not all be zero');
  if (amount < 0n) return allocate(-amount, weights).map((part) => -part);

  const parts = weights.map((w) => (amount * w) / total);
  let leftover = amount - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = weights
    .map((w, index) => ({ index, remainder: (amount * w) % total }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (leftover === 0n) break;
    parts[index] = (parts[index] as bigint) + 1n;
    leftover -= 1n;
  }
  return parts;
}

export const equalWeights = (count: number): bigint[] => Array.from({ length: count }, () => 1n);

/** Manual shares like "0.7" (at most 4 decimals) as weights share × 10000. */
export function manualWeights(shares: readonly string[]): bigint[] {
  return shares.map((share) => {
    const parsed = parseDecimal(share, 4);
    if (!parsed.ok || parsed.value.units < 0n) throw new RangeError(`invalid share "${share}"`);
    return parsed.value.units;
  });
}

/** Net-revenue cents as weights; equal weights when every net revenue is 0. */
export function proportionalWeights(nets: readonly Cents[]): bigint[] {
  return nets.every((n) => n === 0n) ? equalWeights(nets.length) : [...nets];
}
