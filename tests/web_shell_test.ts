/**
 * The web shell in real Chromium: server-side rendering and island
 * hydration, Swagger UI served from our own origin, and the cache headers of
 * static assets. Every page must load without console errors or CSP
 * violations.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { launchBrowser, type PageRecord, watchPage } from "./browser.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { setupAdmin } from "./auth_helpers.ts";

// A non-loopback host name for the app, as a real deployment has: browsers
// treat loopback origins as trustworthy (COOP, secure-context APIs) and
// Swagger UI hides its external validator badge there.
const HOST = "revenge.test";

function assertClean(rec: PageRecord): void {
  assertEquals(rec.cspViolations, [], "CSP violations");
  assertEquals(rec.errors, [], "console errors, exceptions or failed requests");
}

dbTest("GET / renders, hydrates and serves its assets in Chromium", async (t) => {
  const app = await startTestApp();
  // Before setup every page redirects to /setup (tests/web_pages_test.ts): the home page is
  // what a set-up server shows.
  await setupAdmin(app);
  // If Chromium cannot start, the app must not be left running.
  const browser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]).catch(
    async (e) => {
      await app.close();
      throw e;
    },
  );
  const origin = `http://${HOST}:${app.revenge.port}`;
  try {
    await t.step("GET / renders on the server without JavaScript", async () => {
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const page = await ctx.newPage();
      const rec = await watchPage(page);
      const res = await page.goto(origin + "/");
      assertEquals(res?.status(), 200);
      assertEquals(await page.textContent("h1"), "Your movies, your server.");
      const card = page.locator('[data-island="ServerStatus"] section');
      assertEquals(await card.getAttribute("data-live"), "no");
      assertMatch((await card.textContent()) ?? "", /Revenge \S+/);
      // With scripts off, Chromium refuses the module preloads of shared chunks (which exist
      // since several islands share Preact) and names the reason "csp": no error of the page.
      rec.errors = rec.errors.filter((e) =>
        !/^failed: .*\/static\/_build\/chunk-.*\.js csp$/.test(e)
      );
      assertClean(rec);
      await ctx.close();
    });

    await t.step("ServerStatus island hydrates and fetches system info", async () => {
      const page = await browser.newPage();
      const rec = await watchPage(page);
      await page.goto(origin + "/");
      await page.waitForSelector('[data-island="ServerStatus"] [data-live="yes"]', {
        timeout: 10_000,
      });
      assert(rec.requests.includes(origin + "/api/v1/system/info"), "island fetched info");
      assertClean(rec);
      await page.close();
    });

    await t.step("GET /api/docs renders every operation in Swagger UI, same origin", async () => {
      const doc = await (await app.fetch("/api/openapi.json")).json();
      const paths = Object.keys(doc.paths);
      assert(paths.includes("/api/v1/system/info"), "system info is documented");
      // Swagger UI virtualises long lists (only what is in view is in the DOM): a page tall
      // enough for every operation shows them all at once.
      const page = await browser.newPage({ viewport: { width: 1280, height: 20_000 } });
      const rec = await watchPage(page);
      await page.goto(origin + "/api/docs");
      for (const path of paths) {
        await page.waitForSelector(`.opblock-summary-path[data-path="${path}"]`, {
          timeout: 10_000,
        });
      }
      // Try the public operation: the request goes out under our CSP.
      await page.click('.opblock-summary-path[data-path="/api/v1/system/info"]');
      await page.click("button.try-out__btn");
      await page.click("button.execute");
      const status = page.locator(".live-responses-table tbody td.response-col_status");
      await status.waitFor({ timeout: 10_000 });
      assertEquals((await status.textContent())?.trim(), "200");
      // Give late requests (badges, fonts, source maps) a moment to show up.
      await page.waitForLoadState("networkidle");
      // data: URLs are inline images, not requests to another server.
      const foreign = rec.requests.filter((u) => !u.startsWith("data:") && !u.startsWith(origin));
      assertEquals(foreign, [], "requests to other origins");
      assertClean(rec);
      await page.close();
    });

    await t.step("island modules are immutable; manifest and app.css revalidate", async () => {
      const html = await (await app.fetch("/")).text();
      const entry = html.match(/src="(\/static\/_build\/ServerStatus-[0-9a-f]+\.js)"/)?.[1];
      assert(entry, "page links a content-hashed island entry");
      // The entry and any shared chunk it preloads.
      const modules = [...html.matchAll(/(?:src|href)="(\/static\/_build\/[^"]+\.js)"/g)];
      for (const [, url] of modules) {
        assertMatch(url, /-[0-9a-f]{12}\.js$/, "content-hashed name");
        const js = await app.fetch(url);
        await js.body?.cancel();
        assertEquals(js.status, 200);
        assertMatch(js.headers.get("content-type") ?? "", /^text\/javascript/);
        assertEquals(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
      }
      // The manifest keeps its name across builds: it must revalidate.
      const manifest = await app.fetch("/static/_build/manifest.json");
      await manifest.body?.cancel();
      assertMatch(manifest.headers.get("cache-control") ?? "", /must-revalidate/);

      const css = await app.fetch("/static/app.css");
      await css.body?.cancel();
      const etag = css.headers.get("etag");
      assert(etag, "app.css has an ETag");
      assertMatch(css.headers.get("cache-control") ?? "", /must-revalidate/);
      const again = await app.fetch("/static/app.css", { headers: { "if-none-match": etag } });
      assertEquals(again.status, 304);
      assertEquals(await again.text(), "");
      assertEquals(again.headers.get("etag"), etag);
      const stale = await app.fetch("/static/app.css", { headers: { "if-none-match": 'W/"0"' } });
      assertEquals(stale.status, 200);
      assert((await stale.text()).length > 0, "a stale ETag gets the file");
    });
  } finally {
    await browser.close().finally(() => app.close());
  }
});
