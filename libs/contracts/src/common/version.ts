import { z } from 'zod';

/**
 * A tenant's consistency token: the position of a committed change in that
 * tenant's order of changes. Opaque to clients; inside the system it is a
 * decimal counter, so two versions of one tenant compare as integers.
 */
export const versionString = z
  .string({ error: 'must be a version returned by a write' })
  .regex(/^(0|[1-9]\d{0,18})$/, { error: 'must be a version returned by a write' });

export type Version = z.output<typeof versionString>;

/** The header a write answers with, and every dashboard read (the version its figures reflect). */
export const VERSION_HEADER = 'Ledgerline-Version';
/** The header a read sends to be answered at that version or later. */
export const MIN_VERSION_HEADER = 'Ledgerline-Min-Version';

export const versionAtLeast = (version: Version, min: Version): boolean => BigInt(version) >= BigInt(min);
