import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** A port the OS says is free right now (bound to loopback, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Polls `probe` until it returns a value (not undefined) and returns it; `tick`
 * runs between tries (e.g. a request that keeps traffic flowing).
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  {
    tick = async () => undefined,
    timeoutMs = 30_000,
    everyMs = 100,
  }: { tick?: () => Promise<unknown>; timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await tick();
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a long-running child with its output in a log file; stop() ends it by its PID. */
export function startProcess(name: string, command: string, args: string[], logFile: string, options: SpawnOptions = {}): ManagedProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  // Both streams feed one file, so neither may end it: whichever closed first would leave the other writing
  // after the end, an unhandled error that killed the caller and orphaned everything it had started.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.on('error', (error) => log.write(`spawn error: ${error.message}\n`));
  child.on('close', () => log.end());
  return {
    name,
    child,
    stop: () => stopChild(child),
  };
}

/** Sends a signal; false when the process is already gone (ESRCH), which is what stopping wanted anyway. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ctrl-C signals the whole process group: the child may have died a moment ago, its exit event still queued.
  signal(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.pid !== undefined) signal(child.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], options: { cwd?: string; asUser?: string } = {}): string {
  const [cmd, argv] = options.asUser && isRoot() ? ['runuser', ['-u', options.asUser, '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { cwd: options.cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout || result.error?.message}`);
  }
  return result.stdout;
}

export function which(binary: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Ends the processes whose PIDs a file lists (one per line), waiting for each to go. */
export async function stopRecordedPids(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const pids = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    if (!signal(pid, 'SIGTERM')) continue; // already gone
    await waitFor(
      `pid ${pid} to exit`,
      async () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      50,
    ).catch(() => signal(pid, 'SIGKILL'));
  }
}
