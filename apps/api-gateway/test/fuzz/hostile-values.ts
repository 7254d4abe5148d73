import fc from 'fast-check';

/**
 * Values a hostile or careless client sends. JSON text fragments (not JS
 * values) where JSON.stringify cannot produce them: 1e400 parses to Infinity,
 * a 400-digit integer to a rounded double.
 */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'a\uD800',
  '\uDC00b',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  '👩‍👩‍👧‍👦🛒',
  '١٢٣',
  '１２',
  '1e5',
  '5 ',
  '1,000.00',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '12.345',
  '-1000000000.01',
  '0000-01',
  '2026-02-30',
  '9999-99',
  '__proto__',
  'constructor',
  "'; DROP TABLE ingestion.transactions; --",
  '<script>alert(1)</script>',
  '%00',
  '../../etc/passwd',
  'x'.repeat(10_000),
] as const;

export const HOSTILE_NUMBERS = [0, -0, 1, -1, 12.5, 0.1 + 0.2, 1e300, -1e300, 1e21, 2 ** 53 + 2, 5e-324, 2 ** 31, -(2 ** 63)] as const;

/** Raw JSON texts for values JSON.stringify cannot write. */
export const RAW_JSON_VALUES = [
  '1e400',
  '-1e400',
  `1${'0'.repeat(400)}`,
  `0.${'1'.repeat(400)}`,
  '"\\u0000"',
  '"\\ud800"',
  '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]',
];

/** A JSON value, or a raw JSON text standing for one (see RAW_JSON_VALUES). */
export type Hostile = { json: unknown } | { raw: string };

export const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map((json) => ({ json })) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS).map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_JSON_VALUES).map((raw) => ({ raw })) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 2], { a: 1 }).map((json) => ({ json })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.double().map((json) => ({ json })) },
);

/** A path segment: percent-encoded hostile text, or raw bytes that are not valid UTF-8 once decoded. */
/** encodeURIComponent, with the encoding of a lone surrogate (which it refuses) written out. */
export function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS).map(encodeSegment),
  fc.constantFrom('%ED%A0%80', '%00', '%', '%zz', '%C0%AF', 'a'.repeat(2_000), '00000000-0000-0000-0000-000000000000'),
  fc.uuid().map(String),
  fc.string({ unit: 'binary', maxLength: 30 }).map(encodeSegment),
);

export const ODD_CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/problem+json',
  'text/csv',
  'application/octet-stream',
  'application/json, text/csv',
  `application/${'x'.repeat(3_000)}`,
] as const;
