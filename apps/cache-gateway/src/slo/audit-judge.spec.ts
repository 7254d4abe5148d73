import { judge } from './audit-judge';

describe('consistency audit rules', () => {
  const facts = (entryVersion: string | undefined, sourceVersion: string | undefined, sameFigures: boolean, stillServed: boolean) => ({
    entryVersion,
    sourceVersion,
    sameFigures,
    stillServed,
  });

  it('is correct when the figures equal the source at the entry version', () => {
    expect(judge(facts('7', '7', true, true))).toBe('correct');
  });

  it('is correct when the source moved but these figures did not change (another month changed)', () => {
    expect(judge(facts('7', '9', true, true))).toBe('correct');
  });

  it('is a mismatch when the source at the same version holds other figures', () => {
    expect(judge(facts('7', '7', false, true))).toBe('mismatch');
    expect(judge(facts('7', '7', false, false))).toBe('mismatch');
  });

  it('is stale when the source moved, the figures differ and the entry is still served', () => {
    expect(judge(facts('7', '8', false, true))).toBe('stale');
  });

  it('is invalidated (correct) when the source moved and the entry is no longer served', () => {
    expect(judge(facts('7', '8', false, false))).toBe('invalidated');
  });

  it('cannot judge an entry newer than the source', () => {
    expect(judge(facts('9', '8', false, true))).toBe('unverifiable');
    expect(judge(facts('9', '8', true, true))).toBe('unverifiable');
  });

  it('compares versions as integers, not text', () => {
    expect(judge(facts('10', '9', false, true))).toBe('unverifiable');
    expect(judge(facts('9', '10', false, true))).toBe('stale');
  });

  it('judges unversioned reads by figures and whether the entry is still served', () => {
    expect(judge(facts(undefined, undefined, true, true))).toBe('correct');
    expect(judge(facts(undefined, undefined, false, true))).toBe('stale');
    expect(judge(facts(undefined, undefined, false, false))).toBe('invalidated');
  });
});
