import pino from 'pino';
import { createHotPathRedis, shutDownRedis, type Redis } from './redis';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this spec through the integration jest project`);
  return value;
};

async function ready(client: Redis): Promise<void> {
  for (let i = 0; i < 100 && !client.isReady; i++) await new Promise((r) => setTimeout(r, 20));
  if (!client.isReady) throw new Error('redis client never became ready');
}

describe('shutDownRedis', () => {
  it('ends a client at once even with a reply outstanding, leaving it neither open nor ready (no ping timer can re-arm)', async () => {
    const client = createHotPathRedis(env('IT_REDIS_URL'), pino({ level: 'silent' }), 'shutdown test');
    await ready(client);
    const redisPid = Number(env('IT_REDIS_PID'));
    process.kill(redisPid, 'SIGSTOP');
    try {
      const outstanding = client.ping();
      shutDownRedis(client);
      // close() would leave the client "ready" until Redis answers: the state in which node-redis keeps pinging.
      expect({ open: client.isOpen, ready: client.isReady }).toEqual({ open: false, ready: false });
      await expect(outstanding).rejects.toThrow();
      shutDownRedis(client); // a second call (two modules sharing a client) is harmless
    } finally {
      process.kill(redisPid, 'SIGCONT');
    }
  });
});
