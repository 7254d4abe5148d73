import { CreateTenantConfigs1763800000000 } from './1763800000000-create-tenant-configs';
import { CreateFixedLinesAndProvisions1764000000000 } from './1764000000000-create-fixed-lines-and-provisions';
import { TenantLeadingKeys1765100000000 } from './1765100000000-tenant-leading-keys';

export const migrations = [CreateTenantConfigs1763800000000, CreateFixedLinesAndProvisions1764000000000, TenantLeadingKeys1765100000000];
