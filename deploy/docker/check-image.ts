/**
 * `npm run check:image`: no container engine runs here, so this performs the
 * Dockerfile's own steps (read from the Dockerfile, not restated) in a temporary
 * directory, one directory per stage, then proves the runtime stage is complete:
 *   1. no tests, benchmarks, test helpers or dev dependencies in it;
 *   2. the migrations Job's command migrates every schema of a real PostgreSQL;
 *   3. every service starts from it with the image's CMD and answers /readyz 200
 *      against real PostgreSQL, NATS and Redis, then stops on SIGTERM.
 * RUN steps run on this machine's Node 24 and npm with npm_config_prefer_offline=true:
 * packages come from the npm cache (as the Dockerfile's BuildKit cache mount gives
 * them); strict --offline fails because npm install asks for aws-cdk-lib's metadata
 * (a peer of the helm-carrying devDependency) that the cache does not hold.
 * Bounded: a watchdog ends everything after 15 minutes. KEEP_IMAGE_DIR=1 keeps the tree.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { freePort, startInfra, startProcess, waitFor, type Infra, type ManagedProcess } from '@ledgerline/testing';

const root = join(__dirname, '..', '..', '..');
const dockerfilePath = join(root, 'deploy', 'docker', 'Dockerfile');
const WATCHDOG_MS = 15 * 60_000;

interface Stage {
  name: string;
  from: string;
  steps: { op: string; args: string }[];
}

/** Dockerfile instructions per stage (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({ name: name || `stage${stages.length}`, from, steps: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [key = '', value = ''] = rest.split('=');
      args[key] = value;
    } else {
      stages.at(-1)?.steps.push({ op: upper, args: rest });
    }
  }
  return { args, stages };
}

/** Deploy/docker/Dockerfile.dockerignore, as the few name patterns it uses. */
function ignoredNames(): (path: string) => boolean {
  const patterns = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return (path) => {
    const rel = relative(root, path);
    const name = basename(path);
    return patterns.some((p) =>
      p.startsWith('**/') ? name === p.slice(3) : p.startsWith('*.') ? name.endsWith(p.slice(1)) : rel === p || rel.startsWith(`${p}/`),
    );
  };
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): void {
  process.stdout.write(`  $ ${command}\n`);
  const result = spawnSync('/bin/sh', ['-c', command], { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`step failed (exit ${result.status}): ${command}`);
}

/** Hard-link copy (what a FROM <stage> or COPY --from gives, without copying a gigabyte). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const result = spawnSync('cp', ['-al', `${from}/.`, to]);
  if (result.status !== 0) throw new Error(`cp -al ${from} ${to} failed: ${result.stderr}`);
}

function build(work: string): { runtimeDir: string; env: Record<string, string>; cmd: string[]; user: string } {
  const { args, stages } = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
  const dirs = new Map<string, string>();
  const ignored = ignoredNames();
  let last = { runtimeDir: '', env: {} as Record<string, string>, cmd: [] as string[], user: '' };
  for (const stage of stages) {
    const dir = join(work, stage.name);
    const base = dirs.get(stage.from);
    process.stdout.write(`stage ${stage.name} (FROM ${stage.from})\n`);
    if (base) linkTree(base, dir);
    else mkdirSync(dir, { recursive: true });
    dirs.set(stage.name, dir);
    const env: Record<string, string> = {};
    let cmd: string[] = [];
    let user = '';
    for (const { op, args: rest } of stage.steps) {
      if (op === 'WORKDIR') {
        if (rest !== '/app') throw new Error(`check:image assumes WORKDIR /app, found ${rest}`);
      } else if (op === 'COPY') {
        const from = /^--from=(\S+)\s+/.exec(rest)?.[1];
        const parts = rest.replace(/^--\S+\s+/, '').split(/\s+/);
        const rawDest = parts.pop() as string;
        const intoDir = rawDest.endsWith('/') || rawDest === '.';
        for (const src of parts) {
          const source = from ? join(dirs.get(from) as string, src.replace(/^\/app\/?/, '')) : join(root, src);
          const isDir = spawnSync('test', ['-d', source]).status === 0;
          const target = join(dir, rawDest, !isDir && intoDir ? basename(src) : '');
          // Docker copies a directory's contents into the destination, a file into or as it.
          if (from) linkTree(source, target);
          else cpSync(source, target, { recursive: true, filter: (p) => !ignored(p) });
        }
      } else if (op === 'RUN') {
        const command = rest.replace(/--mount=\S+\s+/g, '');
        sh(command, dir, { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' });
      } else if (op === 'ENV') {
        for (const [, key = '', value = ''] of rest.matchAll(/(\w+)=(\S+)/g))
          env[key] = value.replace(/\$\{(\w+)\}/g, (_, v: string) => args[v] ?? '');
      } else if (op === 'USER') {
        user = rest;
      } else if (op === 'CMD') {
        cmd = JSON.parse(rest) as string[];
      }
    }
    last = { runtimeDir: dir, env, cmd, user };
  }
  return last;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function checkContents(runtimeDir: string): void {
  const dist = walk(join(runtimeDir, 'dist')).map((p) => relative(runtimeDir, p));
  const unwanted = dist.filter((p) =>
    /\.(spec|integration-spec|e2e-spec)\.js$|\.test-helper\.js$|\/test\/|\/bench\/|^dist\/libs\/testing\/|^dist\/load-tests\//.test(p),
  );
  if (unwanted.length > 0) throw new Error(`test or benchmark code in the image:\n  ${unwanted.slice(0, 20).join('\n  ')}`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  // The lockfile marks what only dev dependencies need ("dev": true); some devDependencies
  // (@types/pg, …) are also pulled in by runtime packages and rightly stay.
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const devOnly = Object.keys(pkg.devDependencies).filter(
    (d) => lock.packages[`node_modules/${d}`]?.dev === true && existsSync(join(runtimeDir, 'node_modules', d)),
  );
  if (devOnly.length > 0) throw new Error(`dev dependencies in the image: ${devOnly.join(', ')}`);
  const missing = Object.keys(pkg.dependencies).filter((d) => !existsSync(join(runtimeDir, 'node_modules', d)));
  if (missing.length > 0) throw new Error(`runtime dependencies missing from the image: ${missing.join(', ')}`);
  process.stdout.write(`contents: ${dist.length} files in dist, no tests/benchmarks, no dev dependencies\n`);
}

function migrate(runtimeDir: string, infra: Infra): void {
  // The Job's command, with every service that has a schema (the chart's values).
  const schemas = [
    'ingestion:ingestion',
    'api-gateway:gateway',
    'aggregation:aggregation',
    'provisions:provisions',
    'monitoring:monitoring',
  ];
  const result = spawnSync('node', ['dist/libs/database/src/migrate-cli.js', ...schemas], {
    cwd: runtimeDir,
    env: { ...process.env, DATABASE_URL: infra.env.DATABASE_URL },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`migrate-cli failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  process.stdout.write(`migrations:\n${result.stdout}`);
}

async function startEach(runtime: ReturnType<typeof build>, infra: Infra, logDir: string): Promise<void> {
  const services = readdirSync(join(runtime.runtimeDir, 'dist', 'apps')).filter((app) =>
    existsSync(join(runtime.runtimeDir, 'dist', 'apps', app, 'src', 'main.js')),
  );
  if (services.length !== 6) throw new Error(`expected six services in dist/apps, found ${services.join(', ')}`);
  for (const service of services) {
    const port = await freePort();
    const started = Date.now();
    const child: ManagedProcess = startProcess(service, runtime.cmd[0] as string, runtime.cmd.slice(1), join(logDir, `${service}.log`), {
      cwd: runtime.runtimeDir,
      env: {
        PATH: process.env.PATH,
        ...runtime.env,
        ...infra.env,
        SERVICE: service,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_API_KEY: 'image-check-key',
        MIGRATIONS_AT_BOOT: 'false',
        OTEL_SDK_DISABLED: 'true',
        LOG_LEVEL: 'warn',
      },
    });
    try {
      await waitFor(
        `${service} /readyz`,
        async () => {
          if (child.child.exitCode !== null) throw new Error(`${service} exited with ${child.child.exitCode}`);
          return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
        },
        90_000,
        250,
      );
      process.stdout.write(`${service}: /readyz 200 after ${Date.now() - started} ms\n`);
    } catch (error) {
      const log = existsSync(join(logDir, `${service}.log`)) ? readFileSync(join(logDir, `${service}.log`), 'utf8').slice(-4000) : '';
      throw new Error(`${service} did not become ready: ${(error as Error).message}\n${log}`);
    } finally {
      await child.stop();
    }
    if (child.child.exitCode !== 0 && child.child.signalCode === null)
      throw new Error(`${service} exited ${child.child.exitCode} on SIGTERM`);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ledgerline-image-'));
  chmodSync(work, 0o755); // the postgres user must reach its data dir inside
  let infra: Infra | undefined;
  const watchdog = setTimeout(() => {
    process.stderr.write('check:image: watchdog expired\n');
    void infra?.stop().finally(() => process.exit(2));
  }, WATCHDOG_MS);
  try {
    const runtime = build(join(work, 'stages'));
    if (!/^[1-9][0-9]*:[1-9][0-9]*$/.test(runtime.user)) throw new Error(`runtime USER must be a non-root uid:gid, got "${runtime.user}"`);
    checkContents(runtime.runtimeDir);
    infra = await startInfra({
      dataDir: join(work, 'infra'),
      ports: { postgres: await freePort(), nats: await freePort(), redis: await freePort() },
      fast: true,
    });
    migrate(runtime.runtimeDir, infra);
    await startEach(runtime, infra, infra.logDir);
    process.stdout.write('check:image: OK\n');
  } finally {
    clearTimeout(watchdog);
    await infra?.stop();
    if (!process.env.KEEP_IMAGE_DIR) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`check:image FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
