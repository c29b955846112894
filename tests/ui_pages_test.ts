/**
 * Every browse page in real Chromium for an administrator, a user and a
 * guest, on a library scanned from disk and identified by the fake TMDb
 * whose data (and whose files' names) carry stored-XSS payloads: each page
 * renders with the actions its reader may use, pages above the reader are a
 * 403 page, axe-core finds nothing serious, the payloads show as text and
 * run nothing (no dialog, no console error, no injected element), and the
 * German home, search and settings pages have no English string left. The
 * search results page (facets, removable filters, sorts, highlights as
 * text, the empty state) and the settings pages (profile, language,
 * playback preferences, with their toasts) are used as a reader would.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { assert, assertEquals } from "./assert.ts";
import { launchBrowser } from "./browser.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { ADMIN_PASSWORD, call, createUser, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";
import { DEFAULT_FILMS, startFakeTmdb } from "./fakes/tmdb.ts";
import { place, tmdbEnv } from "./metadata_helpers.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { waitFor } from "./wait_for.ts";
import {
  assertAccessible,
  assertClean,
  englishLeft,
  openPage,
  signIn,
  type UiRecord,
} from "./ui_helpers.ts";
import { ADMIN_PAGES } from "../lib/ui/AdminNav.tsx";

const XSS_TITLE = `Evil Film "><img src=x onerror=alert('title')>`;
const XSS_OVERVIEW = `<script>alert('overview')</script> javascript:alert('overview')`;
const XSS_PERSON = `<img src=x onerror=alert('person')>`;
const XSS_FILE = `"><img src=x onerror=alert('file')> (2021).mkv`;
const JS_FILE = `javascript:alert('file') (2022).mkv`;

interface World {
  app: TestApp;
  origin: string;
  libraryId: string;
  films: Record<string, string>;
  personId: string;
  collectionId: string;
}

async function world(): Promise<World & { close(): Promise<void> }> {
  const tmdb = await startFakeTmdb({
    films: [...DEFAULT_FILMS, {
      id: 990001,
      title: XSS_TITLE,
      alternative_titles: ["Evil Film"],
      release_date: "2020-01-01",
      popularity: 5,
      overview: XSS_OVERVIEW,
      tagline: `"><svg onload=alert('tagline')>`,
      genres: ["<b>Horror</b>"],
      cast: [{ id: 990003, name: XSS_PERSON, character: `"><img src=x onerror=alert('role')>` }],
      crew: [{
        id: 990004,
        name: `<script>alert('crew')</script>`,
        job: "Director",
        department: "Directing",
      }],
      collection: { id: 990002, name: `<svg onload=alert('collection')>` },
    }],
  });
  const media = await Deno.makeTempDir({ prefix: "revenge-ui-pages-" });
  await place(join(media, "The Matrix (1999).mkv"));
  await place(join(media, "Blade Runner (1982).mkv"));
  await place(join(media, "Evil Film (2020).mkv"));
  await place(join(media, XSS_FILE));
  await place(join(media, JS_FILE));
  const app = await startTestApp({ env: tmdbEnv(tmdb) });
  const { token } = await setupAdmin(app);
  const lib = await createLibrary(app, token, { name: "Meine Sammlung", paths: [media] });
  await scanIdle(app, token, lib.id);
  // Identification runs as jobs after the scan: wait until none is left.
  await waitFor(async () => {
    const [{ n }] = await app.db.sql<{ n: number }[]>`
      select count(*)::int as n from jobs where kind like 'metadata.%'
        and state not in ('succeeded', 'dead', 'cancelled')`;
    return n === 0;
  }, { message: "identification to finish", timeoutMs: 60_000 });
  const items = (await call(app, "GET", `/api/v1/movies?libraryId=${lib.id}&limit=50`, { token }))
    .body.items as { id: string; title: string; collectionId: string | null }[];
  const films = Object.fromEntries(items.map((m) => [m.title, m.id]));
  const matrix = films["The Matrix"];
  assert(matrix, `The Matrix found: ${Object.keys(films)}`);
  const cast = (await call(app, "GET", `/api/v1/movies/${matrix}/cast`, { token })).body.items;
  const collectionId = items.find((m) => m.title === "The Matrix")!.collectionId!;
  for (const [name, roles] of [["user1", ["user"]], ["guest1", ["guest"]]] as const) {
    const u = await createUser(app, token, name, [...roles]);
    const put = await call(app, "PUT", `/api/v1/admin/users/${u.id}/libraries`, {
      token,
      body: { libraryIds: [lib.id] },
    });
    assertEquals(put.status, 200, JSON.stringify(put.body));
  }
  return {
    app,
    origin: app.url,
    libraryId: lib.id,
    films,
    personId: cast[0].personId,
    collectionId,
    async close() {
      await app.close();
      await tmdb.close();
      await Deno.remove(media, { recursive: true });
    },
  };
}

/** No element a payload would have injected exists. */
async function assertNothingInjected(page: Page, what: string): Promise<void> {
  const injected = await page.evaluate(() =>
    document.querySelectorAll(
      'img[src="x"], svg[onload], main script:not([type="application/json"]), main b',
    ).length
  );
  assertEquals(injected, 0, `${what}: injected elements`);
}

