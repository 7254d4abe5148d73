import { CreateRollups1764000000000 } from './1764000000000-create-rollups';

export const migrations = [CreateRollups1764000000000];
