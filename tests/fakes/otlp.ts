/**
 * A small OTLP/HTTP receiver: what Deno's OpenTelemetry exports to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`
 * (POST `/v1/traces`, `/v1/metrics`, `/v1/logs`). It keeps the spans, flat,
 * with their ids and parent links; other signals are accepted and dropped.
 */

/** One received span. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  /** The span's resource attributes (`service.name`, ...). */
  resource: Record<string, unknown>;
}

/** The running receiver. */
export interface FakeOtlp {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the requests that were not JSON (a protobuf export, say). */
  unreadable: string[];
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

function attributes(list: { key: string; value: OtlpValue }[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) {
    out[key] = value.stringValue ??
      (value.intValue !== undefined
        ? Number(value.intValue)
        : value.doubleValue ?? value.boolValue);
  }
  return out;
}

/** Starts the receiver on a free port of 127.0.0.1. */
export function startFakeOtlp(): FakeOtlp {
  const spans: ReceivedSpan[] = [];
  const unreadable: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const type = req.headers.get("content-type") ?? "";
    const path = new URL(req.url).pathname;
    if (!type.includes("json")) {
      unreadable.push(`${path} ${type}`);
      await req.body?.cancel();
      return new Response(null, { status: 415 });
    }
    const body = await req.json();
    if (path === "/v1/traces") {
      for (const rs of body.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? "",
              name: s.name,
              kind: s.kind,
              attributes: attributes(s.attributes),
              resource,
            });
          }
        }
      }
    }
    return Response.json({});
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    spans,
    unreadable,
    close: () => server.shutdown(),
  };
}
