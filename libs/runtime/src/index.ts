export * from './bootstrap';
export * from './config';
export * from './health.module';
export * from './metrics';
export * from './problem.filter';
export * from './readiness';
export * from './faults';
export * from './redis';
