import { z } from 'zod';

/**
 * Every text field in the API is Unicode text without NUL characters or
 * unpaired surrogates (SPEC.md): PostgreSQL refuses both, so letting one
 * through turns a client's mistake into a 500.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isPlainText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

export const PLAIN_TEXT_ERROR = 'must not contain NUL characters or unpaired surrogates';

export interface TextOptions {
  max: number;
  /** At least this many characters (after trimming when `trim`). */
  min?: number;
  trim?: boolean;
  /** The error for a missing value or a non-string. */
  typeError?: string;
}

/** A text field: a string, plain text, within its length bounds; every failing rule is reported. */
export function textField({ max, min = 0, trim = false, typeError = 'must be a string' }: TextOptions) {
  let schema = z.string({ error: typeError });
  if (trim) schema = schema.trim();
  schema = schema.refine(isPlainText, { error: PLAIN_TEXT_ERROR });
  if (min > 0) schema = schema.min(min, { error: min === 1 ? 'must not be empty' : `must be at least ${min} characters` });
  return schema.max(max, { error: `must be at most ${max} characters` });
}