/** Sends a JSON request from the page (same origin, with its session); answers the status. */
function send(page: Page, method: string, path: string, body: unknown): Promise<number> {
  return page.evaluate(async ([method, path, body]) => {
    const r = await fetch(path as string, {
      method: method as string,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return r.status;
  }, [method, path, body] as const);
}

async function visit(page: Page, origin: string, path: string, status = 200) {
  const res = await page.goto(origin + path);
  assertEquals(res?.status(), status, path);
  await assertAccessible(page, path);
  await assertNothingInjected(page, path);
}

async function asReader(
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
    // The 403 pages asked for on purpose log their status; nothing else may go wrong.
    assertClean(rec, [/status of 403/, ...allow]);
  } finally {
    await ctx.close();
  }
}

dbTest("ui: every page for admin, user and guest, stored XSS inert, German home", async (t) => {
  const w = await world();
  const browser = await launchBrowser();
  const matrix = () => w.films["The Matrix"];
  const pages = () => [
    "/",
    `/libraries/${w.libraryId}`,
    `/libraries/${w.libraryId}?sort=year&decade=1990&resolution=1080p&hdr=false&watched=false`,
    `/movies/${matrix()}`,
    `/people/${w.personId}`,
    `/collections/${w.collectionId}`,
    "/collections",
    "/recent",
    "/top-rated",
    "/continue",
    "/search?q=matrix",
    "/search?q=zzqqxxnothing",
    "/search?decade=1990&sort=year",
    "/settings/profile",
    "/settings/playback",
  ];
  try {
    await t.step(
      "admin: every page, the manager's actions, the review and the wizard",
      async () => {
        await asReader(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
          for (const path of [...pages(), "/review", "/welcome", "/settings/security"]) {
            await visit(page, w.origin, path);
          }
          await page.goto(`${w.origin}/movies/${matrix()}`);
          for (const name of ["Refresh metadata", "Identify", "Unmatch", "Mark watched"]) {
            await page.getByRole("button", { name, exact: true }).waitFor();
          }
          await page.getByRole("link", { name: "Play", exact: true }).waitFor();
          // Director, cast with a link to the person, the collection.
          await page.getByRole("link", { name: "Lana Wachowski" }).first().waitFor();
          await page.getByRole("link", { name: /Keanu Reeves/ }).waitFor();
          await page.getByRole("link", { name: "Part of The Matrix Collection" }).waitFor();
          // Mark watched, then the button turns into its opposite (and the API agrees).
          await page.getByRole("button", { name: "Mark watched", exact: true }).click();
          await page.getByRole("button", { name: "Mark unwatched", exact: true }).waitFor();
          await page.goto(`${w.origin}/libraries/${w.libraryId}?watched=true`);
          await page.getByRole("link", { name: "The Matrix", exact: true }).waitFor();
          assertEquals(await page.locator(".poster").count(), 1, "only the watched film");
        });
      },
    );

    await t.step("needs review: a candidate picked in one click matches the film", async () => {
      // As the matcher leaves an unsure film: its candidates, the right one among them.
      const film = w.films["Blade Runner"];
      await w.app.db.sql`
        update movies set match_state = 'needs_review', tmdb_id = null,
          match_candidates = ${
        w.app.db.sql.json([
          {
            tmdbId: 78,
            title: "Blade Runner",
            originalTitle: null,
            year: 1982,
            popularity: 80,
            posterPath: null,
            score: 72,
          },
          {
            tmdbId: 335984,
            title: "Blade Runner 2049",
            originalTitle: null,
            year: 2017,
            popularity: 90,
            posterPath: null,
            score: 60,
          },
        ])
      }
        where id = ${film}`;
      await asReader(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        await visit(page, w.origin, "/review");
        await page.getByRole("button", { name: /^Pick Blade Runner \(1982\)/ }).click();
        await page.getByText("Blade Runner (1982): Done.").waitFor();
        assertEquals(await page.getByRole("button", { name: /^Pick Blade Runner/ }).count(), 0);
        const state = await page.evaluate(
          async (id) => (await (await fetch(`/api/v1/movies/${id}`)).json()),
          film,
        );
        assertEquals([state.matchState, state.tmdbId], ["matched", 78]);
      });
    });

    await t.step("stored XSS from TMDb and file names renders as text", async () => {
      await asReader(browser, w, "admin", ADMIN_PASSWORD, async (page) => {
        const shown: string[] = [];
        for (const id of Object.values(w.films)) {
          await visit(page, w.origin, `/movies/${id}`);
          shown.push((await page.locator("main").textContent()) ?? "");
        }
        await visit(page, w.origin, "/review");
        shown.push((await page.locator("main").textContent()) ?? "");
        const text = shown.join("\n");
        // The files' names are shown as they are (the versions list).
        assert(text.includes(XSS_FILE), "the file name with markup shows as text");
        assert(text.includes(JS_FILE), "the javascript: file name shows as text");
        // The TMDb film is matched (its title, overview and people as text) or waits for
        // review (its title as a candidate's text).
        assert(text.includes(XSS_TITLE), "the TMDb title with markup shows as text");
        // The search page: the payloads in titles, highlights and the query itself are text.
        await visit(page, w.origin, "/search?q=alert");
        const found = (await page.locator("main").textContent()) ?? "";
        const alerting = Object.keys(w.films).filter((title) => title.includes("alert"));
        assert(alerting.length > 0, "films whose titles carry a payload");
        for (const title of alerting) {
          assert(found.includes(title), `${title} shows as text in the results`);
        }
        assert(await page.locator("main mark").count() > 0, "the matched words are marked");
        assertEquals(
          await page.locator("main mark").evaluateAll((ms) => ms.every((m) => !m.children.length)),
          true,
          "a mark holds text only",
        );
        const q = `"><img src=x onerror=alert('q')><script>alert('q')</script>`;
        await visit(page, w.origin, `/search?q=${encodeURIComponent(q)}`);
        await page.getByRole("heading", { level: 1, name: `Results for “${q}”` }).waitFor();
        assertEquals(await page.locator("#topbar-search").inputValue(), q);
        const evil = Object.entries(w.films).find(([title]) => title === XSS_TITLE)?.[1];
        if (evil) {
          await page.goto(`${w.origin}/movies/${evil}`);
          const main = (await page.locator("main").textContent()) ?? "";
          assert(main.includes(XSS_OVERVIEW), "the overview shows as text");
          assert(main.includes(XSS_PERSON), "the cast's name shows as text");
        }
      });
    });

    await t.step(
      "a resume point: Resume on the film, a progress bar in continue watching",
      async () => {
        await asReader(browser, w, "user1", USER_PASSWORD, async (page) => {
          const blade = w.films["Blade Runner"];
          // From the page, as the player would: same origin, the session cookie.
          assertEquals(
            await send(page, "POST", `/api/v1/movies/${blade}/progress`, {
              positionMs: 2_400_000,
              durationMs: 6_000_000,
            }),
            204,
          );
          await page.goto(w.origin + "/");
          const row = page.getByRole("region", { name: "Continue watching" });
          const poster = row.getByRole("link", { name: "Blade Runner", exact: true });
          assertEquals(await poster.getAttribute("aria-description"), "40 % watched");
          assertEquals(await poster.locator(".progress").getAttribute("data-percent"), "40");
          await poster.click();
          await page.waitForURL(`${w.origin}/movies/${blade}`);
          const resume = page.getByRole("link", { name: "Resume", exact: true });
          assertEquals(await resume.getAttribute("href"), `/play/${blade}`);
          assertEquals(await page.getByRole("link", { name: "Play", exact: true }).count(), 0);
          await visit(page, w.origin, "/continue");
        });
      },
    );

    await t.step(
      "search: facets with counts, removable filters, sorts, an empty state",
      async () => {
        await asReader(browser, w, "user1", USER_PASSWORD, async (page) => {
          await page.goto(`${w.origin}/search?q=matrix`);
          const results = page.locator(".search-hits");
          await results.getByRole("link", { name: "The Matrix", exact: true }).waitFor();
          assertEquals(await page.locator(".hit-title mark").first().textContent(), "Matrix");
          // A facet: a link with its count; choosing it keeps q and shows a removable chip.
          const facets = page.getByRole("complementary", { name: "Filters" });
          const decade = facets.getByRole("link", { name: /^1990s \(\d+\)$/ });
          await decade.click();
          await page.waitForURL(`${w.origin}/search?q=matrix&decade=1990`);
          await results.getByRole("link", { name: "The Matrix", exact: true }).waitFor();
          const remove = page.getByRole("link", { name: "Remove filter Decade: 1990s" });
          await remove.waitFor();
          // A sort is a link too, with the filters kept.
          await page.getByRole("navigation", { name: "Sort by" }).getByRole("link", {
            name: "Year",
          }).click();
          await page.waitForURL(`${w.origin}/search?q=matrix&decade=1990&sort=year`);
          await remove.click();
          await page.waitForURL(`${w.origin}/search?q=matrix&sort=year`);
          // No match: says so, with a way out.
          await page.goto(`${w.origin}/search?q=zzqqxxnothing&decade=1990`);
          await page.getByText("No film matches “zzqqxxnothing”.", { exact: false }).waitFor();
          assertEquals(await page.locator(".search-hit").count(), 0);
          await page.getByRole("link", { name: "Clear all filters" }).waitFor();
          await page.getByRole("link", { name: "Browse all films" }).click();
          await page.waitForURL(`${w.origin}/search`);
          await results.getByRole("link", { name: "Blade Runner", exact: true }).waitFor();
          // A bad parameter is a 400 page, not a 500.
          const bad = await page.goto(`${w.origin}/search?decade=1995`);
          assertEquals(bad?.status(), 400);
        }, [/status of 400/]);
      },
    );

    await t.step("settings: profile, language and playback saved, with a toast", async () => {
      await asReader(browser, w, "user1", USER_PASSWORD, async (page) => {
        await page.goto(`${w.origin}/settings`);
        await page.waitForURL(`${w.origin}/settings/profile`);
        const nav = page.getByRole("navigation", { name: "Settings" });
        for (const name of ["Profile", "Playback", "Security"]) {
          await nav.getByRole("link", { name }).waitFor();
        }
        await page.getByLabel("Display name").fill("Uma User");
        await page.getByLabel("E-mail").fill("uma@example.org");
        await page.getByRole("button", { name: "Save" }).click();
        await page.getByRole("status").getByText("Saved.").waitFor();
        await page.reload();
        assertEquals(await page.getByLabel("Display name").inputValue(), "Uma User");
        await page.getByText(/Uma User/).first().waitFor();
        // A bad e-mail: the field says why, a toast says it failed.
        await page.getByLabel("E-mail").fill("not an address");
        await page.getByRole("button", { name: "Save" }).click();
        await page.getByRole("status").getByText(/^That did not work/).waitFor();
        assertEquals(await page.getByLabel("E-mail").getAttribute("aria-invalid"), "true");
        // The language: German, the page reloads in it; back to the browser's.
        await page.reload();
        await page.getByLabel("Language").selectOption("de");
        await page.getByRole("button", { name: "Save" }).click();
        await page.waitForFunction(() => document.documentElement.lang === "de");
        await page.getByRole("heading", { level: 1, name: "Einstellungen" }).waitFor();
        // The toast outlives the reload, in the new language.
        await page.getByRole("status").getByText("Gespeichert.").waitFor();
        await page.getByLabel("Sprache").selectOption("");
        await page.getByRole("button", { name: "Speichern" }).click();
        await page.waitForFunction(() => document.documentElement.lang === "en");
        await page.getByRole("status").getByText("Saved.").waitFor();

        await nav.getByRole("link", { name: "Playback" }).click();
        await page.waitForURL(`${w.origin}/settings/playback`);
        await page.getByLabel("Audio language").selectOption("fr");
        await page.getByLabel("Subtitles").selectOption("forced");
        await page.getByLabel("Subtitle language").selectOption("en");
        await page.getByLabel("Maximum streaming quality").selectOption("4000000");
        await page.getByRole("button", { name: "Save" }).click();
        await page.getByRole("status").getByText("Saved.").waitFor();
        const stored = await page.evaluate(async () =>
          (await fetch("/api/v1/users/me/preferences/playback")).json()
        );
        assertEquals(stored, {
          audioLanguage: "fr",
          subtitleLanguage: "en",
          subtitleMode: "forced",
          maxBitrate: 4_000_000,
        });
        await page.reload();
        assertEquals(await page.getByLabel("Audio language").inputValue(), "fr");
        assertEquals(await page.getByLabel("Maximum streaming quality").inputValue(), "4000000");
        await visit(page, w.origin, "/settings/playback");
      }, [/status of 400/]);
    });

    await t.step("user: the pages, watched but no manager's actions, admin pages 403", async () => {
      await asReader(browser, w, "user1", USER_PASSWORD, async (page) => {
        for (const path of pages()) await visit(page, w.origin, path);
        await page.goto(`${w.origin}/movies/${matrix()}`);
        await page.getByRole("button", { name: /^Mark (un)?watched$/ }).waitFor();
        await page.getByRole("link", { name: "Play", exact: true }).waitFor();
        for (const name of ["Refresh metadata", "Identify", "Unmatch"]) {
          assertEquals(await page.getByRole("button", { name, exact: true }).count(), 0, name);
        }
        for (const path of ["/review", "/welcome"]) {
          await visit(page, w.origin, path, 403);
          await page.getByRole("heading", { name: "403" }).waitFor();
          await page.getByText("You may not open this page.").waitFor();
        }
        assertEquals(
          (await page.request.get(`${w.origin}/api/v1/admin/folders`)).status(),
          403,
          "the folder browser is for administrators",
        );
      });
    });

    await t.step("guest: the pages, Play, and nothing that writes", async () => {
      await asReader(browser, w, "guest1", USER_PASSWORD, async (page) => {
        for (const path of pages()) await visit(page, w.origin, path);
        await page.goto(`${w.origin}/movies/${matrix()}`);
        await page.getByRole("link", { name: "Play", exact: true }).waitFor();
        assertEquals(await page.locator("main button").count(), 0, "no action for a guest");
        await visit(page, w.origin, "/review", 403);
        // Settings: shown, but a guest may not change them (and is told so).
        for (const path of ["/settings/profile", "/settings/playback"]) {
          await page.goto(w.origin + path);
          await page.getByText("Your role may not change these settings.").waitFor();
          assert(await page.getByRole("button", { name: "Save" }).isDisabled(), path);
        }
      });
    });

    await t.step("German: home, search and settings have no English string left", async () => {
      const { ctx, page, rec } = await openPage(browser, { locale: "de-DE" });
      await signIn(page, w.origin, "user1", USER_PASSWORD);
      // What TMDb says is data, not UI: titles and genres stay as TMDb has them.
      const facets = await page.evaluate(async () =>
        (await fetch("/api/v1/search/movies/facets")).json()
      );
      const me = await page.evaluate(async () => (await fetch("/api/v1/users/me")).json());
      const data = [
        ...Object.keys(w.films),
        ...facets.genres.map((g: { value: string }) => g.value),
        me.displayName ?? "",
      ];
      for (
        const path of [
          "/",
          "/search?q=matrix",
          "/search?q=zzqqxxnothing&decade=1990",
          "/settings/profile",
          "/settings/playback",
          "/settings/security",
        ]
      ) {
        await page.goto(w.origin + path);
        assertEquals(await page.getAttribute("html", "lang"), "de", path);
        if (path === "/") await page.getByRole("heading", { name: "Neu hinzugefügt" }).waitFor();
        // Overviews found by the search are TMDb's text: not part of the check.
        await page.evaluate(() =>
          document.querySelectorAll(".hit-overview, .hit-originalTitle").forEach((e) => e.remove())
        );
        assertEquals(await englishLeft(page, data), [], `English strings on ${path}`);
        await assertAccessible(page, `${path} in German`);
      }
      // The user's own setting wins over the browser's.
      assertEquals(await send(page, "PATCH", "/api/v1/users/me", { language: "en" }), 200);
      await page.goto(w.origin + "/");
      assertEquals(await page.getAttribute("html", "lang"), "en");
      await page.getByRole("heading", { name: "Recently added" }).waitFor();
      assertClean(rec);
      await ctx.close();
    });

    await t.step("German: the administration pages have no English string left", async () => {
      const { ctx, page, rec } = await openPage(browser, { locale: "de-DE" });
      await signIn(page, w.origin, "admin", ADMIN_PASSWORD);
      // The dashboard shows ffmpeg's own version line ("… Copyright (c) …"): data.
      const playback = await page.evaluate(async () =>
        (await fetch("/api/v1/admin/playback/status")).json()
      );
      const users = await page.evaluate(async () =>
        (await fetch("/api/v1/admin/users?limit=100")).json()
      );
      const data = [
        ...Object.keys(w.films),
        playback.ffmpegVersion,
        ...users.items.map((u: { displayName: string | null }) => u.displayName ?? ""),
      ];
      for (const { href: path } of ADMIN_PAGES) {
        await page.goto(w.origin + path);
        await page.waitForLoadState("networkidle");
        assertEquals(await englishLeft(page, data), [], `English on ${path}`);
      }
      assertClean(rec);
      await ctx.close();
    });
  } finally {
    await browser.close();
    await w.close();
  }
});
