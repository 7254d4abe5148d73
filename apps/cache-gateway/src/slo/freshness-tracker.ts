import { TopTenants } from './top-tenants';

/** Where a change was first seen: one cache level, or `any` (the first of them: the SLO's indicator). */
export type FreshnessLevel = 'any' | 'l1' | 'l2' | 'upstream';
const LEVELS: readonly FreshnessLevel[] = ['l1', 'l2', 'upstream'];

interface PendingChange {
  version: bigint;
  committedAtMs: number;
  seen: Set<FreshnessLevel>;
}

export interface FreshnessLimits {
  /** Tenants with changes waiting to be seen; the least recently changed go first. */
  maxTenants: number;
  /** Changes waiting per tenant; the oldest go first. */
  maxPerTenant: number;
  /** A change nobody read within this long is forgotten (no sample: nobody was served it). */
  maxAgeMs: number;
  /** Tenants labelled by id; the rest are `other`. */
  topTenants: number;
}

export const DEFAULT_FRESHNESS_LIMITS: FreshnessLimits = { maxTenants: 10_000, maxPerTenant: 64, maxAgeMs: 60_000, topTenants: 10 };

/**
 * Commit → first served, per change and cache level. A change (tenant,
 * version, commit time) is waiting until a reply of that tenant reflecting
 * its version or a later one is served from a level; the first such reply per
 * level yields one sample. Memory is bounded by the limits whatever the traffic;
 * a read of a tenant with nothing waiting costs one Map lookup.
 */
export class FreshnessTracker {
  private readonly pending = new Map<string, PendingChange[]>();
  private readonly tenants: TopTenants;

  constructor(
    private readonly limits: FreshnessLimits,
    private readonly observe: (level: FreshnessLevel, tenant: string, lagMs: number) => void,
    onTenantDropped: (tenant: string) => void = () => undefined,
  ) {
    this.tenants = new TopTenants(limits.topTenants, 5_000, 10_000, onTenantDropped);
  }

  committed(tenantId: string, version: string, committedAtMs: number, nowMs: number): void {
    if (!Number.isFinite(committedAtMs)) return;
    this.tenants.count(tenantId, nowMs);
    let list = this.pending.get(tenantId);
    if (list) this.pending.delete(tenantId); // re-inserted last: the Map's order is least recently changed first
    list ??= [];
    const v = BigInt(version);
    if (!list.some((c) => c.version === v)) {
      list.push({ version: v, committedAtMs, seen: new Set() });
      list.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
      if (list.length > this.limits.maxPerTenant) list.shift();
    }
    this.pending.set(tenantId, list);
    if (this.pending.size > this.limits.maxTenants) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }

  /** A reply reflecting `version` of the tenant was served from `level`. */
  served(tenantId: string, version: string | undefined, level: Exclude<FreshnessLevel, 'any'>, nowMs: number): void {
    const list = this.pending.get(tenantId);
    if (!list || version === undefined) return;
    const v = BigInt(version);
    const label = this.tenants.label(tenantId);
    let keep = 0;
    for (const change of list) {
      if (change.version <= v) {
        const lagMs = Math.max(0, nowMs - change.committedAtMs);
        if (!change.seen.has('any')) {
          change.seen.add('any');
          this.observe('any', label, lagMs);
        }
        if (!change.seen.has(level)) {
          change.seen.add(level);
          this.observe(level, label, lagMs);
        }
      }
      const done = LEVELS.every((l) => change.seen.has(l)) || nowMs - change.committedAtMs > this.limits.maxAgeMs;
      if (!done) list[keep++] = change;
    }
    list.length = keep;
    if (keep === 0) this.pending.delete(tenantId);
  }

  /** Drops changes nobody read in time (called on a timer). */
  prune(nowMs: number): void {
    for (const [tenant, list] of this.pending) {
      const live = list.filter((c) => nowMs - c.committedAtMs <= this.limits.maxAgeMs);
      if (live.length === 0) this.pending.delete(tenant);
      else if (live.length !== list.length) this.pending.set(tenant, live);
    }
  }

  get waiting(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }
}
