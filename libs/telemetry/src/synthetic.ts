import { propagation, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Load tests mark their requests with W3C `baggage: synthetic_request=true`
 * (the OpenTelemetry demo's convention). The propagators carry baggage from the
 * gateway through NATS headers to every service; this is the span attribute
 * that says so, read by monitoring to keep synthetic traffic out of real SLOs.
 */
export const SYNTHETIC_BAGGAGE_KEY = 'synthetic_request';
export const SYNTHETIC_ATTRIBUTE = 'synthetic_request';

export function isSyntheticContext(ctx: Context): boolean {
  return propagation.getBaggage(ctx)?.getEntry(SYNTHETIC_BAGGAGE_KEY)?.value === 'true';
}

/**
 * Whether a raw `baggage` header carries synthetic_request=true, for code that
 * has the header but no extracted context (metrics labels). Members are
 * `key=value;properties`, comma-separated, keys and values percent-encoded.
 */
export function isSyntheticBaggage(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text.includes(SYNTHETIC_BAGGAGE_KEY)) return false;
  return text.split(',').some((member) => {
    const [pair = ''] = member.split(';');
    const eq = pair.indexOf('=');
    return eq > 0 && pair.slice(0, eq).trim() === SYNTHETIC_BAGGAGE_KEY && pair.slice(eq + 1).trim() === 'true';
  });
}

/** Tags every span started under synthetic baggage, in every service, before any exporter sees it. */
export class SyntheticSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    if (isSyntheticContext(parentContext)) span.setAttribute(SYNTHETIC_ATTRIBUTE, true);
  }
  onEnd(_span: ReadableSpan): void {
    // Nothing at the end: the tag is set when the span starts, so every processor after this one sees it.
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
