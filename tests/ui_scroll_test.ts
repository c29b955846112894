/**
 * The library page with 5,000 films in Chromium: scrolling to the end loads
 * every page from the JSON API as it goes (each offset once, in order), the
 * address follows the page reached, and the server-rendered `?page=` links
 * work without JavaScript.
 */
import { assert, assertEquals } from "./assert.ts";
import { launchBrowser } from "./browser.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { ADMIN_PASSWORD, setupAdmin } from "./auth_helpers.ts";
import { waitFor } from "./wait_for.ts";
import { assertClean, openPage, signIn } from "./ui_helpers.ts";

const FILMS = 5000;
const PAGE = 60;

dbTest("ui: the library page with 5,000 films scrolls to the end, page by page", async () => {
  const app = await startTestApp();
  await setupAdmin(app);
  const sql = app.db.sql;
  const [{ id: library }] = await sql<{ id: string }[]>`
    insert into libraries (name, watch, scan_interval_minutes) values ('Big', false, 0)
    returning id`;
  await sql`
    insert into movies (library_id, identity_key, title, sort_title, year, added_at, match_state)
    select ${library}::uuid, 'scroll:' || g, 'Film ' || lpad(g::text, 4, '0'),
      'film ' || lpad(g::text, 4, '0'), 1950 + g % 70, now() - g * interval '1 second', 'unmatched'
    from generate_series(1, ${FILMS}) g`;
  await sql`
    insert into movie_files (movie_id, library_id, path, size, parsed, probe_state, resolution)
    select m.id, m.library_id, '/films/' || m.identity_key || '.mkv', 1000, '{}', 'ready', '1080p'
    from movies m where m.library_id = ${library}::uuid`;
  const browser = await launchBrowser();
  try {
    const { ctx, page, rec } = await openPage(browser);
    await signIn(page, app.url, "admin", ADMIN_PASSWORD);
    await page.goto(`${app.url}/libraries/${library}`);
    // The server sends the first page (its exact size is checked without JavaScript below); the
    // island may fetch the next one at once when the end of the grid is near the viewport.
    assert(await page.locator(".poster").count() >= PAGE, "the first page");
    const pages = Math.ceil(FILMS / PAGE);
    await waitFor(async () => {
      await page.locator(".poster").last().scrollIntoViewIfNeeded();
      await page.mouse.wheel(0, 20_000);
      return await page.locator(".poster").count() >= FILMS;
    }, { message: "every film to load while scrolling", timeoutMs: 120_000, intervalMs: 50 });
    // Each film once: a page fetched twice would show its films twice.
    assertEquals(await page.locator(".poster").count(), FILMS);
    await page.getByRole("link", { name: "Film 5000", exact: true }).waitFor();
    const offsets = rec.requests
      .filter((u) => u.includes("/api/v1/movies?"))
      .map((u) => Number(new URL(u).searchParams.get("offset")));
    assertEquals(offsets, Array.from({ length: pages - 1 }, (_, i) => (i + 1) * PAGE));
    assertEquals(new URL(page.url()).searchParams.get("page"), String(pages), "address follows");
    assertClean(rec);
    const signedIn = await ctx.storageState();
    await ctx.close();

    // Without JavaScript (same session): real links from page to page.
    const plain = await browser.newContext({ javaScriptEnabled: false, storageState: signedIn });
    const p2 = await plain.newPage();
    await p2.goto(`${app.url}/libraries/${library}?page=2`);
    assertEquals(await p2.locator(".poster").count(), PAGE);
    assertEquals((await p2.locator(".poster-title").first().textContent())?.trim(), "Film 0061");
    const next = p2.getByRole("link", { name: "Next page" });
    assertEquals(await next.getAttribute("href"), `/libraries/${library}?page=3`);
    await next.click();
    await p2.waitForURL(/page=3$/);
    assertEquals((await p2.locator(".poster-title").first().textContent())?.trim(), "Film 0121");
    assert(await p2.getByRole("link", { name: "Previous page" }).isVisible(), "a way back");
    await plain.close();
  } finally {
    await browser.close();
    await app.close();
  }
});
