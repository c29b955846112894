/**
 * The newcomer's path in real Chromium against a real server, real ffprobe
 * and the fake TMDb: a fresh server → /setup → the first-run wizard (TMDb
 * test, the folder typed and browsed, "Add folder", "Start scan") → the
 * scan live until done → home shows the films → a misspelt title typed in
 * the top bar's search box, Enter → the results page → the film page with
 * its details → Play → the video's currentTime advances. axe-core on every
 * page.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { launchBrowser } from "./browser.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { ADMIN_PASSWORD } from "./auth_helpers.ts";
import { startFakeTmdb } from "./fakes/tmdb.ts";
import { place, tmdbEnv } from "./metadata_helpers.ts";
import { assertAccessible, assertClean, openPage } from "./ui_helpers.ts";
import { waitFor } from "./wait_for.ts";

dbTest("ui: newcomer goes from a fresh server to a film playing", async () => {
  const tmdb = await startFakeTmdb();
  const media = await Deno.makeTempDir({ prefix: "revenge-ui-media-" });
  await place(join(media, "Movies", "The Matrix (1999)", "The Matrix (1999).mkv"));
  await place(join(media, "Movies", "Blade Runner (1982).mkv"));
  await place(join(media, "Movies", "Parasite (2019).mkv"));
  // Files are not offered by the folder browser: only folders.
  await Deno.writeTextFile(join(media, "notes.txt"), "not a folder");
  const app = await startTestApp({
    env: { ...tmdbEnv(tmdb), REVENGE_LIBRARY_BROWSE_ROOTS: media },
  });
  const browser = await launchBrowser();
  try {
    const { ctx, page, rec } = await openPage(browser);
    const origin = app.url;
    await page.goto(origin + "/");
    assertEquals(new URL(page.url()).pathname, "/setup");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Create administrator" }).click();
    await page.waitForURL(origin + "/welcome");
    await assertAccessible(page, "/welcome, TMDb step");

    // Step 1: TMDb answers (the fake), then on.
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await page.getByText("TMDb answered.").waitFor();
    await page.getByRole("button", { name: "Next", exact: true }).click();

    // Step 2: the browser starts at the only root and lists folders only.
    const folder = page.getByLabel("Folder", { exact: true });
    await folder.waitFor();
    await page.getByRole("button", { name: "Open Movies" }).waitFor();
    assertEquals(await page.getByText("notes.txt").count(), 0, "files are not listed");
    await assertAccessible(page, "/welcome, library step");
    await page.getByRole("button", { name: "Open Movies" }).click();
    await page.getByRole("button", { name: "Open The Matrix (1999)" }).waitFor();
    assertEquals(await folder.inputValue(), join(await Deno.realPath(media), "Movies"));
    await page.getByRole("button", { name: "Add folder" }).click();
    await page.locator("code", { hasText: join(await Deno.realPath(media), "Movies") }).waitFor();
    await page.getByRole("button", { name: "Start scan" }).click();

    // Step 3: live progress, films appear; done leads home.
    await page.getByRole("heading", { name: "3. Scanning" }).waitFor();
    await page.getByRole("progressbar").first().waitFor();
    await page.getByRole("link", { name: "The Matrix", exact: true }).waitFor({ timeout: 60_000 });
    await page.getByText("Phase: done").waitFor({ timeout: 60_000 });
    await assertAccessible(page, "/welcome, scan step");
    await page.getByRole("link", { name: "Go to my films" }).click();
    await page.waitForURL(origin + "/");

    // Home: the films, in the recently added row.
    const recent = page.getByRole("region", { name: "Recently added" });
    for (const title of ["The Matrix", "Blade Runner", "Parasite"]) {
      await recent.getByRole("link", { name: title, exact: true }).waitFor();
    }
    const search = page.getByRole("searchbox", { name: "Search" }).or(
      page.getByRole("combobox", { name: "Search" }),
    );
    await search.waitFor();
    await assertAccessible(page, "/ with films");

    // Search by a misspelt title in the top bar: Enter leads to the results page.
    await search.fill("Matrx");
    await search.press("Enter");
    await page.waitForURL(`${origin}/search?q=Matrx`);
    await page.getByRole("heading", { level: 1, name: "Results for “Matrx”" }).waitFor();
    await assertAccessible(page, "/search?q=Matrx");
    const hit = page.locator("main").getByRole("link", { name: "The Matrix", exact: true });
    await hit.click();
    await page.waitForURL(/\/movies\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByRole("heading", { level: 1, name: "The Matrix" }).waitFor();
    const play = page.getByRole("link", { name: "Play", exact: true });
    assertEquals(await play.getAttribute("href"), `/play/${id}`);
    await page.getByRole("heading", { name: "Versions" }).waitFor();
    assertMatch((await page.locator("main").textContent()) ?? "", /h264/);
    await assertAccessible(page, "/movies/{id}");

    // Play: the player page, and the video plays (autoplay may be refused: then its button).
    await play.click();
    await page.waitForURL(`${origin}/play/${id}`);
    const video = page.locator("video[data-method]");
    await video.waitFor({ state: "attached" });
    await page.waitForFunction(() => {
      const v = document.querySelector("video");
      return v !== null && v.readyState >= 1;
    });
    if (await video.evaluate((v: HTMLVideoElement) => v.paused && v.currentTime === 0)) {
      await page.locator(".player-controls").getByRole("button", { name: "Play" }).click();
    }
    await waitFor(
      async () => await video.evaluate((v: HTMLVideoElement) => v.currentTime) > 0.2,
      { message: "the video's currentTime to advance", timeoutMs: 20_000 },
    );
    assert(rec.requests.some((u) => u.includes("/api/v1/libraries/")), "the wizard polled");
    assertClean(rec);
    await ctx.close();
  } finally {
    await browser.close();
    await app.close();
    await tmdb.close();
    await Deno.remove(media, { recursive: true });
  }
});
