import { metricsRegistry } from '@ledgerline/runtime';
import { Counter } from 'prom-client';

const thresholds = new Counter({
  name: 'ledgerline_budget_thresholds_total',
  help: 'Budget states raised by writes (recorded once per tenant, month, category and state)',
  labelNames: ['state'],
  registers: [metricsRegistry],
});

const attempts = new Counter({
  name: 'ledgerline_webhook_attempts_total',
  help: 'Webhook delivery attempts by outcome: delivered, retry (failed, will be tried again), failed (given up), refused (SSRF guard)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

const thresholdFailures = new Counter({
  name: 'ledgerline_budget_threshold_failures_total',
  help: 'Applies whose budget thresholds could not be judged (the write was applied, its notification skipped)',
  registers: [metricsRegistry],
});

export const countThresholdFailure = (): void => thresholdFailures.inc();

export const countThreshold = (state: string): void => thresholds.inc({ state });

export const countAttempt = (outcome: 'delivered' | 'retry' | 'failed' | 'refused'): void => attempts.inc({ outcome });
