import { fieldErrors } from '../common/validation';
import { budgetsBodySchema, MAX_BUDGETS, MAX_WEBHOOKS, webhooksBodySchema } from './budget-limits.schema';

const errorsOf = (schema: typeof budgetsBodySchema | typeof webhooksBodySchema, body: unknown) => {
  const result = schema.safeParse(body);
  return result.success ? [] : fieldErrors(result.error);
};

describe('PUT /v1/budgets body', () => {
  it('accepts limits as amounts like everywhere, trims categories', () => {
    expect(budgetsBodySchema.parse({ budgets: [{ category: ' Groceries ', limit: '400.5' }] })).toEqual({
      budgets: [{ category: 'Groceries', limit: '400.5' }],
    });
    expect(budgetsBodySchema.parse({ budgets: [] })).toEqual({ budgets: [] });
  });

  it('lists every bad field at once', () => {
    const fields = errorsOf(budgetsBodySchema, {
      budgets: [
        { category: '', limit: '1.001' },
        { category: 'A', limit: '0' },
        { category: 'B', limit: '-5.00' },
        { category: 'C', limit: '1e3' },
        { category: 'D\u0000', limit: '1000000000.01' },
      ],
    }).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'budgets[0].category',
        'budgets[0].limit',
        'budgets[1].limit',
        'budgets[2].limit',
        'budgets[3].limit',
        'budgets[4].category',
        'budgets[4].limit',
      ]),
    );
  });

  it('names a category budgeted twice (after trimming) at its second entry', () => {
    expect(
      errorsOf(budgetsBodySchema, {
        budgets: [
          { category: 'Food', limit: '1' },
          { category: 'Food ', limit: '2' },
        ],
      }),
    ).toEqual([{ field: 'budgets[1].category', message: 'names a category already budgeted above' }]);
  });

  it('bounds the list and refuses unknown keys', () => {
    const many = Array.from({ length: MAX_BUDGETS + 1 }, (_, i) => ({ category: `c${i}`, limit: '1' }));
    expect(errorsOf(budgetsBodySchema, { budgets: many }).map((e) => e.field)).toEqual(['budgets']);
    expect(errorsOf(budgetsBodySchema, { budgets: [], extra: 1 }).length).toBeGreaterThan(0);
    expect(errorsOf(budgetsBodySchema, [{ category: 'A', limit: '1' }]).length).toBeGreaterThan(0);
  });
});

describe('PUT /v1/tenant/webhooks body', () => {
  it('takes up to 10 distinct URLs (the SSRF guard judges them in aggregation)', () => {
    expect(webhooksBodySchema.parse({ webhooks: [{ url: ' https://hooks.example.com/a ' }] })).toEqual({
      webhooks: [{ url: 'https://hooks.example.com/a' }],
    });
    const many = Array.from({ length: MAX_WEBHOOKS + 1 }, (_, i) => ({ url: `https://h${i}.example.com/` }));
    expect(errorsOf(webhooksBodySchema, { webhooks: many }).map((e) => e.field)).toEqual(['webhooks']);
    expect(errorsOf(webhooksBodySchema, { webhooks: [{ url: 'https://a.example/' }, { url: 'https://a.example/' }] })).toEqual([
      { field: 'webhooks[1].url', message: 'is listed twice' },
    ]);
    expect(errorsOf(webhooksBodySchema, { webhooks: [{ url: '' }, { url: 'x'.repeat(2001) }, { url: 5 }] }).map((e) => e.field)).toEqual([
      'webhooks[0].url',
      'webhooks[1].url',
      'webhooks[2].url',
    ]);
  });
});
