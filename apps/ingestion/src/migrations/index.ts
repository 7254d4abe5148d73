import { CreateTransactions1763800000000 } from './1763800000000-create-transactions';
import { ReadViewsForAggregation1764000000000 } from './1764000000000-read-views-for-aggregation';
import { CreateImports1764100000000 } from './1764100000000-create-imports';
import { TenantVersions1764600000000 } from './1764600000000-tenant-versions';
import { TransactionSearch1765000000000 } from './1765000000000-transaction-search';
import { TenantLeadingKeys1765100000000 } from './1765100000000-tenant-leading-keys';

export const migrations = [
  CreateTransactions1763800000000,
  ReadViewsForAggregation1764000000000,
  CreateImports1764100000000,
  TenantVersions1764600000000,
  TransactionSearch1765000000000,
  TenantLeadingKeys1765100000000,
];
