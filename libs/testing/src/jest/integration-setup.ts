import { startThrowAwayInfra } from './global-stack';

/** Integration tier: real PostgreSQL, NATS and Redis; each spec boots the one service it tests. */
export default async function integrationSetup(): Promise<void> {
  const infra = await startThrowAwayInfra('it');
  process.env.IT_DATABASE_URL = infra.postgres.url;
  process.env.IT_NATS_URL = infra.nats.url;
  process.env.IT_REDIS_URL = infra.redis.url;
  process.env.IT_NATS_PID = String(infra.nats.child.pid);
  process.env.IT_REDIS_PID = String(infra.redis.child.pid);
}
