/**
 * Starts the OpenTelemetry Node SDK. Imported first by every service's
 * `instrument.ts` so http, pg and redis are patched before anything loads them.
 * Keep this file free of imports that would load instrumented modules.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { RateLimitedSampler } from './rate-limited-sampler';
import { SyntheticSpanProcessor } from './synthetic';

let sdk: NodeSDK | undefined;

/** New traces recorded per second and process unless OTEL_TRACES_SAMPLER names a standard sampler. */
const DEFAULT_TRACES_PER_SECOND = 100;

/** A caller's sampling decision is kept (one trace is sampled whole or not at all); new traces are rate-limited. */
function defaultSampler(): ParentBasedSampler {
  const perSecond = Number(process.env.TRACES_PER_SECOND ?? DEFAULT_TRACES_PER_SECOND);
  return new ParentBasedSampler({ root: new RateLimitedSampler(perSecond) });
}

export function startTelemetry(serviceName: string): void {
  if (sdk || process.env.OTEL_SDK_DISABLED === 'true') return;
  process.env.OTEL_SERVICE_NAME ??= serviceName;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME, 'service.namespace': 'ledgerline' }),
    ...(process.env.OTEL_TRACES_SAMPLER ? {} : { sampler: defaultSampler() }),
    // The synthetic tag first, so the exporter sees it (load tests: baggage synthetic_request=true).
    spanProcessors: [new SyntheticSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter())],
    // Metrics are served as Prometheus text on /metrics (prom-client) and logs go to stdout (pino): unless the
    // environment asks for OTLP metrics or logs, the SDK would otherwise export both to an endpoint that takes traces only.
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(process.env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    // Only what the services use: loading every auto-instrumentation cost about 9 MiB of RSS per process.
    instrumentations: [
      // Server spans come from a Fastify hook (libs/runtime server-spans.ts), cheaper and named by route;
      // outgoing requests are still traced here.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
      // Database and Redis spans only inside a traced operation: the pollers (outbox relay, job queues) would
      // otherwise start a trace of their own every second, spending the trace budget and CPU on idle loops.
      new PgInstrumentation({ requireParentSpan: true }),
      new RedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
}

export async function shutdownTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
