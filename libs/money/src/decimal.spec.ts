import { canonicalDecimal, formatScaled, parseDecimal } from './decimal';
import { formatMoney, parseMoney } from './money';

const cents = (input: string | number) => {
  const r = parseMoney(input);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('parseMoney', () => {
  it.each([
    ['12.50', 1250n],
    ['12.5', 1250n],
    ['12', 1200n],
    ['-4.99', -499n],
    ['0.01', 1n],
    ['1000000000.00', 100_000_000_000n],
    ['007.10', 710n],
    [12.5, 1250n],
    [-0.01, -1n],
    [1e9, 100_000_000_000n],
  ])('parses %p to %p cents', (input, expected) => {
    expect(cents(input)).toBe(expected);
  });

  it.each([['12.345'], ['0.001'], [0.1 + 0.2], [12.345]])('rejects %p: more than 2 decimals is never rounded', (input) => {
    expect(parseMoney(input)).toEqual({ ok: false, reason: 'must have at most 2 decimals' });
  });

  it.each([
    [''],
    [' 1.00'],
    ['1.00 '],
    ['1,00'],
    ['1.'],
    ['.5'],
    ['+1'],
    ['1e3'],
    ['abc'],
    ['--1'],
    ['0x10'],
    [Number.NaN],
    [Infinity],
    [1e21],
  ])('rejects garbage %p', (input) => {
    expect(parseMoney(input)).toEqual({ ok: false, reason: 'must be a decimal number' });
  });
});

describe('formatMoney', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [-1n, '-0.01'],
    [-1250n, '-12.50'],
    [123456n, '1234.56'],
    [100_000_000_000n, '1000000000.00'],
  ])('formats %p as %p', (value, text) => {
    expect(formatMoney(value)).toBe(text);
  });

  it('round-trips every formatted value', () => {
    for (const value of [-100001n, -99n, -10n, 0n, 5n, 99n, 100n, 987654321n]) expect(cents(formatMoney(value))).toBe(value);
  });
});

describe('decimals', () => {
  it('keeps the scale asked for', () => {
    expect(parseDecimal('18.5', 2)).toEqual({ ok: true, value: { units: 1850n, scale: 2 } });
    expect(parseDecimal('0.7', 4)).toEqual({ ok: true, value: { units: 7000n, scale: 4 } });
    expect(parseDecimal('0.12345', 4)).toEqual({ ok: false, reason: 'must have at most 4 decimals' });
  });

  it.each([
    ['22', 2, '22'],
    ['22.00', 2, '22'],
    ['18.50', 2, '18.5'],
    ['0.7000', 4, '0.7'],
    ['100', 4, '100'],
    ['0', 2, '0'],
    ['-0.50', 2, '-0.5'],
  ])('canonical form of %p (scale %p) is %p', (input, scale, expected) => {
    const parsed = parseDecimal(input, scale);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(canonicalDecimal(parsed.value)).toBe(expected);
  });

  it('formats scaled integers with exactly the scale and never -0', () => {
    expect(formatScaled(5n, 4)).toBe('0.0005');
    expect(formatScaled(-5n, 1)).toBe('-0.5');
    expect(formatScaled(0n, 1)).toBe('0.0');
    expect(formatScaled(42n, 0)).toBe('42');
  });
});
