import { AppError, parseOrThrow } from '@ledgerline/contracts';
import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a body or query at the edge with the same schema the owning service checks on receipt. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request body',
    /** For a single value (a path segment): the field its errors name, instead of `(body)`. */
    private readonly field?: string,
  ) {}

  transform(value: unknown): z.output<S> {
    if (this.field === undefined) return parseOrThrow(this.schema, value, this.what);
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new AppError(
      'validation-failed',
      `The ${this.what} is invalid.`,
      result.error.issues.map((issue) => ({ field: this.field as string, message: issue.message })),
    );
  }
}
