import { createRoute, z } from "@hono/zod-openapi";
import { createApp } from "../lib/http/app.tsx";
import { createLogger } from "../lib/observability/logger.ts";
import { createReadiness } from "../lib/observability/readiness.ts";
import { ConflictError, NotFoundError, RateLimitedError } from "../lib/model/errors.ts";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { createTestDatabase } from "./db.ts";
import { createTestServices, dbTest, startTestApp } from "./harness.ts";
import { createMemoryRateLimitStore } from "../lib/auth/rate_limit_memory.ts";
import { mountRoutes } from "../routes/mod.ts";
import { ping } from "../lib/db/health_repo.ts";

const db = await createTestDatabase();
const lines: string[] = [];
const rateLimitStore = createMemoryRateLimitStore();
const services = createTestServices({ sql: db.sql, rateLimitStore });
const auth = services.auth;
// The test routes below are not public: requests carry an administrator's token.
const { token } = await auth.setup.complete(
  { username: "admin", password: "correct horse battery staple" },
  { actorId: null, actorName: null, clientIp: null, userAgent: null },
);

function makeApp(
  options: { started?: boolean; trustedProxies?: string[]; routes?: boolean } = {},
) {
  const readiness = createReadiness(() => ping(db.sql));
  readiness.started = options.started ?? true;
  readiness.migrated = true;
  const app = createApp({
    logger: createLogger({ write: (l) => lines.push(l) }),
    services: { ...services, readiness },
    trustedProxies: options.trustedProxies ?? [],
    bodyLimitBytes: 2048,
    apiRateLimit: { store: rateLimitStore, perMinute: 10_000 },
  });
  if (options.routes) mountRoutes(app);
  app.get("/api/v1/test/boom", () => {
    throw new Error("secret internal detail");
  });
  app.get("/api/v1/test/missing", () => {
    throw new NotFoundError("No movie 42.");
  });
  app.get("/api/v1/test/conflict", () => {
    throw new ConflictError("Already there.");
  });
  app.get("/api/v1/test/limited", () => {
    throw new RateLimitedError("Slow down.", 7);
  });
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/v1/test/echo",
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string().min(2) }) } },
        },
      },
      responses: { 200: { description: "echo" } },
    }),
    (c) => c.json(c.req.valid("json"), 200),
  );
  return {
    request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      return app.request(path, { ...init, headers });
    },
  };
}

async function problemOf(res: Response) {
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  return await res.json();
}

dbTest("createApp accepts a well-formed X-Request-Id and replaces a malformed one", async () => {
  const app = makeApp();
  const ok = await app.request("/healthz-nope", { headers: { "x-request-id": "abc-123_XYZ.9" } });
  assertEquals(ok.headers.get("x-request-id"), "abc-123_XYZ.9");
  for (const bad of ["short", "has space in it", "x".repeat(200), "inject<script>-12345"]) {
    const res = await app.request("/api/v1/nope", { headers: { "x-request-id": bad } });
    const id = res.headers.get("x-request-id")!;
    assertMatch(id, /^[0-9a-f-]{36}$/);
    assertEquals((await problemOf(res)).requestId, id);
  }
});

