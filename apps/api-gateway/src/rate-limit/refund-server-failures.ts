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
  // A callback hook: an async one would cost a promise on every response, and only 5xx responses have work to do.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const charge = (request as ChargedRequest).rateCharge;
    if (!charge || reply.statusCode < 500) return done(null, payload);
    (request as ChargedRequest).rateCharge = undefined;
    void limiter.refund(charge).then(() => done(null, payload));
  });
}
