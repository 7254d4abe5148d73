/** DI tokens of the provisions service (the logger is the shared LOGGER from @ledgerline/runtime). */
export const PROVISIONS_CONFIG = Symbol('PROVISIONS_CONFIG');
