/**
 * `npm run k6 -- <suite> [-e NAME=value]...`: runs load-tests/k6/<suite>.ts with a
 * real `k6` binary when one is on PATH (a load test), else with the harness in
 * this folder (a smoke check of the script, not a load test). K6_HARNESS=1 forces
 * the harness even where k6 exists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, parseArgs, runSuite } from './run';

const SUITES_DIR = resolve(__dirname, '../../../load-tests/k6');

function suitePath(name: string): string {
  const candidates = [name, join(SUITES_DIR, name), join(SUITES_DIR, `${name}.ts`)];
  const found = candidates.find((c) => existsSync(c) && c.endsWith('.ts'));
  if (!found) throw new Error(`no suite "${name}" (looked in ${SUITES_DIR})`);
  return found;
}

const hasK6 = () => spawnSync('k6', ['version'], { stdio: 'ignore' }).status === 0;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) {
    process.stderr.write('usage: npm run k6 -- <suite> [-e NAME=value]...  (suites: load-tests/k6/*.ts)\n');
    return EXIT.usage;
  }
  const suite = suitePath(name);
  if (process.env.K6_HARNESS !== '1' && hasK6()) {
    // k6 ≥ 1.0 runs TypeScript itself; every argument after the suite goes to `k6 run`.
    return spawnSync('k6', ['run', ...rest, suite], { stdio: 'inherit' }).status ?? EXIT.scriptError;
  }
  process.stdout.write('no k6 binary on PATH (or K6_HARNESS=1): running the k6-compatible harness instead\n');
  return runSuite(parseArgs([suite, ...rest]));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(EXIT.usage);
  },
);
