import type { LineSplit, MemberAmount, MonthPlan, ProvisionsCalculation, TenantConfig } from '@ledgerline/contracts';
import {
  allocate,
  equalWeights,
  formatMoney,
  formatPercent,
  formatRatio,
  manualWeights,
  monthlyEquivalent,
  monthsToTarget,
  netRevenue,
  parseMoney,
  percentOf,
  proportionalWeights,
  type Cents,
  type Frequency,
} from '@ledgerline/money';

/**
 * The budget side of a month, as pure functions over the stored terms: which
 * fixed lines and provisions apply, how much each costs, and how it is split.
 * Every rounding and allocation is delegated to libs/money.
 */

interface Scheduled {
  active: boolean;
  startMonth: string | null;
  endMonth: string | null;
}

export interface FixedLineTerms extends Scheduled {
  id: string;
  name: string;
  amount: Cents;
  frequency: Frequency;
  split: LineSplit;
}

export interface ProvisionTerms extends Scheduled {
  id: string;
  name: string;
  kind: 'percent' | 'fixed';
  percent: string | null;
  base: string | null;
  amount: Cents | null;
  split: LineSplit;
  target: Cents | null;
  saved: Cents;
}

/** Active and inside its optional [startMonth, endMonth] range (months compare as text). */
export function appliesIn(line: Scheduled, month: string): boolean {
  return line.active && (line.startMonth === null || line.startMonth <= month) && (line.endMonth === null || line.endMonth >= month);
}

/** The tenant's members with their net revenue and household-policy weight, in member order. */
export class Household {
  readonly ids: string[];
  readonly gross: Cents[];
  readonly nets: Cents[];
  readonly weights: bigint[];

  constructor(readonly config: TenantConfig) {
    this.ids = config.members.map((m) => m.id);
    this.gross = config.members.map((m) => money(m.monthlyRevenue));
    this.nets = config.members.map((m, i) => netRevenue(this.gross[i] as Cents, m.taxRate));
    this.weights = policyWeights(config, this.nets);
  }

  get net(): Cents {
    return sum(this.nets);
  }

  /** Net revenue of `base`: the household, or one member (0 if the member was removed since). */
  baseNet(base: string | null): Cents {
    if (base === null || base === 'household') return this.net;
    const index = this.ids.indexOf(base);
    return index < 0 ? 0n : (this.nets[index] as Cents);
  }

  /**
   * Integer weights for a line's split. A split naming only members that were
   * removed from the tenant since falls back to the household policy, so an
   * amount is never left unallocated.
   */
  weightsFor(split: LineSplit): bigint[] {
    let weights: bigint[];
    switch (split.mode) {
      case 'household':
        return this.weights;
      case 'equal':
        return equalWeights(this.ids.length);
      case 'member':
        weights = this.ids.map((id) => (id === split.member ? 1n : 0n));
        break;
      case 'manual':
        weights = this.ids.map((id) => {
          const share = split.shares[id];
          return share === undefined ? 0n : (manualWeights([share])[0] as bigint);
        });
        break;
    }
    return weights.some((w) => w > 0n) ? weights : this.weights;
  }

  split(amount: Cents, split: LineSplit): Cents[] {
    return allocate(amount, this.weightsFor(split));
  }

  asMemberAmounts(amounts: readonly Cents[]): MemberAmount[] {
    return this.ids.map((member, i) => ({ member, amount: formatMoney(amounts[i] as Cents) }));
  }
}

function policyWeights(config: TenantConfig, nets: readonly Cents[]): bigint[] {
  switch (config.split.mode) {
    case 'proportional':
      return proportionalWeights(nets);
    case 'equal':
      return equalWeights(nets.length);
    case 'manual': {
      const shares = config.split.shares;
      return manualWeights(config.members.map((m) => shares[m.id] ?? '0'));
    }
  }
}

export function provisionMonthlyAmount(provision: ProvisionTerms, household: Household): Cents {
  if (provision.kind === 'fixed') return provision.amount ?? 0n;
  return percentOf(household.baseNet(provision.base), provision.percent ?? '0');
}

export function calculateProvisions(config: TenantConfig, provisions: readonly ProvisionTerms[], month: string): ProvisionsCalculation {
  const household = new Household(config);
  const totals = household.ids.map(() => 0n);
  const rows = provisions
    .filter((p) => appliesIn(p, month))
    .map((p) => {
      const monthly = provisionMonthlyAmount(p, household);
      const shares = household.split(monthly, p.split);
      shares.forEach((share, i) => (totals[i] = (totals[i] as Cents) + share));
      return {
        id: p.id,
        name: p.name,
        monthlyAmount: formatMoney(monthly),
        shares: household.asMemberAmounts(shares),
        target: p.target === null ? null : formatMoney(p.target),
        saved: formatMoney(p.saved),
        progress: p.target === null ? null : formatPercent(p.saved, p.target, 1),
        monthsToTarget: p.target === null ? null : monthsToTarget(p.target, p.saved, monthly),
      };
    });
  return {
    month,
    householdNet: formatMoney(household.net),
    provisions: rows,
    totals: { total: formatMoney(sum(totals)), members: household.asMemberAmounts(totals) },
  };
}

export function monthPlan(
  config: TenantConfig,
  fixedLines: readonly FixedLineTerms[],
  provisions: readonly ProvisionTerms[],
  month: string,
): MonthPlan {
  const household = new Household(config);
  const fixedShares = household.ids.map(() => 0n);
  const provisionShares = household.ids.map(() => 0n);
  const activeLines = fixedLines.filter((l) => appliesIn(l, month));
  const activeProvisions = provisions.filter((p) => appliesIn(p, month));
  for (const line of activeLines) {
    household
      .split(monthlyEquivalent(line.amount, line.frequency), line.split)
      .forEach((s, i) => (fixedShares[i] = (fixedShares[i] as Cents) + s));
  }
  for (const provision of activeProvisions) {
    household
      .split(provisionMonthlyAmount(provision, household), provision.split)
      .forEach((s, i) => (provisionShares[i] = (provisionShares[i] as Cents) + s));
  }
  const totalWeight = sum(household.weights);
  return {
    month,
    currency: config.currency,
    revenue: { gross: formatMoney(sum(household.gross)), net: formatMoney(household.net) },
    fixedPlanned: formatMoney(sum(fixedShares)),
    fixedCount: activeLines.length,
    provisions: { total: formatMoney(sum(provisionShares)), count: activeProvisions.length },
    householdWeights: household.weights.map(String),
    members: config.members.map((m, i) => ({
      id: m.id,
      name: m.name,
      gross: formatMoney(household.gross[i] as Cents),
      net: formatMoney(household.nets[i] as Cents),
      share: formatRatio(household.weights[i] as bigint, totalWeight, 4),
      fixed: formatMoney(fixedShares[i] as Cents),
      provisions: formatMoney(provisionShares[i] as Cents),
    })),
  };
}

function sum(values: readonly Cents[]): Cents {
  return values.reduce((a, b) => a + b, 0n);
}

function money(text: string): Cents {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`stored amount "${text}" is not money: ${parsed.reason}`);
  return parsed.value;
}
