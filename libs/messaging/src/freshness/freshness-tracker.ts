import { TopTenants } from './top-tenants';

/** The first of all levels a change was served from: the series every tracker reports besides its own levels. */
export const ANY = 'any';
/**
 * The freshness SLO's indicator, one sample per change that was read: how long
 * after its commit a reader of the months it touched was still served figures
 * without it (0 when none was). Unlike first-served lag it does not grow when
 * nobody reads: a change nobody read late was visible in time.
 */
export const EXPOSURE = 'exposure';
/** `any`, one of the tracker's serving levels (a cache's `l1`, `l2`, `upstream`; the gateway's `near`), or EXPOSURE. */
export type FreshnessSeries = string;

/** The last read of any month of a tenant, for changes that touched all of them. */
const ANY_MONTH = '*';
/** Months whose last read is kept per tenant; past that the tenant's notes start over (months read at once are few). */
const MAX_MONTHS_NOTED = 64;

interface PendingChange {
  version: bigint;
  committedAtMs: number;
  /** Months the change touched; null: all of the tenant's. */
  months: ReadonlySet<string> | null;
  /** Longest time after the commit a reader of these months was served figures without the change. */
  exposureMs: number;
  read: boolean;
}

interface TenantChanges {
  /** Ascending by version. */
  changes: PendingChange[];
  /** Per level (`any` first), the index of the first change not yet served from it (a served version covers a prefix). */
  firstUnseen: Map<string, number>;
}

export interface FreshnessLimits {
  /** Tenants with changes being followed; the least recently changed go first. */
  maxTenants: number;
  /** Changes followed per tenant; the oldest settle first. */
  maxPerTenant: number;
  /** How long a change is followed before its exposure is final and reported. */
  settleMs: number;
  /** Tenants labelled by id; the rest are `other`. */
  topTenants: number;
}

export const DEFAULT_FRESHNESS_LIMITS: FreshnessLimits = { maxTenants: 10_000, maxPerTenant: 512, settleMs: 5_000, topTenants: 10 };

/**
 * Freshness per change, from its commit (told once the change is applied:
 * aggregation's rollups event carries the commits it made visible) and the
 * replies this cache serves: commit → first served from each level, and the
 * exposure (see EXPOSURE). Memory is bounded by the limits whatever the
 * traffic; a read costs a Map lookup, plus a step per change it is the first
 * to cover or is behind.
 */
export class FreshnessTracker {
  private readonly pending = new Map<string, TenantChanges>();
  /**
   * When each tenant-month was last read (`*`: any month). A change is learned
   * of once it is applied, so the reads between its commit and then are found
   * here: they were all served figures without it.
   */
  private readonly lastRead = new Map<string, Map<string, number>>();
  private readonly tenants: TopTenants;
  private readonly levels: readonly string[];

  constructor(
    /** Where this service serves from (a cache's levels); `any` is added. */
    servedLevels: readonly string[],
    private readonly limits: FreshnessLimits,
    private readonly observe: (series: FreshnessSeries, tenant: string, lagMs: number) => void,
    onTenantDropped: (tenant: string) => void = () => undefined,
  ) {
    this.tenants = new TopTenants(limits.topTenants, 5_000, 10_000, onTenantDropped);
    this.levels = [ANY, ...servedLevels.filter((level) => level !== ANY)];
  }

  committed(tenantId: string, version: string, months: readonly string[] | undefined, committedAtMs: number, nowMs: number): void {
    if (!Number.isFinite(committedAtMs)) return;
    this.tenants.count(tenantId, nowMs);
    let entry = this.pending.get(tenantId);
    if (entry) this.pending.delete(tenantId); // re-inserted last: the Map's order is least recently changed first
    entry ??= { changes: [], firstUnseen: new Map(this.levels.map((level) => [level, 0])) };
    this.pending.set(tenantId, entry);
    const v = BigInt(version);
    const { changes } = entry;
    if (changes.some((c) => c.version === v)) return;
    let at = changes.length;
    while (at > 0 && (changes[at - 1] as PendingChange).version > v) at--;
    changes.splice(at, 0, {
      version: v,
      committedAtMs,
      months: months && months.length > 0 ? new Set(months) : null,
      exposureMs: 0,
      read: false,
    });
    for (const [level, first] of entry.firstUnseen) if (first > at) entry.firstUnseen.set(level, first + 1);
    this.exposedBefore(tenantId, changes[at] as PendingChange);
    if (changes.length > this.limits.maxPerTenant) this.settle(tenantId, entry, 1);
    if (this.pending.size > this.limits.maxTenants) {
      const [oldest, old] = this.pending.entries().next().value as [string, TenantChanges];
      this.settle(oldest, old, old.changes.length);
      this.pending.delete(oldest);
    }
  }

