import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

/**
 * The reference for the HTTP benchmarks: a bare Fastify server in its own
 * process, on the same machine and loopback as the gateway, answering
 * GET /hello with the body in the file given as the second argument (the
 * same bytes the measured route returns), or a hello-world without one.
 */
const port = Number(process.argv[2] ?? 0);
const bodyFile = process.argv[3];
const body = bodyFile ? readFileSync(bodyFile) : Buffer.from('{"hello":"world"}');
const app = Fastify({ logger: false });
app.get('/hello', (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
app.listen({ port, host: '127.0.0.1' }).then(
  () => process.stdout.write('ready\n'),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
