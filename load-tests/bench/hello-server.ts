import Fastify from 'fastify';

/**
 * The reference for bench:gateway: a bare Fastify hello-world in its own
 * process, on the same machine and loopback as the gateway.
 */
const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
app.listen({ port, host: '127.0.0.1' }).then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
