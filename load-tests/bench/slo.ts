import type { SloSnapshot } from '@ledgerline/contracts';
import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';
import { createBenchTenant, round, startBenchStack, type BenchStack } from './bench-stack';

/**
 * node dist/load-tests/bench/slo.js — what the freshness and consistency SLOs
 * cost and show under load: the stack's CPU (every process this script started:
 * services, PostgreSQL and its backends, NATS, Redis; not the load tool, which
 * runs in this process) with the cache-gateway's auditor off and at its default
 * budget, alternating phases under the same read and write load so a noisy
 * machine affects both alike; and the freshness lag (commit → first served)
 * the monitoring service reports meanwhile.
 */
const PHASE_S = Number(process.env.BENCH_SLO_PHASE_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_SLO_ROUNDS ?? 2);
const READS_PER_S = Number(process.env.BENCH_SLO_READS ?? 200);
const WRITES_PER_S = Number(process.env.BENCH_SLO_WRITES ?? 10);
const TENANTS = 8;
const DEFAULT_RATE = 1;
const HIGH_RATE = Number(process.env.BENCH_SLO_HIGH_AUDIT_RATE ?? 50);
/** Read: a year of months per tenant (most stay valid in the cache-gateway when one changes); written: the first three. */
const MONTHS = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
const WRITTEN_MONTHS = MONTHS.slice(0, 3);
const log = (line: string) => process.stderr.write(`${line}\n`);
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by every descendant of this process (alive ones, plus what their exited children left in cutime/cstime), by top-level child. */
function stackCpuSeconds(names: Map<number, string>, postmaster: number): Map<string, number> {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      // utime, stime, cutime, cstime are fields 14-17 of stat, 12-15 after the command name.
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    } catch {
      // exited meanwhile
    }
  }
  /** The child of this process `pid` descends from, or undefined when it is not ours. */
  const topOf = (pid: number): number | undefined => {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && depth < 32; p = parents.get(p), depth++) {
      if (parents.get(p) === process.pid || p === postmaster) return p;
    }
    return undefined;
  };
  const out = new Map<string, number>();
  for (const [pid, t] of ticks) {
    const top = topOf(pid);
    if (top === undefined) continue;
    const name = names.get(top) ?? 'infra';
    out.set(name, (out.get(name) ?? 0) + t / CLOCK_TICKS);
  }
  return out;
}

const total = (cpu: Map<string, number>) => [...cpu.values()].reduce((a, b) => a + b, 0);

async function setAuditor(stack: BenchStack, perSecond: string): Promise<void> {
  await stack.services.stop('cache-gateway');
  stack.services.specs['cache-gateway'].env['CACHE_AUDIT_PER_SECOND'] = perSecond;
  await stack.services.start('cache-gateway');
}

