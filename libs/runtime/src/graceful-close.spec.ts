import Fastify, { type FastifyInstance } from 'fastify';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeConnectionsOnShutdown } from './graceful-close';

function get(app: FastifyInstance, agent: Agent, path: string): Promise<{ status: number; connection: string | undefined }> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode as number, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('closeConnectionsOnShutdown', () => {
  it('lets close() finish while clients hold keep-alive connections: idle ones are closed, in-flight ones answered then closed', async () => {
    const app = Fastify();
    closeConnectionsOnShutdown(app);
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    // Registered after the hook under test, so the held request is answered once the server is closing.
    app.addHook('preClose', (done) => {
      release();
      done();
    });
    app.get('/quick', async () => 'ok');
    app.get('/held', async () => {
      await held;
      return 'done';
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    expect(await get(app, agent, '/quick')).toMatchObject({ status: 200, connection: 'keep-alive' });
    const inFlight = get(app, agent, '/held');
    await new Promise((r) => setTimeout(r, 50));

    const closed = app.close();
    expect(await inFlight).toEqual({ status: 200, connection: 'close' });
    await closed; // without the hook this waits for the keep-alive timeout (72 s)
    agent.destroy();
  });
});
