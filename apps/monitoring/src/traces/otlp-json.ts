/** The subset of OTLP/JSON (ExportTraceServiceRequest) the receiver reads. */
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}

export interface OtlpTraceRequest {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: number;
  startUnixNano: bigint;
  durationNanos: bigint;
  route: string | null;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

function attributeValue(attr: OtlpAttribute): string | number | boolean | undefined {
  const v = attr.value;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

function attributeMap(attrs: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const attr of attrs ?? []) {
    const value = attributeValue(attr);
    if (value !== undefined) out[attr.key] = value;
  }
  return out;
}

const SPAN_STATUS_ERROR = 2;

/** Flattens an OTLP/JSON export into spans tagged with their service. */
export function spansFromOtlpJson(body: OtlpTraceRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(attributeMap(rs.resource?.attributes)['service.name'] ?? 'unknown');
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const attributes = attributeMap(span.attributes);
        const start = BigInt(span.startTimeUnixNano);
        const route = attributes['http.route'] ?? attributes['messaging.destination.name'];
        out.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || null,
          service,
          name: span.name,
          kind: span.kind ?? 0,
          startUnixNano: start,
          durationNanos: BigInt(span.endTimeUnixNano) - start,
          route: route === undefined ? null : String(route),
          error: span.status?.code === SPAN_STATUS_ERROR,
          attributes,
        });
      }
    }
  }
  return out;
}
