/**
 * Browsers asking for a page are sent where they need to go: to `/setup`
 * until the first administrator exists, then to `/login?next=<path>` without
 * a session, `next` being only ever a path on this server. API requests keep
 * their problem+json answers. (The pages themselves are driven in Chromium by
 * `web_pages_test.ts`.)
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { call, setCookie, setupAdmin } from "./auth_helpers.ts";

const HTML = { accept: "text/html,application/xhtml+xml,application/xhtml+xml;q=0.9,*/*;q=0.8" };

async function page(app: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await app.fetch(path, { headers: { ...HTML, ...headers }, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), res, body: await res.text() };
}

dbTest("pages send browsers to /setup, then /login?next= with a safe next only", async () => {
  const app = await startTestApp();
  try {
    // Before setup: every page leads to the setup page; the API says why it cannot answer.
    for (const path of ["/", "/movies?sort=year", "/login", "/settings/security"]) {
      assertEquals((await page(app, path)).location, "/setup", path);
    }
    assertEquals((await page(app, "/setup")).status, 200);
    const api = await app.fetch("/api/v1/users/me", { headers: HTML });
    assertEquals(api.status, 503);
    assertEquals(api.headers.get("content-type"), "application/problem+json");
    assertEquals((await api.json()).setupRequired, true);
    // Assets and non-page requests are not redirected.
    const css = await app.fetch("/static/app.css", { headers: HTML });
    assertEquals(css.status, 200);
    await css.body?.cancel();

    const admin = await setupAdmin(app);
    assertEquals((await page(app, "/setup")).location, "/login", "set up: on to the login page");

    // Logged out: pages lead to the login page and back; the API answers 401 problem+json.
    const out = await page(app, "/movies?sort=year&q=a%20b");
    assertEquals(out.status, 303);
    assertEquals(out.location, `/login?next=${encodeURIComponent("/movies?sort=year&q=a%20b")}`);
    assertEquals(
      (await page(app, "/settings/security")).location,
      "/login?next=%2Fsettings%2Fsecurity",
    );
    for (const headers of [HTML, {}]) {
      const r = await app.fetch("/api/v1/users/me", { headers, redirect: "manual" });
      assertEquals(r.status, 401);
      assertEquals(r.headers.get("content-type"), "application/problem+json");
      await r.body?.cancel();
    }
    // A page that would lead off this server is never a `next`.
    for (const evil of ["//evil.example", "/\\evil.example", "/.//evil.example"]) {
      const r = await page(app, evil);
      assert(!r.location?.includes("evil.example"), `${evil}: ${r.location}`);
    }
    // A stale session cookie: to the login page, and the cookie is cleared.
    const stale = await page(app, "/movies", { cookie: "revenge_session=rvs_" + "x".repeat(43) });
    assertEquals(stale.location, "/login?next=%2Fmovies");
    assertMatch(setCookie(stale.res, "revenge_session")!.attrs.join(";"), /max-age=0/);

    // Signed in: the page itself answers.
    const cookie = { cookie: `revenge_session=${admin.token}` };
    assertEquals((await page(app, "/settings/security", cookie)).status, 200);
    assertEquals((await page(app, "/movies", cookie)).status, 404, "no such page yet");
    assertEquals((await call(app, "GET", "/api/v1/users/me", { token: admin.token })).status, 200);
  } finally {
    await app.close();
  }
});
