import { budgetState, budgetStatus, raisedState } from './budget-status';

describe('budget state', () => {
  it('is ok below 80 %, warning from exactly 80 %, over from exactly 100 % (exact cents)', () => {
    expect(budgetState(31_999n, 40_000n)).toBe('ok');
    expect(budgetState(32_000n, 40_000n)).toBe('warning');
    expect(budgetState(39_999n, 40_000n)).toBe('warning');
    expect(budgetState(40_000n, 40_000n)).toBe('over');
    expect(budgetState(90_000n, 40_000n)).toBe('over');
  });

  it('compares exact cents, not the rounded percent: 79.996 % shows "80.00" but is still ok', () => {
    // 0.01 limit granularity: 7999.6 of 10000 can't happen in cents, so scale up: 79_996 of 100_000 cents.
    expect(budgetStatus('Groceries', 100_000n, 79_996n)).toEqual({
      category: 'Groceries',
      limit: '1000.00',
      spent: '799.96',
      percent: '80.00',
      state: 'ok',
    });
  });

  it('is ok for a refund-only month (negative spent), with a negative percent', () => {
    expect(budgetStatus('Groceries', 40_000n, -1_250n)).toEqual({
      category: 'Groceries',
      limit: '400.00',
      spent: '-12.50',
      percent: '-3.13',
      state: 'ok',
    });
  });

  it('formats percent with 2 decimals, half away from zero', () => {
    expect(budgetStatus('a', 30_000n, 10_000n).percent).toBe('33.33');
    expect(budgetStatus('a', 30_000n, 20_000n).percent).toBe('66.67');
    expect(budgetStatus('a', 800n, 1n).percent).toBe('0.13'); // 0.125 → 0.13
    expect(budgetStatus('a', 800n, -1n).percent).toBe('-0.13');
    expect(budgetStatus('a', 40_000n, 0n).percent).toBe('0.00');
    expect(budgetStatus('a', 100n, 25_000n).percent).toBe('25000.00');
  });

  it('names only upward moves', () => {
    expect(raisedState('ok', 'warning')).toBe('warning');
    expect(raisedState('ok', 'over')).toBe('over');
    expect(raisedState('warning', 'over')).toBe('over');
    expect(raisedState('over', 'warning')).toBeNull();
    expect(raisedState('warning', 'ok')).toBeNull();
    expect(raisedState('ok', 'ok')).toBeNull();
    expect(raisedState('over', 'over')).toBeNull();
  });
});
