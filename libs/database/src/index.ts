export * from './database.module';
export * from './migrate';
export * from './reference-tables';
export * from './claim';
export * from './transaction';
