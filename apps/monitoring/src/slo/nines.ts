/**
 * Consistency in nines: −log10(1 − ratio). 0.999 is 3 nines, 0.99999 is 5.
 * With no miss the ratio is 1 and the nines are unbounded; what the sample
 * proves is then log10(audited) at least (1000 clean audits: ≥ 3 nines).
 */
export function consistencyOf(audited: number, misses: number): { ratio: number | null; nines: number | null; ninesAtLeast: boolean } {
  if (audited <= 0) return { ratio: null, nines: null, ninesAtLeast: false };
  const ratio = (audited - misses) / audited;
  if (misses <= 0) return { ratio: 1, nines: round2(Math.log10(audited)), ninesAtLeast: true };
  return { ratio, nines: round2(Math.log10(audited / misses)), ninesAtLeast: false };
}

/** Misses (or slow changes) divided by the error budget: 1 spends the budget exactly over the SLO period. */
export const budgetBurn = (bad: number, total: number, objective: number): number => (total <= 0 ? 0 : bad / total / (1 - objective));

const round2 = (value: number) => Math.round(value * 100) / 100;
