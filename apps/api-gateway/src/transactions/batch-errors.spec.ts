import { byRow, unknownMemberErrors } from './batch-errors';

describe('batch errors', () => {
  const members = new Set(['m1', 'm2']);

  it('lists unknown members of rows that name one, once per row', () => {
    const body = { transactions: [{ member: 'm1' }, { member: 'm9' }, {}, { member: 'x' }, null, 'row', { member: 42 }] };
    const formatErrors = [{ index: 3, field: 'member', message: 'must be 1-32 letters' }];
    expect(unknownMemberErrors(body, members, formatErrors)).toEqual([{ index: 1, field: 'member', message: 'unknown member "m9"' }]);
  });

  it('reads nothing out of a body that is not a batch', () => {
    for (const body of [null, undefined, 'x', 42, {}, { transactions: 'no' }]) expect(unknownMemberErrors(body, members, [])).toEqual([]);
  });

  it('orders errors outside the rows first, then by row, keeping each row in its order', () => {
    const errors = [
      { index: 2, field: 'date', message: 'a' },
      { index: 0, field: 'member', message: 'b' },
      { field: '(body)', message: 'c' },
      { index: 2, field: 'amount', message: 'd' },
      { index: 0, field: 'amount', message: 'e' },
    ];
    expect(byRow(errors).map((e) => e.message)).toEqual(['c', 'b', 'e', 'a', 'd']);
  });
});
