import type { FieldError, LineSplit } from '@ledgerline/contracts';
import { canonicalDecimal, parseDecimal } from '@ledgerline/money';

/** Field errors for a split or base that names members the tenant does not have. */
export function unknownMemberErrors(memberIds: readonly string[], split: LineSplit, base?: string | null): FieldError[] {
  const known = new Set(memberIds);
  const errors: FieldError[] = [];
  if (split.mode === 'member' && !known.has(split.member)) {
    errors.push({ field: 'split.member', message: `unknown member "${split.member}"` });
  }
  if (split.mode === 'manual') {
    for (const id of Object.keys(split.shares)) {
      if (!known.has(id)) errors.push({ field: `split.shares.${id}`, message: `unknown member "${id}"` });
    }
  }
  if (base !== undefined && base !== null && base !== 'household' && !known.has(base)) {
    errors.push({ field: 'base', message: `unknown member "${base}"` });
  }
  return errors;
}

/** Stored form: manual shares without trailing zeros ("0.70" → "0.7"). */
export function normalizeLineSplit(split: LineSplit): LineSplit {
  if (split.mode !== 'manual') return split;
  return { mode: 'manual', shares: Object.fromEntries(Object.entries(split.shares).map(([id, share]) => [id, canonical(share, 4)])) };
}

/** A validated decimal string without trailing zeros. */
export function canonical(text: string, maxDecimals: number): string {
  const parsed = parseDecimal(text, maxDecimals);
  if (!parsed.ok) throw new Error(`validated decimal "${text}" did not parse: ${parsed.reason}`);
  return canonicalDecimal(parsed.value);
}
