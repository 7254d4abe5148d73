import { parseOrThrow } from '@ledgerline/contracts';
import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a body or query at the edge with the same schema the owning service checks on receipt. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request body',
  ) {}

  transform(value: unknown): z.output<S> {
    return parseOrThrow(this.schema, value, this.what);
  }
}
