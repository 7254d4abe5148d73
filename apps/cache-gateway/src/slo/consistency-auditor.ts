import { cacheAudited, isAuditMiss, type AuditOutcome, type RequestOf } from '@ledgerline/contracts';
import { NatsBus, type RawReply } from '@ledgerline/messaging';
import { context, propagation } from '@opentelemetry/api';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import type pino from 'pino';
import type { CacheGatewayConfig } from '../config';
import { ReadThroughCache } from '../cache/read-through';
import { CACHE_GATEWAY_CONFIG, CACHE_GATEWAY_LOGGER } from '../tokens';
import { judge } from './audit-judge';
import { recordAudit } from './slo.metrics';
import { ServedAnswers, type ServedAnswer } from './served-answers';

const figures = (reply: RawReply): Buffer => {
  const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
  return reply.encoding === 'gzip' ? gunzipSync(body) : body;
};

/** The auditor's recomputations are its own load, not users': tagged synthetic so they never burn a user SLO. */
const syntheticContext = () =>
  propagation.setBaggage(context.active(), propagation.createBaggage({ synthetic_request: { value: 'true' } }));

/**
 * The consistency auditor: at most CACHE_AUDIT_PER_SECOND times a second, one
 * at a time, takes an answer this replica served recently, recomputes it from
 * the source (the uncached request contract) and judges the entry (see
 * `judge`). A miss candidate is asked again after CACHE_AUDIT_GRACE_MS before
 * it is reported. Each outcome is counted on /metrics and published for the
 * monitoring service, which keeps the ratio, the nines and the misses.
 */
@Injectable()
export class ConsistencyAuditor implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(CACHE_GATEWAY_CONFIG) private readonly config: CacheGatewayConfig,
    @Inject(CACHE_GATEWAY_LOGGER) private readonly logger: pino.Logger,
    private readonly cache: ReadThroughCache,
    private readonly served: ServedAnswers,
    private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.CACHE_AUDIT_PER_SECOND === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return; // one audit at a time: the budget is a ceiling, never a queue
      const sample = this.served.takeSample();
      if (!sample) return;
      this.running = this.audit(sample)
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'cache audit failed'))
        .finally(() => (this.running = undefined));
    }, 1000 / this.config.CACHE_AUDIT_PER_SECOND);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Audits one served answer; public so tests can drive it. */
  async audit(sample: ServedAnswer): Promise<AuditOutcome> {
    let { outcome, sourceVersion } = await context.with(syntheticContext(), () => this.judgeOnce(sample));
    if (isAuditMiss(outcome) && !this.stopped) {
      await sleep(this.config.CACHE_AUDIT_GRACE_MS);
      ({ outcome, sourceVersion } = await context.with(syntheticContext(), () => this.judgeOnce(sample)));
    }
    recordAudit(sample.level, outcome);
    this.bus.publish(cacheAudited, {
      service: 'cache-gateway',
      replica: this.served.replica,
      route: sample.read.route,
      level: sample.level,
      key: sample.key,
      outcome,
      entryVersion: sample.reply.version ?? null,
      sourceVersion: sourceVersion ?? null,
      ageMs: Math.max(0, Date.now() - sample.heldSinceMs),
      traceId: sample.traceId,
      auditedAt: new Date().toISOString(),
    });
    if (isAuditMiss(outcome)) {
      this.logger.error(
        { key: sample.key, outcome, entryVersion: sample.reply.version, sourceVersion, traceId: sample.traceId },
        'cache audit: served entry disagrees with the source',
      );
    }
    return outcome;
  }

  private async judgeOnce(sample: ServedAnswer): Promise<{ outcome: AuditOutcome; sourceVersion: string | undefined }> {
    let source: RawReply;
    try {
      source = await this.bus.requestRaw(sample.read.upstream, sample.request as RequestOf<typeof sample.read.upstream>);
    } catch {
      return { outcome: 'unverifiable', sourceVersion: undefined };
    }
    const sameFigures = figures(source).equals(figures(sample.reply));
    const stillServed =
      !sameFigures && (await this.cache.keyOf(sample.read, sample.request as never)) === sample.key && (await this.cache.holds(sample.key));
    const outcome = judge({ entryVersion: sample.reply.version, sourceVersion: source.version, sameFigures, stillServed });
    return { outcome, sourceVersion: source.version };
  }
}
