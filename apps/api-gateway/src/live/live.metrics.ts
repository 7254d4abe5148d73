import { metricsRegistry } from '@ledgerline/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';

export const openStreams = new Gauge({
  name: 'gateway_live_streams_open',
  help: 'Live dashboard streams open on this replica, by transport',
  labelNames: ['transport'] as const,
  registers: [metricsRegistry],
});

export const eventsSent = new Counter({
  name: 'gateway_live_events_sent_total',
  help: 'Live events written to sockets, by kind (snapshot, update)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const eventsCoalesced = new Counter({
  name: 'gateway_live_events_coalesced_total',
  help: 'Changes merged into a later update of the same view (at most one per view per interval)',
  registers: [metricsRegistry],
});

export const eventsDropped = new Counter({
  name: 'gateway_live_events_dropped_total',
  help: 'Updates never written because a slow subscriber got a newer one for the same view instead',
  registers: [metricsRegistry],
});

export const streamsRefused = new Counter({
  name: 'gateway_live_streams_refused_total',
  help: 'Stream opens refused, by reason',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const pushLag = new Histogram({
  name: 'gateway_live_push_lag_seconds',
  help: "From the change's commit being applied (the rollups event's occurredAt) to its update being written to the socket",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});
