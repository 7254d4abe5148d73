import { gatewayPresence } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../tokens';
import type { GatewayConfig } from '../config';

/** A replica unheard for this many announcement intervals is no longer counted (one lost message is tolerated). */
export const PRESENCE_WINDOW_INTERVALS = 3;

/**
 * Which replicas were heard recently: pure bookkeeping over an injected clock.
 * This replica counts once its own announcement came back from NATS: until
 * then (first round, or NATS unreachable too) the live count is unknown and
 * `assumed` applies rather than "alone", which would open the fleet N-fold.
 */
export class PresenceTable {
  private readonly lastHeard = new Map<string, number>();

  constructor(
    readonly selfId: string,
    private readonly windowMs: number,
    private readonly assumed: number,
    private readonly now: () => number = Date.now,
  ) {}

  heard(replicaId: string): void {
    this.lastHeard.set(replicaId, this.now());
  }

  /** Distinct replicas heard within the window, this one included; never below 1. */
  count(): number {
    const since = this.now() - this.windowMs;
    for (const [id, at] of this.lastHeard) if (at < since) this.lastHeard.delete(id);
    if (!this.lastHeard.has(this.selfId)) return Math.max(1, this.assumed);
    return this.lastHeard.size;
  }
}

/** Announces this replica over core NATS and keeps the table of replicas heard. */
@Injectable()
export class ReplicaPresence implements OnModuleInit, OnApplicationShutdown {
  private readonly table: PresenceTable;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    const interval = config.RATE_LIMIT_PRESENCE_INTERVAL_MS;
    this.table = new PresenceTable(randomUUID(), interval * PRESENCE_WINDOW_INTERVALS, config.RATE_LIMIT_FALLBACK_REPLICAS);
  }

  onModuleInit(): void {
    this.bus.subscribe(gatewayPresence, (event) => this.table.heard(event.replicaId));
    const announce = () => this.bus.publish(gatewayPresence, { replicaId: this.table.selfId });
    announce();
    this.timer = setInterval(announce, this.config.RATE_LIMIT_PRESENCE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Live api-gateway replicas, for the Redis-down share of each limit. */
  count(): number {
    return this.table.count();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
