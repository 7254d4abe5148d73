import type { HouseholdSplit, Member } from '@ledgerline/contracts';
import { canonicalDecimal, formatMoney, parseDecimal, parseMoney } from '@ledgerline/money';

/**
 * Stored and returned form: amounts with exactly two decimals, rates and
 * shares without trailing zeros ("22", "18.5", "0.7"). Input was validated
 * already, so a parse failure here is a programming error.
 */
export function normalizeMember(member: Member): Member {
  return {
    id: member.id,
    name: member.name,
    monthlyRevenue: formatMoney(unwrap(parseMoney(member.monthlyRevenue))),
    taxRate: canonicalDecimal(unwrap(parseDecimal(member.taxRate, 2))),
  };
}

export function normalizeSplit(split: HouseholdSplit): HouseholdSplit {
  if (split.mode !== 'manual') return { mode: split.mode };
  const shares = Object.fromEntries(
    Object.entries(split.shares).map(([id, share]) => [id, canonicalDecimal(unwrap(parseDecimal(share, 4)))]),
  );
  return { mode: 'manual', shares };
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!result.ok) throw new Error(`unexpected invalid value: ${result.reason}`);
  return result.value;
}
