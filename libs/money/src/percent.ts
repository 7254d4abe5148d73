import { parseDecimal } from './decimal';
import type { Cents } from './money';
import { divRoundHalfAwayFromZero } from './rounding';

function scaledPercent(percent: string, maxDecimals: number): { units: bigint; scale: bigint } {
  const parsed = parseDecimal(percent, maxDecimals);
  if (!parsed.ok) throw new RangeError(`invalid percent "${percent}": ${parsed.reason}`);
  return { units: parsed.value.units, scale: 10n ** BigInt(parsed.value.scale) };
}

/** round(gross × (1 − taxRate/100)), taxRate with at most 2 decimals. */
export function netRevenue(gross: Cents, taxRate: string): Cents {
  const { units, scale } = scaledPercent(taxRate, 2);
  const hundred = 100n * scale;
  return divRoundHalfAwayFromZero(gross * (hundred - units), hundred);
}

/** round(base × percent/100), percent with at most 4 decimals. */
export function percentOf(base: Cents, percent: string): Cents {
  const { units, scale } = scaledPercent(percent, 4);
  return divRoundHalfAwayFromZero(base * units, 100n * scale);
}
