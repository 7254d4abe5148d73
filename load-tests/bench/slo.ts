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
const DEFAULT_RATE = 2;
const HIGH_RATE = Number(process.env.BENCH_SLO_HIGH_AUDIT_RATE ?? 50);
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const log = (line: string) => process.stderr.write(`${line}\n`);
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by every descendant of this process (alive ones, plus what their exited children left in cutime/cstime). */
function stackCpuSeconds(): number {
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
  const isOurs = (pid: number): boolean => {
    for (let p = parents.get(pid), depth = 0; p !== undefined && depth < 32; p = parents.get(p), depth++)
      if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (isOurs(pid)) total += t;
  return total / CLOCK_TICKS;
}

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
async function phase(stack: BenchStack, tenants: { apiKey: string }[]): Promise<{ cpuSeconds: number; reads: number }> {
  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing) {
      const tenant = tenants[n % tenants.length] as { apiKey: string };
      const month = MONTHS[n % MONTHS.length] as string;
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
  const before = stackCpuSeconds();
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url: stack.gatewayUrl, connections: 4, overallRate: READS_PER_S, duration: PHASE_S, requests }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
  const cpuSeconds = stackCpuSeconds() - before;
  writing = false;
  await writer;
  return { cpuSeconds, reads: result.requests.total };
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
