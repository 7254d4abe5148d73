export * from './nats-bus';
export * from './messaging.module';
export * from './trace-headers';
export * from './jetstream';
export * from './object-store';
export * from './cache-invalidation';
export * from './watermarks';
export * from './tenant-members';
