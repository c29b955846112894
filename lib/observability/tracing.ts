/**
 * Traces, through `@opentelemetry/api` with Deno's built-in OpenTelemetry
 * behind it: run with `OTEL_DENO=true` (and the standard `OTEL_*`
 * variables: `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, ...) and
 * Deno exports the spans over OTLP. Deno makes a span for each request
 * `Deno.serve` answers and each `fetch` itself; Revenge adds spans for jobs,
 * database queries, ffprobe/ffmpeg runs and TMDb calls.
 *
 * Off unless configured: without `OTEL_DENO=true`, {@linkcode tracingEnabled}
 * is false and {@linkcode inSpan} calls its function directly, so the cost
 * is one boolean test.
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

function readEnabled(): boolean {
  try {
    return Deno.env.get("OTEL_DENO") === "true";
  } catch {
    return false; // no permission to read the environment: no tracing
  }
}

/** Whether spans are recorded (`OTEL_DENO=true` at start-up). */
export const tracingEnabled: boolean = readEnabled();

/** Revenge's tracer (a no-op one when tracing is off). */
export const tracer = trace.getTracer("revenge");

/** Span attributes: bounded values only (no tokens, no user data). */
export type SpanAttributes = Record<string, string | number | boolean>;

/** Options of {@linkcode inSpan}. */
export interface InSpanOptions {
  attributes?: SpanAttributes;
  /** Default internal; `client` for calls to another service. */
  kind?: "internal" | "client" | "consumer";
}

const KINDS = {
  internal: SpanKind.INTERNAL,
  client: SpanKind.CLIENT,
  consumer: SpanKind.CONSUMER,
};

/** Marks `span` failed with `error`. */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  if (error instanceof Error) span.recordException(error);
}

/**
 * Runs `fn` in a span named `name`, the active span while it runs (so spans
 * started inside are its children); ends it when `fn` settles, failed if it
 * threw. With tracing off, runs `fn` with `undefined`.
 */
export function inSpan<T>(
  name: string,
  options: InSpanOptions,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled) return fn(undefined);
  return tracer.startActiveSpan(
    name,
    { kind: KINDS[options.kind ?? "internal"], attributes: options.attributes },
    async (span) => {
      try {
        return await fn(span);
      } catch (e) {
        failSpan(span, e);
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Starts a span that is not made active (a leaf: a database query), child
 * of the active span; undefined when tracing is off. The caller ends it.
 */
export function startLeafSpan(name: string, options: InSpanOptions): Span | undefined {
  if (!tracingEnabled) return undefined;
  return tracer.startSpan(
    name,
    { kind: KINDS[options.kind ?? "internal"], attributes: options.attributes },
    context.active(),
  );
}

/**
 * Names the server span Deno made for this request after its route pattern
 * (`GET /api/v1/movies/:id`, `http.route`), and blanks its query string:
 * Deno records `url.full` and `url.query` as they came, and a query may
 * carry a stream token (`?token=rvt_…`). No-op with tracing off.
 */
export function annotateRequestSpan(method: string, route: string, url: string): void {
  if (!tracingEnabled) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute("http.route", route);
  const q = url.indexOf("?");
  if (q >= 0) {
    span.setAttribute("url.query", "[redacted]");
    span.setAttribute("url.full", url.slice(0, q) + "?[redacted]");
  }
}
