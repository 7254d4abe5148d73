import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Charge, RateLimiter } from './rate-limiter.service';

/** A request carries what admission charged it, for the refund below. */
export type ChargedRequest = FastifyRequest & { rateCharge?: Charge };

/**
 * SPEC: a request that fails for a reason on the server's side is not charged.
 * The refund runs before the response leaves (onSend), so a client retrying
 * as soon as it reads the 503 finds its quota already back.
 */
export function refundServerFailures(fastify: FastifyInstance, limiter: RateLimiter): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const charge = (request as ChargedRequest).rateCharge;
    if (charge && reply.statusCode >= 500) {
      (request as ChargedRequest).rateCharge = undefined;
      await limiter.refund(charge);
    }
    return payload;
  });
}
