export * from './fault-registry';