dbTest("createApp sets security headers without unsafe-inline scripts", async () => {
  const app = makeApp();
  for (const path of ["/api/v1/nope", "/nope"]) {
    const res = await app.request(path, { headers: { accept: "text/html" } });
    const csp = res.headers.get("content-security-policy")!;
    assertMatch(csp, /script-src 'self'(;|$)/);
    assertMatch(csp, /frame-ancestors 'none'/);
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    assertEquals(res.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
  }
  const api = await app.request("/api/v1/system/info");
  assertEquals(api.headers.get("cache-control"), "no-store");
});

dbTest(
  "createApp answers unknown API routes with a problem+json 404 and pages with HTML",
  async () => {
    const app = makeApp();
    const res = await app.request("/api/v1/does-not-exist", { method: "DELETE" });
    assertEquals(res.status, 404);
    const body = await problemOf(res);
    assertEquals(body.status, 404);
    assertEquals(body.title, "Not Found");
    const page = await app.request("/no-such-page", { headers: { accept: "text/html" } });
    assertEquals(page.status, 404);
    assertMatch(page.headers.get("content-type")!, /^text\/html/);
    assertMatch(await page.text(), /Page not found/);
  },
);

dbTest("createApp maps domain errors to their status", async () => {
  const app = makeApp();
  const missing = await app.request("/api/v1/test/missing");
  assertEquals(missing.status, 404);
  assertEquals((await problemOf(missing)).detail, "No movie 42.");
  assertEquals((await app.request("/api/v1/test/conflict")).status, 409);
  const limited = await app.request("/api/v1/test/limited");
  assertEquals(limited.status, 429);
  assertEquals(limited.headers.get("retry-after"), "7");
});

dbTest("createApp turns an unexpected exception into a bare 500 with the request id", async () => {
  const app = makeApp();
  lines.length = 0;
  const res = await app.request("/api/v1/test/boom", {
    headers: { "x-request-id": "req-500-test" },
  });
  assertEquals(res.status, 500);
  const text = await res.clone().text();
  assert(!text.includes("secret internal detail"), "internals leaked");
  assert(!text.includes("at "), "stack leaked");
  assertEquals((await problemOf(res)).requestId, "req-500-test");
  const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "unhandled error");
  assertEquals(logged?.requestId, "req-500-test");
  assertEquals(logged?.error.message, "secret internal detail");
});

dbTest("createApp validates bodies and limits their size", async () => {
  const app = makeApp();
  const post = (body: string, type = "application/json") =>
    app.request("/api/v1/test/echo", { method: "POST", body, headers: { "content-type": type } });
  assertEquals(await (await post(`{"name":"Ada"}`)).json(), { name: "Ada" });
  const bad = await post(`{"name":"A"}`);
  assertEquals(bad.status, 400);
  assertEquals((await problemOf(bad)).errors[0].path, "body.name");
  const broken = await post(`{"name":`);
  assertEquals(broken.status, 400);
  await problemOf(broken);
  const big = await post(JSON.stringify({ name: "x".repeat(4096) }));
  assertEquals(big.status, 413);
  await problemOf(big);
});

dbTest("createApp answers 503 on the API until start-up has finished", async () => {
  const app = makeApp({ started: false });
  const res = await app.request("/api/v1/system/info");
  assertEquals(res.status, 503);
  assertEquals(res.headers.get("retry-after"), "2");
  await problemOf(res);
});

dbTest("accessLog writes a line per request, no secrets, the trusted-proxy client", async () => {
  const captured: string[] = [];
  const logger = createLogger({ write: (l) => captured.push(l) });
  for (const [proxies, expected] of [["", "127.0.0.1"], ["127.0.0.1", "203.0.113.9"]]) {
    captured.length = 0;
    const app = await startTestApp({
      db,
      logger,
      env: { REVENGE_TRUSTED_PROXIES: proxies },
    });
    try {
      const res = await app.fetch("/api/v1/system/info?token=supersecret", {
        headers: {
          "x-forwarded-for": "198.51.100.1, 203.0.113.9",
          cookie: "session=supersecret",
          authorization: "Bearer supersecret",
        },
      });
      await res.body?.cancel();
    } finally {
      await app.close();
    }
    const requests = captured.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
    assertEquals(requests.length, 1);
    assertEquals(requests[0].client, expected);
    assertEquals(requests[0].route, "/api/v1/system/info");
    assertEquals(requests[0].status, 200);
    assert(!captured.join("\n").includes("supersecret"), "a secret reached the log");
  }
});

dbTest("accessLog writes probe lines only for failed probes", async () => {
  const app = makeApp({ routes: true });
  lines.length = 0;
  for (const path of ["/healthz", "/readyz", "/startupz"]) {
    assertEquals((await app.request(path)).status, 200, path);
  }
  const logged = () => lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
  assertEquals(logged(), []);
  const starting = makeApp({ started: false, routes: true });
  assertEquals((await starting.request("/startupz")).status, 503);
  assertEquals(logged().map((l) => [l.route, l.status]), [["/startupz", 503]]);
  // Everything else is still logged, success or not.
  await app.request("/api/v1/system/info");
  assertEquals(logged().length, 2);
});

dbTest("TestDatabase.drop removes the http core tests' database", async () => {
  await db.drop();
});
