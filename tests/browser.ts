/**
 * Real Chromium for browser tests: Debian's `/usr/bin/chromium` driven by
 * `playwright-core` (which runs fine under Deno's npm compatibility, so no
 * CDP workaround is needed). Playwright gives every launch a fresh temporary
 * profile and removes it on close. `watchPage` records what a test must see
 * empty: console errors, uncaught exceptions, CSP violations, failed requests.
 */
import { type Browser, chromium, type Page } from "playwright-core";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Flags that keep Chromium quiet: no sandbox (root in CI), no network of its own. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-proxy-server",
];

/** Starts headless Chromium; `args` are added to the default flags. */
export function launchBrowser(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...args],
    timeout: 30_000,
  });
}

/** What {@linkcode watchPage} collected. */
export interface PageRecord {
  /** Every request URL the page made, in order. */
  requests: string[];
  /** Console errors, uncaught exceptions and failed requests. */
  errors: string[];
  /** CSP violations as `directive blocked-uri`. */
  cspViolations: string[];
}

/** Starts recording requests, errors and CSP violations of `page`; call before navigating. */
export async function watchPage(page: Page): Promise<PageRecord> {
  const rec: PageRecord = { requests: [], errors: [], cspViolations: [] };
  page.on("request", (r) => rec.requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") rec.errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => rec.errors.push(`exception: ${e.message}`));
  page.on("requestfailed", (r) => rec.errors.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  // Bindings and init scripts go through the DevTools protocol, so the
  // page's own CSP does not block this listener. With JavaScript disabled it
  // cannot run; violations then still arrive as console errors.
  await page.exposeFunction("__reportCsp", (v: string) => rec.cspViolations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      // @ts-ignore: the exposed function exists on window
      globalThis.__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return rec;
}
