import { DrainLoop, type PassResult } from './drain-loop';

/** A pass the test finishes by hand, counting how often the loop started one. */
function controlledPass() {
  let passes = 0;
  let finish: (() => void) | undefined;
  const pass = () => {
    passes += 1;
    return new Promise<void>((resolve) => (finish = resolve));
  };
  return { pass, passes: () => passes, finish: () => finish?.() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DrainLoop', () => {
  const HOUR = 3_600_000;

  it('runs one pass at a time, and one more after it for any number of kicks during it', async () => {
    const work = controlledPass();
    const loop = new DrainLoop(work.pass, { everyMs: HOUR, onError: () => undefined });
    loop.start();
    expect(work.passes()).toBe(1);
    loop.kick();
    loop.kick();
    loop.kick();
    expect(work.passes()).toBe(1);
    work.finish();
    await settle();
    expect(work.passes()).toBe(2);
    work.finish();
    await settle();
    expect(work.passes()).toBe(2);
    await loop.stop();
  });

  it('reports a failed pass and keeps going on the next kick', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new DrainLoop(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('database gone');
      },
      { everyMs: HOUR, onError: (err) => errors.push(err) },
    );
    loop.start();
    await loop.idle();
    expect((errors[0] as Error).message).toBe('database gone');
    loop.kick();
    await loop.idle();
    expect(calls).toBe(2);
    await loop.stop();
  });

  it('runs the pass again after the delay a pass asked for', async () => {
    let calls = 0;
    const second = new Promise<void>((resolve) => {
      const loop = new DrainLoop(
        async (): Promise<PassResult> => {
          calls += 1;
          if (calls === 1) return { retryInMs: 1 };
          resolve();
          await loop.stop();
          return undefined;
        },
        { everyMs: HOUR, onError: () => undefined },
      );
      loop.start();
    });
    await second;
    expect(calls).toBe(2);
  });

  it('waits for the pass in progress on stop, and starts none after', async () => {
    const work = controlledPass();
    const loop = new DrainLoop(work.pass, { everyMs: HOUR, onError: () => undefined });
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    expect(loop.stopped).toBe(true);
    await settle();
    expect(stopped).toBe(false);
    work.finish();
    await stopping;
    loop.kick();
    expect(work.passes()).toBe(1);
  });
});
