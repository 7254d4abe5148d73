/**
 * The tables whose keys do not lead with tenant_id: they stay whole on every
 * node (Citus reference tables) when the services' schemas are distributed by
 * tenant. Every other table is tenant-owned: its primary key and unique indexes
 * lead with tenant_id, so each is enforced on the one shard holding its tenant
 * (tenant-keys.integration-spec.ts checks both, after all services' migrations).
 * Keyed `schema.table`; `*.migrations` is the bookkeeping table of every schema.
 */
export const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  'gateway.tenants': 'its id is the tenant id: the table every tenant refers to, not a row of one',
  'gateway.api_keys': 'looked up by key hash before the tenant is known, so a hash must be unique across tenants',
  'monitoring.alerts': "the services' own latency alerts: no tenant's data, no tenant column",
  'aggregation.change_partitions': "a lease per partition of the change stream, held by an aggregation replica: no tenant's row",
  'aggregation.change_consumers': "aggregation replicas' heartbeats, counted to share the change stream's partitions",
  '*.migrations': "TypeORM's record of the migrations a schema ran: schema bookkeeping",
};

export function isReferenceTable(schema: string, table: string): boolean {
  return `${schema}.${table}` in REFERENCE_TABLES || `*.${table}` in REFERENCE_TABLES;
}
