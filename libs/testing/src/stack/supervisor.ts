import type { ChildProcess } from 'node:child_process';

/** Something the supervisor keeps running: how to stop it, and a promise that settles (with how) when it dies. */
export interface Supervised {
  stop(): Promise<void>;
  exited: Promise<string>;
}

/**
 * Exponential backoff between restarts: `initialMs`, doubled per failure in a
 * row up to `maxMs`. A process that stayed up `stableMs` starts afresh, so one
 * crash a day is restarted quickly and a crash loop does not spin the machine.
 */
export class RestartBackoff {
  private failures = 0;

  constructor(
    private readonly options: { initialMs: number; maxMs: number; stableMs: number } = { initialMs: 500, maxMs: 30_000, stableMs: 60_000 },
  ) {}

  /** The delay before the next restart of a process that was up for `upForMs`. */
  next(upForMs: number): number {
    if (upForMs >= this.options.stableMs) this.failures = 0;
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    this.failures += 1;
    return delay;
  }
}

/** How a child process ended, once it has: "exit code 1" or "signal SIGKILL". */
export function childExit(child: ChildProcess): Promise<string> {
  const describe = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `exit code ${code}`);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(describe(child.exitCode, child.signalCode));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(describe(code, signal))));
}

/** Settles when a process that is not our child (a daemon such as PostgreSQL's postmaster) is gone, polling by PID. */
export function pidExit(pid: number, everyMs = 1_000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPERM') return; // alive, someone else's
        clearInterval(timer);
        resolve(`pid ${pid} gone; exit status unknown, not our child`);
      }
    }, everyMs);
    timer.unref();
  });
}

export type UnitState = 'up' | 'down' | 'starting';

interface Unit {
  name: string;
  launch: () => Promise<Supervised>;
  backoff: RestartBackoff;
  current?: Supervised;
  state: UnitState;
  startedAt: number;
  timer?: NodeJS.Timeout;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  backoff?: () => RestartBackoff;
  /** Called whenever a unit changes state (the runner prints which parts are up). */
  onChange?: (states: Record<string, UnitState>) => void;
}

/**
 * Keeps what `npm start` started running: a death is reported with its exit
 * code or signal and the process is started again after a backoff; stopAll
 * stops everything in reverse order and restarts nothing after that.
 * Test stacks do not use it: a test that kills a service means it.
 */
export class Supervisor {
  private readonly units: Unit[] = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  /** Supervises something already running; `launch` starts it again after a death. */
  adopt(name: string, current: Supervised, launch: () => Promise<Supervised>): void {
    const unit: Unit = {
      name,
      launch,
      backoff: this.options.backoff?.() ?? new RestartBackoff(),
      current,
      state: 'up',
      startedAt: Date.now(),
    };
    this.units.push(unit);
    this.watch(unit, current);
    this.changed();
  }

  states(): Record<string, UnitState> {
    return Object.fromEntries(this.units.map((u) => [u.name, u.state]));
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const unit of this.units) clearTimeout(unit.timer);
    for (const unit of [...this.units].reverse()) {
      await unit.current?.stop().catch((error: unknown) => this.options.log(`${unit.name}: stop failed: ${(error as Error).message}`));
      unit.current = undefined;
    }
  }

  private watch(unit: Unit, instance: Supervised): void {
    void instance.exited.then((how) => {
      if (this.stopping || unit.current !== instance) return;
      unit.current = undefined;
      this.retry(unit, `${unit.name} died (${how})`, Date.now() - unit.startedAt);
    });
  }

  private retry(unit: Unit, why: string, upForMs: number): void {
    unit.state = 'down';
    const delay = unit.backoff.next(upForMs);
    this.options.log(`${why}; restarting in ${delay} ms`);
    this.changed();
    unit.timer = setTimeout(() => void this.restart(unit), delay);
  }

  private async restart(unit: Unit): Promise<void> {
    if (this.stopping) return;
    unit.state = 'starting';
    let instance: Supervised;
    try {
      instance = await unit.launch();
    } catch (error) {
      if (!this.stopping) this.retry(unit, `${unit.name} failed to start: ${(error as Error).message}`, 0);
      return;
    }
    if (this.stopping) {
      await instance.stop().catch(() => undefined);
      return;
    }
    unit.current = instance;
    unit.state = 'up';
    unit.startedAt = Date.now();
    this.options.log(`${unit.name} is back up`);
    this.watch(unit, instance);
    this.changed();
  }

  private changed(): void {
    this.options.onChange?.(this.states());
  }
}
