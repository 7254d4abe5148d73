import type { Webhook, WebhookDelivery } from '@ledgerline/contracts';
import { claimJobs, type ClaimSpec } from '@ledgerline/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** A delivery the worker holds: due, leased to it, with what it needs to send. */
export interface ClaimedDelivery {
  id: string;
  tenantId: string;
  url: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: Date;
  /** Null when the endpoint was removed since: the delivery is cancelled. */
  secret: string | null;
}

export interface AttemptOutcome {
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Delivered (a 2xx) — else the next attempt's time, or null to give up. */
  delivered: boolean;
  nextAttemptAt: Date | null;
}

/** Due deliveries, leased by pushing their next attempt `$2` ms past now. */
const DELIVERY_CLAIM: ClaimSpec = {
  table: 'aggregation.webhook_deliveries',
  claimable: "state = 'pending' AND next_attempt_at <= now()",
  orderBy: 'next_attempt_at',
  set: "next_attempt_at = now() + $2 * interval '1 millisecond'",
  returning: `job.id, job.tenant_id, job.url, job.payload::text AS body, job.attempts, job.created_at,
              (SELECT e.secret FROM aggregation.webhook_endpoints e
                WHERE e.tenant_id = job.tenant_id AND e.id = job.endpoint_id) AS secret`,
};

/** Deliveries shown by GET /v1/tenant/webhooks: the most recent ones. */
const RECENT_DELIVERIES = 50;

/** Webhook endpoints and the delivery outbox. Every statement names the tenant, except the worker's claim across tenants. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async endpoints(tenantId: string): Promise<Webhook[]> {
    const rows = (await this.db.query(
      'SELECT id, url, created_at FROM aggregation.webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id',
      [tenantId],
    )) as { id: string; url: string; created_at: Date }[];
    return rows.map((r) => ({ id: r.id, url: r.url, createdAt: r.created_at.toISOString() }));
  }

  /**
   * Makes `urls` the tenant's endpoints: a URL already registered keeps its
   * id and secret; a new one gets `secretOf(url)`; a removed one is deleted
   * and its pending deliveries are cancelled. Returns the new endpoints' ids.
   */
  async replace(tenantId: string, urls: readonly string[], secretOf: (url: string) => string): Promise<Map<string, string>> {
    return this.db.transaction(async (em) => {
      // Serialises concurrent PUTs of one tenant (a tenant-scoped advisory lock, released at commit).
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhooks:' || $1, 0))`, [tenantId]);
      const removed = (await em.query(
        `DELETE FROM aggregation.webhook_endpoints WHERE tenant_id = $1 AND NOT (url = ANY($2::text[])) RETURNING id`,
        [tenantId, urls],
      )) as [{ id: string }[], number] | { id: string }[];
      const removedIds = (Array.isArray(removed[0]) ? removed[0] : removed) as { id: string }[];
      if (removedIds.length > 0) {
        await em.query(
          `UPDATE aggregation.webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL
            WHERE tenant_id = $1 AND endpoint_id = ANY($2::uuid[]) AND state = 'pending'`,
          [tenantId, removedIds.map((r) => r.id)],
        );
      }
      const existing = new Set(
        ((await em.query('SELECT url FROM aggregation.webhook_endpoints WHERE tenant_id = $1', [tenantId])) as { url: string }[]).map(
          (r) => r.url,
        ),
      );
      const created = new Map<string, string>();
      for (const url of urls.filter((u) => !existing.has(u))) {
        const [row] = (await em.query(
          'INSERT INTO aggregation.webhook_endpoints (tenant_id, url, secret) VALUES ($1, $2, $3) RETURNING id',
          [tenantId, url, secretOf(url)],
        )) as { id: string }[];
        created.set(url, (row as { id: string }).id);
      }
      return created;
    });
  }

  async recentDeliveries(tenantId: string): Promise<WebhookDelivery[]> {
    const rows = (await this.db.query(
      `SELECT d.id, d.endpoint_id, d.url, d.event_id, d.state, d.created_at, d.next_attempt_at, d.delivered_at,
              COALESCE((SELECT json_agg(json_build_object('at', a.attempted_at, 'status', a.status, 'error', a.error,
                                                          'durationMs', a.duration_ms) ORDER BY a.attempt)
                          FROM aggregation.webhook_attempts a WHERE a.tenant_id = d.tenant_id AND a.delivery_id = d.id), '[]') AS attempts
         FROM aggregation.webhook_deliveries d
        WHERE d.tenant_id = $1
        ORDER BY d.created_at DESC, d.id
        LIMIT ${RECENT_DELIVERIES}`,
      [tenantId],
    )) as {
      id: string;
      endpoint_id: string;
      url: string;
      event_id: string;
      state: WebhookDelivery['state'];
      created_at: Date;
      next_attempt_at: Date | null;
      delivered_at: Date | null;
      attempts: { at: string; status: number | null; error: string | null; durationMs: number }[];
    }[];
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.endpoint_id,
      url: r.url,
      event: 'budget.threshold',
      eventId: r.event_id,
      state: r.state,
      createdAt: r.created_at.toISOString(),
      nextAttemptAt: r.state === 'pending' && r.next_attempt_at ? r.next_attempt_at.toISOString() : null,
      deliveredAt: r.delivered_at?.toISOString() ?? null,
      attempts: r.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
    }));
  }

  /**
   * Takes up to `limit` due deliveries and leases them for `leaseMs` (their
   * next attempt is pushed past the lease in the same statement): replicas
   * skip each other's rows, and a worker that died mid-attempt leaves its
   * deliveries due again once the lease ends.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const claimed = await claimJobs<ClaimedRow>(this.db, DELIVERY_CLAIM, limit, [leaseMs]);
    return claimed.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      url: r.url,
      body: r.body,
      attempts: r.attempts,
      createdAt: r.created_at,
      secret: r.secret,
    }));
  }

  /** Records one attempt and what follows from it, in one transaction. */
  async finish(delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
    const attempt = delivery.attempts + 1;
    await this.db.transaction(async (em) => {
      await em.query(
        `INSERT INTO aggregation.webhook_attempts (tenant_id, delivery_id, attempt, attempted_at, status, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [delivery.tenantId, delivery.id, attempt, outcome.at, outcome.status, outcome.error, Math.round(outcome.durationMs)],
      );
      const state = outcome.delivered ? 'delivered' : outcome.nextAttemptAt === null ? 'failed' : 'pending';
      await em.query(
        `UPDATE aggregation.webhook_deliveries
            SET attempts = $3, state = $4, next_attempt_at = $5, delivered_at = CASE WHEN $4 = 'delivered' THEN now() END
          WHERE tenant_id = $1 AND id = $2 AND state = 'pending'`,
        [delivery.tenantId, delivery.id, attempt, state, state === 'pending' ? outcome.nextAttemptAt : null],
      );
    });
  }

  /** The endpoint was removed after the delivery was queued: nothing to send it to. */
  async cancel(delivery: ClaimedDelivery): Promise<void> {
    await this.db.query(
      `UPDATE aggregation.webhook_deliveries SET state = 'cancelled', next_attempt_at = NULL WHERE tenant_id = $1 AND id = $2`,
      [delivery.tenantId, delivery.id],
    );
  }
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  url: string;
  body: string;
  attempts: number;
  created_at: Date;
  secret: string | null;
}
