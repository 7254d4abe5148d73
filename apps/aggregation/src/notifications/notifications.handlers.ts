import { getWebhooks, listBudgets, putBudgets, putWebhooks } from '@ledgerline/contracts';
import { NatsBus, rawJsonReply } from '@ledgerline/messaging';
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
    // Like every dashboard read, with the version it reflects (the cache-gateway keeps it beside the bytes).
    this.bus.serveRaw(listBudgets, async (req) => {
      const { budgets, version } = await this.budgets.list(req.tenantId);
      return rawJsonReply(budgets, version);
    });
    this.bus.serve(putBudgets, (req) => this.budgets.put(req.tenantId, req.body));
    this.bus.serve(getWebhooks, (req) => this.webhooks.get(req.tenantId));
    this.bus.serve(putWebhooks, (req) => this.webhooks.put(req.tenantId, req.body));
  }
}
