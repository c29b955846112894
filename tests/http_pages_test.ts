/**
 * Browsers asking for a page are sent where they need to go: to `/setup`
 * until the first administrator exists, then to `/login?next=<path>` without
 * a session, and back to `next` after logging in, `next` being only ever a
 * path on this server. API requests keep their problem+json answers. The
 * login and setup forms work without script and refuse posts from other sites.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { ADMIN_PASSWORD, setCookie } from "./auth_helpers.ts";

const HTML = { accept: "text/html,application/xhtml+xml,application/xhtml+xml;q=0.9,*/*;q=0.8" };

async function page(app: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await app.fetch(path, { headers: { ...HTML, ...headers }, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), res, body: await res.text() };
}

async function postForm(
  app: TestApp,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { origin: app.url },
) {
  const res = await app.fetch(path, {
    method: "POST",
    headers: { ...HTML, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), res, body: await res.text() };
}

dbTest("pages send browsers to /setup, then /login?next=, and back to a safe next", async () => {
  const app = await startTestApp();
  try {
    // Before setup: every page leads to the setup page; the API says why it cannot answer.
    assertEquals((await page(app, "/movies?sort=year")).location, "/setup");
    assertEquals((await page(app, "/login")).location, "/setup");
    const api = await app.fetch("/api/v1/users/me", { headers: HTML });
    assertEquals(api.status, 503);
    assertEquals(api.headers.get("content-type"), "application/problem+json");
    assertEquals((await api.json()).setupRequired, true);
    const form = await page(app, "/setup?next=//evil.example");
    assertEquals(form.status, 200);
    assertMatch(form.body, /<form method="post" action="\/setup">/);
    assertMatch(form.body, /name="next" value="\/"/);

    // Setup through the form: refused from another site, then done and logged in.
    const fields = { username: "admin", password: ADMIN_PASSWORD, next: "/movies?sort=year" };
    assertEquals(
      (await postForm(app, "/setup", fields, { origin: "https://evil.example" })).status,
      403,
    );
    assertEquals((await postForm(app, "/setup", fields, {})).status, 403, "no Origin, no browser");
    const done = await postForm(app, "/setup", fields);
    assertEquals([done.status, done.location], [303, "/movies?sort=year"]);
    const cookie = setCookie(done.res, "revenge_session")!;
    assert(cookie.value.startsWith("rvs_"));
    assertEquals((await page(app, "/setup")).location, "/login", "set up: on to the login page");

    // Logged out: pages lead to the login page and back; the API answers 401 problem+json.
    const out = await page(app, "/movies?sort=year&q=a%20b");
    assertEquals(out.status, 303);
    assertEquals(out.location, `/login?next=${encodeURIComponent("/movies?sort=year&q=a%20b")}`);
    for (const headers of [HTML, {}]) {
      const r = await app.fetch("/api/v1/users/me", { headers, redirect: "manual" });
      assertEquals(r.status, 401);
      assertEquals(r.headers.get("content-type"), "application/problem+json");
      await r.body?.cancel();
    }
    assertEquals((await page(app, "/")).status, 200, "the home page stays public");
    // A stale session cookie: to the login page, and the cookie is cleared.
    const stale = await page(app, "/movies", { cookie: "revenge_session=rvs_" + "x".repeat(43) });
    assertEquals(stale.location, "/login?next=%2Fmovies");
    assertMatch(setCookie(stale.res, "revenge_session")!.attrs.join(";"), /max-age=0/);

    // The login form: next is kept when it is a path here, and only then.
    const shown = await page(app, "/login?next=https://evil.example");
    assertMatch(shown.body, /name="next" value="\/"/);
    const login = (next: string) =>
      postForm(app, "/login", { username: "admin", password: ADMIN_PASSWORD, next });
    for (const evil of ["https://evil.example", "//evil.example", "/\\evil.example"]) {
      const r = await login(evil);
      assertEquals([r.status, r.location], [303, "/"], evil);
    }
    const back = await login("/movies?sort=year");
    assertEquals([back.status, back.location], [303, "/movies?sort=year"]);
    const session = setCookie(back.res, "revenge_session")!.value;
    const inside = await page(app, "/movies?sort=year", { cookie: `revenge_session=${session}` });
    assertEquals(inside.status, 404, "logged in: the page itself answers (none exists yet)");
    const me = await app.fetch("/api/v1/users/me", {
      headers: { cookie: `revenge_session=${session}` },
    });
    assertEquals((await me.json()).username, "admin");

    // Wrong password: the form again, with the message; cross-site posts are refused.
    const wrong = await postForm(app, "/login", {
      username: "admin",
      password: "nope",
      next: "/x",
    });
    assertEquals(wrong.status, 401);
    assertMatch(wrong.body, /role="alert">Wrong username or password\./);
    assertMatch(wrong.body, /name="next" value="\/x"/);
    const cross = await postForm(app, "/login", {
      username: "admin",
      password: ADMIN_PASSWORD,
    }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    assertEquals(cross.status, 403);
    assertEquals(setCookie(cross.res, "revenge_session"), undefined);
    const sameSite = await postForm(app, "/login", {
      username: "admin",
      password: ADMIN_PASSWORD,
    }, { "sec-fetch-site": "same-origin" });
    assertEquals([sameSite.status, sameSite.location], [303, "/"], "no Origin, but same-origin");
  } finally {
    await app.close();
  }
});
