import { Module } from '@nestjs/common';
import { RollupsRepository } from '../rollups/rollups.repository';
import { BudgetThresholds } from './budget-thresholds';
import { BudgetsRepository } from './budgets.repository';
import { BudgetsService } from './budgets.service';
import { NotificationsHandlers } from './notifications.handlers';
import { WebhookWorker } from './webhook.worker';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Budgets and what they tell: limits per category, the summary's budget
 * states, thresholds detected as writes are applied, and the tenant's
 * webhooks with their durable delivery outbox. In aggregation because a
 * threshold must be judged and recorded inside the transaction that applies
 * the write to the rollups.
 */
@Module({
  // RollupsRepository is stateless SQL: the watermark lock a change of limits takes.
  providers: [
    RollupsRepository,
    BudgetsRepository,
    BudgetThresholds,
    BudgetsService,
    WebhooksRepository,
    WebhooksService,
    WebhookWorker,
    NotificationsHandlers,
  ],
  exports: [BudgetThresholds, BudgetsService],
})
export class NotificationsModule {}
