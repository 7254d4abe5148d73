import type { Runtime } from '../runtime';
import { sleepSync } from '../sync-http';

type Checkers = Record<string, ((value: unknown) => unknown) | unknown>;

/** The `k6` module: check, group, sleep, fail. */
export function k6Module(rt: Runtime) {
  return {
    check(value: unknown, checkers: Checkers, tags: Record<string, string> = {}): boolean {
      let all = true;
      for (const [name, checker] of Object.entries(checkers)) {
        // As in k6, an exception inside a check function propagates to the iteration.
        const ok = Boolean(typeof checker === 'function' ? (checker as (v: unknown) => unknown)(value) : checker);
        rt.metrics.add('checks', ok ? 1 : 0, { ...rt.tags(), check: name, ...tags });
        rt.recordCheck(name, ok);
        all &&= ok;
      }
      return all;
    },
    group<T>(name: string, fn: () => T): T {
      rt.enterGroup(name);
      const started = performance.now();
      try {
        return fn();
      } finally {
        rt.metrics.add('group_duration', performance.now() - started, rt.tags());
        rt.leaveGroup();
      }
    },
    sleep: sleepSync,
    fail(message = ''): never {
      throw new Error(message);
    },
    randomSeed(): void {
      // Scripts here draw from Math.random; a seed changes nothing for a smoke check.
    },
  };
}
