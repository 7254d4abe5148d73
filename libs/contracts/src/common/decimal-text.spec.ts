import fc from 'fast-check';
import { fieldErrors } from './validation';
import { parseDecimalText } from './decimal-text';
import { decimalField, monthString, dateString, nonNegativeMoney, positiveMoney, transactionAmount } from './primitives';
import { isPlainText, textField } from './text';

describe('parseDecimalText: the API amount grammar', () => {
  it.each([
    ['12.50', 1250n],
    ['-4.99', -499n],
    ['007', 700n],
    [12.5, 1250n],
    [-0.01, -1n],
    [1e9, 100_000_000_000n],
  ])('parses %p', (input, units) => {
    expect(parseDecimalText(input, 2)).toEqual({ ok: true, value: { units, scale: 2, text: String(input) } });
  });

  it.each([
    ['1e5'],
    ['5 '],
    [' 5'],
    ['1,000.00'],
    ['NaN'],
    ['Infinity'],
    ['-Infinity'],
    ['١٢٣'], // Arabic-Indic digits
    ['１２'], // full-width digits
    ['+1'],
    ['.5'],
    ['1.'],
    ['0x10'],
    ['--1'],
    [''],
    ['\u00001'],
    [Number.NaN],
    [Infinity],
    [1e300],
    [1e21],
    [null],
    [true],
    [{}],
    [[1]],
  ])('rejects %p as a decimal number, never throwing', (input) => {
    expect(parseDecimalText(input, 2)).toEqual({ ok: false, reason: 'must be a decimal number' });
  });

  it('rejects more decimals than allowed, for strings and numbers alike', () => {
    expect(parseDecimalText('12.345', 2)).toEqual({ ok: false, reason: 'must have at most 2 decimals' });
    expect(parseDecimalText(0.1 + 0.2, 2)).toEqual({ ok: false, reason: 'must have at most 2 decimals' });
    expect(parseDecimalText('0.12345', 4)).toEqual({ ok: false, reason: 'must have at most 4 decimals' });
  });

  it('rejects JSON numbers whose decimal form is not exact', () => {
    // 2^53 + 2: representable, but past 15 significant digits a double no longer keeps what was typed.
    expect(parseDecimalText(9007199254740994, 2)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not exactly representable'),
    });
    expect(parseDecimalText('9007199254740994', 2)).toMatchObject({ ok: true });
  });

  it('refuses megabytes of digits before doing arithmetic', () => {
    expect(parseDecimalText('9'.repeat(1_000_000), 2)).toMatchObject({ ok: false });
  });

  it('never throws and round-trips every valid text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.anything()), (input) => {
        const result = parseDecimalText(input, 2);
        if (result.ok) expect(result.value.text).toMatch(/^-?[0-9]+(\.[0-9]{1,2})?$/);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (cents) => {
        const negative = cents < 0n;
        const digits = (negative ? -cents : cents).toString().padStart(3, '0');
        const text = `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
        expect(parseDecimalText(text, 2)).toEqual({ ok: true, value: { units: cents, scale: 2, text } });
      }),
    );
  });
});

const errorsOf = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : fieldErrors(result.error as Parameters<typeof fieldErrors>[0]).map((e) => e.message);
};

describe('decimal fields', () => {
  it('report one error per bad field and never throw', () => {
    for (const bad of ['1e5', '5 ', '1,000.00', 'NaN', 'Infinity', '١٢', 1e300, 'abc00', '']) {
      expect(errorsOf(transactionAmount, bad)).toEqual(['must be an amount like "12.50"']);
    }
    expect(errorsOf(transactionAmount, '0')).toEqual(['must be non-zero and at most 1000000000.00 in absolute value']);
    expect(errorsOf(transactionAmount, '-1000000000.01')).toEqual(['must be non-zero and at most 1000000000.00 in absolute value']);
    expect(errorsOf(transactionAmount, '12.345')).toEqual(['must have at most 2 decimals']);
    expect(errorsOf(transactionAmount, 0.1 + 0.2)).toEqual(['must have at most 2 decimals']);
    expect(errorsOf(transactionAmount, {})).toEqual(['must be an amount like "12.50"']);
    expect(transactionAmount.parse(12.5)).toBe('12.5');
    expect(transactionAmount.parse('-1000000000.00')).toBe('-1000000000.00');
  });

  it('bound revenues, targets and custom ranges', () => {
    expect(errorsOf(nonNegativeMoney, '-1')).toEqual(['must not be negative']);
    expect(errorsOf(nonNegativeMoney, '1000000000.01')).toEqual(['must be at most 1000000000']);
    expect(errorsOf(positiveMoney, '0.00')).toEqual(['must be greater than 0']);
    const percent = decimalField({ maxDecimals: 4, label: 'a percent', range: (u) => (u > 100_0000n ? 'too big' : undefined) });
    expect(errorsOf(percent, '100.00001')).toEqual(['must have at most 4 decimals']);
    expect(errorsOf(percent, '100.0001')).toEqual(['too big']);
    expect(errorsOf(percent, ' 5')).toEqual(['must be a percent']);
  });
});

describe('text fields', () => {
  it('reject NUL and unpaired surrogates, accept any other Unicode', () => {
    const field = textField({ max: 100, min: 1, trim: true });
    expect(errorsOf(field, 'Groceries 🛒 مرحبا ‮')).toEqual([]);
    expect(errorsOf(field, 'a\u0000b')).toEqual(['must not contain NUL characters or unpaired surrogates']);
    expect(errorsOf(field, 'a\uD800')).toEqual(['must not contain NUL characters or unpaired surrogates']);
    expect(errorsOf(field, '\uDC00a')).toEqual(['must not contain NUL characters or unpaired surrogates']);
    expect(errorsOf(field, ' ')).toEqual(['must not be empty']);
    expect(errorsOf(field, 42)).toEqual(['must be a string']);
  });

  it('isPlainText agrees with well-formedness (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const wellFormed =
          Buffer.from(s, 'utf16le').toString('utf16le') === s && !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
        expect(isPlainText(s)).toBe(wellFormed && !s.includes('\u0000'));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('months and dates', () => {
  it(`accept years 1900–2999 only`, () => {
    expect(errorsOf(monthString, '2026-10')).toEqual([]);
    expect(errorsOf(monthString, '0000-01')).toEqual(['must be a month YYYY-MM with a year between 1900 and 2999']);
    expect(errorsOf(monthString, '1899-12')).toHaveLength(1);
    expect(errorsOf(monthString, '٢٠٢٦-10')).toEqual(['must be a month YYYY-MM']);
    expect(errorsOf(dateString, '0000-01-01')).toHaveLength(1);
    expect(errorsOf(dateString, '2026-02-29')).toEqual(['must be a real calendar date YYYY-MM-DD']);
    expect(errorsOf(dateString, '2999-12-31')).toEqual([]);
  });
});
