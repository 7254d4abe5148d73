/**
 * Starts OpenTelemetry tracing. Imported first by every service's
 * `instrument.ts` so http, pg and redis are patched before anything loads them.
 * Keep this file free of imports that would load instrumented modules.
 *
 * The Node SDK's tracing parts, wired by hand: `@opentelemetry/sdk-node`'s
 * NodeSDK does the same wiring but loads every exporter (gRPC, protobuf,
 * Zipkin), the metrics and logs SDKs and all resource detectors at require
 * time — 16 MiB of RSS per process for nothing a service here uses (traces go
 * out as OTLP/HTTP; metrics are prom-client text, logs pino on stdout).
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { RateLimitedSampler } from './rate-limited-sampler';
import { SyntheticSpanProcessor } from './synthetic';

let provider: NodeTracerProvider | undefined;
let disableInstrumentations: (() => void) | undefined;

/** New traces recorded per second and process unless OTEL_TRACES_SAMPLER names a standard sampler. */
const DEFAULT_TRACES_PER_SECOND = 100;

/** A caller's sampling decision is kept (one trace is sampled whole or not at all); new traces are rate-limited. */
function defaultSampler(): ParentBasedSampler {
  const perSecond = Number(process.env.TRACES_PER_SECOND ?? DEFAULT_TRACES_PER_SECOND);
  return new ParentBasedSampler({ root: new RateLimitedSampler(perSecond) });
}

export function startTelemetry(serviceName: string): void {
  if (provider || process.env.OTEL_SDK_DISABLED === 'true') return;
  process.env.OTEL_SERVICE_NAME ??= serviceName;
  provider = new NodeTracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES still applies (the env detector), under the service's own name.
    resource: detectResources({ detectors: [envDetector] }).merge(
      resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME, 'service.namespace': 'ledgerline' }),
    ),
    ...(process.env.OTEL_TRACES_SAMPLER ? {} : { sampler: defaultSampler() }),
    // The synthetic tag first, so the exporter sees it (load tests: baggage synthetic_request=true).
    spanProcessors: [new SyntheticSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // AsyncLocalStorage context and the W3C trace-context + baggage propagators, as the Node SDK sets them.
  provider.register();
  disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    // Only what the services use: loading every auto-instrumentation cost about 9 MiB of RSS per process.
    instrumentations: [
      // Server spans come from a Fastify hook (libs/runtime server-spans.ts), cheaper and named by route;
      // outgoing requests are still traced here.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
      // Database and Redis spans only inside a traced operation: the pollers (outbox relay, job queues) would
      // otherwise start a trace of their own every second, spending the trace budget and CPU on idle loops.
      // No span for taking a pooled connection: one per statement or transaction, nearly always instant, and as
      // many as the queries themselves on the write path (each span is built, exported and stored by monitoring).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new RedisInstrumentation({ requireParentSpan: true }),
    ],
  });
}

export async function shutdownTelemetry(): Promise<void> {
  disableInstrumentations?.();
  await provider?.shutdown().catch(() => undefined);
  provider = undefined;
  disableInstrumentations = undefined;
}
