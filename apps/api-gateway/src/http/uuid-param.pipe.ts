import { AppError, uuidString } from '@ledgerline/contracts';
import { Injectable, type PipeTransform } from '@nestjs/common';

/**
 * An id in a path. A malformed one names no resource, so it is a 404 like an
 * unknown one (not a 422 about a body the client never sent).
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<unknown, string> {
  constructor(private readonly what: string) {}

  transform(value: unknown): string {
    const parsed = uuidString.safeParse(value);
    if (!parsed.success) throw new AppError('not-found', `No ${this.what} has this id.`);
    return parsed.data;
  }
}
