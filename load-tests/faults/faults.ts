import type { ServiceName } from '@ledgerline/testing';
import type { FaultStack } from './fault-stack';

export interface Fault {
  name: string;
  /** Breaks something; resolves once the break is in place. */
  inject(stack: FaultStack): Promise<void>;
  /** How long the break lasts before heal() (ms). */
  holdMs: number;
  /** Brings it back (restart, SIGCONT); resolves once it is back. */
  heal(stack: FaultStack): Promise<void>;
  /** A rolling SIGTERM: every request must succeed (graceful shutdown). */
  graceful?: boolean;
  /** Rows of the phase's CSV import, and when it is sent (the fault comes at FAULT_AT_MS). */
  importRows?: number;
  importAtMs?: number;
}

const nothing = async () => undefined;

const killService = (name: ServiceName): Fault => ({
  name: `kill -9 ${name}`,
  inject: (s) => s.killService(name),
  holdMs: 1_000,
  heal: (s) => s.restartService(name),
});

const KILL_POSTGRES: Fault = {
  name: 'kill -9 postgres',
  inject: (s) => s.killPostgres(),
  holdMs: 1_000,
  heal: (s) => s.restartPostgres(),
};
const KILL_NATS: Fault = { name: 'kill -9 nats', inject: (s) => s.killNats(), holdMs: 1_000, heal: (s) => s.restartNats() };
const KILL_REDIS: Fault = { name: 'kill -9 redis', inject: (s) => s.killRedis(), holdMs: 1_000, heal: (s) => s.restartRedis() };
const STOP_POSTGRES: Fault = {
  name: 'SIGSTOP postgres',
  inject: async (s) => s.pausePostgres(),
  holdMs: 5_000,
  heal: async (s) => s.resumeAll(),
};
const STOP_REDIS: Fault = { name: 'SIGSTOP redis', inject: async (s) => s.pauseRedis(), holdMs: 5_000, heal: async (s) => s.resumeAll() };
const NATS_DURING_IMPORT: Fault = { ...KILL_NATS, name: 'kill -9 nats during a CSV import', importRows: 20_000, importAtMs: 1_500 };

const together = (...faults: Fault[]): Fault => ({
  name: faults.map((f) => f.name).join(' + '),
  inject: async (s) => {
    for (const f of faults) await f.inject(s);
  },
  holdMs: Math.max(...faults.map((f) => f.holdMs)),
  heal: async (s) => {
    // Dependencies first (they are listed first): a service restarted before them would not get ready.
    for (const f of faults) await f.heal(s);
  },
});

/** A rolling restart of one service after the other (a phase per service in the full profile, one for all in CI). */
const rolling = (...names: ServiceName[]): Fault => ({
  name: `rolling SIGTERM ${names.join(', ')}`,
  inject: async (s) => {
    for (const name of names) {
      const exit = await s.rollingRestart(name);
      s.notes.push(`${name}: old replica exited ${exit.exitMs} ms after SIGTERM${exit.killed ? ', SIGKILLed after 30 s' : ''}`);
    }
  },
  holdMs: 0,
  heal: nothing,
  graceful: true,
});

const ROLLED: ServiceName[] = ['ingestion', 'aggregation', 'cache-gateway', 'provisions', 'monitoring', 'api-gateway'];

export const PROFILES: Record<'ci' | 'full', Fault[]> = {
  ci: [killService('ingestion'), NATS_DURING_IMPORT, KILL_POSTGRES, STOP_REDIS, rolling('ingestion', 'api-gateway')],
  full: [
    KILL_POSTGRES,
    KILL_NATS,
    KILL_REDIS,
    killService('ingestion'),
    killService('aggregation'),
    killService('cache-gateway'),
    killService('api-gateway'),
    STOP_POSTGRES,
    STOP_REDIS,
    NATS_DURING_IMPORT,
    together(KILL_NATS, killService('ingestion')),
    together(STOP_POSTGRES, killService('aggregation')),
    together(KILL_REDIS, killService('cache-gateway'), killService('api-gateway')),
    ...ROLLED.map((name) => rolling(name)),
  ],
};
