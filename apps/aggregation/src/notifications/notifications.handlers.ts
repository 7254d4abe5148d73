import { getWebhooks, listBudgets, putBudgets, putWebhooks } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BudgetsService } from './budgets.service';
import { WebhooksService } from './webhooks.service';

/** NATS adapters: one line each into the services. */
@Injectable()
export class NotificationsHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly budgets: BudgetsService,
    private readonly webhooks: WebhooksService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(listBudgets, (req) => this.budgets.list(req.tenantId));
    this.bus.serve(putBudgets, (req) => this.budgets.put(req.tenantId, req.body));
    this.bus.serve(getWebhooks, (req) => this.webhooks.get(req.tenantId));
    this.bus.serve(putWebhooks, (req) => this.webhooks.put(req.tenantId, req.body));
  }
}
