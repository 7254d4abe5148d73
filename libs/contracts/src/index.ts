export * from './common/problem';
export * from './common/validation';
export * from './common/primitives';
export * from './common/contract';
export * from './tenant/tenant-config.schema';
export * from './tenant/tenant.contracts';
export * from './transactions/transaction.schema';
export * from './transactions/transaction.contracts';
