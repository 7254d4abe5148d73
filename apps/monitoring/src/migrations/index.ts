import type { MigrationInterface } from 'typeorm';
import { CreateAlerts1764100000000 } from './1764100000000-create-alerts';

export const migrations: (new () => MigrationInterface)[] = [CreateAlerts1764100000000];
