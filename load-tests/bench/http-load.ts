import { spawnSync } from 'node:child_process';
import { ensureAptBinaries } from '@ledgerline/testing';

/**
 * The C load generators the HTTP benchmarks drive: wrk for closed-loop
 * throughput (a Node load generator would take one of the two cores from the
 * server it measures), hey for a fixed arrival rate. Installed with apt when missing.
 */
export interface ThroughputResult {
  requestsPerSecond: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx3xx: number;
  socketErrors: number;
}

export interface FixedRateResult {
  targetRate: number;
  requestsPerSecond: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  statusCodes: Record<string, number>;
}

export function ensureLoadTools(log: (line: string) => void): void {
  ensureAptBinaries(['wrk', 'hey'], log);
}

const headerArgs = (flag: string, headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => [flag, `${k}: ${v}`]);

/** wrk's latency figures come as "1.23ms", "456.00us" or "1.01s". */
function wrkMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!match) throw new Error(`wrk latency: ${text}`);
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1_000 : match[2] === 's' ? value * 1_000 : value;
}

export function wrk(url: string, options: { connections: number; durationS: number; headers?: Record<string, string> }): ThroughputResult {
  const args = ['-t2', `-c${options.connections}`, `-d${options.durationS}s`, '--latency', ...headerArgs('-H', options.headers ?? {}), url];
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  const find = (re: RegExp) => re.exec(out)?.[1];
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSecond: Math.round(Number(find(/Requests\/sec:\s+([\d.]+)/))),
    requests: Number(find(/(\d+) requests in/)),
    latencyP50Ms: wrkMs(find(/\s50%\s+(\S+)/) ?? '0ms'),
    latencyP99Ms: wrkMs(find(/\s99%\s+(\S+)/) ?? '0ms'),
    non2xx3xx: Number(find(/Non-2xx or 3xx responses: (\d+)/) ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/** `rate` requests/s in total, spread over `workers` (hey's -q is per worker). */
export function hey(
  url: string,
  options: { rate: number; workers: number; durationS: number; headers?: Record<string, string> },
): FixedRateResult {
  const perWorker = options.rate / options.workers;
  const args = [
    '-z',
    `${options.durationS}s`,
    '-c',
    String(options.workers),
    '-q',
    String(perWorker),
    ...headerArgs('-H', options.headers ?? {}),
    url,
  ];
  const run = spawnSync('hey', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`hey failed: ${run.stderr}`);
  const out = run.stdout;
  const pct = (p: number) => Number(new RegExp(`\\s${p}% in ([\\d.]+) secs`).exec(out)?.[1] ?? NaN) * 1_000;
  const statusCodes: Record<string, number> = {};
  for (const match of out.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)) statusCodes[match[1] as string] = Number(match[2]);
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    targetRate: options.rate,
    requestsPerSecond: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
    requests,
    latencyP50Ms: Math.round(pct(50) * 1000) / 1000,
    latencyP99Ms: Math.round(pct(99) * 1000) / 1000,
    statusCodes,
  };
}
