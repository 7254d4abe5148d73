import { z } from 'zod';
import { decimalField, monthString, nonNegativeMoney, positiveMoney } from '../common/primitives';
import { textField } from '../common/text';
import { whenValid } from '../common/validation';
import { memberIdSchema, shareSchema, sumShares } from '../tenant/tenant-config.schema';

/**
 * Fixed lines and provisions. These schemas check everything that can be
 * checked without the tenant's member list; the provisions service adds the
 * member checks (unknown member in a split or base) because it owns the config.
 */

/** Percent of a base: 0 < percent ≤ 100, at most 4 decimals. */
const percentSchema = decimalField({
  maxDecimals: 4,
  label: 'a percentage like "5" or "12.5"',
  range: (units) => (units <= 0n || units > 100_0000n ? 'must be greater than 0 and at most 100' : undefined),
});

const nameSchema = textField({ trim: true, min: 1, max: 200 });

const categorySchema = textField({ trim: true, min: 1, max: 100 });

/** How one fixed line or provision is shared between members. */
export const lineSplitSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('household') }),
    z.strictObject({ mode: z.literal('equal') }),
    z.strictObject({ mode: z.literal('member'), member: memberIdSchema }),
    z.strictObject({ mode: z.literal('manual'), shares: z.record(memberIdSchema, shareSchema) }).refine(
      (s) => {
        // An invalid share has its own error; the sum is only checked over valid ones.
        const sum = sumShares(Object.values(s.shares));
        return sum === undefined || sum === 10_000n;
      },
      {
        error: 'shares must sum to exactly 1',
        path: ['shares'],
      },
    ),
  ],
  { error: 'mode must be one of household, equal, member, manual' },
);
export type LineSplit = z.output<typeof lineSplitSchema>;

const optionalMonth = monthString.nullable().optional();

interface MonthRange {
  startMonth?: string | null;
  endMonth?: string | null;
}

/** endMonth ≥ startMonth, checked even when other fields are invalid. */
const endAfterStart = (body: MonthRange) => !(body.startMonth && body.endMonth && body.endMonth < body.startMonth);
const monthRangeCheck = {
  error: 'must not be before startMonth',
  path: ['endMonth'],
  ...whenValid({ startMonth: optionalMonth, endMonth: optionalMonth }),
};

const fixedLineFields = {
  name: nameSchema,
  category: categorySchema,
  amount: positiveMoney,
  frequency: z.enum(['monthly', 'quarterly', 'yearly'], { error: 'must be one of monthly, quarterly, yearly' }),
  split: lineSplitSchema,
  active: z.boolean({ error: 'must be true or false' }),
  startMonth: optionalMonth,
  endMonth: optionalMonth,
};

/** Body of `POST /v1/fixed-lines` (and the merged result of a PATCH). */
export const fixedLineBodySchema = z
  .strictObject({
    ...fixedLineFields,
    split: fixedLineFields.split.default({ mode: 'household' }),
    active: fixedLineFields.active.default(true),
  })
  .refine(endAfterStart, monthRangeCheck);

/** Body of `PATCH /v1/fixed-lines/{id}`: any subset; the owner re-checks the merged line. */
export const fixedLinePatchSchema = z.strictObject({
  name: fixedLineFields.name.optional(),
  category: fixedLineFields.category.optional(),
  amount: fixedLineFields.amount.optional(),
  frequency: fixedLineFields.frequency.optional(),
  split: fixedLineFields.split.optional(),
  active: fixedLineFields.active.optional(),
  startMonth: optionalMonth,
  endMonth: optionalMonth,
});

export type FixedLineBody = z.output<typeof fixedLineBodySchema>;
export type FixedLinePatch = z.output<typeof fixedLinePatchSchema>;

export interface FixedLine {
  id: string;
  name: string;
  category: string;
  amount: string;
  frequency: 'monthly' | 'quarterly' | 'yearly';
  /** amount ÷ 1, 3 or 12, rounded half away from zero to cents. */
  monthlyAmount: string;
  split: LineSplit;
  active: boolean;
  startMonth: string | null;
  endMonth: string | null;
  createdAt: string;
  updatedAt: string;
}

const provisionCommon = {
  name: nameSchema,
  split: lineSplitSchema.default({ mode: 'household' }),
  target: positiveMoney.nullable().optional(),
  saved: nonNegativeMoney.optional(),
  active: z.boolean({ error: 'must be true or false' }).default(true),
  startMonth: optionalMonth,
  endMonth: optionalMonth,
};

/** `base` is `household` or a member id. */
const baseSchema = z.union([z.literal('household'), memberIdSchema], { error: 'must be "household" or a member id' });

/** Body of `POST /v1/provisions` (and the merged result of a PATCH). */
export const provisionBodySchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('percent'), percent: percentSchema, base: baseSchema.default('household'), ...provisionCommon }),
      z.strictObject({ kind: z.literal('fixed'), amount: positiveMoney, ...provisionCommon }),
    ],
    { error: 'kind must be one of percent, fixed' },
  )
  .refine(endAfterStart, monthRangeCheck);

/** Body of `PATCH /v1/provisions/{id}`: any subset; switching `kind` drops the other kind's fields. */
export const provisionPatchSchema = z.strictObject({
  name: nameSchema.optional(),
  kind: z.enum(['percent', 'fixed'], { error: 'kind must be one of percent, fixed' }).optional(),
  percent: percentSchema.optional(),
  base: baseSchema.optional(),
  amount: positiveMoney.optional(),
  split: lineSplitSchema.optional(),
  target: positiveMoney.nullable().optional(),
  saved: nonNegativeMoney.optional(),
  active: z.boolean({ error: 'must be true or false' }).optional(),
  startMonth: optionalMonth,
  endMonth: optionalMonth,
});

export type ProvisionBody = z.output<typeof provisionBodySchema>;
export type ProvisionPatch = z.output<typeof provisionPatchSchema>;

export interface Provision {
  id: string;
  name: string;
  kind: 'percent' | 'fixed';
  /** Set for `percent` provisions, null for `fixed`. */
  percent: string | null;
  base: string | null;
  /** Set for `fixed` provisions, null for `percent`. */
  amount: string | null;
  split: LineSplit;
  target: string | null;
  saved: string;
  active: boolean;
  startMonth: string | null;
  endMonth: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MemberAmount {
  member: string;
  amount: string;
}

/** `GET /v1/provisions/calculate?month=`. */
export interface ProvisionsCalculation {
  month: string;
  householdNet: string;
  provisions: {
    id: string;
    name: string;
    monthlyAmount: string;
    shares: MemberAmount[];
    target: string | null;
    saved: string;
    progress: string | null;
    monthsToTarget: number | null;
  }[];
  totals: { total: string; members: MemberAmount[] };
}

/**
 * What the summary needs from the budget side for one month, with every
 * split already allocated. `householdWeights` are the integer weights of the
 * tenant's split policy (in member order) so the variable expenses can be
 * split with `allocate` from libs/money — the one place that rule lives.
 */
export interface MonthPlan {
  month: string;
  currency: string;
  revenue: { gross: string; net: string };
  fixedPlanned: string;
  fixedCount: number;
  provisions: { total: string; count: number };
  householdWeights: string[];
  members: {
    id: string;
    name: string;
    gross: string;
    net: string;
    /** The member's household-policy ratio, 4 decimals, display only. */
    share: string;
    /** The member's allocated part of every active fixed line, summed. */
    fixed: string;
    /** The member's allocated part of every active provision, summed. */
    provisions: string;
  }[];
}
