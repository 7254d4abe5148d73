import { z } from 'zod';
import { AppError, type FieldError } from './problem';

/** `members[0].taxRate` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(body)' : out;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message }));
}

/** Parses or throws a 422 listing every invalid field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('validation-failed', `The ${what} has invalid fields.`, fieldErrors(result.error));
  }
  return result.data;
}

/**
 * Errors of a batch body (`{ transactions: [...] }`) as rows: `transactions[3].amount`
 * becomes `{ index: 3, field: 'amount' }`; errors outside the rows keep their path.
 */
export function rowErrors(error: z.ZodError, listKey: string): FieldError[] {
  return error.issues.map((issue) => {
    const [key, index, ...rest] = issue.path;
    if (key === listKey && typeof index === 'number') {
      return { index, field: rest.length > 0 ? fieldPath(rest) : '(row)', message: issue.message };
    }
    return { field: fieldPath(issue.path), message: issue.message };
  });
}

/**
 * Options for a cross-field refinement that must run even when other fields
 * failed (zod skips refinements after an aborting issue otherwise), as long as
 * the fields it reads are valid — so one 422 lists every error.
 */
export function whenValid(fields: Record<string, z.ZodType>): { when: (payload: { value: unknown }) => boolean } {
  return {
    when: ({ value }) =>
      typeof value === 'object' &&
      value !== null &&
      Object.entries(fields).every(([key, schema]) => schema.safeParse((value as Record<string, unknown>)[key]).success),
  };
}
