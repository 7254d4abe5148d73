/**
 * k6-compatible harness: a SMOKE CHECK OF THE k6 SCRIPTS, NOT A LOAD GENERATOR.
 *
 * Where no k6 binary exists (these machines, CI) it runs a suite's `setup`, a
 * few iterations of every scenario's exec function one after another, then
 * `teardown` and `handleSummary`, with `k6`, `k6/http`, `k6/metrics` and
 * `k6/execution` mapped onto Node. It fails on any exception, any failed check
 * and any crossed threshold, so a suite that breaks against the API is noticed.
 * Arrival rates, VU counts and durations are read, never honoured: numbers it
 * measures say the script works, not how fast the system is.
 *
 *   node dist/load-tests/k6-harness/run.js <suite.ts> [-e NAME=value]... [--iterations N] [--timing-thresholds enforce|report]
 *
 * The suite is loaded as TypeScript by Node's own type stripping (Node ≥ 23.6).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installK6Modules } from './loader';
import { executionModule } from './modules/execution';
import { httpModule } from './modules/http';
import { k6Module } from './modules/k6';
import { metricsModule } from './modules/metrics';
import { Runtime } from './runtime';
import { summaryData, thresholdReport } from './summary';
import { evaluateThresholds, type ThresholdResult } from './thresholds';

export const EXIT = { ok: 0, failedChecks: 1, usage: 2, thresholds: 99, scriptError: 107 } as const;

const EXECUTORS = new Set([
  'shared-iterations',
  'per-vu-iterations',
  'constant-vus',
  'ramping-vus',
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'externally-controlled',
]);

interface Scenario {
  executor: string;
  exec?: string;
  vus?: number;
  iterations?: number;
  [key: string]: unknown;
}

interface SuiteOptions {
  scenarios?: Record<string, Scenario>;
  thresholds?: Record<string, Array<string | { threshold: string }>>;
  vus?: number;
  iterations?: number;
}

type Fn = (data?: unknown) => unknown;
type SuiteModule = Record<string, unknown> & { options?: SuiteOptions; setup?: Fn; teardown?: Fn; handleSummary?: Fn };

export interface HarnessArgs {
  suite: string;
  env: Record<string, string>;
  iterations: number;
  enforceTiming: boolean;
}

export function parseArgs(argv: readonly string[]): HarnessArgs {
  const env: Record<string, string> = {};
  let suite: string | undefined;
  let iterations = 2;
  let enforceTiming = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '-e' || arg === '--env') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`${arg} takes NAME=value, got "${pair}"`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === '--iterations') {
      iterations = Number(value());
      if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations takes a positive integer');
    } else if (arg === '--timing-thresholds') {
      const mode = value();
      if (mode !== 'enforce' && mode !== 'report') throw new Error('--timing-thresholds takes enforce or report');
      enforceTiming = mode === 'enforce';
    } else if (arg.startsWith('-')) {
      throw new Error(`the k6 harness does not take ${arg} (it takes -e, --iterations, --timing-thresholds)`);
    } else if (suite === undefined) suite = arg;
    else throw new Error(`one suite at a time (got ${suite} and ${arg})`);
  }
  if (!suite) throw new Error('name the suite to run');
  return { suite, env, iterations, enforceTiming };
}

/** How many iterations a scenario gets here: its own count when it has one and it is smaller. */
function iterationsFor(scenario: Scenario, cap: number): number {
  if (scenario.executor === 'per-vu-iterations') return Math.min(cap, (scenario.vus ?? 1) * (scenario.iterations ?? 1));
  if (scenario.executor === 'shared-iterations') return Math.min(cap, scenario.iterations ?? 1);
  return cap;
}

const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

