import { CreateTenantConfigs1763800000000 } from './1763800000000-create-tenant-configs';
import { CreateFixedLinesAndProvisions1764000000000 } from './1764000000000-create-fixed-lines-and-provisions';

export const migrations = [CreateTenantConfigs1763800000000, CreateFixedLinesAndProvisions1764000000000];