  /**
   * Reads of the change's months after its commit and before it was learned of: the latest one is its
   * exposure so far. (A read that already reflected it — a cache refilled between the apply and the event —
   * counts too: the figure errs on the late side, never the early one.)
   */
  private exposedBefore(tenantId: string, change: PendingChange): void {
    const reads = this.lastRead.get(tenantId);
    if (!reads) return;
    const last = change.months === null ? reads.get(ANY_MONTH) : Math.max(...[...change.months].map((m) => reads.get(m) ?? -Infinity));
    if (last === undefined || last < change.committedAtMs) return;
    change.read = true;
    change.exposureMs = Math.max(change.exposureMs, last - change.committedAtMs);
  }

  private noteRead(tenantId: string, months: readonly string[], nowMs: number): void {
    let reads = this.lastRead.get(tenantId);
    if (!reads || reads.size > MAX_MONTHS_NOTED) {
      if (reads) this.lastRead.delete(tenantId);
      this.lastRead.set(tenantId, (reads = new Map()));
      if (this.lastRead.size > this.limits.maxTenants) this.lastRead.delete(this.lastRead.keys().next().value as string);
    }
    reads.set(ANY_MONTH, nowMs);
    for (const month of months) reads.set(month, nowMs);
  }

  /** A reply of the tenant reflecting `version`, for `months` (empty: not month-scoped), was served from `level`. */
  served(
    tenantId: string,
    version: string | undefined,
    months: readonly string[],
    level: string,
    nowMs: number,
  ): void {
    if (months.length > 0) this.noteRead(tenantId, months, nowMs);
    const entry = this.pending.get(tenantId);
    if (!entry || version === undefined) return;
    const v = BigInt(version);
    const { changes } = entry;
    const label = this.tenants.label(tenantId);
    for (const series of [ANY, level]) {
      let i = entry.firstUnseen.get(series);
      if (i === undefined) continue; // not one of this tracker's levels
      for (; i < changes.length && (changes[i] as PendingChange).version <= v; i++) {
        const change = changes[i] as PendingChange;
        change.read = true;
        this.observe(series, label, Math.max(0, nowMs - change.committedAtMs));
      }
      entry.firstUnseen.set(series, i);
    }
    // Changes this reply is behind: the reader did not see them (if they touched what it read).
    for (let i = changes.length - 1; i >= 0 && (changes[i] as PendingChange).version > v; i--) {
      const change = changes[i] as PendingChange;
      if (months.length === 0 || (change.months !== null && !months.some((m) => change.months?.has(m)))) continue;
      change.read = true;
      change.exposureMs = Math.max(change.exposureMs, nowMs - change.committedAtMs);
    }
  }

  /** Reports the exposure of changes followed long enough, and forgets them (called on a timer). */
  settleDue(nowMs: number): void {
    for (const [tenant, entry] of this.pending) {
      let due = 0;
      while (due < entry.changes.length && nowMs - (entry.changes[due] as PendingChange).committedAtMs >= this.limits.settleMs) due++;
      if (due > 0) this.settle(tenant, entry, due);
      if (entry.changes.length === 0) this.pending.delete(tenant);
    }
  }

  get following(): number {
    let n = 0;
    for (const entry of this.pending.values()) n += entry.changes.length;
    return n;
  }

  private settle(tenantId: string, entry: TenantChanges, count: number): void {
    const label = this.tenants.label(tenantId);
    for (const change of entry.changes.splice(0, count)) if (change.read) this.observe(EXPOSURE, label, Math.max(0, change.exposureMs));
    for (const [level, first] of entry.firstUnseen) entry.firstUnseen.set(level, Math.max(0, first - count));
  }
}
