/**
 * The one grammar for every amount, percent, share, tax rate and revenue in
 * the API and in CSV imports (SPEC.md): ASCII `-?digits[.digits]`, nothing
 * else. Parsing reports instead of throwing, so no caller ever has to "check,
 * then convert anyway".
 */

/** A decimal as an exact scaled integer: value = units / 10^scale; `text` is what was sent. */
export interface ParsedDecimal {
  units: bigint;
  scale: number;
  text: string;
}

export type DecimalResult = { ok: true; value: ParsedDecimal } | { ok: false; reason: string };

const GRAMMAR = /^-?[0-9]+(\.[0-9]+)?$/;
/**
 * Longer texts are refused before any arithmetic: every value the API takes
 * fits in far fewer characters, and a megabyte of digits is an attack.
 */
const MAX_TEXT_LENGTH = 40;
/** Any decimal with at most 15 significant digits survives the trip through a binary double unchanged. */
const EXACT_DOUBLE_DIGITS = 15;

export const DECIMAL_REASONS = {
  shape: 'must be a decimal number',
  tooLong: `must be a decimal number of at most ${MAX_TEXT_LENGTH} characters`,
  inexact: 'is not exactly representable as a JSON number; send it as a string like "12.50"',
  decimals: (max: number) => `must have at most ${max} decimals`,
} as const;

function significantDigits(text: string): number {
  const digits = text.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/**
 * Parses `input` (a string, or a JSON number that has an exact decimal form)
 * with at most `maxDecimals` decimals; more is an error, never rounded.
 */
export function parseDecimalText(input: unknown, maxDecimals: number): DecimalResult {
  let text: string;
  if (typeof input === 'number') {
    // String() gives the shortest form that round-trips: "1e+300" or "0.30000000000000004" fail below.
    if (!Number.isFinite(input)) return { ok: false, reason: DECIMAL_REASONS.shape };
    text = String(input);
  } else if (typeof input === 'string') {
    text = input;
  } else {
    return { ok: false, reason: DECIMAL_REASONS.shape };
  }
  if (text.length > MAX_TEXT_LENGTH) return { ok: false, reason: DECIMAL_REASONS.tooLong };
  if (!GRAMMAR.test(text)) return { ok: false, reason: DECIMAL_REASONS.shape };
  const negative = text.startsWith('-');
  const [intPart = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  if (fraction.length > maxDecimals) return { ok: false, reason: DECIMAL_REASONS.decimals(maxDecimals) };
  if (typeof input === 'number' && significantDigits(text) > EXACT_DOUBLE_DIGITS) return { ok: false, reason: DECIMAL_REASONS.inexact };
  // Safe: GRAMMAR guarantees ASCII digits only, so BigInt cannot throw here.
  const magnitude = BigInt(intPart + fraction.padEnd(maxDecimals, '0'));
  return { ok: true, value: { units: negative ? -magnitude : magnitude, scale: maxDecimals, text } };
}

/** `units` of a decimal text at `scale` decimals, or undefined when it does not parse. */
export function decimalUnits(text: string, scale: number): bigint | undefined {
  const parsed = parseDecimalText(text, scale);
  return parsed.ok ? parsed.value.units : undefined;
}
