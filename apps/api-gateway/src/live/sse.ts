/**
 * Server-Sent Events framing (WHATWG HTML §9.2). Written by hand: an event is
 * three short lines, and the fan-out pre-encodes each one once for every
 * subscriber, which a plugin's per-reply stream API would not let it do.
 */

/**
 * One event: `event:`, `id:` and the data. Without an id the client keeps the
 * last one it had (an empty `id:` would reset it, losing its resume point).
 */
export function sseEvent(event: string, id: string | undefined, data: string): string {
  if (/[\r\n]/.test(event) || /[\r\n]/.test(id ?? '')) throw new Error('SSE event names and ids are single lines');
  // JSON.stringify never emits a raw line break; anything else multi-line is split as the format requires.
  const lines = /[\r\n]/.test(data) ? data.split(/\r\n|\r|\n/) : [data];
  return `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}${lines.map((line) => `data: ${line}\n`).join('')}\n`;
}

/** A comment line: ignored by clients, keeps proxies and idle timeouts from closing the stream. */
export const sseComment = (text: string): string => `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;

/** Tells EventSource how long to wait before reconnecting. */
export const sseRetry = (ms: number): string => `retry: ${Math.max(0, Math.round(ms))}\n\n`;

/** The `data:` of a dashboard event: the body is spliced in as the JSON text the read returned, never re-serialized. */
export function liveEventData(view: string, month: string, version: string, bodyJson: string): string {
  return `{"view":${JSON.stringify(view)},"month":${JSON.stringify(month)},"version":${JSON.stringify(version)},"body":${bodyJson}}`;
}
