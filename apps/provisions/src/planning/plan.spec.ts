import type { TenantConfig } from '@ledgerline/contracts';
import { appliesIn, calculateProvisions, Household, monthPlan, type FixedLineTerms, type ProvisionTerms } from './plan';

const doe: TenantConfig = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Doe household',
  currency: 'EUR',
  members: [
    { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
    { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
  ],
  split: { mode: 'proportional' },
};

const provision = (extra: Partial<ProvisionTerms> = {}): ProvisionTerms => ({
  id: 'p1',
  name: 'Holidays',
  kind: 'percent',
  percent: '5',
  base: 'household',
  amount: null,
  split: { mode: 'household' },
  target: 300_000n,
  saved: 45_000n,
  active: true,
  startMonth: '2026-01',
  endMonth: null,
  ...extra,
});

const fixedLine = (extra: Partial<FixedLineTerms> = {}): FixedLineTerms => ({
  id: 'f1',
  name: 'Car insurance',
  amount: 54_000n,
  frequency: 'yearly',
  split: { mode: 'equal' },
  active: true,
  startMonth: null,
  endMonth: null,
  ...extra,
});

describe('provisions calculation', () => {
  it('reproduces the SPEC appendix to the cent', () => {
    expect(calculateProvisions(doe, [provision()], '2026-10')).toEqual({
      month: '2026-10',
      householdNet: '5558.00',
      provisions: [
        {
          id: 'p1',
          name: 'Holidays',
          monthlyAmount: '277.90',
          shares: [
            { member: 'm1', amount: '163.80' },
            { member: 'm2', amount: '114.10' },
          ],
          target: '3000.00',
          saved: '450.00',
          progress: '15.0',
          monthsToTarget: 10,
        },
      ],
      totals: {
        total: '277.90',
        members: [
          { member: 'm1', amount: '163.80' },
          { member: 'm2', amount: '114.10' },
        ],
      },
    });
  });

  it('leaves out provisions that are inactive or outside their months', () => {
    const result = calculateProvisions(
      doe,
      [
        provision({ id: 'before', startMonth: '2026-11' }),
        provision({ id: 'after', startMonth: null, endMonth: '2026-09' }),
        provision({ id: 'off', active: false }),
        provision({ id: 'edge', startMonth: '2026-10', endMonth: '2026-10' }),
      ],
      '2026-10',
    );
    expect(result.provisions.map((p) => p.id)).toEqual(['edge']);
    expect(calculateProvisions(doe, [provision({ active: false })], '2026-10').totals).toEqual({
      total: '0.00',
      members: [
        { member: 'm1', amount: '0.00' },
        { member: 'm2', amount: '0.00' },
      ],
    });
  });

  it('takes a percent of one member net revenue, rounded half away from zero', () => {
    // 2282.00 × 12.5 % = 285.25; of m1: 3276.00 × 3.33 % = 109.0908 → 109.09
    const [sam, alex] = calculateProvisions(
      doe,
      [
        provision({ id: 'a', percent: '12.5', base: 'm2', split: { mode: 'member', member: 'm2' } }),
        provision({ id: 'b', percent: '3.33', base: 'm1', split: { mode: 'member', member: 'm1' } }),
      ],
      '2026-10',
    ).provisions;
    expect(sam).toMatchObject({ monthlyAmount: '285.25', shares: [{ amount: '0.00' }, { amount: '285.25' }] });
    expect(alex).toMatchObject({ monthlyAmount: '109.09', shares: [{ amount: '109.09' }, { amount: '0.00' }] });
  });

  it('reports progress and months to target for fixed provisions, null without target, 0 once reached', () => {
    const [toGo, noTarget, reached] = calculateProvisions(
      doe,
      [
        provision({ id: 'a', kind: 'fixed', amount: 33_333n, percent: null, base: null, target: 100_000n, saved: 1n }),
        provision({ id: 'b', target: null }),
        provision({ id: 'c', target: 10_000n, saved: 12_345n }),
      ],
      '2026-10',
    ).provisions;
    expect(toGo).toMatchObject({ monthlyAmount: '333.33', progress: '0.0', monthsToTarget: 3 });
    expect(noTarget).toMatchObject({ progress: null, monthsToTarget: null, target: null });
    expect(reached).toMatchObject({ progress: '123.5', monthsToTarget: 0 });
  });

  it('splits an odd cent amount three ways by largest remainder under a manual split', () => {
    const three: TenantConfig = {
      ...doe,
      members: [...doe.members, { id: 'm3', name: 'Kim', monthlyRevenue: '0.00', taxRate: '0' }],
    };
    // 100.01 × (3333, 3333, 3334) / 10000: floors 3333, 3333, 3334 = 10000 cents, remainders
    // 3333, 3333, 3334 → the one leftover cent goes to m3 (largest remainder).
    const result = calculateProvisions(
      three,
      [
        provision({
          kind: 'fixed',
          amount: 10_001n,
          percent: null,
          base: null,
          split: { mode: 'manual', shares: { m1: '0.3333', m2: '0.3333', m3: '0.3334' } },
        }),
      ],
      '2026-10',
    );
    expect(result.provisions[0]?.shares).toEqual([
      { member: 'm1', amount: '33.33' },
      { member: 'm2', amount: '33.33' },
      { member: 'm3', amount: '33.35' },
    ]);
    // 0.05 equally three ways: 1 cent each, the remaining 2 to the earlier members on tied remainders.
    const equal = calculateProvisions(
      three,
      [provision({ kind: 'fixed', amount: 5n, percent: null, base: null, split: { mode: 'equal' } })],
      '2026-10',
    );
    expect(equal.provisions[0]?.shares.map((s) => s.amount)).toEqual(['0.02', '0.02', '0.01']);
  });
});

describe('household weights', () => {
  it('falls back to equal weights when every net revenue is 0', () => {
    const broke = { ...doe, members: doe.members.map((m) => ({ ...m, monthlyRevenue: '0.00' })) };
    expect(new Household(broke).weights).toEqual([1n, 1n]);
  });

  it('uses manual policy shares × 10000', () => {
    expect(new Household({ ...doe, split: { mode: 'manual', shares: { m1: '0.7', m2: '0.3' } } }).weights).toEqual([7000n, 3000n]);
  });

  it('falls back to the household policy when a split names only removed members', () => {
    const household = new Household(doe);
    expect(household.weightsFor({ mode: 'member', member: 'gone' })).toEqual([327_600n, 228_200n]);
    expect(household.weightsFor({ mode: 'manual', shares: { gone: '1' } })).toEqual([327_600n, 228_200n]);
    expect(household.baseNet('gone')).toBe(0n);
  });
});

describe('month plan for the summary', () => {
  it('adds monthly equivalents of active fixed lines and allocates each line on its own split', () => {
    const plan = monthPlan(
      doe,
      [
        fixedLine(),
        fixedLine({ id: 'rent', amount: 100_000n, frequency: 'monthly', split: { mode: 'household' } }),
        fixedLine({ id: 'water', amount: 10_000n, frequency: 'quarterly', split: { mode: 'member', member: 'm2' } }),
        fixedLine({ id: 'old', endMonth: '2026-09' }),
      ],
      [provision()],
      '2026-10',
    );
    // 540/12 = 45.00 → 22.50 each; 1000.00 by 327600:228200 → 589.42/410.58; 100/3 = 33.33 → m2.
    expect(plan).toEqual({
      month: '2026-10',
      currency: 'EUR',
      revenue: { gross: '7000.00', net: '5558.00' },
      fixedPlanned: '1078.33',
      fixedCount: 3,
      provisions: { total: '277.90', count: 1 },
      householdWeights: ['327600', '228200'],
      members: [
        { id: 'm1', name: 'Alex', gross: '4200.00', net: '3276.00', share: '0.5894', fixed: '611.92', provisions: '163.80' },
        { id: 'm2', name: 'Sam', gross: '2800.00', net: '2282.00', share: '0.4106', fixed: '466.41', provisions: '114.10' },
      ],
    });
  });

  it('treats start and end months as inclusive', () => {
    const line = { active: true, startMonth: '2026-03', endMonth: '2026-05' };
    expect(['2026-02', '2026-03', '2026-05', '2026-06'].map((m) => appliesIn(line, m))).toEqual([false, true, true, false]);
  });
});
