import { z } from 'zod';
import { defineEvent } from '../common/contract';

/**
 * An api-gateway replica is alive (sent every RATE_LIMIT_PRESENCE_INTERVAL_MS):
 * replicas count each other through NATS, which stays up when Redis is down, so
 * the Redis-down rate-limit share follows the live replica count.
 */
export const gatewayPresence = defineEvent('events.gateway.presence.v1', z.object({ replicaId: z.uuid() }));
