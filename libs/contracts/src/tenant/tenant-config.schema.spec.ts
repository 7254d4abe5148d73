import { fieldErrors } from '../common/validation';
import { createTenantBodySchema, patchTenantBodySchema, sumShares } from './tenant-config.schema';

const member = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Member ${id}`,
  monthlyRevenue: '100.00',
  taxRate: '10',
  ...extra,
});
const errorsOf = (schema: typeof createTenantBodySchema | typeof patchTenantBodySchema, body: unknown) => {
  const result = schema.safeParse(body);
  return result.success ? [] : fieldErrors(result.error);
};

describe('tenant body schema', () => {
  it('accepts the SPEC example and fills defaults', () => {
    const parsed = createTenantBodySchema.parse({ name: 'Doe', members: [member('m1')] });
    expect(parsed).toMatchObject({ currency: 'EUR', split: { mode: 'proportional' } });
  });

  it('takes JSON numbers as their decimal text', () => {
    const parsed = createTenantBodySchema.parse({ name: 'Doe', members: [member('m1', { monthlyRevenue: 4200.5, taxRate: 18.5 })] });
    expect(parsed.members[0]).toMatchObject({ monthlyRevenue: '4200.5', taxRate: '18.5' });
  });

  it('lists every bad field at once', () => {
    const errors = errorsOf(createTenantBodySchema, {
      name: ' ',
      currency: 'eur',
      members: [member('m1', { taxRate: '100.01' }), member('m1', { monthlyRevenue: '1.234' })],
      split: { mode: 'manual', shares: { m1: '0.12345' } },
      extra: true,
    });
    expect(errors.map((e) => e.field).sort()).toEqual(
      [
        '(body)',
        'currency',
        'members[0].taxRate',
        'members[1].id',
        'members[1].monthlyRevenue',
        'name',
        // '0.12345' is not a share, so no sum is claimed over it: its own error says why.
        'split.shares.m1',
      ].sort(),
    );
  });

  it('bounds members to 1–8', () => {
    expect(errorsOf(createTenantBodySchema, { name: 'x', members: [] })).toEqual([
      { field: 'members', message: 'must have at least 1 member' },
    ]);
    const nine = Array.from({ length: 9 }, (_, i) => member(`m${i}`));
    expect(errorsOf(createTenantBodySchema, { name: 'x', members: nine })).toEqual([
      { field: 'members', message: 'must have at most 8 members' },
    ]);
  });

  it('checks manual shares name exactly the members and sum to exactly 1', () => {
    const members = [member('m1'), member('m2'), member('m3')];
    expect(
      errorsOf(createTenantBodySchema, {
        name: 'x',
        members,
        split: { mode: 'manual', shares: { m1: '0.3333', m2: '0.3333', m3: '0.3334' } },
      }),
    ).toEqual([]);
    expect(errorsOf(createTenantBodySchema, { name: 'x', members, split: { mode: 'manual', shares: { m1: '0.5', m2: '0.5' } } })).toEqual([
      { field: 'split.shares.m3', message: 'missing share for member "m3"' },
    ]);
    expect(
      errorsOf(createTenantBodySchema, { name: 'x', members, split: { mode: 'manual', shares: { m1: '0.5', m2: '0.3', m3: '0.1' } } }),
    ).toEqual([{ field: 'split.shares', message: 'shares must sum to exactly 1' }]);
  });

  it('rejects an unknown split mode and duplicate member ids in a patch', () => {
    expect(errorsOf(patchTenantBodySchema, { split: { mode: 'random' } }).map((e) => e.field)).toEqual(['split.mode']);
    expect(errorsOf(patchTenantBodySchema, { members: [member('a'), member('a')] })).toEqual([
      { field: 'members[1].id', message: 'duplicate member id "a"' },
    ]);
  });

  it('sums shares exactly in ten-thousandths', () => {
    expect(sumShares(['0.1', '0.2', '0.7'])).toBe(10_000n);
    expect(sumShares(['0.3333', '0.3333', '0.3333'])).toBe(9_999n);
  });
});
