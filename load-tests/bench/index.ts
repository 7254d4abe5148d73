import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * npm run bench — every benchmark, one after the other (each on its own
 * fresh stack, so none measures another's leftovers), merged into one JSON
 * report on stdout and in bench-report.json. BENCH_ONLY=ingest,write,read,cache,gateway,live,slo,search
 * picks a subset.
 */
const ALL = ['ingest', 'write', 'read', 'cache', 'gateway', 'live', 'slo', 'search'] as const;

function runBenchmark(name: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, `${name}.js`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench ${name} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const report: Record<string, unknown> = { startedAt: new Date().toISOString() };
  for (const name of ALL.filter((n) => !only || only.includes(n))) {
    const started = performance.now();
    process.stderr.write(`\n== bench:${name}\n`);
    report[name] = await runBenchmark(name);
    process.stderr.write(`== bench:${name} took ${Math.round((performance.now() - started) / 1000)} s\n`);
  }
  const text = JSON.stringify(report, null, 2);
  writeFileSync('bench-report.json', `${text}\n`);
  process.stdout.write(`${text}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
