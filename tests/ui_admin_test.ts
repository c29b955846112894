/**
 * The administration pages in real Chromium (tests/browser.ts) against a
 * real server, PostgreSQL and ffmpeg: every admin page renders for an
 * administrator, is a 403 page for a user and sends a guest to log in;
 * axe-core finds nothing serious on any; the main actions work end to end
 * (a library created with the folder browser and scanned, a user created
 * and granted a library, a real playback stopped, a failed job retried, a
 * server setting changed with its effect seen); stored markup in a display
 * name, a library name and an audit entry renders as text and runs nothing.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { assert, assertEquals } from "./assert.ts";
import { launchBrowser } from "./browser.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { ADMIN_PASSWORD, call, createUser, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";
import { place } from "./metadata_helpers.ts";
import { radarrPayloads, startFakeRadarr } from "./fakes/radarr.ts";
import { startReceiver } from "./fakes/notify_receivers.ts";
import { waitFor } from "./wait_for.ts";
import { ADMIN_PAGES as ADMIN_PAGE_LIST } from "../lib/ui/AdminNav.tsx";
import { assertAccessible, assertClean, openPage, signIn, type UiRecord } from "./ui_helpers.ts";

const XSS_NAME = `"><img src=x onerror=alert('name')>`;
const XSS_LIBRARY = `<script>alert('library')</script>Lib`;

// Under 64 characters: the audit keeps that much of a failed login's username.
const XSS_AUDIT = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;

/** Every administration page. */
const ADMIN_PAGES = ADMIN_PAGE_LIST.map((p) => p.href);

interface World {
  app: TestApp;
  origin: string;
  token: string;
  media: string;
  userId: string;
  userToken: string;
}

async function world(): Promise<World & { close(): Promise<void> }> {
  const media = await Deno.makeTempDir({ prefix: "revenge-ui-admin-" });
  await place(join(media, "films", "The Matrix (1999).mkv"));
  await place(join(media, "films", "Blade Runner (1982).mkv"));
  await Deno.mkdir(join(media, "empty"));
  const app = await startTestApp({ env: { REVENGE_LIBRARY_BROWSE_ROOTS: media } });
  const { token } = await setupAdmin(app);
  const user = await createUser(app, token, "user1", ["user"]);
  const named = await call(app, "PATCH", `/api/v1/admin/users/${user.id}`, {
    token,
    body: { displayName: XSS_NAME },
  });
  assertEquals(named.status, 200, JSON.stringify(named.body));
  return {
    app,
    origin: app.url,
    token,
    media,
    userId: user.id,
    userToken: user.token,
    async close() {
      await app.close();
      await Deno.remove(media, { recursive: true });
    },
  };
}

/** No element a payload would have injected exists. */
async function assertNothingInjected(page: Page, what: string): Promise<void> {
  const injected = await page.evaluate(() =>
    document.querySelectorAll('img[src="x"], main script:not([type="application/json"])').length
  );
  assertEquals(injected, 0, `${what}: injected elements`);
}

async function visit(page: Page, origin: string, path: string, status = 200) {
  const res = await page.goto(origin + path);
  assertEquals(res?.status(), status, path);
  await page.waitForLoadState("networkidle");
  await assertAccessible(page, path);
  await assertNothingInjected(page, path);
}

async function as(
  browser: Browser,
  w: World,
  username: string,
  password: string,
  check: (page: Page, rec: UiRecord) => Promise<void>,
  allow: RegExp[] = [],
) {
  const { ctx, page, rec } = await openPage(browser);
  try {
    await signIn(page, w.origin, username, password);
    await check(page, rec);
    assertClean(rec, [/status of 403/, ...allow]);
  } finally {
    await ctx.close();
  }
}

