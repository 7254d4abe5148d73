import { parseDecimalText } from '@ledgerline/contracts';

/** A decimal number as an exact scaled integer: value = units / 10^scale. */
export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Strict decimal parsing with the API's one grammar (parseDecimalText in
 * contracts): ASCII digits, an optional sign and fraction, nothing else. More
 * than `maxDecimals` decimals is an error, never rounded; a JSON number must
 * have an exact decimal form, so 0.1 + 0.2 ("0.30000000000000004") and 1e300
 * are rejected too. Never throws.
 */
export function parseDecimal(input: string | number, maxDecimals: number): ParseResult<ScaledDecimal> {
  const parsed = parseDecimalText(input, maxDecimals);
  return parsed.ok ? { ok: true, value: { units: parsed.value.units, scale: parsed.value.scale } } : parsed;
}

/** "22", "18.5", "0.7": the shortest exact form. */
export function canonicalDecimal(value: ScaledDecimal): string {
  const text = formatScaled(value.units, value.scale);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Exactly `scale` decimals; never "-0.00". */
export function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}