export async function runSuite(args: HarnessArgs, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...args.env };
  const rt = new Runtime(env);
  let options: SuiteOptions = {};
  installK6Modules({
    k6: k6Module(rt),
    'k6/http': httpModule(rt),
    'k6/metrics': metricsModule(rt),
    'k6/execution': executionModule(rt, () => options),
  });
  const globals = globalThis as Record<string, unknown>;
  globals.__ENV = env;
  Object.defineProperty(globalThis, '__VU', { get: () => rt.position.vu, configurable: true });
  Object.defineProperty(globalThis, '__ITER', { get: () => rt.position.vuIteration, configurable: true });

  log(`k6 harness: ${args.suite} — a smoke check of the script (a few iterations per scenario), not a load test`);
  try {
    let suite: SuiteModule;
    try {
      suite = (await import(pathToFileURL(resolve(args.suite)).href)) as SuiteModule;
    } catch (error) {
      log(`could not load the suite: ${describe(error)}`);
      return EXIT.scriptError;
    }
    options = suite.options ?? {};
    const scenarios: Record<string, Scenario> = options.scenarios ?? {
      default: { executor: 'per-vu-iterations', vus: options.vus ?? 1, iterations: options.iterations ?? 1 },
    };
    for (const [name, scenario] of Object.entries(scenarios)) {
      if (!EXECUTORS.has(scenario.executor)) return fail(log, `scenario ${name}: unknown executor "${scenario.executor}"`);
      const exec = scenario.exec ?? 'default';
      if (typeof suite[exec] !== 'function') return fail(log, `scenario ${name}: the suite exports no function "${exec}"`);
    }

    const phase = (what: string, fn: () => unknown): { ok: boolean; value?: unknown } => {
      try {
        return { ok: true, value: fn() };
      } catch (error) {
        rt.resetGroups();
        rt.errors.push(`${what}: ${describe(error)}`);
        return { ok: false };
      }
    };

    // k6 hands setup's result to every VU as a JSON copy.
    const setup = phase('setup', () => suite.setup?.());
    const data = setup.value === undefined ? undefined : (JSON.parse(JSON.stringify(setup.value)) as unknown);
    if (setup.ok) {
      let vu = 0;
      for (const [name, scenario] of Object.entries(scenarios)) {
        vu++;
        const fn = suite[scenario.exec ?? 'default'] as Fn;
        const count = iterationsFor(scenario, args.iterations);
        for (let i = 0; i < count; i++) {
          rt.position = { scenario: name, executor: scenario.executor, vu, vuIteration: i, iterationInScenario: i };
          const started = performance.now();
          phase(`scenario ${name}, iteration ${i}`, () => fn(data));
          rt.metrics.add('iterations', 1, rt.tags());
          rt.metrics.add('iteration_duration', performance.now() - started, rt.tags());
        }
        log(`  ${name} (${scenario.executor}): ${count} iteration${count === 1 ? '' : 's'}`);
      }
      rt.position = { scenario: '', executor: '', vu: 0, vuIteration: 0, iterationInScenario: 0 };
      // As in k6: teardown after the scenarios, and not at all when setup failed (it has no data to clean up).
      phase('teardown', () => suite.teardown?.(data));
    }

    const durationMs = Date.now() - rt.startedAt;
    let results: ThresholdResult[];
    try {
      results = evaluateThresholds(options.thresholds, rt.metrics, durationMs);
    } catch (error) {
      return fail(log, describe(error));
    }
    const summary = summaryData(rt.metrics, results, rt.rootGroup, durationMs);
    if (suite.handleSummary) {
      const outputs = phase('handleSummary', () => suite.handleSummary?.(summary));
      for (const [target, content] of Object.entries((outputs.value ?? {}) as Record<string, string>)) {
        if (target === 'stdout') process.stdout.write(`${content}\n`);
        else if (target === 'stderr') process.stderr.write(`${content}\n`);
        else {
          mkdirSync(dirname(resolve(target)), { recursive: true });
          writeFileSync(target, content);
          log(`  wrote ${target}`);
        }
      }
    }
    log(thresholdReport(results, args.enforceTiming));

    const failedChecks = rt.failedChecks();
    for (const error of rt.errors) log(`ERROR ${error}`);
    for (const check of failedChecks) log(`FAILED CHECK ${check.path} (${check.fails} of ${check.passes + check.fails})`);
    const crossed = results.filter((r) => !r.ok && (args.enforceTiming || !r.isTime));
    if (rt.errors.length > 0) return EXIT.scriptError;
    if (crossed.length > 0) return fail(log, `${crossed.length} threshold(s) crossed`, EXIT.thresholds);
    if (failedChecks.length > 0) return fail(log, `${failedChecks.length} check(s) failed`, EXIT.failedChecks);
    log('k6 harness: every check passed, no exception, no threshold crossed');
    return EXIT.ok;
  } finally {
    await rt.http.close();
  }
}

function fail(log: (line: string) => void, message: string, code: number = EXIT.scriptError): number {
  log(`k6 harness: ${message}`);
  return code;
}

if (require.main === module) {
  let args: HarnessArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(EXIT.usage);
  }
  runSuite(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${describe(error)}\n`);
      process.exit(EXIT.scriptError);
    },
  );
}
