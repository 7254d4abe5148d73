import { CreateTenantsAndKeys1763800000000 } from './1763800000000-create-tenants-and-keys';

export const migrations = [CreateTenantsAndKeys1763800000000];