dbTest("ui admin: every admin page, refused to a user, the main actions, stored XSS", async (t) => {
  const w = await world();
  const browser = await launchBrowser();
  try {
    await t.step("admin: every page renders, accessible", async () => {
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        for (const path of ADMIN_PAGES) await visit(page, w.origin, path);
        // The user menu leads here.
        await page.goto(w.origin + "/");
        await page.locator(".usermenu summary").click();
        await page.getByRole("link", { name: "Administration" }).click();
        await page.waitForURL(w.origin + "/admin");
      });
    });

    await t.step("user: every admin page is a 403 page; guest: sent to log in", async () => {
      await as(browser, w, "user1", USER_PASSWORD, async (page) => {
        for (const path of ADMIN_PAGES) {
          await visit(page, w.origin, path, 403);
          await page.getByRole("heading", { name: "403" }).waitFor();
          await page.getByText("You may not open this page.").waitFor();
        }
        await page.locator(".usermenu summary").click();
        assertEquals(await page.getByRole("link", { name: "Administration" }).count(), 0);
      });
      const { ctx, page } = await openPage(browser);
      for (const path of ADMIN_PAGES) {
        await page.goto(w.origin + path);
        assertEquals(page.url(), `${w.origin}/login?next=${encodeURIComponent(path)}`, path);
      }
      await ctx.close();
    });

    await t.step("libraries: create with the folder browser, scan, problems, delete", async () => {
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await page.goto(w.origin + "/admin/libraries");
        await page.getByText("No library yet.", { exact: false }).waitFor();
        await page.getByRole("button", { name: "New library" }).click();
        await page.getByLabel("Library name").fill(XSS_LIBRARY);
        // Browse: the roots, then into the media folder's "films".
        await page.getByRole("button", { name: "Open films" }).click();
        await page.getByLabel("Folder", { exact: true }).waitFor();
        await waitFor(
          async () =>
            (await page.getByLabel("Folder", { exact: true }).inputValue()) ===
              join(w.media, "films"),
          {
            message: "the browser to open films",
          },
        );
        await page.getByRole("button", { name: "Add folder" }).click();
        await page.getByRole("button", { name: "Create library" }).click();
        await page.getByText(`Library ${XSS_LIBRARY} created`, { exact: false }).waitFor();
        await page.getByText(`Scan of ${XSS_LIBRARY} done: 2 films.`).waitFor({
          timeout: 60_000,
        });
        await assertNothingInjected(page, "after creating");
        // From the API: the library and its films.
        const libs = await call(w.app, "GET", "/api/v1/libraries", { token: w.token });
        assertEquals(libs.body.items.map((l: { name: string }) => l.name), [XSS_LIBRARY]);
        assertEquals(libs.body.items[0].movieCount, 2);
        // Reload: the stored name renders as text on the server-rendered page.
        await visit(page, w.origin, "/admin/libraries");
        await page.getByRole("heading", { name: XSS_LIBRARY }).waitFor();
        // Scan again from the button.
        await page.getByRole("button", { name: `Scan now: ${XSS_LIBRARY}` }).click();
        await page.getByText(`Scan of ${XSS_LIBRARY} done: 2 films.`).waitFor({
          timeout: 60_000,
        });
        await page.getByRole("button", { name: "Problems (0)" }).click();
        await page.getByText("No problems.").waitFor();
      });
    });

    await t.step(
      "users: create one, grant a library; the stored display name is text",
      async () => {
        const [lib] =
          (await call(w.app, "GET", "/api/v1/libraries", { token: w.token })).body.items;
        await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
          await visit(page, w.origin, "/admin/users");
          // user1's display name carries markup: shown as text.
          await page.getByRole("cell", { name: XSS_NAME, exact: true }).waitFor();
          await page.getByRole("button", { name: "New user" }).click();
          await page.getByLabel("Username").fill("newcomer");
          await page.getByLabel("Password (8 to 1024 characters)").fill(USER_PASSWORD);
          await page.getByRole("button", { name: "Create user" }).click();
          await page.getByText("User newcomer created.").waitFor();
          await page.getByRole("button", { name: "Show library access" }).click();
          await page.getByRole("checkbox", { name: XSS_LIBRARY }).check();
          await page.getByRole("button", { name: "Save library access" }).click();
          await page.getByText("Saved.").waitFor();
          await assertNothingInjected(page, "users panel");
        });
        // The new user signs in and sees the library's films.
        const login = await call(w.app, "POST", "/api/v1/auth/login", {
          body: { username: "newcomer", password: USER_PASSWORD },
        });
        assertEquals(login.status, 200, JSON.stringify(login.body));
        const movies = await call(w.app, "GET", `/api/v1/movies?libraryId=${lib.id}`, {
          token: login.body.accessToken,
        });
        assertEquals(movies.status, 200);
        assertEquals(movies.body.total, 2);
      },
    );

    await t.step("dashboard: a real playback shows, Stop ends it", async () => {
      const [lib] = (await call(w.app, "GET", "/api/v1/libraries", { token: w.token })).body.items;
      await call(w.app, "PUT", `/api/v1/admin/users/${w.userId}/libraries`, {
        token: w.token,
        body: { libraryIds: [lib.id] },
      });
      const [film] = await w.app.db.sql<{ movieId: string; fileId: string }[]>`
        select m.id as "movieId", f.id as "fileId" from movies m
        join movie_files f on f.movie_id = m.id where f.probe_state = 'ready' limit 1`;
      // As the player does: the decision, then the start report.
      const decision = await call(w.app, "POST", `/api/v1/movies/${film.movieId}/playback`, {
        token: w.userToken,
        body: { profile: "chromium" },
      });
      assertEquals(decision.status, 200, JSON.stringify(decision.body));
      const start = await call(w.app, "POST", "/api/v1/playback/sessions", {
        token: w.userToken,
        body: {
          event: "start",
          movieId: film.movieId,
          fileId: decision.body.fileId,
          positionMs: 0,
          method: decision.body.method,
          reasons: decision.body.reasons,
          client: "ui admin test",
        },
      });
      assertEquals(start.status, 200, JSON.stringify(start.body));
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await visit(page, w.origin, "/admin");
        const stop = page.getByRole("button", { name: /^Stop .* for user1$/ });
        await stop.waitFor();
        await stop.click();
        await page.getByText(/^Stopped .* for user1\.$/).waitFor();
        await page.getByText("Nobody is watching right now.").waitFor();
      });
      // The player learns it at its next report.
      const next = await call(w.app, "POST", "/api/v1/playback/sessions", {
        token: w.userToken,
        body: {
          event: "progress",
          sessionId: start.body.sessionId,
          movieId: film.movieId,
          fileId: decision.body.fileId,
          positionMs: 5000,
        },
      });
      assertEquals([next.body.active, next.body.endReason], [false, "admin"]);
    });

    await t.step("jobs: a failed job retried runs again and succeeds", async () => {
      const [{ id }] = await w.app.db.sql<{ id: string }[]>`
        insert into jobs (kind, queue, payload, state, attempt, max_attempts, last_error,
          errors, finished_at)
        values ('jobs.prune', 'default', ${w.app.db.sql.json({ retentionHours: 24 })}, 'dead',
          3, 3, 'disk on fire', ${
        w.app.db.sql.json([{ attempt: 3, at: new Date().toISOString(), error: "disk on fire" }])
      }, now())
        returning id::text`;
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await visit(page, w.origin, "/admin/jobs?state=dead");
        await page.getByRole("cell", { name: "disk on fire" }).waitFor();
        await page.getByRole("row").filter({
          has: page.getByRole("cell", { name: id, exact: true }),
        }).getByRole("button", { name: "Retry jobs.prune" }).click();
        await page.getByText("jobs.prune queued again.").waitFor();
        // Schedules are listed with Run now.
        await page.getByRole("button", { name: "Run now: jobs.prune" }).waitFor();
      });
      await waitFor(async () => {
        const [j] = await w.app.db.sql<{ state: string }[]>`
          select state::text from jobs where id = ${id}`;
        return j?.state === "succeeded";
      }, { message: "the retried job to succeed", timeoutMs: 30_000 });
    });

    await t.step("settings: open registration switched on takes effect at once", async () => {
      const body = { username: "walkin", password: USER_PASSWORD };
      assertEquals(
        (await call(w.app, "POST", "/api/v1/auth/register", { body })).status,
        403,
        "closed by default",
      );
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await visit(page, w.origin, "/admin/settings");
        await page.getByText("From the environment (REVENGE_OPEN_REGISTRATION)", {
          exact: false,
        }).waitFor();
        await page.getByRole("checkbox", { name: "Anyone may create an account" }).check();
        await page.getByRole("button", { name: "Save registration setting" }).click();
        await page.getByText("Saved.").waitFor();
        await page.getByText("Changed here", { exact: false }).waitFor();
        await page.getByRole("heading", { name: "Hardware acceleration" }).waitFor();
        await page.getByText("REVENGE_TRANSCODE_MAX_CONCURRENT").waitFor();
      });
      assertEquals((await call(w.app, "POST", "/api/v1/auth/register", { body })).status, 201);
      const [entry] = (await call(w.app, "GET", "/api/v1/admin/audit?action=settings.changed", {
        token: w.token,
      })).body.items;
      assertEquals(entry.details, { before: false, after: true });
    });

    await t.step("audit: an entry carrying markup renders as text; filters", async () => {
      const failed = await call(w.app, "POST", "/api/v1/auth/login", {
        body: { username: XSS_AUDIT, password: "wrong password" },
      });
      assertEquals(failed.status, 401, JSON.stringify(failed.body));
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await visit(page, w.origin, "/admin/audit");
        const main = (await page.locator("main").textContent()) ?? "";
        assert(main.includes(JSON.stringify(XSS_AUDIT).slice(1, -1)), "the username as text");
        // The action filter: only that action is left.
        await page.getByLabel("Action", { exact: true }).fill("auth.login.failed");
        await page.getByRole("button", { name: "Filter", exact: true }).click();
        await page.waitForURL(/action=auth.login.failed/);
        const actions = await page.locator("tbody td:nth-child(2)").allTextContents();
        assert(actions.length >= 1, "entries shown");
        assertEquals([...new Set(actions)], ["auth.login.failed"]);
        await assertNothingInjected(page, "/admin/audit filtered");
      }, [/status of 401/]);
    });

    await t.step("roles and integrations: a role created and given a permission", async () => {
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await visit(page, w.origin, "/admin/roles");
        await page.getByLabel("Role name").fill("curator");
        await page.getByRole("button", { name: "Create role" }).click();
        await page.getByText("Role curator created", { exact: false }).waitFor();
        const perms = page.getByRole("group", { name: "Permissions of curator" });
        await perms.getByRole("checkbox", { name: /^movies:manage/ }).check();
        await page.getByRole("button", { name: "Save permissions of curator" }).click();
        await page.getByText("Role curator saved.").waitFor();
        await visit(page, w.origin, "/admin/integrations");
        await page.getByRole("button", { name: "Add Radarr instance" }).waitFor();
        await page.getByRole("button", { name: "Add notification agent" }).waitFor();
      });
      const role = await call(w.app, "GET", "/api/v1/rbac/roles/curator", { token: w.token });
      assertEquals(role.body.permissions, ["movies:manage"]);
    });

    await t.step("users: disable and enable, reset link, sessions", async () => {
      await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await page.goto(w.origin + "/admin/users");
        await page.getByRole("button", { name: "Manage user1" }).click();
        await page.getByRole("button", { name: "Disable account" }).click();
        await page.getByText("user1 is disabled; their sessions have ended.").waitFor();
        assertEquals(
          (await call(w.app, "POST", "/api/v1/auth/login", {
            body: { username: "user1", password: USER_PASSWORD },
          })).status,
          401,
          "a disabled user cannot sign in",
        );
        await page.getByRole("button", { name: "Enable account" }).click();
        await page.getByText("user1 may sign in again.").waitFor();
        const login = await call(w.app, "POST", "/api/v1/auth/login", {
          body: { username: "user1", password: USER_PASSWORD },
        });
        assertEquals(login.status, 200, "enabled again");
        w.userToken = login.body.accessToken;
        await page.getByRole("button", { name: "Make a password reset link" }).click();
        const link = await page.getByLabel(/^Reset link/).inputValue();
        assert(link.includes("/reset-password"), link);
        await page.getByRole("button", { name: "Show sessions" }).click();
        await page.getByRole("button", { name: "End all sessions" }).click();
        await page.getByText("No active session.").waitFor();
        assertEquals(
          (await call(w.app, "GET", "/api/v1/users/me", { token: w.userToken })).status,
          401,
          "the ended session no longer works",
        );
      }, [/status of 401/]);
    });

    await t.step("integrations: Radarr's webhook URL works; an agent's test arrives", async () => {
      const radarr = await startFakeRadarr();
      const receiver = startReceiver({ kind: "webhook" });
      try {
        await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
          await page.goto(w.origin + "/admin/integrations");
          await page.getByRole("button", { name: "Add Radarr instance" }).click();
          await page.getByLabel("Radarr URL").fill(radarr.url);
          await page.getByLabel("API key").fill(radarr.apiKey);
          await page.getByLabel("Path mappings").fill(`/movies = ${join(w.media, "films")}`);
          await page.getByRole("button", { name: "Test connection" }).click();
          await page.getByText(/^Radarr answers \(version/).waitFor();
          await page.getByRole("button", { name: "Save", exact: true }).click();
          const url = await page.getByLabel("Webhook URL to paste into Radarr").inputValue();
          const u = new URL(url);
          const hook = await call(w.app, "POST", u.pathname + u.search, {
            body: radarrPayloads.test(),
          });
          assertEquals(hook.status, 202, "the pasted URL is accepted");
          await page.getByRole("button", { name: "Add notification agent" }).click();
          await page.getByLabel("Agent name").fill("hook");
          await page.getByLabel("URL", { exact: true }).fill(receiver.url);
          await page.getByRole("checkbox", { name: "user.created" }).check();
          await page.getByRole("button", { name: "Save", exact: true }).click();
          await page.getByText("Agent hook added.").waitFor();
          await page.getByRole("button", { name: "Send a test through hook" }).click();
          await page.getByText("The test through hook arrived.").waitFor();
          assert(receiver.received.length >= 1, "the receiver got the test");
        });
      } finally {
        await radarr.close();
        await receiver.close();
      }
    });

    await t.step(
      "jobs: a waiting job cancelled; a library deleted after a confirmation",
      async () => {
        const [{ id }] = await w.app.db.sql<{ id: string }[]>`
        insert into jobs (kind, queue, payload, run_at)
        values ('jobs.prune', 'default', ${w.app.db.sql.json({ retentionHours: 24 })},
          now() + interval '1 day')
        returning id::text`;
        await as(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
          await visit(page, w.origin, "/admin/jobs?state=available&kind=jobs.prune");
          const row = page.getByRole("row").filter({
            has: page.getByRole("cell", { name: id, exact: true }),
          });
          await row.getByRole("button", { name: "Cancel jobs.prune" }).click();
          await page.getByText("jobs.prune cancelled.").waitFor();
          await visit(page, w.origin, "/admin/libraries");
          await page.getByRole("button", { name: `Delete ${XSS_LIBRARY}` }).click();
          await page.getByRole("button", { name: "Yes, delete" }).click();
          await page.getByText(`Library ${XSS_LIBRARY} deleted.`).waitFor();
        });
        const [j] = await w.app.db.sql<{ state: string }[]>`
        select state::text from jobs where id = ${id}`;
        assertEquals(j.state, "cancelled");
        const libs = await call(w.app, "GET", "/api/v1/libraries", { token: w.token });
        assertEquals(libs.body.items, []);
      },
    );
  } finally {
    await browser.close();
    await w.close();
  }
});
