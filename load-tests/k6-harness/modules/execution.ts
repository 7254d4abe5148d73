import type { Runtime } from '../runtime';

/** The `k6/execution` module: where the script is, as k6 reports it. */
export function executionModule(rt: Runtime, options: () => unknown) {
  const execution = {
    get scenario() {
      const p = rt.position;
      return {
        name: p.scenario,
        executor: p.executor,
        startTime: rt.startedAt,
        progress: 0,
        iterationInInstance: p.iterationInScenario,
        iterationInTest: p.iterationInScenario,
      };
    },
    get vu() {
      const p = rt.position;
      return {
        idInInstance: p.vu,
        idInTest: p.vu,
        iterationInInstance: p.vuIteration,
        iterationInScenario: p.iterationInScenario,
        tags: {},
        metrics: { tags: {} },
      };
    },
    get instance() {
      return {
        iterationsCompleted: 0,
        iterationsInterrupted: 0,
        vusActive: 1,
        vusInitialized: 1,
        currentTestRunDuration: Date.now() - rt.startedAt,
      };
    },
    test: {
      abort(reason = 'test aborted'): never {
        throw new Error(`test.abort: ${reason}`);
      },
      get options() {
        return options();
      },
    },
  };
  // Scripts import the default object; its getters read the live position (a spread would freeze it).
  return { default: execution, test: execution.test };
}
