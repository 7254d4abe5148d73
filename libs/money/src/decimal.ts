/** A decimal number as an exact scaled integer: value = units / 10^scale. */
export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const SHAPE = /^-?\d+(\.\d+)?$/;

/**
 * Strict decimal parsing: digits, an optional sign and fraction, nothing else.
 * More than `maxDecimals` decimals is an error, never rounded. JSON numbers go
 * through String(), so 0.1 + 0.2 ("0.30000000000000004") is rejected too.
 */
export function parseDecimal(input: string | number, maxDecimals: number): ParseResult<ScaledDecimal> {
  if (typeof input === 'number' && !Number.isFinite(input)) return { ok: false, reason: 'must be a decimal number' };
  const text = typeof input === 'number' ? String(input) : input;
  if (typeof text !== 'string' || !SHAPE.test(text)) return { ok: false, reason: 'must be a decimal number' };
  const [intPart = '0', fraction = ''] = text.replace('-', '').split('.');
  if (fraction.length > maxDecimals) return { ok: false, reason: `must have at most ${maxDecimals} decimals` };
  const magnitude = BigInt(intPart + fraction.padEnd(maxDecimals, '0'));
  return { ok: true, value: { units: text.startsWith('-') ? -magnitude : magnitude, scale: maxDecimals } };
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
