import { jetstream } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { createHash } from 'node:crypto';
import { jetStreamSettings } from './jetstream-settings';

/** Uploads nobody picked up (a crash between upload and start) are dropped after a day. */
const MAX_AGE_NS = 24 * 60 * 60 * 1e9;

/** Opens (creating on first use) a file-backed JetStream object store bucket. */
export function openObjectStore(connection: NatsConnection, bucket: string): Promise<ObjectStore> {
  const { storage, num_replicas } = jetStreamSettings();
  return new Objm(connection).create(bucket, { storage, replicas: num_replicas, ttl: MAX_AGE_NS });
}

/** Chunks fetched ahead of the reader: a bounded buffer (the store's chunks are 128 KiB, so about 1 MiB). */
const CHUNKS_AHEAD = 8;

/**
 * An object's bytes as a stream that fetches chunks only as its reader takes
 * them. `ObjectStore.get` pushes every chunk into its stream as fast as NATS
 * delivers them, so a slower reader (a COPY into PostgreSQL) had the whole
 * object in memory: 419 MiB of RSS for a 100 MB import, past the pod's limit
 * for the 512 MiB an import may be. This reads the object's chunk subject
 * (NATS ADR-20's layout: stream `OBJ_<bucket>`, subject `$O.<bucket>.C.<nuid>`)
 * with an ordered pull consumer, and checks the SHA-256 digest at the end as
 * the store's own reader does. null when there is no such object.
 */
export async function readObject(connection: NatsConnection, store: ObjectStore, name: string): Promise<ReadableStream<Uint8Array> | null> {
  const info = await store.info(name);
  if (!info || info.deleted) return null;
  if (info.size === 0) return new ReadableStream({ start: (controller) => controller.close() });
  const consumer = await jetstream(connection).consumers.get(`OBJ_${info.bucket}`, {
    // One subject as a string: the single-filter form nats-server 2.9 (Debian's) understands.
    filter_subjects: `$O.${info.bucket}.C.${info.nuid}`,
  });
  const messages = await consumer.consume({ max_messages: CHUNKS_AHEAD });
  const chunks = messages[Symbol.asyncIterator]();
  const sha = createHash('sha256');
  let left = info.chunks;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) {
        controller.error(new Error(`object ${name}: its chunks ended early`));
        return;
      }
      const { data } = next.value;
      sha.update(data);
      if (data.length > 0) controller.enqueue(data);
      if (--left > 0) return;
      messages.stop();
      const expected = Buffer.from(info.digest.slice(DIGEST_PREFIX.length), 'base64');
      if (!info.digest.startsWith(DIGEST_PREFIX) || !expected.equals(sha.digest())) {
        controller.error(new Error(`object ${name}: corrupt, its digest does not match ${info.digest}`));
      } else {
        controller.close();
      }
    },
    cancel() {
      messages.stop();
    },
  });
}

const DIGEST_PREFIX = 'SHA-256=';
