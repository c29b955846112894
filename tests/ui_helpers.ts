/**
 * Helpers of the web UI browser tests: a page that records errors, CSP
 * violations and dialogs, axe-core's serious and critical violations, and
 * signing in through the login form.
 */
import type { Browser, Page } from "playwright-core";
import { assertEquals } from "./assert.ts";
import { type PageRecord, watchPage } from "./browser.ts";

/** What {@linkcode openPage} records besides {@linkcode PageRecord}. */
export interface UiRecord extends PageRecord {
  /** Every `alert`/`confirm`/`prompt` a page opened (stored XSS would). */
  dialogs: string[];
}

/** A new context and page that record what went wrong; `locale` sets Accept-Language. */
export async function openPage(browser: Browser, options: { locale?: string } = {}) {
  const ctx = await browser.newContext({ locale: options.locale ?? "en-US" });
  const page = await ctx.newPage();
  const rec = await watchPage(page) as UiRecord;
  rec.dialogs = [];
  page.on("dialog", (d) => {
    rec.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return { ctx, page, rec };
}

/**
 * No CSP violation, console error, exception, failed request or dialog. A
 * request cut off by navigating on is not an error of the page; `allow`
 * names others a test provoked on purpose.
 */
export function assertClean(rec: UiRecord, allow: RegExp[] = []): void {
  assertEquals(rec.cspViolations, [], "CSP violations");
  assertEquals(rec.dialogs, [], "dialogs");
  const errors = rec.errors.filter((e) =>
    !/^failed: .* net::ERR_ABORTED$/.test(e) && !allow.some((a) => a.test(e))
  );
  assertEquals(errors, [], "console errors, exceptions or failed requests");
}

const AXE = await Deno.readTextFile(
  new URL("../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // evaluate() goes through the DevTools protocol: the page's CSP does not apply.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    // @ts-ignore: axe is the global the script just defined
    const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    // deno-lint-ignore no-explicit-any
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n: { target: string[] }) => n.target.join(" ")),
    }));
  });
  return found
    .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
    .map((v: { id: string; impact: string; nodes: string[] }) =>
      `${v.impact} ${v.id}: ${v.nodes.join(", ")}`
    );
}

/** Asserts axe-core finds nothing serious or critical on `page`; `what` names it. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  assertEquals(await axeViolations(page), [], what);
}

/** Signs in through `/login` (in any language) and waits to land on `next`. */
export async function signIn(
  page: Page,
  origin: string,
  username: string,
  password: string,
  next = "/",
): Promise<void> {
  await page.goto(`${origin}/login?next=${encodeURIComponent(next)}`);
  // By id, not by label: the form speaks the browser's language.
  await page.locator("#login-username").fill(username);
  await page.locator("#login-password").fill(password);
  await page.locator('#login-password >> xpath=ancestor::form//button[@type="submit"]').click();
  await page.waitForURL(origin + next);
}

/**
 * The English catalogue strings (those German translates differently, of 4
 * characters or more) that the page shows as whole words, as text, in an
 * accessible name or a title, each with the text around it. `data` is what
 * users or tools wrote (film titles, a display name, ffmpeg's version line):
 * it is cut out of the page's text before the check.
 */
export async function englishLeft(page: Page, data: string[] = []): Promise<string[]> {
  const { en } = await import("../lib/ui/i18n/en.ts");
  const { de } = await import("../lib/ui/i18n/de.ts");
  let text = await page.evaluate(() =>
    [
      document.body.innerText,
      ...[...document.querySelectorAll("[aria-label],[placeholder],[title],[aria-description]")]
        .flatMap((e) =>
          ["aria-label", "placeholder", "title", "aria-description"].map((a) =>
            e.getAttribute(a) ?? ""
          )
        ),
      document.title,
    ].join("\n")
  );
  for (const d of data.filter((d) => d.length > 0)) text = text.replaceAll(d, "\u2022");
  // As whole words: a brand such as 1Password is not the English "Password",
  // and identifiers (the job kind jobs.prune, the permission jobs:read) are not words.
  const whole = (word: string) =>
    new RegExp(
      `(?<![\\p{L}\\p{N}_.:])${RegExp.escape(word)}(?![\\p{L}\\p{N}_:]|\\.[\\p{L}\\p{N}])`,
      "u",
    );
  const german = Object.values(de).join("\n");
  const found: string[] = [];
  for (const [k, v] of Object.entries(en)) {
    if (de[k as keyof typeof de] === v) continue;
    const word = v.replace(/\{\w+\}/g, "").trim();
    // Too short to tell, or a German word as well ("Filter").
    if (word.length < 4 || whole(word).test(german)) continue;
    const at = text.search(whole(word));
    if (at >= 0) {
      found.push(`${word} in …${text.slice(Math.max(0, at - 60), at + word.length + 60)}…`);
    }
  }
  return [...new Set(found)];
}
