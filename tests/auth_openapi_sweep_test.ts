/**
 * Route protection, checked against the OpenAPI document: every operation,
 * called without credentials, answers 401 unless it is on the one public
 * allowlist; the document's `security: []` marks exactly those; every
 * protected operation that names a permission says so in `x-permission`.
 */
import { hasOwnCredentials, isPublicRoute, PUBLIC_ROUTES } from "../lib/http/public_routes.ts";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, fill, operations, setupAdmin } from "./auth_helpers.ts";

const AUTH_ONLY = new Set(["GET /api/v1/users/me", "POST /api/v1/auth/logout"]);

dbTest("authenticate answers 401 without credentials off the public allowlist", async () => {
  const app = await startTestApp();
  try {
    await setupAdmin(app);
    const ops = await operations(app);
    assert(ops.length >= 40, `only ${ops.length} operations in the document`);
    const unauthenticated: string[] = [];
    for (const { method, template, op } of ops) {
      const path = fill(template, { name: "user" });
      const isPublic = isPublicRoute(method, path);
      assertEquals(
        Array.isArray(op.security) && op.security.length === 0,
        isPublic,
        `${method} ${template}: security [] must mark exactly the allowlisted routes`,
      );
      for (const token of [undefined, "rvs_invalid", "rvk_invalid"]) {
        const r = await call(app, method, path, {
          token,
          body: op.requestBody ? {} : undefined,
        });
        if (isPublic && hasOwnCredentials(method, path)) {
          // Public to our middleware, but without its own credential (a webhook secret):
          // refused, whatever token of ours comes with it.
          assertEquals(r.status, 401, `${method} ${path} without its own credential`);
          assertEquals(r.headers.get("content-type"), "application/problem+json");
          continue;
        }
        if (isPublic) {
          assert(r.status !== 401 && r.status !== 403, `${method} ${path} public, got ${r.status}`);
          continue;
        }
        if (r.status !== 401) unauthenticated.push(`${method} ${path} -> ${r.status}`);
        else {
          assertEquals(r.headers.get("content-type"), "application/problem+json");
          assertEquals(r.headers.get("www-authenticate"), 'Bearer realm="revenge"');
        }
      }
      // Every protected operation names its permission, except the two that
      // any authenticated caller may use on themself.
      if (!isPublic && !AUTH_ONLY.has(`${method} ${template}`)) {
        assert(typeof op["x-permission"] === "string", `${method} ${template} lacks x-permission`);
      }
    }
    assertEquals(unauthenticated, []);

    // Routes outside the document are protected too (fail closed), and the
    // allowlist does not stretch to look-alike paths.
    for (
      const path of [
        "/api/v1/not-a-route",
        "/api/v1/setup/",
        "/api/v1/setupx",
        "/api/v1/auth/login/../../users/me",
        "/api/docsx",
        "/metrics",
      ]
    ) {
      assertEquals((await call(app, "GET", path)).status, 401, path);
    }
    // Each allowlisted route really answers without credentials.
    for (const r of PUBLIC_ROUTES.filter((r) => r.method === "GET" && !r.prefix)) {
      const res = await call(app, "GET", r.path);
      assert(res.status < 400, `${r.path}: ${res.status}`);
    }
  } finally {
    await app.close();
  }
});
