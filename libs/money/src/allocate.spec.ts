import fc from 'fast-check';
import { allocate, equalWeights, manualWeights, proportionalWeights } from './allocate';

describe('allocate (largest remainder)', () => {
  it('splits 277.90 proportionally to nets 3276.00 / 2282.00 as 163.80 / 114.10', () => {
    expect(allocate(27790n, [327600n, 228200n])).toEqual([16380n, 11410n]);
  });

  it('gives leftover cents to the largest remainders', () => {
    // 100.00 over 1:1:1 → 33.34 / 33.33 / 33.33 (all remainders equal: earlier first)
    expect(allocate(10000n, equalWeights(3))).toEqual([3334n, 3333n, 3333n]);
    // 0.02 over 1:1:1 → ties go to the earlier members
    expect(allocate(2n, equalWeights(3))).toEqual([1n, 1n, 0n]);
    // 10 over weights 1:2:7 (W=10): exact
    expect(allocate(10n, [1n, 2n, 7n])).toEqual([1n, 2n, 7n]);
    // 1 cent over 1:3 → remainders 1 and 3: the larger weight wins it
    expect(allocate(1n, [1n, 3n])).toEqual([0n, 1n]);
  });

  it('allocates an odd amount over a three-member manual split exactly by the rule', () => {
    // 100.01 with shares 0.3333 / 0.3333 / 0.3334, W = 10000:
    // floors 3333, 3333, 3334 (sum 10000); remainders 3333·10001 mod 10000 = 3333, 3333, 3334·10001 mod 10000 = 3334
    // leftover 1 cent → the largest remainder: member 3.
    expect(allocate(10001n, manualWeights(['0.3333', '0.3333', '0.3334']))).toEqual([3333n, 3333n, 3335n]);
    // 0.05 over 0.5 / 0.25 / 0.25: floors 2, 1, 1; remainders 5000, 2500, 2500 → member 1 gets the cent.
    expect(allocate(5n, manualWeights(['0.5', '0.25', '0.25']))).toEqual([3n, 1n, 1n]);
    // 0.01 over three equal members: the earliest member on a tie.
    expect(allocate(1n, equalWeights(3))).toEqual([1n, 0n, 0n]);
  });

  it('splits a negative amount as the negation of its absolute split', () => {
    expect(allocate(-10000n, equalWeights(3))).toEqual([-3334n, -3333n, -3333n]);
    expect(allocate(-27790n, [327600n, 228200n])).toEqual([-16380n, -11410n]);
  });

  it('gives a zero-weight member nothing', () => {
    expect(allocate(999n, [0n, 1n, 0n])).toEqual([0n, 999n, 0n]);
  });

  it('rejects empty, negative or all-zero weights', () => {
    expect(() => allocate(1n, [])).toThrow(RangeError);
    expect(() => allocate(1n, [1n, -1n])).toThrow(RangeError);
    expect(() => allocate(1n, [0n, 0n])).toThrow(RangeError);
  });

  it('builds weights: manual ×10000, proportional falling back to equal', () => {
    expect(manualWeights(['0.7', '0.3'])).toEqual([7000n, 3000n]);
    expect(() => manualWeights(['0.12345'])).toThrow(RangeError);
    expect(proportionalWeights([327600n, 228200n])).toEqual([327600n, 228200n]);
    expect(proportionalWeights([0n, 0n, 0n])).toEqual([1n, 1n, 1n]);
  });

  const amounts = fc.bigInt({ min: -100_000_000_000n, max: 100_000_000_000n });
  const weightLists = fc
    .array(fc.bigInt({ min: 0n, max: 10_000_000_000n }), { minLength: 1, maxLength: 8 })
    .filter((ws) => ws.some((w) => w > 0n));

  it('always sums to the amount', () => {
    fc.assert(
      fc.property(amounts, weightLists, (amount, weights) => {
        expect(allocate(amount, weights).reduce((a, b) => a + b, 0n)).toBe(amount);
      }),
      { numRuns: 500 },
    );
  });

  it('never moves a share a cent or more from its exact value', () => {
    fc.assert(
      fc.property(amounts, weightLists, (amount, weights) => {
        const total = weights.reduce((a, b) => a + b, 0n);
        allocate(amount, weights).forEach((share, i) => {
          // |share − amount·w/W| < 1  ⇔  |share·W − amount·w| < W
          const diff = share * total - amount * (weights[i] as bigint);
          expect(diff < 0n ? -diff : diff).toBeLessThan(total);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('is symmetric in sign and deterministic', () => {
    fc.assert(
      fc.property(amounts, weightLists, (amount, weights) => {
        const split = allocate(amount, weights);
        expect(allocate(-amount, weights)).toEqual(split.map((s) => -s));
        expect(allocate(amount, weights)).toEqual(split);
      }),
      { numRuns: 300 },
    );
  });

  it('treats members with equal weights in order: an earlier one never gets less', () => {
    fc.assert(
      fc.property(
        amounts.filter((a) => a >= 0n),
        fc.integer({ min: 1, max: 8 }),
        (amount, n) => {
          const split = allocate(amount, equalWeights(n));
          for (let i = 1; i < split.length; i++) expect((split[i - 1] as bigint) >= (split[i] as bigint)).toBe(true);
        },
      ),
    );
  });
});
