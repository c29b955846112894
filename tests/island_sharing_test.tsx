/**
 * Islands built together share their modules, in real Chromium: two fixture
 * islands (`tests/fixtures/islands/`, built here into a temporary folder,
 * never into `static/_build/`) that import one module-level signal, on a page
 * of an app made in this test with the product's renderer, security
 * headers and static files. Both hydrate; each module is fetched once and Preact and the
 * signals are in one file each; a click in one island updates the other.
 */
import { Hono } from "hono";
import { assert, assertEquals } from "./assert.ts";
import { launchBrowser, watchPage } from "./browser.ts";
import { buildIslands } from "../scripts/build_islands.ts";
import { BUILD_PATH, Island } from "../lib/http/island.tsx";
import { renderPage } from "../lib/http/render.tsx";
import { securityHeaders } from "../lib/http/middleware/security_headers.ts";
import type { AppEnv } from "../lib/http/types.ts";
import { staticFiles } from "../routes/static.ts";
import CountButton from "./fixtures/islands/CountButton.tsx";
import CountLabel from "./fixtures/islands/CountLabel.tsx";

/** Strings only Preact's and the signals' code contain (they survive minifying). */
const PREACT_MARK = "http://www.w3.org/1998/Math/MathML";
const SIGNALS_MARK = "Cycle detected";

Deno.test({
  name: "buildIslands shares Preact and a module-level signal between two islands",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const outDir = await Deno.makeTempDir({ prefix: "revenge-islands-" });
    const out = new URL(`file://${outDir}/`);
    const { manifest } = await buildIslands({
      dirs: [new URL("./fixtures/islands/", import.meta.url)],
      outDir: out,
    });

    const app = new Hono<AppEnv>();
    app.use(securityHeaders());
    app.get(`${BUILD_PATH}:file`, async (c) => {
      const file = c.req.param("file");
      if (!/^[\w-]+\.js$/.test(file)) return c.notFound();
      const code = await Deno.readFile(new URL(file, out)).catch(() => null);
      return code ? c.body(code, 200, { "content-type": "text/javascript" }) : c.notFound();
    });
    app.route("/static", staticFiles); // app.css and the icon
    app.get("/", () =>
      renderPage(
        <>
          <Island name="CountButton" component={CountButton} props={{ step: 2 }} />
          <Island name="CountLabel" component={CountLabel} props={{ label: "Count" }} />
        </>,
        { title: "Two islands", manifest },
      ));
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const rec = await watchPage(page);
      await page.goto(origin + "/");
      await page.waitForSelector('[data-island="CountButton"] [data-hydrated="yes"]');
      await page.waitForSelector('[data-island="CountLabel"] [data-hydrated="yes"]');

      const modules = rec.requests.filter((u) => u.startsWith(origin + BUILD_PATH));
      const expected = new Set(
        Object.values(manifest.islands).flatMap((f) => [f.entry, ...f.chunks]),
      );
      assertEquals(modules.length, new Set(modules).size, `a module fetched twice: ${modules}`);
      assertEquals(
        new Set(modules.map((u) => u.slice(origin.length + BUILD_PATH.length))),
        expected,
        "the page loads both entries and their shared chunks",
      );
      const code = await Promise.all(
        [...expected].map((f) => Deno.readTextFile(new URL(f, out))),
      );
      assertEquals(code.filter((c) => c.includes(PREACT_MARK)).length, 1, "Preact once");
      assertEquals(code.filter((c) => c.includes(SIGNALS_MARK)).length, 1, "signals once");

      const label = page.locator('[data-island="CountLabel"] output');
      assertEquals(await label.textContent(), "Count: 0");
      await page.click('[data-island="CountButton"] button');
      await page.click('[data-island="CountButton"] button');
      await page.waitForFunction(
        () =>
          document.querySelector('[data-island="CountLabel"] output')?.textContent === "Count: 4",
        undefined,
        { timeout: 5_000 },
      );
      assert(
        (await page.textContent('[data-island="CountButton"] button'))?.includes("(now 4)"),
        "the button shows the same count",
      );
      assertEquals(rec.cspViolations, [], "CSP violations");
      assertEquals(rec.errors, [], "console errors, exceptions or failed requests");
      await page.close();
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
