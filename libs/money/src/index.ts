export * from './allocate';
export * from './decimal';
export * from './money';
export * from './percent';
export * from './ratio';
export * from './rounding';
