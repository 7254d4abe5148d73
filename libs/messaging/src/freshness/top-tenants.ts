/**
 * The tenants with the most changes, for a per-tenant label of bounded
 * cardinality: the top `k` by (decayed) change count keep their id, every
 * other tenant is `other`. Counts are kept for at most `maxTracked` tenants;
 * past that, every count is halved and the zeros dropped, so old volume fades.
 */
export class TopTenants {
  static readonly OTHER = 'other';
  private readonly counts = new Map<string, number>();
  private top = new Set<string>();
  private rankedAtMs = -Infinity;

  constructor(
    private readonly k: number,
    private readonly rerankEveryMs = 5_000,
    private readonly maxTracked = 10_000,
    /** Told when a tenant leaves the top: its labelled series can go. */
    private readonly onDropped: (tenantId: string) => void = () => undefined,
  ) {}

  count(tenantId: string, nowMs: number): void {
    this.counts.set(tenantId, (this.counts.get(tenantId) ?? 0) + 1);
    if (this.counts.size > this.maxTracked) this.decay();
    if (nowMs - this.rankedAtMs >= this.rerankEveryMs) this.rerank(nowMs);
  }

  label(tenantId: string): string {
    return this.top.has(tenantId) ? tenantId : TopTenants.OTHER;
  }

  private decay(): void {
    for (const [tenant, n] of this.counts) {
      const halved = Math.floor(n / 2);
      if (halved === 0) this.counts.delete(tenant);
      else this.counts.set(tenant, halved);
    }
  }

  private rerank(nowMs: number): void {
    this.rankedAtMs = nowMs;
    const ranked = [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, this.k);
    const next = new Set(ranked.map(([tenant]) => tenant));
    for (const tenant of this.top) if (!next.has(tenant)) this.onDropped(tenant);
    this.top = next;
  }
}
