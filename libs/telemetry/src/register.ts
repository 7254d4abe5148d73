/**
 * Starts the OpenTelemetry Node SDK. Imported first by every service's
 * `instrument.ts` so http, pg and redis are patched before anything loads them.
 * Keep this file free of imports that would load instrumented modules.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { RateLimitedSampler } from './rate-limited-sampler';

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
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-runtime-node': { enabled: false },
        '@opentelemetry/instrumentation-pino': { enabled: false },
        // Server spans come from a Fastify hook (libs/runtime server-spans.ts), cheaper and named by route;
        // outgoing requests are still traced here.
        '@opentelemetry/instrumentation-http': { disableIncomingRequestInstrumentation: true },
      }),
    ],
  });
  sdk.start();
}

export async function shutdownTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
