import { LOGGER } from '@ledgerline/runtime';

export const CACHE_GATEWAY_CONFIG = Symbol('CACHE_GATEWAY_CONFIG');
/** The hot-path Redis client (`Redis` from @ledgerline/runtime); commands go through the RedisDeadline provider. */
export const REDIS = Symbol('REDIS');

// The shared LOGGER under its old name for src/slo (changed on another branch): its import moves to LOGGER after that merges.
export const CACHE_GATEWAY_LOGGER = LOGGER;
