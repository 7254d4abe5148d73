import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetStreamSettings } from './jetstream-settings';

/** Uploads nobody picked up (a crash between upload and start) are dropped after a day. */
const MAX_AGE_NS = 24 * 60 * 60 * 1e9;

/** Opens (creating on first use) a file-backed JetStream object store bucket. */
export function openObjectStore(connection: NatsConnection, bucket: string): Promise<ObjectStore> {
  const { storage, num_replicas } = jetStreamSettings();
  return new Objm(connection).create(bucket, { storage, replicas: num_replicas, ttl: MAX_AGE_NS });
}
