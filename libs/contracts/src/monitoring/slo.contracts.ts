import { z } from 'zod';
import { defineEvent } from '../common/contract';

/**
 * How one audited cached answer compared with a recomputation from the source:
 * - `correct`: same figures as the source (at the entry's version, or later
 *   when the changes since did not touch these figures);
 * - `invalidated`: the source moved on and the cache no longer serves the entry;
 * - `stale`: the source moved on, the figures differ, and the cache still serves
 *   the entry after the grace period (a lost invalidation);
 * - `mismatch`: the source at the entry's own version holds other figures;
 * - `unverifiable`: the source could not be asked, or answered at an older version.
 * `stale` and `mismatch` are misses; `unverifiable` is not counted.
 */
export const auditOutcomeSchema = z.enum(['correct', 'invalidated', 'stale', 'mismatch', 'unverifiable']);
export type AuditOutcome = z.output<typeof auditOutcomeSchema>;

export const isAuditMiss = (outcome: AuditOutcome): boolean => outcome === 'stale' || outcome === 'mismatch';
export const isAuditCounted = (outcome: AuditOutcome): boolean => outcome !== 'unverifiable';

/** One audit by a cache's consistency auditor (a few per second at most). */
export const cacheAudited = defineEvent(
  'events.slo.cache-audited.v1',
  z.object({
    service: z.string(),
    replica: z.string(),
    route: z.string(),
    /** The cache level the answer was served from when it was sampled. */
    level: z.string(),
    key: z.string(),
    outcome: auditOutcomeSchema,
    entryVersion: z.string().nullable(),
    sourceVersion: z.string().nullable(),
    /** How long this replica had held the entry when it was judged. */
    ageMs: z.number().min(0),
    /** The trace of a request the entry was served to. */
    traceId: z.string().nullable(),
    auditedAt: z.string(),
  }),
);

/**
 * Commit → first served, per change, batched by each cache replica about once a
 * second. `level` is where the change was first seen (`any` is the first of all
 * levels: the freshness SLO's indicator); `tenant` is bounded (top tenants, else `other`).
 */
export const freshnessObserved = defineEvent(
  'events.slo.freshness-observed.v1',
  z.object({
    service: z.string(),
    replica: z.string(),
    samples: z.array(z.object({ level: z.string(), tenant: z.string(), lagMs: z.number().min(0) })).max(5_000),
    /** Samples left out of this batch to keep it bounded. */
    dropped: z.number().int().min(0),
  }),
);

export type CacheAudit = z.output<typeof cacheAudited.payload>;
export type FreshnessBatch = z.output<typeof freshnessObserved.payload>;

/** What the monitoring service reports about freshness and consistency over one window. */
export interface FreshnessWindow {
  service: string;
  /** Where changes were first seen: `any` (the SLO's indicator) or one cache level. */
  level: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of changes first served within the SLO threshold. */
  withinThreshold: number | null;
  thresholdMs: number;
}

export interface ConsistencyWindow {
  service: string;
  audited: number;
  misses: number;
  ratio: number | null;
  /** −log10(1 − ratio); with no miss, log10(audited) and `ninesAtLeast`. */
  nines: number | null;
  ninesAtLeast: boolean;
}

export interface AuditMiss {
  service: string;
  replica: string;
  route: string;
  level: string;
  key: string;
  outcome: AuditOutcome;
  entryVersion: string | null;
  sourceVersion: string | null;
  ageMs: number;
  traceId: string | null;
  auditedAt: string;
}

export interface SloSnapshot {
  window: string;
  freshness: FreshnessWindow[];
  consistency: ConsistencyWindow[];
  lastMisses: AuditMiss[];
}
