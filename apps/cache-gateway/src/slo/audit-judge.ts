import type { AuditOutcome } from '@ledgerline/contracts';

export interface AuditFacts {
  /** The version the cached entry's figures reflect (absent for unversioned reads). */
  entryVersion: string | undefined;
  /** The version the source answered at (absent for unversioned reads). */
  sourceVersion: string | undefined;
  /** Whether the entry's figures equal the source's (decoded bytes). */
  sameFigures: boolean;
  /** Whether the cache would still serve this entry to the next reader of the same request. */
  stillServed: boolean;
}

/**
 * The comparison rules of the consistency auditor.
 *
 * An entry at version v is correct iff it equals the source at v. The source
 * answers at its current version s, so:
 * - s < v: the source is behind the entry (cannot be judged): `unverifiable`;
 * - same figures: `correct` (at s = v; at s > v the changes since did not touch
 *   these figures, and serving them is right);
 * - s = v and other figures: `mismatch`;
 * - s > v and other figures: the entry must have been invalidated — `invalidated`
 *   (correct) when the cache no longer serves it, `stale` when it still does.
 * Unversioned reads compare figures only, like s > v.
 *
 * The caller re-asks once after a grace period before reporting a miss: a
 * change commits before the caches are invalidated, and the watermark is read
 * before the figures, so a miss that is not still there after the grace is the
 * normal race, not an inconsistency.
 */
export function judge(facts: AuditFacts): AuditOutcome {
  const { entryVersion, sourceVersion } = facts;
  const versioned = entryVersion !== undefined && sourceVersion !== undefined;
  if (versioned && BigInt(sourceVersion) < BigInt(entryVersion)) return 'unverifiable';
  if (facts.sameFigures) return 'correct';
  if (versioned && BigInt(sourceVersion) === BigInt(entryVersion)) return 'mismatch';
  return facts.stillServed ? 'stale' : 'invalidated';
}
