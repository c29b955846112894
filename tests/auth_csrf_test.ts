/**
 * CSRF: a request carrying the session cookie that changes something must
 * come from our own origin. Cross-site form, text/plain and JSON posts and a
 * post without Origin are refused and change nothing; Bearer and API-key
 * requests are exempt; the API takes JSON bodies only.
 */
import { assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, createUser, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";

dbTest("csrf refuses cross-site POSTs that carry the session cookie", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "frank");
    const login = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "frank", password: USER_PASSWORD },
    });
    const cookie = `revenge_session=${login.body.accessToken}`;
    const ours = app.url; // http://127.0.0.1:<port>: the Host the requests carry
    const post = (body: string, type: string, headers: Record<string, string>) =>
      app.fetch("/api/v1/users/me/api-keys", {
        method: "POST",
        body,
        headers: { cookie, "content-type": type, ...headers },
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const json = JSON.stringify({ name: "csrf" });
    const evil = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };

    for (
      const [what, body, type, headers] of [
        ["form", "name=csrf", "application/x-www-form-urlencoded", evil],
        ["text/plain", json, "text/plain", evil],
        ["JSON", json, "application/json", { origin: "https://evil.example" }],
        ["JSON, browser says cross-site", json, "application/json", { ...evil, origin: ours }],
        ["JSON without Origin", json, "application/json", {}],
        ["JSON from a sibling port", json, "application/json", { origin: "http://127.0.0.1:1" }],
        ["same origin, but same-site", json, "application/json", {
          origin: ours,
          "sec-fetch-site": "same-site",
        }],
      ] as const
    ) {
      const r = await post(body, type, headers);
      assertEquals(r.status, 403, what);
      assertEquals(r.body.title, "Forbidden");
    }
    // Logging out someone cross-site is refused too.
    const out = await app.fetch("/api/v1/auth/logout", { method: "POST", headers: { cookie } });
    await out.body?.cancel();
    assertEquals(out.status, 403);

    const keys = () =>
      call(app, "GET", "/api/v1/users/me/api-keys", { token: u.token }).then((r) => r.body.total);
    assertEquals(await keys(), 0, "no refused request created anything");

    // From our own pages it works; non-JSON bodies are refused even then.
    const okay = await post(json, "application/json", {
      origin: ours,
      "sec-fetch-site": "same-origin",
    });
    assertEquals(okay.status, 201);
    assertEquals((await post(json, "text/plain", { origin: ours })).status, 415);
    assertEquals(
      (await post("name=x", "application/x-www-form-urlencoded", { origin: ours })).status,
      415,
    );

    // Bearer and API-key requests need no Origin: another site cannot set those headers.
    const bearer = await call(app, "POST", "/api/v1/users/me/api-keys", {
      token: u.token,
      body: { name: "bearer" },
    });
    assertEquals(bearer.status, 201);
    const viaKey = await call(app, "POST", "/api/v1/users/me/api-keys", {
      headers: { "x-api-key": okay.body.key },
      body: { name: "via key" },
    });
    assertEquals(viaKey.status, 201);
    assertEquals(await keys(), 3);
    // A browser-marked cross-site login is refused as well (login CSRF).
    const crossLogin = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "frank", password: USER_PASSWORD },
      headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
    });
    assertEquals(crossLogin.status, 403);
  } finally {
    await app.close();
  }
});

dbTest("csrf takes REVENGE_PUBLIC_URL as the one origin of cookie requests", async () => {
  const app = await startTestApp({ env: { REVENGE_PUBLIC_URL: "https://movies.example.org" } });
  try {
    await setupAdmin(app);
    const login = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "admin", password: "correct horse battery staple" },
    });
    const post = (origin: string) =>
      app.fetch("/api/v1/users/me/api-keys", {
        method: "POST",
        body: JSON.stringify({ name: "k" }),
        headers: {
          cookie: `revenge_session=${login.body.accessToken}`,
          "content-type": "application/json",
          origin,
        },
      }).then(async (r) => (await r.body?.cancel(), r.status));
    assertEquals(await post(app.url), 403);
    assertEquals(await post("https://movies.example.org"), 201);
  } finally {
    await app.close();
  }
});
