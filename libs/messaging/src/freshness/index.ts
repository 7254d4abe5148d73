export * from './freshness-batch';
export * from './freshness-tracker';
export * from './top-tenants';
export * from './freshness-feed';
