import { classify, errorCode, type Op, type OpKind, type Outcome } from './history';

export interface Tenant {
  name: string;
  id: string;
  key: string;
}

export interface CallResult {
  status?: number;
  headers?: Headers;
  body?: unknown;
  error?: unknown;
}

/** A request may take this long before the client gives up on it (an unknown outcome for a write). */
const TIMEOUT_MS = 10_000;
const CATEGORIES = ['Groceries', 'Housing', 'Transport', 'Leisure'];

/** HTTP to whichever gateway replicas are in the pool, round robin, with a deadline on every request. */
export class Client {
  private next = 0;
  constructor(private readonly gateways: string[]) {}

  async call(method: string, path: string, key: string, init: { json?: unknown; csv?: string; headers?: Record<string, string> } = {}) {
    const base = this.gateways[this.next++ % this.gateways.length] as string;
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...init.headers };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.csv !== undefined) {
      headers['content-type'] = 'text/csv';
      body = init.csv;
    }
    try {
      const res = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = await res.text();
      const parsed = (res.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as unknown) : text;
      return { status: res.status, headers: res.headers, body: parsed } satisfies CallResult;
    } catch (error) {
      return { error } satisfies CallResult;
    }
  }
}

export interface PhasePlan {
  phase: string;
  month: string;
  tenants: Tenant[];
  /** Its only writer: what it reads must never be older than what it was told was applied. */
  freshTenant: Tenant;
  /** Seeded rows (id → category) that PATCH and DELETE each target once. */
  targets: { tenant: Tenant; id: string }[];
  importRows: number;
  /** When (ms into the phase) the CSV import is sent. */
  importAtMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function row(month: string, externalId: string, n: number): Record<string, unknown> {
  return {
    externalId,
    date: `${month}-${String((n % 28) + 1).padStart(2, '0')}`,
    amount: `${(n % 900) + 1}.${String(n % 100).padStart(2, '0')}`,
    category: CATEGORIES[n % CATEGORIES.length],
    label: `fault ${externalId}`,
  };
}

/**
 * The mixed workload of one phase: single-row writes, 1,000-row batches, one
 * CSV import, PATCH/DELETE of seeded rows, dashboard reads from several
 * tenants, and one read-your-writes checker. Every loop ends when stop() is
 * called or its own count bound is reached.
 */
export class Workload {
  readonly ops: Op[] = [];
  private running = true;
  private readonly t0 = performance.now();
  private readonly loops: Promise<void>[] = [];
  private seq = 0;

  constructor(
    private readonly client: Client,
    private readonly plan: PhasePlan,
  ) {}

  now(): number {
    return Math.round(performance.now() - this.t0);
  }

  /** A performance.now() instant on this history's clock. */
  at(instant: number): number {
    return Math.round(instant - this.t0);
  }

