/**
 * The metrics listener: a second `Deno.serve`, by default on 127.0.0.1 at the
 * HTTP port + 1000, that answers only `GET /metrics` (the Prometheus text
 * exposition) and the probes `/livez` (also `/healthz`), `/readyz` and
 * `/startupz`, with the same answers as the main listener's probes
 * (routes/probes.ts). Everything else is a 404 problem: no API route, page or
 * file is reachable here, so serving it unauthenticated bypasses nothing.
 */
import type { Readiness } from "./readiness.ts";
import type { Logger } from "./logger.ts";

/** Options of {@linkcode startMetricsServer}. */
export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  readiness: Readiness;
  /** The exposition text (lib/observability/metrics.ts `exposition`). */
  scrape(): Promise<string>;
  contentType: string;
  logger: Logger;
}

/** A running metrics listener. */
export interface MetricsServer {
  url: string;
  port: number;
  shutdown(): Promise<void>;
}

/** The port of the metrics listener for an HTTP port: +1000, or 0 (free) with a free HTTP port. */
export function defaultMetricsPort(httpPort: number): number {
  return httpPort === 0 ? 0 : httpPort + 1000;
}

function problem(status: number, title: string, detail: string, headers: HeadersInit = {}) {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail }), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** The listener's handler (exported for tests of its answers). */
export function metricsHandler(
  o: Pick<MetricsServerOptions, "readiness" | "scrape" | "contentType" | "logger">,
) {
  const paths = new Set(["/metrics", "/livez", "/healthz", "/readyz", "/startupz"]);
  return async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (!paths.has(path)) {
      return problem(404, "Not Found", "The metrics listener serves only /metrics and the probes.");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return problem(405, "Method Not Allowed", `${path} answers GET only.`, {
        allow: "GET, HEAD",
      });
    }
    switch (path) {
      case "/livez":
      case "/healthz":
        return json({ status: "ok" }, 200);
      case "/startupz":
        return o.readiness.started
          ? json({ status: "started" }, 200)
          : json({ status: "starting" }, 503);
      case "/readyz": {
        const report = await o.readiness.check();
        return json(
          { status: report.ready ? "ready" : "not ready", checks: report.checks },
          report.ready ? 200 : 503,
        );
      }
      default:
        try {
          return new Response(await o.scrape(), {
            headers: { "content-type": o.contentType, "cache-control": "no-store" },
          });
        } catch (e) {
          o.logger.error("metrics scrape failed", { error: (e as Error).message });
          return problem(500, "Internal Server Error", "Collecting the metrics failed.");
        }
    }
  };
}

/** Starts the listener. Throws `Deno.errors.AddrInUse` and friends as `Deno.serve` does. */
export function startMetricsServer(o: MetricsServerOptions): MetricsServer {
  const server = Deno.serve(
    { hostname: o.host, port: o.port, onListen: () => {} },
    metricsHandler(o),
  );
  const port = server.addr.port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host === "0.0.0.0" ? "localhost" : o.host;
  const url = `http://${host}:${port}`;
  o.logger.info("metrics listening", { url });
  return { url, port, shutdown: () => server.shutdown() };
}
