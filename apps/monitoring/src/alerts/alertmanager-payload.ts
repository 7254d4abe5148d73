import type { Alert } from '@ledgerline/contracts';

/** Alertmanager's "zero time": what it sends as endsAt for an alert still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface AlertmanagerWebhookV4 {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}

/** One alert transition in the Alertmanager webhook (version 4) format, so existing receivers accept it. */
export function alertmanagerPayload(alert: Alert, externalUrl: string, receiver = 'ledgerline-monitoring'): AlertmanagerWebhookV4 {
  const status = alert.state === 'resolved' ? 'resolved' : 'firing';
  const annotations: Record<string, string> = {
    summary: alert.summary,
    value: String(alert.value),
    threshold: String(alert.threshold),
    exemplar_trace_ids: alert.exemplarTraceIds.join(','),
  };
  const [firstTrace] = alert.exemplarTraceIds;
  if (firstTrace) annotations['exemplar_trace_url'] = `${externalUrl}/status/traces/${firstTrace}`;
  return {
    version: '4',
    groupKey: `{}:{alertname="${alert.rule}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { alertname: alert.rule },
    commonLabels: alert.labels,
    commonAnnotations: annotations,
    externalURL: externalUrl,
    alerts: [
      {
        status,
        labels: alert.labels,
        annotations,
        // Alertmanager's startsAt is when the alert began firing.
        startsAt: alert.firedAt ?? alert.startsAt,
        endsAt: alert.resolvedAt ?? ZERO_TIME,
        generatorURL: `${externalUrl}/status?alert=${alert.fingerprint}`,
        fingerprint: alert.fingerprint,
      },
    ],
  };
}
