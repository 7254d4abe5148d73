import { z } from 'zod';
import { decimalUnits } from '../common/decimal-text';
import { decimalField, nonNegativeMoney } from '../common/primitives';
import { textField } from '../common/text';
import { whenValid } from '../common/validation';

export const MAX_MEMBERS = 8;

export const memberIdSchema = z
  .string({ error: 'must be a member id like "m1"' })
  .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'must be 1-32 letters, digits, "-" or "_"' });

const taxRate = decimalField({
  maxDecimals: 2,
  label: 'a percentage like "22" or "18.5"',
  range: (hundredths) => (hundredths < 0n || hundredths > 100_00n ? 'must be between 0 and 100' : undefined),
});

export const memberSchema = z.strictObject({
  id: memberIdSchema,
  name: textField({ trim: true, min: 1, max: 100 }),
  monthlyRevenue: nonNegativeMoney,
  taxRate,
});

/** A manual split share: 0–1 with at most 4 decimals. */
export const shareSchema = decimalField({
  maxDecimals: 4,
  label: 'a ratio like "0.7"',
  range: (tenThousandths) => (tenThousandths < 0n || tenThousandths > 10_000n ? 'must be between 0 and 1' : undefined),
});

export const householdSplitSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('proportional') }),
    z.strictObject({ mode: z.literal('equal') }),
    z.strictObject({ mode: z.literal('manual'), shares: z.record(memberIdSchema, shareSchema) }),
  ],
  { error: 'mode must be one of proportional, equal, manual' },
);

export type Member = z.output<typeof memberSchema>;
export type HouseholdSplit = z.output<typeof householdSplitSchema>;

/**
 * Sum of shares with at most 4 decimals, exactly, as ten-thousandths; undefined
 * when one of them is not a share (its own field error says why).
 */
export function sumShares(shares: readonly string[]): bigint | undefined {
  let total = 0n;
  for (const share of shares) {
    const units = decimalUnits(share, 4);
    if (units === undefined) return undefined;
    total += units;
  }
  return total;
}

/** Checks that need the member list: unique ids, manual shares naming exactly the members and summing to 1. */
export function checkMembersAndSplit(
  members: readonly Member[] | undefined,
  split: HouseholdSplit | undefined,
  ctx: z.RefinementCtx,
): void {
  if (members) {
    const seen = new Set<string>();
    members.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['members', i, 'id'], message: `duplicate member id "${m.id}"` });
      seen.add(m.id);
    });
  }
  if (members && split?.mode === 'manual') {
    const ids = new Set(members.map((m) => m.id));
    for (const key of Object.keys(split.shares)) {
      if (!ids.has(key)) ctx.addIssue({ code: 'custom', path: ['split', 'shares', key], message: `unknown member "${key}"` });
    }
    for (const id of ids) {
      if (!(id in split.shares))
        ctx.addIssue({ code: 'custom', path: ['split', 'shares', id], message: `missing share for member "${id}"` });
    }
    const sum = sumShares(Object.values(split.shares));
    if (sum !== undefined && sum !== 10_000n) {
      ctx.addIssue({ code: 'custom', path: ['split', 'shares'], message: 'shares must sum to exactly 1' });
    }
  }
}

/**
 * What the member/split cross-checks read: they still run when other member
 * fields (names, revenues) are invalid, so every error is listed at once.
 */
const CROSS_CHECK_SHAPE = {
  members: z.array(z.object({ id: z.string() })),
  split: z.union([
    z.object({ mode: z.enum(['proportional', 'equal']) }),
    // Share values are not read here but by sumShares, which skips the sum when one of them is invalid.
    z.object({ mode: z.literal('manual'), shares: z.record(z.string(), z.unknown()) }),
  ]),
};

const membersSchema = z
  .array(memberSchema, { error: 'must be a list of members' })
  .min(1, { error: 'must have at least 1 member' })
  .max(MAX_MEMBERS, { error: `must have at most ${MAX_MEMBERS} members` });

const tenantFields = {
  name: textField({ trim: true, min: 1, max: 200 }),
  currency: z.string({ error: 'must be an ISO 4217 code' }).regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code like "EUR"' }),
  members: membersSchema,
  split: householdSplitSchema,
};

/** Body of `POST /v1/tenants`. */
export const createTenantBodySchema = z
  .strictObject({
    name: tenantFields.name,
    currency: tenantFields.currency.default('EUR'),
    members: tenantFields.members,
    split: tenantFields.split.default({ mode: 'proportional' }),
  })
  .superRefine((body, ctx) => checkMembersAndSplit(body.members, body.split, ctx), whenValid(CROSS_CHECK_SHAPE));

/** Body of `PATCH /v1/tenant`: any subset; the merged result is checked as a whole by the owner. */
export const patchTenantBodySchema = z
  .strictObject({
    name: tenantFields.name.optional(),
    currency: tenantFields.currency.optional(),
    members: tenantFields.members.optional(),
    split: tenantFields.split.optional(),
  })
  .superRefine(
    (body, ctx) => checkMembersAndSplit(body.members, undefined, ctx),
    whenValid({ members: CROSS_CHECK_SHAPE.members.optional() }),
  );

/** A complete, consistent tenant configuration (what the owner stores). */
export const tenantConfigSchema = z
  .strictObject(tenantFields)
  .superRefine((body, ctx) => checkMembersAndSplit(body.members, body.split, ctx), whenValid(CROSS_CHECK_SHAPE));

export type CreateTenantBody = z.output<typeof createTenantBodySchema>;
export type PatchTenantBody = z.output<typeof patchTenantBodySchema>;

/** As returned by the API: amounts with two decimals, rates and shares without trailing zeros. */
export interface TenantConfig {
  id: string;
  name: string;
  currency: string;
  members: Member[];
  split: HouseholdSplit;
}
