import type { Op } from './history';

/** What PostgreSQL holds for one write's rows (externalIds `${key}.*`). */
export interface RawCount {
  rows: number;
  distinct: number;
}

/** A seeded row a patch or delete targeted, as it is now (undefined: gone). */
export interface RowNow {
  category: string;
}

/** Per category: how many non-excluded rows and their sum in cents. */
export type Figures = Map<string, { count: number; cents: bigint }>;

export interface RollupSample {
  tenant: string;
  month: string;
  /** Recomputed from raw rows in PostgreSQL. */
  raw: Figures;
  /** The dashboard's answer with `Cache-Control: no-cache`, after quiescence. */
  dashboard: Figures;
  /** The same read without no-cache (what any client gets), equal to the above? */
  cachedMatches: boolean;
}

export interface Verdict {
  writes: { ok: number; fail: number; unknown: number };
  rowsAcknowledged: number;
  rowsLost: number;
  rowsDoubled: number;
  partialBatches: number;
  failedButPresent: number;
  unknownPresent: number;
  unknownAbsent: number;
  changesLost: number;
  failedChangesApplied: number;
  rollupRowsMissing: number;
  rollupRowsExtra: number;
  staleCachedReads: number;
  staleReads: number;
  violations: string[];
}

const ROW_WRITES = new Set(['single', 'batch', 'import']);

/** Checks one phase's history against the final state; every breach of the guarantees is named in `violations`. */
export function check(
  ops: readonly Op[],
  raw: ReadonlyMap<string, RawCount>,
  seeded: ReadonlyMap<string, string>,
  rowsNow: ReadonlyMap<string, RowNow>,
  rollups: readonly RollupSample[],
): Verdict {
  const v: Verdict = {
    writes: { ok: 0, fail: 0, unknown: 0 },
    rowsAcknowledged: 0,
    rowsLost: 0,
    rowsDoubled: 0,
    partialBatches: 0,
    failedButPresent: 0,
    unknownPresent: 0,
    unknownAbsent: 0,
    changesLost: 0,
    failedChangesApplied: 0,
    rollupRowsMissing: 0,
    rollupRowsExtra: 0,
    staleCachedReads: 0,
    staleReads: 0,
    violations: [],
  };
  for (const op of ops) {
    if (op.kind === 'fresh-read') {
      if (op.stale) {
        v.staleReads++;
        v.violations.push(`${op.tenant}: a read after an applied write showed older figures`);
      }
      continue;
    }
    if (op.kind === 'read') continue;
    v.writes[op.outcome]++;
    if (ROW_WRITES.has(op.kind)) checkRows(op, raw.get(op.key as string) ?? { rows: 0, distinct: 0 }, v);
    else checkChange(op, seeded.get(op.transactionId as string), rowsNow.get(op.transactionId as string), v);
  }
  for (const sample of rollups) checkRollup(sample, v);
  return v;
}

function checkRows(op: Op, found: RawCount, v: Verdict): void {
  const size = op.rows as number;
  const label = `${op.kind} ${op.key} (${size} rows, ${op.outcome}${op.status ? ` ${op.status}` : ''})`;
  if (found.rows > found.distinct) {
    v.rowsDoubled += found.rows - found.distinct;
    v.violations.push(`${label}: ${found.rows - found.distinct} rows stored twice`);
  }
  const present = found.distinct;
  if (present > 0 && present < size) {
    v.partialBatches++;
    v.violations.push(`${label}: partial, ${present} of ${size} rows present`);
  }
  if (op.outcome === 'ok') {
    v.rowsAcknowledged += size;
    if (present < size) {
      v.rowsLost += size - present;
      v.violations.push(`${label}: acknowledged, ${size - present} rows lost`);
    }
  } else if (op.outcome === 'fail') {
    if (present > 0) {
      v.failedButPresent++;
      v.violations.push(`${label}: definitely failed, yet ${present} rows present`);
    }
  } else if (present === size) v.unknownPresent++;
  else if (present === 0) v.unknownAbsent++;
}

/** A patch sets a category, a delete removes the row; each seeded row is targeted once. */
function checkChange(op: Op, before: string | undefined, now: RowNow | undefined, v: Verdict): void {
  const applied = op.kind === 'delete' ? now === undefined : now?.category === op.category;
  const untouched = now !== undefined && now.category === before;
  const label = `${op.kind} ${op.transactionId} (${op.outcome}${op.status ? ` ${op.status}` : ''})`;
  if (op.outcome === 'ok' && !applied) {
    v.changesLost++;
    v.violations.push(`${label}: acknowledged but not in the final state`);
  } else if (op.outcome === 'fail' && !untouched) {
    v.failedChangesApplied++;
    v.violations.push(`${label}: definitely failed, yet applied`);
  } else if (op.outcome === 'unknown' && !applied && !untouched) {
    v.violations.push(`${label}: neither applied nor untouched`);
  }
}

function checkRollup(sample: RollupSample, v: Verdict): void {
  const where = `${sample.tenant} ${sample.month}`;
  const categories = new Set([...sample.raw.keys(), ...sample.dashboard.keys()]);
  for (const category of categories) {
    const raw = sample.raw.get(category) ?? { count: 0, cents: 0n };
    const dash = sample.dashboard.get(category) ?? { count: 0, cents: 0n };
    if (raw.count === dash.count && raw.cents === dash.cents) continue;
    if (dash.count < raw.count) v.rollupRowsMissing += raw.count - dash.count;
    if (dash.count > raw.count) v.rollupRowsExtra += dash.count - raw.count;
    v.violations.push(
      `${where} ${category}: dashboard ${dash.count} rows / ${dash.cents} cents, raw rows ${raw.count} / ${raw.cents} cents`,
    );
  }
  if (!sample.cachedMatches) {
    v.staleCachedReads++;
    v.violations.push(`${where}: a cached dashboard read differs from the recomputation after quiescence`);
  }
}

export const violationCount = (v: Verdict): number => v.violations.length;
