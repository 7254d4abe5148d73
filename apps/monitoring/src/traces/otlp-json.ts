/** The subset of OTLP/JSON (ExportTraceServiceRequest) the receiver reads. */
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
  kvlistValue?: { values?: OtlpAttribute[] };
}

interface OtlpAttribute {
  key: string;
  value: OtlpValue;
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

function attributeValue(v: OtlpValue | undefined): string | number | boolean | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  // Arrays and maps are rare on spans: kept readable as JSON text rather than dropped.
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map((item) => attributeValue(item) ?? null));
  if (v.kvlistValue) return JSON.stringify(attributeMap(v.kvlistValue.values));
  return v.boolValue;
}

function attributeMap(attrs: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const attr of attrs ?? []) {
    const value = attributeValue(attr.value);
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
