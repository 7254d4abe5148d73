import {
  cacheAudited,
  isAuditMiss,
  nearCacheEntryAt,
  sampleNearCache,
  type AuditOutcome,
  type NearCacheEntry,
  type RequestContract,
  type RequestOf,
} from '@ledgerline/contracts';
import { NatsBus, type RawReply } from '@ledgerline/messaging';
import { LOGGER } from '@ledgerline/runtime';
import { context, propagation } from '@opentelemetry/api';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import type pino from 'pino';
import type { CacheGatewayConfig } from '../config';
import { CACHED_READS } from '../cache/cached-reads';
import { ReadThroughCache } from '../cache/read-through';
import { CACHE_GATEWAY_CONFIG } from '../tokens';
import { judge } from './audit-judge';
import { recordAudit } from './slo.metrics';
import { ServedAnswers, type ServedAnswer } from './served-answers';

const figures = (reply: RawReply): Buffer => {
  const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength);
  return reply.encoding === 'gzip' ? gunzipSync(body) : body;
};

/** One cached answer to audit, wherever it is held. */
interface Audited {
  service: string;
  replica: string;
  route: string;
  level: string;
  key: string;
  upstream: RequestContract;
  request: unknown;
  reply: RawReply;
  heldSinceMs: number;
  traceId: string | null;
  /** Whether the cache holding it would still serve it to the next reader of the same request. */
  stillServed(): Promise<boolean>;
}

const readsByUpstream = new Map(CACHED_READS.map((read) => [read.upstream.subject, read]));

/** Asking a gateway for a sample is a local-network round trip; past this the turn is skipped. */
const NEAR_SAMPLE_TIMEOUT_MS = 1_000;

/** The auditor's recomputations are its own load, not users': tagged synthetic so they never burn a user SLO. */
const syntheticContext = () =>
  propagation.setBaggage(context.active(), propagation.createBaggage({ synthetic_request: { value: 'true' } }));

/**
 * The consistency auditor: at most CACHE_AUDIT_PER_SECOND times a second, one
 * at a time, takes an answer this replica served recently or, every other
 * turn, an entry of an api-gateway's near-cache (asked over NATS, so the
 * gateways' hot path does nothing for it), recomputes it from
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
  /** Turns alternate between this replica's answers and a gateway's near-cache; an empty turn goes to the other. */
  private nearTurn = false;

  constructor(
    @Inject(CACHE_GATEWAY_CONFIG) private readonly config: CacheGatewayConfig,
    @Inject(LOGGER) private readonly logger: pino.Logger,
    private readonly cache: ReadThroughCache,
    private readonly served: ServedAnswers,
    private readonly bus: NatsBus,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.CACHE_AUDIT_PER_SECOND === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return; // one audit at a time: the budget is a ceiling, never a queue
      this.running = this.turn()
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

  /** One audit: of this replica's answers or of a gateway's near-cache entry (see `nearTurn`). */
  private async turn(): Promise<void> {
    this.nearTurn = !this.nearTurn;
    if (this.nearTurn && (await this.auditNearSample())) return;
    const sample = this.served.takeSample();
    if (sample) await this.audit(sample);
    else if (!this.nearTurn) await this.auditNearSample();
  }

  /** Asks one api-gateway replica for a near-cache entry and audits it; false when none was to be had. */
  private async auditNearSample(): Promise<boolean> {
    const { entry } = await this.bus
      .request(sampleNearCache, {}, { timeoutMs: NEAR_SAMPLE_TIMEOUT_MS })
      .catch(() => ({ entry: null })); // no gateway answering: nothing to audit there
    return entry !== null && (await this.auditNear(entry)) !== undefined;
  }

  /** Audits one answer this replica served; public so tests can drive it. */
  audit(sample: ServedAnswer): Promise<AuditOutcome> {
    return this.check({
      service: 'cache-gateway',
      replica: this.served.replica,
      route: sample.read.route,
      level: sample.level,
      key: sample.key,
      upstream: sample.read.upstream,
      request: sample.request,
      reply: sample.reply,
      heldSinceMs: sample.heldSinceMs,
      traceId: sample.traceId,
      stillServed: async () =>
        (await this.cache.keyOf(sample.read, sample.request as never)) === sample.key && (await this.cache.holds(sample.key)),
    });
  }

  /** Audits an api-gateway near-cache entry (undefined: not a read this auditor knows); public so tests can drive it. */
  auditNear(entry: NearCacheEntry): Promise<AuditOutcome> | undefined {
    const read = readsByUpstream.get(entry.subject);
    if (!read) return undefined;
    return this.check({
      service: 'api-gateway',
      replica: entry.replica,
      route: read.route,
      level: 'near',
      key: entry.key,
      upstream: read.upstream,
      request: entry.payload,
      reply: { body: Buffer.from(entry.body, 'base64'), encoding: entry.encoding, version: entry.version ?? undefined },
      heldSinceMs: entry.heldSinceMs,
      traceId: entry.traceId,
      stillServed: async () => {
        // The replica that held it, asked for what it holds under the key now; gone, it serves nothing.
        const now = await this.bus
          .request(nearCacheEntryAt(entry.replica), { key: entry.key }, { timeoutMs: NEAR_SAMPLE_TIMEOUT_MS })
          .catch(() => ({ entry: null }));
        return now.entry !== null && now.entry.version === entry.version && now.entry.body === entry.body;
      },
    });
  }

  private async check(sample: Audited): Promise<AuditOutcome> {
    let { outcome, sourceVersion } = await context.with(syntheticContext(), () => this.judgeOnce(sample));
    if (isAuditMiss(outcome) && !this.stopped) {
      await sleep(this.config.CACHE_AUDIT_GRACE_MS);
      ({ outcome, sourceVersion } = await context.with(syntheticContext(), () => this.judgeOnce(sample)));
    }
    recordAudit(sample.level, outcome);
    this.bus.publish(cacheAudited, {
      service: sample.service,
      replica: sample.replica,
      route: sample.route,
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

  private async judgeOnce(sample: Audited): Promise<{ outcome: AuditOutcome; sourceVersion: string | undefined }> {
    let source: RawReply;
    try {
      source = await this.bus.requestRaw(sample.upstream, sample.request as RequestOf<typeof sample.upstream>);
    } catch {
      return { outcome: 'unverifiable', sourceVersion: undefined };
    }
    const sameFigures = figures(source).equals(figures(sample.reply));
    const stillServed = !sameFigures && (await sample.stillServed());
    const outcome = judge({ entryVersion: sample.reply.version, sourceVersion: source.version, sameFigures, stillServed });
    return { outcome, sourceVersion: source.version };
  }
}
