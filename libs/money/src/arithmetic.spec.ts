import { average, monthlyEquivalent } from './money';
import { netRevenue, percentOf } from './percent';
import { formatPercent, formatPercentChange, formatRatio, monthsToTarget } from './ratio';
import { divCeil, divRoundHalfAwayFromZero } from './rounding';

describe('rounding half away from zero', () => {
  it.each([
    [5n, 10n, 1n],
    [4n, 10n, 0n],
    [-5n, 10n, -1n],
    [-4n, 10n, 0n],
    [15n, 10n, 2n],
    [-15n, 10n, -2n],
    [25n, 10n, 3n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-2n, 3n, -1n],
    [5n, -10n, -1n],
    [0n, 7n, 0n],
  ])('%p / %p → %p', (n, d, expected) => {
    expect(divRoundHalfAwayFromZero(n, d)).toBe(expected);
  });

  it('refuses to divide by zero', () => {
    expect(() => divRoundHalfAwayFromZero(1n, 0n)).toThrow(RangeError);
  });

  it('ceils non-negative divisions', () => {
    expect(divCeil(255000n, 27790n)).toBe(10n);
    expect(divCeil(27790n, 27790n)).toBe(1n);
    expect(divCeil(0n, 3n)).toBe(0n);
  });
});

describe('SPEC appendix figures', () => {
  it('nets 4200.00 @ 22 % to 3276.00 and 2800.00 @ 18.5 % to 2282.00', () => {
    expect(netRevenue(420000n, '22')).toBe(327600n);
    expect(netRevenue(280000n, '18.5')).toBe(228200n);
    expect(327600n + 228200n).toBe(555800n);
  });

  it('takes 5 % of 5558.00 as 277.90', () => {
    expect(percentOf(555800n, '5')).toBe(27790n);
  });

  it('shows member share 3276/5558 as 0.5894 and progress 450/3000 as 15.0', () => {
    expect(formatRatio(327600n, 555800n, 4)).toBe('0.5894');
    expect(formatRatio(228200n, 555800n, 4)).toBe('0.4106');
    expect(formatPercent(45000n, 300000n, 1)).toBe('15.0');
  });

  it('needs 10 months to reach 3000.00 from 450.00 at 277.90 a month', () => {
    expect(monthsToTarget(300000n, 45000n, 27790n)).toBe(10);
  });
});

describe('percentages and revenue', () => {
  it('rounds net revenue half away from zero', () => {
    expect(netRevenue(1n, '50')).toBe(1n); // 0.5 cent → 1
    expect(netRevenue(333n, '33.33')).toBe(222n); // 222.0 cents (333 × 0.6667 = 222.0111)
    expect(netRevenue(100000n, '0')).toBe(100000n);
    expect(netRevenue(100000n, '100')).toBe(0n);
  });

  it('takes percents with up to 4 decimals', () => {
    expect(percentOf(100000n, '12.3456')).toBe(12346n); // 12345.6 → 12346
    expect(percentOf(1n, '50')).toBe(1n);
    expect(percentOf(-1n, '50')).toBe(-1n);
    expect(() => percentOf(1n, '1.23456')).toThrow(RangeError);
  });
});

describe('monthly equivalents and averages', () => {
  it.each([
    [54000n, 'yearly', 4500n],
    [10000n, 'quarterly', 3333n],
    [20000n, 'quarterly', 6667n],
    [100n, 'yearly', 8n], // 8.33 → 8
    [150n, 'yearly', 13n], // 12.5 → 13
    [-150n, 'yearly', -13n],
    [999n, 'monthly', 999n],
  ] as const)('%p %p → %p a month', (amount, frequency, expected) => {
    expect(monthlyEquivalent(amount, frequency)).toBe(expected);
  });

  it('averages rounded half away from zero, 0 for no rows', () => {
    expect(average(1000n, 3)).toBe(333n);
    expect(average(1001n, 2)).toBe(501n);
    expect(average(-1001n, 2)).toBe(-501n);
    expect(average(0n, 0)).toBe(0n);
  });
});

describe('display ratios', () => {
  it('rounds shares to 4 decimals half away from zero', () => {
    expect(formatRatio(1n, 3n, 4)).toBe('0.3333');
    expect(formatRatio(2n, 3n, 4)).toBe('0.6667');
    expect(formatRatio(1n, 20000n, 4)).toBe('0.0001'); // exactly half → up
    expect(formatRatio(-1n, 20000n, 4)).toBe('-0.0001');
    expect(formatRatio(5n, 5n, 4)).toBe('1.0000');
    expect(formatRatio(5n, 0n, 4)).toBe('0.0000');
  });

  it('computes percent change or null when the previous total is 0', () => {
    expect(formatPercentChange(11234n, 10000n)).toBe('12.34');
    expect(formatPercentChange(5000n, 10000n)).toBe('-50.00');
    expect(formatPercentChange(1n, 3n)).toBe('-66.67');
    expect(formatPercentChange(100n, 0n)).toBeNull();
    expect(formatPercentChange(100n, -100n)).toBe('200.00');
  });

  it('months to target: 0 once reached, null when never', () => {
    expect(monthsToTarget(300000n, 300000n, 27790n)).toBe(0);
    expect(monthsToTarget(300000n, 400000n, 0n)).toBe(0);
    expect(monthsToTarget(300000n, 0n, 0n)).toBeNull();
    expect(monthsToTarget(100n, 0n, 33n)).toBe(4);
  });
});