  start(): void {
    const { tenants } = this.plan;
    this.loops.push(this.loop(1_500, 100, (i) => this.single(tenants[i % tenants.length] as Tenant)));
    this.loops.push(this.loop(60, 1_500, (i) => this.batch(tenants[i % tenants.length] as Tenant)));
    this.loops.push(this.loop(this.plan.targets.length, 150, (i) => this.change(i)));
    for (let r = 0; r < 2; r++) this.loops.push(this.loop(3_000, 50, (i) => this.read(tenants[(i + r) % tenants.length] as Tenant)));
    this.loops.push(this.loop(1_000, 100, () => this.fresh()));
    this.loops.push(sleep(this.plan.importAtMs).then(() => (this.running ? this.csvImport(tenants[0] as Tenant) : undefined)));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(max: number, pauseMs: number, body: (i: number) => Promise<void>): Promise<void> {
    for (let i = 0; i < max && this.running; i++) {
      await body(i);
      await sleep(pauseMs);
    }
  }

  private record(kind: OpKind, tenant: Tenant, startMs: number, result: CallResult, extra: Partial<Op> = {}): Op {
    const op: Op = {
      kind,
      phase: this.plan.phase,
      tenant: tenant.name,
      startMs,
      endMs: this.now(),
      outcome: classify(result),
      ...(result.status !== undefined ? { status: result.status } : { error: errorCode(result.error) }),
      ...extra,
    };
    this.ops.push(op);
    return op;
  }

  private key(kind: string): string {
    return `${this.plan.phase}-${kind}${this.seq++}`;
  }

  private async write(kind: 'single' | 'batch', tenant: Tenant, size: number): Promise<Op> {
    const key = this.key(kind[0] as string);
    const rows = Array.from({ length: size }, (_, i) => row(this.plan.month, `${key}.${i}`, this.seq * 7 + i));
    const start = this.now();
    const res = await this.client.call('POST', '/v1/transactions', tenant.key, { json: { transactions: rows } });
    const body = res.body as { applied?: boolean; version?: string } | undefined;
    const version = res.headers?.get('ledgerline-version') ?? body?.version;
    return this.record(kind, tenant, start, res, {
      key,
      rows: size,
      ...(res.status === 201 ? { applied: body?.applied !== false, ...(version ? { version } : {}) } : {}),
    });
  }

  private async single(tenant: Tenant): Promise<void> {
    await this.write('single', tenant, 1);
  }

  private async batch(tenant: Tenant): Promise<void> {
    await this.write('batch', tenant, 1_000);
  }

  private async change(i: number): Promise<void> {
    const target = this.plan.targets[i];
    if (!target) return;
    const start = this.now();
    if (i % 2 === 0) {
      const category = `Patched ${this.plan.phase}`;
      const res = await this.client.call('PATCH', `/v1/transactions/${target.id}`, target.tenant.key, { json: { category } });
      this.record('patch', target.tenant, start, res, { transactionId: target.id, category });
    } else {
      const res = await this.client.call('DELETE', `/v1/transactions/${target.id}`, target.tenant.key);
      this.record('delete', target.tenant, start, res, { transactionId: target.id });
    }
  }

  private async read(tenant: Tenant): Promise<void> {
    const start = this.now();
    const res = await this.client.call('GET', `/v1/dashboard/summary?month=${this.plan.month}`, tenant.key);
    this.record('read', tenant, start, res);
  }

  /** Read-your-writes: after a write acknowledged as applied, this writer's next read must count it. */
  private acknowledgedFresh = 0;

  private async fresh(): Promise<void> {
    const tenant = this.plan.freshTenant;
    const op = await this.write('single', tenant, 1);
    if (op.outcome !== 'ok' || !op.applied) return;
    this.acknowledgedFresh++;
    const start = this.now();
    const headers: Record<string, string> = op.version ? { 'ledgerline-min-version': op.version } : {};
    const res = await this.client.call('GET', `/v1/dashboard/summary?month=${this.plan.month}`, tenant.key, { headers });
    const count = (res.body as { expenses?: { count?: number } } | undefined)?.expenses?.count;
    const stale = res.status === 200 && typeof count === 'number' && count < this.acknowledgedFresh;
    this.record('fresh-read', tenant, start, res, { stale });
  }

  /** One CSV import, followed until it succeeds, fails, or the phase gives up on it (an unknown outcome). */
  private async csvImport(tenant: Tenant): Promise<void> {
    const key = this.key('i');
    const size = this.plan.importRows;
    const lines = ['externalId,date,label,amount,category'];
    for (let i = 0; i < size; i++) {
      const r = row(this.plan.month, `${key}.${i}`, i);
      lines.push(`${r.externalId},${r.date},${r.label},${r.amount},${r.category}`);
    }
    const start = this.now();
    const res = await this.client.call('POST', '/v1/imports', tenant.key, { csv: `${lines.join('\n')}\n` });
    const id = (res.body as { id?: string } | undefined)?.id;
    if (res.status !== 202 || !id) {
      this.record('import', tenant, start, res, { key, rows: size });
      return;
    }
    let outcome: Outcome = 'unknown';
    let status: number | undefined;
    // Polled after the other loops stopped too: an import may finish after the fault healed (bounded: 60 s).
    for (let i = 0; i < 240 && outcome === 'unknown'; i++) {
      await sleep(250);
      const poll = await this.client.call('GET', `/v1/imports/${id}`, tenant.key);
      const state = (poll.body as { status?: string } | undefined)?.status;
      if (state === 'succeeded') outcome = 'ok';
      else if (state === 'failed') outcome = 'fail';
      status = poll.status;
    }
    this.ops.push({
      kind: 'import',
      phase: this.plan.phase,
      tenant: tenant.name,
      startMs: start,
      endMs: this.now(),
      outcome,
      key,
      rows: size,
      ...(status ? { status } : {}),
    });
  }
}
