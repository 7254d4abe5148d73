import { CreateRollups1764000000000 } from './1764000000000-create-rollups';
import { CreateTasks1764100000000 } from './1764100000000-create-tasks';

export const migrations = [CreateRollups1764000000000, CreateTasks1764100000000];
