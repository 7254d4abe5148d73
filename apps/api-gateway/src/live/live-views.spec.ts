import { affectedViews, nextMonth } from './live-views';

describe('affectedViews', () => {
  it('names every view of a changed month and the next month’s stats', () => {
    expect(affectedViews(['2026-12'])).toEqual([
      { month: '2026-12', view: 'summary' },
      { month: '2026-12', view: 'breakdown' },
      { month: '2026-12', view: 'stats' },
      { month: '2027-01', view: 'stats' },
    ]);
  });

  it('steps months across years', () => {
    expect(nextMonth('2026-03')).toBe('2026-04');
    expect(nextMonth('0999-12')).toBe('1000-01');
  });
});
