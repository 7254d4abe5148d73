import { CreateRollups1764000000000 } from './1764000000000-create-rollups';
import { CreateTasks1764100000000 } from './1764100000000-create-tasks';
import { Watermarks1764600000000 } from './1764600000000-watermarks';
import { BudgetsAndWebhooks1764900000000 } from './1764900000000-budgets-and-webhooks';
import { MemberCategoryRollups1765000000000 } from './1765000000000-member-category-rollups';
import { TenantLeadingKeys1765100000000 } from './1765100000000-tenant-leading-keys';
import { WatermarkGeneration1765300000000 } from './1765300000000-watermark-generation';
import { ChangePartitionLeases1765400000000 } from './1765400000000-change-partition-leases';

export const migrations = [
  CreateRollups1764000000000,
  CreateTasks1764100000000,
  Watermarks1764600000000,
  BudgetsAndWebhooks1764900000000,
  MemberCategoryRollups1765000000000,
  TenantLeadingKeys1765100000000,
  WatermarkGeneration1765300000000,
  ChangePartitionLeases1765400000000,
];
