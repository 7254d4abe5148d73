import { AppError, type FieldError, type Webhooks, type WebhooksBody } from '@ledgerline/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { AggregationConfig } from '../config';
import { AGGREGATION_CONFIG } from '../tokens';
import { newWebhookSecret } from './webhook-signature';
import { RefusedTarget, resolveTarget, type TargetPolicy } from './webhook-target';
import { WebhooksRepository } from './webhooks.repository';

@Injectable()
export class WebhooksService {
  private readonly policy: TargetPolicy;

  constructor(
    private readonly repo: WebhooksRepository,
    @Inject(AGGREGATION_CONFIG) config: AggregationConfig,
  ) {
    this.policy = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true' };
  }

  async get(tenantId: string): Promise<Webhooks> {
    const [webhooks, deliveries] = await Promise.all([this.repo.endpoints(tenantId), this.repo.recentDeliveries(tenantId)]);
    return { webhooks, deliveries };
  }

  /**
   * Makes the listed URLs the tenant's endpoints. Every URL passes the SSRF
   * guard first (with a DNS answer; it is checked again before each
   * delivery); any refusal is a 422 naming each refused URL, nothing changed.
   * A new endpoint's secret is in this answer only.
   */
  async put(tenantId: string, body: WebhooksBody): Promise<Pick<Webhooks, 'webhooks'>> {
    const errors: FieldError[] = [];
    await Promise.all(
      body.webhooks.map(async ({ url }, i) => {
        try {
          await resolveTarget(url, this.policy);
        } catch (err) {
          if (!(err instanceof RefusedTarget)) throw err;
          errors.push({ field: `webhooks[${i}].url`, message: err.message });
        }
      }),
    );
    if (errors.length > 0) {
      errors.sort((a, b) => (a.field < b.field ? -1 : 1));
      throw new AppError('validation-failed', 'Some webhook URLs are refused; nothing was changed.', errors);
    }
    const secrets = new Map<string, string>();
    await this.repo.replace(
      tenantId,
      body.webhooks.map((w) => w.url),
      (url) => {
        const secret = newWebhookSecret();
        secrets.set(url, secret);
        return secret;
      },
    );
    const webhooks = await this.repo.endpoints(tenantId);
    return { webhooks: webhooks.map((w) => (secrets.has(w.url) ? { ...w, secret: secrets.get(w.url) as string } : w)) };
  }
}
