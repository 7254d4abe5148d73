import { transactionBatchSchema, fixedLineBodySchema, provisionBodySchema, budgetsBodySchema } from '@ledgerline/contracts';
import { demoData, demoTransactions, monthsEndingAt } from './demo-data';

const toCents = (amount: string) => Math.round(Number(amount) * 100);

describe('demo data', () => {
  const data = demoData('2026-12-01');

  it('spans the twelve months ending at the current month', () => {
    expect(monthsEndingAt('2026-03', 12)).toEqual([
      '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09',
      '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03',
    ]); // prettier-ignore
    const months = new Set(data.transactions.map((t) => t.date.slice(0, 7)));
    expect([...months].sort()).toEqual(monthsEndingAt('2026-12', 12));
  });

  it('is deterministic: the same day gives the same rows', () => {
    expect(demoData('2026-12-01')).toEqual(data);
    expect(demoTransactions('2026-12')).toEqual(demoTransactions('2026-12'));
  });

  it('puts no date after today in the current month', () => {
    expect(data.transactions.filter((t) => t.date > '2026-12-01')).toEqual([]);
    expect(data.transactions.filter((t) => t.date.startsWith('2026-12')).length).toBeGreaterThan(10);
  });

  it('passes the public API schemas', () => {
    expect(transactionBatchSchema.safeParse({ transactions: data.transactions }).success).toBe(true);
    for (const line of data.fixedLines) expect(fixedLineBodySchema.safeParse(line).success).toBe(true);
    for (const provision of data.provisions) expect(provisionBodySchema.safeParse(provision).success).toBe(true);
    expect(budgetsBodySchema.safeParse({ budgets: data.budgets }).success).toBe(true);
  });

  it('has unique externalIds, so a reload is all duplicates', () => {
    expect(new Set(data.transactions.map((t) => t.externalId)).size).toBe(data.transactions.length);
  });

  it('mixes fixed and variable, both members, refunds and excluded transfers', () => {
    const t = data.transactions;
    expect(t.some((r) => r.expenseType === 'FIXED') && t.some((r) => r.expenseType === 'VARIABLE')).toBe(true);
    expect(new Set(t.map((r) => r.member))).toEqual(new Set(['m1', 'm2']));
    expect(t.filter((r) => toCents(r.amount) < 0).length).toBeGreaterThanOrEqual(3);
    expect(t.filter((r) => r.exclude).length).toBeGreaterThanOrEqual(3);
    expect(t.filter((r) => r.subcategory === 'Home' && r.category === 'Insurance')).toHaveLength(1);
  });

  it('writes amounts as exact two-decimal strings', () => {
    for (const row of data.transactions) expect(row.amount).toMatch(/^-?[0-9]+\.[0-9]{2}$/);
    expect(data.transactions.find((r) => r.subcategory === 'Rent')?.amount).toBe('1450.00');
  });
});
