/**
 * Set on the server span of a long-lived stream (live dashboards over SSE or
 * WebSocket): the span lasts as long as the stream, so its duration is not a
 * latency. Monitoring leaves such spans out of route latencies and alerts.
 */
export const STREAM_ATTRIBUTE = 'ledgerline.stream';
