import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ledgerline/testing';
import { check, type RollupSample, type Verdict } from './checker';
import { FAULT_ADMIN_KEY, FaultStack } from './fault-stack';
import { PROFILES, type Fault } from './faults';
import { percentile, type Op } from './history';
import { Oracle, sameFigures } from './oracle';
import { checkRateLimits, type RateLimitReport } from './rate-limit-check';
import { Client, row, Workload, type Tenant } from './workload';

/**
 * npm run test:faults (full) / the CI profile in npm test: the whole stack,
 * a recorded mixed workload, one fault (or a combination) per phase, and a
 * checker over the history and the final state. Exits 1 on any violation.
 */
const profile = (process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : 'full') as 'ci' | 'full';
const FAULT_AT_MS = 3_000;
const TAIL_MS = 5_000;
const QUIESCENCE_MS = 60_000;
/** The whole run stops by itself, whatever happens. */
const RUN_DEADLINE_MS = profile === 'ci' ? 6 * 60_000 : 20 * 60_000;
const log = (line: string) => process.stderr.write(`[faults] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PhaseReport {
  fault: string;
  month: string;
  sent: number;
  ok: number;
  failed: number;
  unknown: number;
  rowsAcknowledged: number;
  rowsLost: number;
  rowsDoubled: number;
  partialBatches: number;
  errorRateDuringFault: number;
  p99MsDuringFault: number;
  /** SPEC: a stalled PostgreSQL answers 503/504 within 2 s — the slowest request during the fault, to compare. */
  maxMsDuringFault: number;
  faultSeconds: number;
  recoverSeconds: number;
  quiescentAfterSeconds: number | null;
  verdict: Verdict;
  notes: string[];
  /** Milliseconds into the phase, the clock of the history's startMs/endMs. */
  injectedAtMs: number;
  healedAtMs: number;
  /** The whole history, kept for a phase with violations (to read what happened around them). */
  history?: Op[];
}

async function createTenant(client: Client, name: string): Promise<Tenant> {
  const res = await client.call('POST', '/v1/tenants', FAULT_ADMIN_KEY, {
    json: { name, currency: 'EUR', members: [{ id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' }] },
  });
  if (res.status !== 201) throw new Error(`tenant ${name}: ${res.status}`);
  const body = res.body as { id: string; apiKey: string };
  return { name, id: body.id, key: body.apiKey };
}

const monthOf = (index: number) => `20${20 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/** A write that must succeed before the fault (the phase's seed); retried while the last phase's fault settles. */
async function seed(client: Client, tenant: Tenant, key: string, month: string): Promise<void> {
  const rows = Array.from({ length: 20 }, (_, i) => ({ ...row(month, `${key}.${i}`, i), category: 'Seed' }));
  for (let attempt = 0; attempt < 60; attempt++) {
    const res = await client.call('POST', '/v1/transactions', tenant.key, { json: { transactions: rows } });
    if (res.status === 201) return;
    await sleep(500);
  }
  throw new Error(`could not seed ${key}`);
}

async function runPhase(
  stack: FaultStack,
  client: Client,
  oracle: Oracle,
  tenants: Tenant[],
  fresh: Tenant,
  fault: Fault,
  index: number,
): Promise<PhaseReport> {
  const phase = `f${index}`;
  const month = monthOf(index);
  const targets: { tenant: Tenant; id: string }[] = [];
  const seeded = new Map<string, string>();
  for (const tenant of tenants) {
    await seed(client, tenant, `${phase}-seed${tenant.name}`, month);
    for (const r of await oracle.seededRows(tenant, `${phase}-seed${tenant.name}`)) {
      targets.push({ tenant, id: r.id });
      seeded.set(r.id, r.category);
    }
  }
  stack.notes.length = 0;
  stack.terminations.length = 0;
  const workload = new Workload(client, {
    phase,
    month,
    tenants,
    freshTenant: fresh,
    targets,
    importRows: fault.importRows ?? 2_000,
    importAtMs: fault.importAtMs ?? FAULT_AT_MS - 1_000,
  });
  log(`${fault.name}: workload on ${month}`);
  workload.start();
  await sleep(FAULT_AT_MS);
  const injectMs = workload.now();
  let healedMs = injectMs;
  try {
    await fault.inject(stack);
    await sleep(fault.holdMs);
  } finally {
    await fault.heal(stack);
    healedMs = workload.now();
  }
  await sleep(TAIL_MS);
  await workload.stop();

  const quiet = await quiescence(oracle, [...tenants, fresh], month);
  const raw = await oracle.rawCounts(month);
  const rowsNow = await oracle.rowsNow([...seeded.keys()]);
  const verdict = check(workload.ops, raw, seeded, rowsNow, quiet.samples);
  const notes = [...stack.notes];
  // A phase in which nothing was acknowledged would pass vacuously.
  if (verdict.rowsAcknowledged === 0) verdict.violations.push('no write was acknowledged in this phase: nothing was checked');
  if (fault.graceful) gracefulVerdict(workload, stack.terminations, verdict, notes);
  return summarize(fault.name, month, workload.ops, verdict, injectMs, healedMs, quiet.afterMs, notes);
}

/**
 * Rolling SIGTERM must fail 0 requests: a request that was in flight when an
 * old replica got SIGTERM, or was sent before it was gone (+ the 2 s NATS
 * request timeout), failed because of the shutdown. Failures elsewhere in the
 * phase (a host saturated while the new replica boots) are noted, not blamed on it.
 */
function gracefulVerdict(workload: Workload, terminations: FaultStack['terminations'], verdict: Verdict, notes: string[]): void {
  const failed = workload.ops.filter((o) => o.outcome !== 'ok' && !(o.status && o.status < 500));
  const windows = terminations.map((t) => ({ name: t.name, from: workload.at(t.sigtermAt), to: workload.at(t.exitAt) + 2_000 }));
  for (const o of failed) {
    const during = windows.find((w) => o.startMs <= w.to && o.endMs >= w.from);
    const what = `${o.kind} ${o.status ?? o.error} (sent at ${o.startMs} ms, ended ${o.endMs} ms)`;
    if (during) verdict.violations.push(`${what} failed around the SIGTERM of ${during.name}`);
    else notes.push(`${what} failed outside any SIGTERM window: latency, not shutdown`);
  }
}

/** Waits until every tenant's dashboard (no-cache) equals the recomputation from raw rows, then samples it once more. */
async function quiescence(oracle: Oracle, tenants: Tenant[], month: string): Promise<{ samples: RollupSample[]; afterMs: number | null }> {
  const started = performance.now();
  let afterMs: number | null = null;
  while (performance.now() - started < QUIESCENCE_MS) {
    let all = true;
    for (const t of tenants) all &&= sameFigures(await oracle.rawFigures(t, month), await oracle.dashboardFigures(t, month, true));
    if (all) {
      afterMs = performance.now() - started;
      break;
    }
    await sleep(500);
  }
  const samples: RollupSample[] = [];
  for (const t of tenants) {
    const raw = await oracle.rawFigures(t, month);
    const dashboard = (await oracle.dashboardFigures(t, month, true)) ?? new Map();
    samples.push({
      tenant: t.name,
      month,
      raw,
      dashboard,
      cachedMatches: sameFigures(raw, await oracle.dashboardFigures(t, month, false)),
    });
  }
  return { samples, afterMs };
}

function summarize(
  fault: string,
  month: string,
  ops: Op[],
  verdict: Verdict,
  injectMs: number,
  healedMs: number,
  quietMs: number | null,
  notes: string[],
): PhaseReport {
  const bad = (o: Op) => o.outcome !== 'ok' && !(o.status && o.status < 500 && o.status !== 429);
  const lastBad = Math.max(injectMs, ...ops.filter((o) => o.startMs >= injectMs && bad(o)).map((o) => o.endMs));
  const during = ops.filter((o) => o.startMs >= injectMs && o.startMs <= Math.max(lastBad, healedMs));
  return {
    fault,
    month,
    sent: ops.length,
    ok: ops.filter((o) => o.outcome === 'ok').length,
    failed: ops.filter((o) => o.outcome === 'fail').length,
    unknown: ops.filter((o) => o.outcome === 'unknown').length,
    rowsAcknowledged: verdict.rowsAcknowledged,
    rowsLost: verdict.rowsLost + verdict.rollupRowsMissing,
    rowsDoubled: verdict.rowsDoubled + verdict.rollupRowsExtra,
    partialBatches: verdict.partialBatches,
    errorRateDuringFault: during.length ? Math.round((during.filter(bad).length / during.length) * 1000) / 1000 : 0,
    p99MsDuringFault: percentile(
      during.map((o) => o.endMs - o.startMs),
      99,
    ),
    maxMsDuringFault: Math.max(0, ...during.map((o) => o.endMs - o.startMs)),
    faultSeconds: Math.round(healedMs - injectMs) / 1000,
    recoverSeconds: Math.round(lastBad - injectMs) / 1000,
    quiescentAfterSeconds: quietMs === null ? null : Math.round(quietMs) / 1000,
    verdict,
    notes,
    injectedAtMs: injectMs,
    healedAtMs: healedMs,
    ...(verdict.violations.length > 0 ? { history: ops } : {}),
  };
}

function printTable(phases: PhaseReport[]): void {
  const head = [
    'fault',
    'sent',
    'ok',
    'failed',
    'unknown',
    'lost',
    'doubled',
    'partial',
    'err%',
    'p99 ms',
    'max ms',
    'recover s',
    'violations',
  ];
  const rows = phases.map((p) => [
    p.fault,
    p.sent,
    p.ok,
    p.failed,
    p.unknown,
    p.rowsLost,
    p.rowsDoubled,
    p.partialBatches,
    (p.errorRateDuringFault * 100).toFixed(1),
    p.p99MsDuringFault,
    p.maxMsDuringFault,
    p.recoverSeconds,
    p.verdict.violations.length,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: unknown[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i] as number) : String(c).padStart(widths[i] as number))).join('  ');
  process.stdout.write(`${line(head)}\n${rows.map(line).join('\n')}\n`);
  for (const p of phases) for (const v of p.verdict.violations.slice(0, 10)) process.stdout.write(`  ✗ ${p.fault}: ${v}\n`);
}

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const faults = PROFILES[profile].filter((f) => !only || only.split(',').some((name) => f.name.includes(name)));
  const started = performance.now();
  log(`profile ${profile}: ${faults.length} phases; starting the stack (durable settings)`);
  const stack = await FaultStack.start(log);
  const deadline = setTimeout(() => {
    log(`run deadline (${RUN_DEADLINE_MS / 1000} s) passed: stopping everything`);
    void stack.stop().finally(() => process.exit(1));
  }, RUN_DEADLINE_MS);
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const phases: PhaseReport[] = [];
  let durability: Record<string, unknown> = {};
  let rateLimits: RateLimitReport | undefined;
  try {
    durability = await stack.durability();
    const client = new Client(stack.gateways);
    const oracle = new Oracle(stack.databaseUrl, client);
    const tenants = [await createTenant(client, 'A'), await createTenant(client, 'B'), await createTenant(client, 'C')];
    const fresh = await createTenant(client, 'F');
    for (const [i, fault] of faults.entries()) {
      const report = await runPhase(stack, client, oracle, tenants, fresh, fault, i);
      log(`${fault.name}: ${report.sent} ops, ${report.verdict.violations.length} violations`);
      phases.push(report);
    }
    if (profile === 'full' && !only) {
      log('rate limits across two gateway replicas, Redis healthy then hung');
      rateLimits = await checkRateLimits(stack, await createTenant(client, 'R'), monthOf(0));
    }
  } finally {
    clearTimeout(deadline);
    await stack.stop();
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const violations = phases.reduce((n, p) => n + p.verdict.violations.length, 0) + (rateLimits?.violations.length ?? 0);
  const file = join(repoRoot(), 'fault-report.json');
  writeFileSync(file, `${JSON.stringify({ profile, seconds, durability, violations, rateLimits, phases }, null, 2)}\n`);
  process.stdout.write(`\nfault suite (${profile}) in ${seconds} s; durability: ${JSON.stringify(durability)}\n`);
  printTable(phases);
  if (rateLimits) {
    const w = (x: RateLimitReport['healthy']) =>
      `${x.allowed} of ${x.sent} let through in ${x.seconds} s (one bucket allows ≤ ${x.allowedAtMost})`;
    process.stdout.write(
      `rate limit ${rateLimits.limit} across 2 replicas: Redis healthy ${w(rateLimits.healthy)}; Redis hung ${w(rateLimits.redisHung)}\n`,
    );
    for (const v of rateLimits.violations) process.stdout.write(`  ✗ rate limits: ${v}\n`);
  }
  process.stdout.write(`report: ${file}\n`);
  if (violations > 0) {
    process.stdout.write(`${violations} violations\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
