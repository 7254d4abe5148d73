import { budgetBurn, consistencyOf } from './nines';

describe('consistency in nines', () => {
  it('is nothing without audits', () => {
    expect(consistencyOf(0, 0)).toEqual({ ratio: null, nines: null, ninesAtLeast: false });
  });

  it('counts the nines of the ratio', () => {
    expect(consistencyOf(1_000, 1)).toEqual({ ratio: 0.999, nines: 3, ninesAtLeast: false });
    expect(consistencyOf(100_000, 1)).toEqual({ ratio: 0.99999, nines: 5, ninesAtLeast: false });
    expect(consistencyOf(4, 2)).toEqual({ ratio: 0.5, nines: 0.3, ninesAtLeast: false });
    expect(consistencyOf(3, 3)).toEqual({ ratio: 0, nines: 0, ninesAtLeast: false });
  });

  it('with no miss, claims only what the sample size proves', () => {
    expect(consistencyOf(1_000, 0)).toEqual({ ratio: 1, nines: 3, ninesAtLeast: true });
    expect(consistencyOf(1, 0)).toEqual({ ratio: 1, nines: 0, ninesAtLeast: true });
  });
});

describe('budget burn', () => {
  it('is the bad share over the error budget', () => {
    expect(budgetBurn(1, 100, 0.99)).toBeCloseTo(1);
    expect(budgetBurn(10, 100, 0.99)).toBeCloseTo(10);
    expect(budgetBurn(0, 0, 0.99)).toBe(0);
  });

  it('makes a single consistency miss page at a six-nines objective', () => {
    expect(budgetBurn(1, 7_200, 0.999999)).toBeGreaterThan(14.4);
  });
});
