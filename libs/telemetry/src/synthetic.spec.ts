import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { isSyntheticBaggage, isSyntheticContext, SYNTHETIC_ATTRIBUTE, SyntheticSpanProcessor } from './synthetic';

describe('synthetic baggage', () => {
  it.each([
    ['synthetic_request=true', true],
    ['userId=42, synthetic_request = true ;ttl=1', true],
    [['a=b', 'synthetic_request=true'], true],
    ['synthetic_request=false', false],
    ['not_synthetic_request=true', false],
    ['synthetic_request_x=true', false],
    ['', false],
    [undefined, false],
  ])('header %j → %s', (header, expected) => {
    expect(isSyntheticBaggage(header)).toBe(expected);
  });

  it('tags every span started under synthetic baggage, and only those', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SyntheticSpanProcessor(), new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    // What the gateway gets from a k6 request: the header, extracted by the W3C baggage propagator.
    const parent = new W3CBaggagePropagator().extract(
      ROOT_CONTEXT,
      { baggage: 'synthetic_request=true' },
      {
        get: (carrier, key) => carrier[key as keyof typeof carrier],
        keys: (carrier) => Object.keys(carrier),
      },
    );
    expect(isSyntheticContext(parent)).toBe(true);
    const server = tracer.startSpan('GET /v1/dashboard/summary', {}, parent);
    // A child started later in the request (a NATS call) runs in a context derived from the server span's.
    tracer.startSpan('cache-gateway.summary.get', {}, trace.setSpan(parent, server)).end();
    server.end();
    tracer.startSpan('GET /v1/dashboard/summary (real)', {}, ROOT_CONTEXT).end();

    const tagged = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s.attributes[SYNTHETIC_ATTRIBUTE]]));
    expect(tagged).toEqual({
      'GET /v1/dashboard/summary': true,
      'cache-gateway.summary.get': true,
      'GET /v1/dashboard/summary (real)': undefined,
    });
    expect(propagation.getBaggage(ROOT_CONTEXT)).toBeUndefined();
  });
});
