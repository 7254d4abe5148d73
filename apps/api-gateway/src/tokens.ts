export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const LIVE_CONFIG = Symbol('LIVE_CONFIG');
/** The live admission's Redis client (counts of open live connections). */
export const LIVE_REDIS = Symbol('LIVE_REDIS');
/** The rate limiter's Redis client (GCRA buckets). */
export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
