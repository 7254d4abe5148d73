/** The service's pino logger, provided once by each app module (`{ provide: LOGGER, useValue: logger }`). */
export const LOGGER = Symbol('LOGGER');
