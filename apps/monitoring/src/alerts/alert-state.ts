import type { Alert } from '@ledgerline/contracts';
import { randomUUID } from 'node:crypto';
import type { Condition } from './evaluate';

/** Whether a transition is worth a webhook: receivers only care about firing and resolution. */
export const notifies = (alert: Alert): boolean => alert.state === 'firing' || (alert.state === 'resolved' && alert.firedAt !== null);

/**
 * pending → firing → resolved, one live alert per fingerprint. A condition
 * that stays true only updates the live alert (no new alert, no notification);
 * a pending alert whose condition clears is closed as resolved without ever
 * having fired.
 */
export class AlertStateMachine {
  private readonly live = new Map<string, Alert>();

  /** Alerts still pending or firing from an earlier run (loaded from PostgreSQL at boot). */
  restore(alerts: readonly Alert[]): void {
    for (const alert of alerts) if (alert.state !== 'resolved') this.live.set(alert.fingerprint, alert);
  }

  active(): Alert[] {
    return [...this.live.values()];
  }

  /** Applies one evaluation; returns the alerts whose state changed. */
  step(conditions: readonly Condition[], nowMs: number): Alert[] {
    const now = new Date(nowMs).toISOString();
    const changed: Alert[] = [];
    const breaching = new Map<string, Condition>();
    for (const c of conditions) if (c.active) breaching.set(c.fingerprint, c);

    for (const c of breaching.values()) {
      const current = this.live.get(c.fingerprint);
      if (!current) {
        const alert: Alert = {
          id: randomUUID(),
          fingerprint: c.fingerprint,
          rule: c.rule,
          severity: c.severity,
          state: c.forMs === 0 ? 'firing' : 'pending',
          labels: c.labels,
          summary: c.summary,
          value: c.value,
          threshold: c.threshold,
          startsAt: now,
          firedAt: c.forMs === 0 ? now : null,
          resolvedAt: null,
          exemplarTraceIds: c.exemplarTraceIds,
        };
        this.live.set(c.fingerprint, alert);
        changed.push({ ...alert });
        continue;
      }
      // The latest figures and exemplars: the slowest traces of the current window, not of the first breach.
      Object.assign(current, { summary: c.summary, value: c.value, exemplarTraceIds: mergeExemplars(current.exemplarTraceIds, c.exemplarTraceIds) });
      if (current.state === 'pending' && nowMs - Date.parse(current.startsAt) >= c.forMs) {
        current.state = 'firing';
        current.firedAt = now;
        changed.push({ ...current });
      }
    }

    for (const [fingerprint, alert] of this.live) {
      if (breaching.has(fingerprint)) continue;
      alert.state = 'resolved';
      alert.resolvedAt = now;
      this.live.delete(fingerprint);
      changed.push({ ...alert });
    }
    return changed;
  }
}

/** The current window's exemplars first, then older ones, at most five. */
function mergeExemplars(previous: readonly string[], current: readonly string[]): string[] {
  return [...new Set([...current, ...previous])].slice(0, 5);
}
