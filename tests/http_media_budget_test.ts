/**
 * Media (streams, HLS, images: `lib/http/media_routes.ts`) and the API have
 * separate per-client budgets: watching a film never uses up the API's, and
 * a runaway player cannot starve the API either.
 */
import { createApp } from "../lib/http/app.tsx";
import { createLogger } from "../lib/observability/logger.ts";
import { createReadiness } from "../lib/observability/readiness.ts";
import { createMemoryRateLimitStore } from "../lib/auth/rate_limit_memory.ts";
import { ping } from "../lib/db/health_repo.ts";
import { isMediaPath, MEDIA_PREFIXES } from "../lib/http/media_routes.ts";
import { assert, assertEquals } from "./assert.ts";
import { createTestDatabase } from "./db.ts";
import { createTestServices, dbTest } from "./harness.ts";

const db = await createTestDatabase();
const services = createTestServices({ sql: db.sql });
const auth = services.auth;
const { token } = await auth.setup.complete(
  { username: "admin", password: "correct horse battery staple" },
  { actorId: null, actorName: null, clientIp: null, userAgent: null },
);

/** A real app with budgets of 3 a minute, test routes on a media and an API path. */
function makeApp() {
  const readiness = createReadiness(() => ping(db.sql));
  readiness.started = true;
  readiness.migrated = true;
  let peer = "203.0.113.1";
  const app = createApp({
    logger: createLogger({ level: "silent" }),
    services: { ...services, readiness },
    trustedProxies: [],
    bodyLimitBytes: 2048,
    apiRateLimit: { store: createMemoryRateLimitStore(), perMinute: 3 },
    mediaRateLimit: { perMinute: 3 },
    peer: () => peer,
  });
  app.get("/api/v1/stream/:id", (c) => c.text(`bytes of ${c.req.param("id")}`));
  app.get("/api/v1/hls/:id/segment.ts", (c) => c.text("segment"));
  app.get("/api/v1/images/:id", (c) => c.text("poster"));
  app.get("/api/v1/streamx", (c) => c.text("not media"));
  app.get("/api/v1/test/ping", (c) => c.text("pong"));
  const get = async (path: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
    await res.body?.cancel();
    return res;
  };
  return { get, client: (ip: string) => void (peer = ip) };
}

dbTest("media requests do not spend the API budget", async () => {
  const app = makeApp();
  for (let i = 0; i < 3; i++) assertEquals((await app.get("/api/v1/test/ping")).status, 200);
  const limited = await app.get("/api/v1/test/ping");
  assertEquals(limited.status, 429, "the API budget is spent");
  for (const path of ["/api/v1/stream/1", "/api/v1/hls/1/segment.ts", "/api/v1/images/1"]) {
    const res = await app.get(path);
    assertEquals(res.status, 200, `${path} still answers`);
    assert(res.headers.get("ratelimit")?.startsWith('"media";'), "counted as media");
  }
  // A look-alike of a media prefix is an API path.
  assertEquals((await app.get("/api/v1/streamx")).status, 429);
});

dbTest("API requests do not spend the media budget", async () => {
  const app = makeApp();
  app.client("203.0.113.2");
  for (let i = 0; i < 3; i++) assertEquals((await app.get(`/api/v1/stream/${i}`)).status, 200);
  assertEquals((await app.get("/api/v1/hls/1/segment.ts")).status, 429, "media budget spent");
  const api = await app.get("/api/v1/test/ping");
  assertEquals(api.status, 200, "the API still answers");
  assert(api.headers.get("ratelimit")?.startsWith('"api";'));
  // Budgets are per client: another address has both.
  app.client("203.0.113.3");
  assertEquals((await app.get("/api/v1/stream/1")).status, 200);
});

Deno.test("isMediaPath matches the prefixes and what is below them only", () => {
  for (const p of MEDIA_PREFIXES) {
    assert(isMediaPath(p) && isMediaPath(`${p}/x/y`), p);
    assert(!isMediaPath(`${p}x`) && !isMediaPath(`${p}%2Fx`), p);
  }
  assert(!isMediaPath("/api/v1/users/me"));
});

dbTest("media budget test database is dropped", async () => {
  await db.drop();
});
