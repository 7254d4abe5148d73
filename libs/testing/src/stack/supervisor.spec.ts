import { RestartBackoff, Supervisor, type Supervised } from './supervisor';

/** A fake process: dies when told to, counts its stops. */
function fake() {
  let die: (how: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (die = resolve));
  const instance = { stopped: 0, die: (how: string) => die(how) };
  const supervised: Supervised = {
    exited,
    stop: async () => {
      instance.stopped += 1;
    },
  };
  return { instance, supervised };
}

describe('RestartBackoff', () => {
  it('doubles the delay per failure in a row, up to a cap', () => {
    const backoff = new RestartBackoff({ initialMs: 100, maxMs: 1_000, stableMs: 10_000 });
    expect([0, 0, 0, 0, 0, 0].map((up) => backoff.next(up))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('starts afresh after the process stayed up long enough', () => {
    const backoff = new RestartBackoff({ initialMs: 100, maxMs: 1_000, stableMs: 10_000 });
    backoff.next(0);
    backoff.next(0);
    expect(backoff.next(9_999)).toBe(400);
    expect(backoff.next(10_000)).toBe(100);
  });
});

describe('Supervisor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const flush = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it('reports a death with how it ended and restarts after the backoff, retrying failed starts with a longer delay', async () => {
    const lines: string[] = [];
    const first = fake();
    const second = fake();
    const launches: (() => Promise<Supervised>)[] = [async () => Promise.reject(new Error('port in use')), async () => second.supervised];
    const supervisor = new Supervisor({
      log: (line) => lines.push(line),
      backoff: () => new RestartBackoff({ initialMs: 100, maxMs: 1_000, stableMs: 60_000 }),
    });
    supervisor.adopt('redis', first.supervised, () => (launches.shift() as () => Promise<Supervised>)());
    expect(supervisor.states()).toEqual({ redis: 'up' });

    first.instance.die('signal SIGKILL');
    await flush();
    expect(supervisor.states()).toEqual({ redis: 'down' });
    expect(lines).toEqual(['redis died (signal SIGKILL); restarting in 100 ms']);

    await jest.advanceTimersByTimeAsync(100);
    expect(lines[1]).toBe('redis failed to start: port in use; restarting in 200 ms');
    await jest.advanceTimersByTimeAsync(200);
    expect(lines[2]).toBe('redis is back up');
    expect(supervisor.states()).toEqual({ redis: 'up' });
  });

  it('restarts nothing once stopping, and stops what runs in reverse order', async () => {
    const order: string[] = [];
    const supervisor = new Supervisor({ log: () => undefined });
    const a = fake();
    const b = fake();
    const launch = jest.fn(async () => fake().supervised);
    supervisor.adopt('postgres', { ...a.supervised, stop: async () => void order.push('postgres') }, launch);
    supervisor.adopt('gateway', { ...b.supervised, stop: async () => void order.push('gateway') }, launch);
    // Ctrl-C reaches the whole process group: a child may die just before the runner's own stop.
    b.instance.die('signal SIGINT');
    await flush();
    await supervisor.stopAll();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(launch).not.toHaveBeenCalled();
    expect(order).toEqual(['postgres']);
  });
});