async function auditsSoFar(stack: BenchStack): Promise<number> {
  const text = await (await fetch(`${stack.services.urls['cache-gateway']}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('ledgerline_cache_audits_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Reads at a fixed rate over every tenant and month while writers add a row now and then. */
async function phase(stack: BenchStack, tenants: { apiKey: string }[]): Promise<{ cpuSeconds: number; byProcess: Map<string, number> }> {
  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing) {
      const tenant = tenants[n % tenants.length] as { apiKey: string };
      const month = WRITTEN_MONTHS[n % WRITTEN_MONTHS.length] as string;
      n++;
      await fetch(`${stack.gatewayUrl}/v1/transactions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ transactions: [{ date: `${month}-10`, amount: '1.00', category: `C${n % 7}` }] }),
      });
      await new Promise((r) => setTimeout(r, 1000 / WRITES_PER_S));
    }
  })();
  const requests = tenants.flatMap((t) =>
    MONTHS.map((m) => ({
      method: 'GET' as const,
      path: `/v1/dashboard/summary?month=${m}`,
      headers: { authorization: `Bearer ${t.apiKey}` },
    })),
  );
  const names = new Map([...stack.services.processes].map(([name, proc]) => [proc.child.pid as number, name as string]));
  names.set(stack.infra.nats.child.pid as number, 'nats');
  names.set(stack.infra.redis.child.pid as number, 'redis');
  // PostgreSQL's postmaster runs detached (not our child): it and its backends are counted by its PID.
  const postmaster = stack.infra.postgres.pid();
  names.set(postmaster, 'postgres');
  const before = stackCpuSeconds(names, postmaster);
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url: stack.gatewayUrl, connections: 4, overallRate: READS_PER_S, duration: PHASE_S, requests }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
  const after = stackCpuSeconds(names, postmaster);
  const byProcess = new Map([...after].map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)]));
  writing = false;
  await writer;
  log(`  ${result.requests.total} reads; CPU s ${JSON.stringify(Object.fromEntries([...byProcess].map(([n, v]) => [n, round(v, 2)])))}`);
  return { cpuSeconds: total(byProcess), byProcess };
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  try {
    const tenants = await Promise.all(Array.from({ length: TENANTS }, () => createBenchTenant(stack.gatewayUrl)));
    const off: number[] = [];
    const on: number[] = [];
    const high: number[] = [];
    let audits = 0;
    let highAudits = 0;
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      await setAuditor(stack, '0');
      log(`round ${round_ + 1}: auditor off`);
      off.push((await phase(stack, tenants)).cpuSeconds);
      await setAuditor(stack, String(DEFAULT_RATE));
      log(`round ${round_ + 1}: auditor on (${DEFAULT_RATE} audits/s, the default)`);
      on.push((await phase(stack, tenants)).cpuSeconds);
      audits += await auditsSoFar(stack);
      // At many times the budget the auditor's cost stands out of the machine's noise; scaled back to the default below.
      await setAuditor(stack, String(HIGH_RATE));
      log(`round ${round_ + 1}: auditor on (${HIGH_RATE} audits/s)`);
      high.push((await phase(stack, tenants)).cpuSeconds);
      highAudits += await auditsSoFar(stack);
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const slo = (await (await fetch(`${stack.services.urls.monitoring}/v1/slo?window=5m`)).json()) as SloSnapshot;
    const report = {
      phaseSeconds: PHASE_S,
      rounds: ROUNDS,
      load: { readsPerSecond: READS_PER_S, writesPerSecond: WRITES_PER_S, tenants: TENANTS },
      stackCpuSecondsAuditorOff: off.map((x) => round(x, 2)),
      stackCpuSecondsAuditorOn: on.map((x) => round(x, 2)),
      stackCpuSecondsAuditorHigh: high.map((x) => round(x, 2)),
      auditorCpuPercentOfStackAtDefaultMeasured: round(((sum(on) - sum(off)) / sum(off)) * 100, 2),
      auditorCpuPercentOfStackAtHighRate: round(((sum(high) - sum(off)) / sum(off)) * 100, 2),
      auditorCpuPercentOfStackAtDefaultFromHighRate: round(
        ((sum(high) - sum(off)) / sum(off)) * 100 * (audits / Math.max(1, highAudits)),
        3,
      ),
      cpuMsPerAudit: round(((sum(high) - sum(off)) * 1000) / Math.max(1, highAudits), 2),
      stackCpuCoresAuditorOff: round(sum(off) / (PHASE_S * ROUNDS), 3),
      /** The default budget's cost from the per-audit cost: DEFAULT_RATE audits/s × CPU per audit over the stack's CPU without the auditor. */
      auditorCpuPercentOfStackAtDefaultFromPerAudit: round(
        ((DEFAULT_RATE * ((sum(high) - sum(off)) / Math.max(1, highAudits))) / (sum(off) / (PHASE_S * ROUNDS))) * 100,
        2,
      ),
      auditsDuringDefaultPhases: audits,
      auditsDuringHighPhases: highAudits,
      consistency: slo.consistency,
      misses: slo.lastMisses.length,
      freshness: slo.freshness,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await stack.stop();
  }
}

void main().catch((error: unknown) => {
  log(String((error as Error).stack ?? error));
  process.exitCode = 1;
});
