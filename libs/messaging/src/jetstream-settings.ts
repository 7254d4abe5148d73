import { DiscardPolicy, StorageType } from '@nats-io/jetstream';
import { z } from 'zod';

/**
 * Replication, storage and retention of the streams and object stores the services
 * create, from the environment (the Helm chart sets them from `jetstream.*` values:
 * R3 on a 3-node NATS cluster in prod). Defaults suit one local nats-server.
 */
const schema = z.object({
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  JETSTREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
  JETSTREAM_MAX_AGE_HOURS: z.coerce.number().int().min(1).default(168),
  JETSTREAM_MAX_BYTES: z.coerce.number().int().min(1_048_576).default(1_073_741_824),
});

export interface JetStreamSettings {
  num_replicas: number;
  storage: StorageType;
  max_age: number;
  max_bytes: number;
  /**
   * A full stream refuses new messages instead of dropping old unconsumed ones: the
   * outbox relay keeps them in PostgreSQL and retries, so nothing is lost.
   */
  discard: DiscardPolicy;
}

export function jetStreamSettings(env: NodeJS.ProcessEnv = process.env): JetStreamSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new Error(`Invalid JetStream settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const s = parsed.data;
  return {
    num_replicas: s.JETSTREAM_REPLICAS,
    storage: s.JETSTREAM_STORAGE === 'memory' ? StorageType.Memory : StorageType.File,
    max_age: s.JETSTREAM_MAX_AGE_HOURS * 3600 * 1e9,
    max_bytes: s.JETSTREAM_MAX_BYTES,
    discard: DiscardPolicy.New,
  };
}
