import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomBytes, randomUUID } from 'node:crypto';
import { openObjectStore, readObject } from './object-store';

const CHUNK = 128 * 1024;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('readObject against a real nats-server', () => {
  let nc: NatsConnection;
  const bucket = `it-read-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    nc = await connect({ servers: process.env.IT_NATS_URL as string });
  });

  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(`OBJ_${bucket}`).catch(() => undefined);
    await nc.close();
  });

  it('returns the object byte for byte, and null for one that is not there', async () => {
    const store = await openObjectStore(nc, bucket);
    const bytes = randomBytes(5 * CHUNK + 1234);
    await store.putBlob({ name: 'whole' }, bytes);
    const stream = await readObject(nc, store, 'whole');
    expect(stream).not.toBeNull();
    expect((await readAll(stream as ReadableStream<Uint8Array>)).equals(bytes)).toBe(true);
    await store.putBlob({ name: 'empty' }, new Uint8Array(0));
    expect((await readAll((await readObject(nc, store, 'empty')) as ReadableStream<Uint8Array>)).length).toBe(0);
    expect(await readObject(nc, store, 'missing')).toBeNull();
  });

  it('fetches chunks as the reader takes them, not the whole object ahead of it', async () => {
    const store = await openObjectStore(nc, bucket);
    const bytes = randomBytes(40 * CHUNK);
    await store.putBlob({ name: 'big' }, bytes);
    const stream = (await readObject(nc, store, 'big')) as ReadableStream<Uint8Array>;
    const reader = stream.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 500)); // time enough for a pushing reader to receive all 40
    const jsm = await jetstreamManager(nc);
    const chunks = `$O.${bucket}.C.${(await store.info('big'))?.nuid}`;
    const delivered: number[] = [];
    for await (const info of jsm.consumers.list(`OBJ_${bucket}`)) {
      if (info.config.filter_subject === chunks) delivered.push(info.delivered.consumer_seq);
    }
    // A pushing reader has all 40 by now; this one has what it read plus its few chunks ahead.
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toBeLessThan(20);
    const rest: Uint8Array[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest.push(next.value);
    expect(Buffer.concat(rest).length).toBe(bytes.length - CHUNK);
  });
});
