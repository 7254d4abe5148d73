import { alertChanged, type Alert, type AlertState } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { LOGGER } from '@ledgerline/runtime';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import { MONITORING_CONFIG } from '../tokens';
import type { MonitoringConfig } from '../config';
import { LatencyHistory } from '../latency/latency-history';
import { LatencyTracker } from '../latency/latency-tracker';
import { SloHistory } from '../slo/slo-history';
import { SloTracker } from '../slo/slo-tracker';
import { alertmanagerPayload } from './alertmanager-payload';
import { AlertStateMachine, notifies } from './alert-state';
import { AlertsRepository } from './alerts.repository';
import { evaluateRules } from './evaluate';
import { WebhookNotifier } from './webhook-notifier';

/**
 * Evaluates the rules on a timer. Each transition is stored first (history
 * survives restarts), then published on NATS and handed to the webhook queue,
 * which delivers in the background.
 */
@Injectable()
export class AlertsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly machine = new AlertStateMachine();
  private timer: NodeJS.Timeout | undefined;
  private evaluating: Promise<void> | undefined;

  constructor(
    @Inject(MONITORING_CONFIG) private readonly config: MonitoringConfig,
    @Inject(LOGGER) private readonly logger: pino.Logger,
    private readonly tracker: LatencyTracker,
    private readonly history: LatencyHistory,
    private readonly repository: AlertsRepository,
    private readonly notifier: WebhookNotifier,
    private readonly bus: NatsBus,
    private readonly slo: SloTracker,
    private readonly sloHistory: SloHistory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.machine.restore(await this.repository.live());
    this.timer = setInterval(() => {
      // A slow database must not stack evaluations: skip a tick while one runs.
      if (this.evaluating) return;
      this.evaluating = this.evaluate(Date.now())
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'rule evaluation failed'))
        .finally(() => (this.evaluating = undefined));
    }, this.config.MONITORING_EVAL_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.evaluating;
    this.notifier.close();
  }

  /** One evaluation at `nowMs`; public so tests can drive time instead of waiting for it. */
  async evaluate(nowMs: number): Promise<Alert[]> {
    this.history.sample(this.tracker, nowMs);
    this.sloHistory.sample(this.slo, nowMs);
    const changed = this.machine.step(evaluateRules(this.config.rules, this.tracker, nowMs, this.slo), nowMs);
    for (const alert of changed) {
      try {
        await this.repository.save(alert);
      } catch (error) {
        this.logger.error({ err: error, alert: alert.fingerprint }, 'could not store an alert transition');
      }
      this.bus.publish(alertChanged, alert);
      if (notifies(alert)) this.notifier.send(alertmanagerPayload(alert, this.config.externalUrl));
      this.logger.info({ alert: alert.rule, state: alert.state, labels: alert.labels, value: alert.value }, 'alert transition');
    }
    return changed;
  }

  live(): Alert[] {
    return this.machine.active();
  }

  list(state: AlertState | undefined, limit: number): Promise<Alert[]> {
    return this.repository.list(state, limit);
  }
}
