export const CACHE_GATEWAY_CONFIG = Symbol('CACHE_GATEWAY_CONFIG');
/** The hot-path Redis client (`Redis` from @ledgerline/runtime); commands go through the RedisDeadline provider. */
export const REDIS = Symbol('REDIS');
