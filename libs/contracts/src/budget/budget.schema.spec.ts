import { fieldErrors } from '../common/validation';
import { fixedLineBodySchema, fixedLinePatchSchema, provisionBodySchema } from './budget.schema';

const fieldsOf = (schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, body: unknown) => {
  const result = schema.safeParse(body);
  return result.success ? [] : fieldErrors(result.error as never);
};

const holidays = {
  name: 'Holidays',
  kind: 'percent',
  percent: '5',
  base: 'household',
  split: { mode: 'household' },
  target: '3000.00',
  saved: '450.00',
  active: true,
  startMonth: '2026-01',
  endMonth: null,
};

describe('fixed line body', () => {
  it('accepts the SPEC example and fills split and active defaults', () => {
    expect(fixedLineBodySchema.parse({ name: 'Car insurance', category: 'Insurance', amount: '540.00', frequency: 'yearly' })).toEqual({
      name: 'Car insurance',
      category: 'Insurance',
      amount: '540.00',
      frequency: 'yearly',
      split: { mode: 'household' },
      active: true,
    });
  });

  it('lists every bad field at once', () => {
    expect(
      fieldsOf(fixedLineBodySchema, {
        name: '',
        category: 'x'.repeat(101),
        amount: '0',
        frequency: 'weekly',
        split: { mode: 'manual', shares: { m1: '0.5', m2: '0.4' } },
        startMonth: '2026-05',
        endMonth: '2026-04',
      }).map((e) => e.field),
    ).toEqual(['name', 'category', 'amount', 'frequency', 'split.shares', 'endMonth']);
  });

  it('bounds amounts: more than 2 decimals, negative and over 1e9 are errors', () => {
    const base = { name: 'x', category: 'y', frequency: 'monthly' };
    expect(fieldsOf(fixedLineBodySchema, { ...base, amount: '1.005' })).toEqual([
      { field: 'amount', message: 'must have at most 2 decimals' },
    ]);
    expect(fieldsOf(fixedLineBodySchema, { ...base, amount: '-1.00' })).toEqual([{ field: 'amount', message: 'must be greater than 0' }]);
    expect(fieldsOf(fixedLineBodySchema, { ...base, amount: '1000000000.01' })).toEqual([
      { field: 'amount', message: 'must be at most 1000000000' },
    ]);
    expect(fieldsOf(fixedLineBodySchema, { ...base, amount: 1000000000 })).toEqual([]);
    expect(fieldsOf(fixedLineBodySchema, { ...base, amount: '0.01' })).toEqual([]);
  });

  it('accepts an endMonth equal to the startMonth, and rejects unknown split modes and fields', () => {
    expect(fieldsOf(fixedLinePatchSchema, { startMonth: '2026-05', endMonth: '2026-05' })).toEqual([]);
    expect(fieldsOf(fixedLinePatchSchema, { split: { mode: 'random' }, colour: 'red' }).map((e) => e.field)).toEqual([
      'split.mode',
      '(body)',
    ]);
  });
});

describe('provision body', () => {
  it('accepts the SPEC example', () => {
    expect(provisionBodySchema.parse(holidays)).toEqual(holidays);
  });

  it('needs percent for a percent provision and amount for a fixed one, never both', () => {
    const { percent: _p, ...noPercent } = holidays;
    expect(fieldsOf(provisionBodySchema, noPercent).map((e) => e.field)).toEqual(['percent']);
    expect(
      fieldsOf(provisionBodySchema, { ...holidays, kind: 'fixed' })
        .map((e) => e.field)
        .sort(),
    ).toEqual(['(body)', 'amount'].sort());
    expect(fieldsOf(provisionBodySchema, { name: 'Car', kind: 'fixed', amount: '50.00' })).toEqual([]);
    expect(fieldsOf(provisionBodySchema, { name: 'Car', kind: 'other' }).map((e) => e.field)).toEqual(['kind']);
  });

  it('bounds percent to (0, 100] with at most 4 decimals and target/saved to money', () => {
    const percent = (p: string) => fieldsOf(provisionBodySchema, { ...holidays, percent: p }).map((e) => e.message);
    expect(percent('0')).toEqual(['must be greater than 0 and at most 100']);
    expect(percent('100.0001')).toEqual(['must be greater than 0 and at most 100']);
    expect(percent('12.34567')).toEqual(['must have at most 4 decimals']);
    expect(percent('100')).toEqual([]);
    expect(fieldsOf(provisionBodySchema, { ...holidays, target: '0', saved: '-1' }).map((e) => e.field)).toEqual(['target', 'saved']);
  });

  it('checks the month range and split shares', () => {
    expect(
      fieldsOf(provisionBodySchema, {
        ...holidays,
        startMonth: '2026-01',
        endMonth: '2025-12',
        split: { mode: 'manual', shares: { m1: '0.7', m2: '0.30001' } },
      }).map((e) => e.field),
    ).toEqual(['split.shares.m2', 'endMonth']);
    expect(fieldsOf(provisionBodySchema, { ...holidays, split: { mode: 'member' } }).map((e) => e.field)).toEqual(['split.member']);
  });
});
