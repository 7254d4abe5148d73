import { AppError, defineRequest } from '@ledgerline/contracts';
import { reportReadiness } from '@ledgerline/runtime';
import pino from 'pino';
import { z } from 'zod';
import { NatsBus } from './nats-bus';

const work = defineRequest<{ by: string }>()('test.readiness.work.v1', z.object({}));
const logger = pino({ level: 'silent' });
// A generous timeout: on a loaded host a slow answer must not pass for a missing one.
const connectBus = (name: string) => NatsBus.connect({ url: process.env.IT_NATS_URL as string, name, requestTimeoutMs: 10_000, logger });

/** The error code a request ends with, or 'ok:<replica>' when answered. */
async function outcome(client: NatsBus): Promise<string> {
  try {
    return `ok:${(await client.request(work, {})).by}`;
  } catch (error) {
    return (error as AppError).code;
  }
}

describe('an unready replica leaves its NATS queue groups', () => {
  let a: NatsBus;
  let b: NatsBus;
  let client: NatsBus;

  beforeAll(async () => {
    // Two replicas of one service (same queue group) and a caller.
    a = await connectBus('readiness-worker');
    b = await connectBus('readiness-worker');
    client = await connectBus('readiness-client');
    a.serve(work, async () => ({ by: 'a' }));
    b.serve(work, async () => ({ by: 'b' }));
    await Promise.all([a.connection.flush(), b.connection.flush()]);
  });

  afterAll(async () => {
    reportReadiness({ nats: true, postgres: true });
    await Promise.all([client.close(), a.close(), b.close()]);
  });

  it('sends every request to the ready replica, fails fast when none is ready, and rejoins when ready again', async () => {
    a.setServing(false);
    await a.connection.flush();
    const whileAUnready = await Promise.all(Array.from({ length: 20 }, () => outcome(client)));
    expect(new Set(whileAUnready)).toEqual(new Set(['ok:b']));

    b.setServing(false);
    await b.connection.flush();
    // Nobody in the queue group: "no responders" at once (503), not a 504 after the timeout.
    expect(await outcome(client)).toBe('service-unavailable');

    a.setServing(true);
    b.setServing(true);
    await Promise.all([a.connection.flush(), b.connection.flush()]);
    const afterwards = await Promise.all(Array.from({ length: 40 }, () => outcome(client)));
    expect(new Set(afterwards)).toEqual(new Set(['ok:a', 'ok:b']));
  });

  it("follows /readyz's outcome: a failing dependency takes the replica out, NATS's own check does not", async () => {
    reportReadiness({ nats: true, postgres: false });
    await Promise.all([a.connection.flush(), b.connection.flush()]);
    expect(await outcome(client)).toBe('service-unavailable');

    // While NATS itself is down nothing is delivered anyway; leaving would only delay the return.
    reportReadiness({ nats: false, postgres: true });
    await Promise.all([a.connection.flush(), b.connection.flush()]);
    expect(await outcome(client)).toMatch(/^ok:/);

    reportReadiness({ nats: true, postgres: true });
    expect(await outcome(client)).toMatch(/^ok:/);
  });
});
