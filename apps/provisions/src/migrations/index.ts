import { CreateTenantConfigs1763800000000 } from './1763800000000-create-tenant-configs';

export const migrations = [CreateTenantConfigs1763800000000];
