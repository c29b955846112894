/**
 * Traces end to end: Revenge as a real process with `OTEL_DENO=true`,
 * exporting OTLP/HTTP JSON to a fake receiver (tests/fakes/otlp.ts). A
 * request's span (made by `Deno.serve`) has the database queries it ran as
 * children; a job's span (made in its worker) has its queries as children;
 * the scan's ffprobe run is a child of the probe job's span.
 */
import { assert } from "./assert.ts";
import { dbTest } from "./harness.ts";
import { createTestDatabase } from "./db.ts";
import { startFakeOtlp } from "./fakes/otlp.ts";
import { spawnRevenge, stopRevenge, waitForStatus } from "./process.ts";
import { waitFor } from "./wait_for.ts";
import { mediaFixture } from "./media_fixtures.ts";

dbTest("traces: requests, jobs, queries and ffprobe arrive with their parent links", async () => {
  const db = await createTestDatabase();
  const otlp = startFakeOtlp();
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-otel-" });
  const media = await Deno.makeTempDir({ prefix: "revenge-otel-media-" });
  await Deno.mkdir(`${media}/Alpha (2001)`);
  await Deno.copyFile(await mediaFixture("h264_aac"), `${media}/Alpha (2001)/Alpha (2001).mp4`);
  const p = spawnRevenge({
    DATABASE_URL: db.url,
    REVENGE_DATA_DIR: dataDir,
    REVENGE_METRICS_ENABLED: "false",
    OTEL_DENO: "true",
    OTEL_SERVICE_NAME: "revenge-test",
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  });
  try {
    const url = await p.listening;
    assert(await waitForStatus(`${url}/readyz`, 200) === 200, "ready");
    const setup = await fetch(`${url}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "correct horse battery staple" }),
    });
    const token = (await setup.json()).accessToken;
    assert(token, "set up");
    const lib = await fetch(`${url}/api/v1/libraries`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: "Films", paths: [media], watch: false }),
    });
    assert(lib.status === 201, String(lib.status));
    await lib.body?.cancel();
    // A stream token in a query string must not reach the exported spans.
    const secret = `rvt_${crypto.randomUUID().replaceAll("-", "")}`;
    await (await fetch(`${url}/api/v1/stream/${crypto.randomUUID()}?token=${secret}`)).body
      ?.cancel();
    const find = (pred: (s: (typeof otlp.spans)[number]) => boolean) => otlp.spans.find(pred);
    const probeRun = await waitFor(
      () => find((s) => s.name === "ffprobe"),
      {
        message: () => `an ffprobe span among ${otlp.spans.map((s) => s.name)}`,
        timeoutMs: 60_000,
      },
    );
    const byId = new Map(otlp.spans.map((s) => [s.spanId, s]));
    // The request: Deno.serve's span, with the queries it ran as its children.
    const request = otlp.spans.find((s) =>
      s.kind === 2 && s.attributes["http.request.method"] === "POST" &&
      s.attributes["http.route"] === "/api/v1/setup"
    );
    assert(
      request,
      `a server span for POST /api/v1/setup: ${
        JSON.stringify(otlp.spans.filter((s) => s.kind === 2).slice(0, 3))
      }`,
    );
    const requestQueries = otlp.spans.filter((s) => s.parentSpanId === request.spanId);
    assert(
      requestQueries.some((s) => s.attributes["db.system.name"] === "postgresql"),
      `queries under the request: ${requestQueries.map((s) => s.name)}`,
    );
    assert(requestQueries.every((s) => s.traceId === request.traceId));
    // The job: a span of its own in the worker, its queries beneath it.
    const job = find((s) => s.name === "job library.scan");
    assert(job, `a job span: ${[...new Set(otlp.spans.map((s) => s.name))]}`);
    assert(
      otlp.spans.some((s) => s.parentSpanId === job.spanId && s.attributes["db.system.name"]),
      "the scan job's queries are its children",
    );
    // ffprobe ran inside the probe job.
    const parent = byId.get(probeRun.parentSpanId);
    assert(parent?.name === "job library.probe", `ffprobe's parent: ${parent?.name}`);
    assert(probeRun.resource["service.name"] === "revenge-test");
    // Parameters never reach a span: the query text keeps its placeholders.
    assert(!JSON.stringify(otlp.spans).includes("correct horse battery staple"));
    // Request spans are named by route pattern, and their query strings are blanked.
    const stream = await waitFor(
      () => find((s) => s.name === "GET /api/v1/stream/:fileId"),
      {
        message: () =>
          `the stream request's span among ${[...new Set(otlp.spans.map((s) => s.name))]}`,
      },
    );
    assert(stream.attributes["http.route"] === "/api/v1/stream/:fileId");
    assert(!JSON.stringify(otlp.spans).includes(secret), "no stream token in any span");
  } finally {
    await stopRevenge(p);
    await otlp.close();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await Deno.remove(media, { recursive: true }).catch(() => {});
  }
});
