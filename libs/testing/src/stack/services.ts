/** The six services, their HTTP port variable and local default port. */
export const SERVICES = [
  { name: 'monitoring', portEnv: 'MONITORING_PORT', defaultPort: 3005 },
  { name: 'provisions', portEnv: 'PROVISIONS_PORT', defaultPort: 3003 },
  { name: 'ingestion', portEnv: 'INGESTION_PORT', defaultPort: 3001 },
  { name: 'aggregation', portEnv: 'AGGREGATION_PORT', defaultPort: 3002 },
  { name: 'cache-gateway', portEnv: 'CACHE_GATEWAY_PORT', defaultPort: 3004 },
  { name: 'api-gateway', portEnv: 'GATEWAY_PORT', defaultPort: 3000 },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];
