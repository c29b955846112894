/**
 * The first real pages in real Chromium, as a newcomer meets them: the first
 * contact (`/` on a fresh server lands on `/setup`, the administrator is
 * created, TOTP enrolled on `/settings/security`, sign out, sign in with
 * password and code, back where `?next=` said), passkeys with Chromium's
 * virtual authenticator (register, rename, sign in alone and as the second
 * factor, delete), and axe-core on every page. No page may log a console
 * error or violate the CSP.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assert, assertEquals } from "./assert.ts";
import { launchBrowser, type PageRecord, watchPage } from "./browser.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { ADMIN_PASSWORD, createTestClock, setupAdmin, type TestClock } from "./auth_helpers.ts";
import { totpCode } from "./mfa_helpers.ts";

// WebAuthn needs a secure context: localhost is one, and a valid RP ID.
const HOST = "localhost";

function assertClean(rec: PageRecord): void {
  assertEquals(rec.cspViolations, [], "CSP violations");
  // A request still running when the test navigates on (the login page's autofill options,
  // the favicon) is aborted by the navigation: not an error of the page.
  const errors = rec.errors.filter((e) => !/^failed: .* net::ERR_ABORTED$/.test(e));
  assertEquals(errors, [], "console errors, exceptions or failed requests");
}

async function open(browser: Browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const rec = await watchPage(page);
  return { ctx, page, rec };
}

async function signOut(page: Page) {
  await page.locator(".usermenu summary").click();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(/\/login$/);
}

async function passwordStep(page: Page, username: string, password: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

const AXE = await Deno.readTextFile(
  new URL("../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  // evaluate() goes through the DevTools protocol (Runtime.evaluate): the page's CSP does not apply.
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

async function startApp(clock?: TestClock): Promise<{ app: TestApp; origin: string }> {
  const app = await startTestApp({ clock });
  return { app, origin: `http://${HOST}:${app.revenge.port}` };
}

dbTest("first contact: setup, TOTP enrolment, sign out, sign in with code to ?next=", async () => {
  const clock = createTestClock(Date.now());
  const { app, origin } = await startApp(clock);
  const browser = await launchBrowser();
  try {
    const { ctx, page, rec } = await open(browser);
    await page.goto(origin + "/");
    assertEquals(new URL(page.url()).pathname, "/setup");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Create administrator" }).click();
    // The new administrator lands in the first-run wizard.
    await page.waitForURL(origin + "/welcome");
    assertEquals(
      (await page.locator(".usermenu summary").textContent())?.trim(),
      "Account menu for admin",
    );
    // Setup is done: /setup now sends to /login (which, signed in, goes home).
    await page.goto(origin + "/setup");
    assertEquals(new URL(page.url()).pathname, "/");

    await page.goto(origin + "/settings/security");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const secret = (await page.locator("[data-totp-secret]").textContent())!;
    assert(await page.getByRole("img", { name: /QR code/ }).isVisible(), "QR code shown");
    await page.getByLabel("Code from the app").fill(await totpCode(secret, clock));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByText("On: signing in with your password asks for a code").waitFor();
    await page.getByRole("button", { name: "Make backup codes" }).click();
    const list = page.getByRole("list", { name: "Backup codes" });
    await list.waitFor();
    assertEquals(await list.locator("li").count(), 10);

    await signOut(page);
    // A page that needs a session sends to /login with next.
    await page.goto(origin + "/settings/security");
    assertEquals(page.url(), origin + "/login?next=%2Fsettings%2Fsecurity");
    await passwordStep(page, "admin", ADMIN_PASSWORD);
    const code = page.getByLabel("Code");
    await code.waitFor();
    // Enrolment used this step's code; the login takes the next one.
    clock.advance(30_000);
    await code.fill(await totpCode(secret, clock));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(origin + "/settings/security");
    await page.getByRole("heading", { name: "Security" }).waitFor();

    // A foreign next is not followed.
    await signOut(page);
    await page.goto(origin + "/login?next=//evil.example/");
    await passwordStep(page, "admin", ADMIN_PASSWORD);
    clock.advance(30_000);
    await page.getByLabel("Code").fill(await totpCode(secret, clock));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(origin + "/");
    assertClean(rec);
    await ctx.close();
  } finally {
    await browser.close();
    await app.close();
  }
});

async function virtualAuthenticator(ctx: BrowserContext, page: Page) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const auth = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, auth };
}

dbTest("passkeys in Chromium: register, rename, sign in alone and as second factor", async () => {
  const { app, origin } = await startApp();
  const browser = await launchBrowser();
  try {
    await setupAdmin(app);
    const { ctx, page, rec } = await open(browser);
    const { cdp, auth } = await virtualAuthenticator(ctx, page);
    await page.goto(origin + "/login?next=%2Fsettings%2Fsecurity");
    await passwordStep(page, "admin", ADMIN_PASSWORD);
    await page.waitForURL(origin + "/settings/security");

    await page.getByLabel("Name of the new passkey (optional)").fill("Test key");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.locator('[data-passkey="Test key"]').waitFor();
    await page.getByRole("button", { name: "Rename Test key" }).click();
    await page.getByLabel("New name for Test key").fill("Laptop");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator('[data-passkey="Laptop"]').waitFor();

    // Passwordless, from the autofill on the Username field: Chromium's virtual
    // authenticator answers the conditional request as a user picking the passkey would.
    const { authenticatorId } = auth;
    const presence = (enabled: boolean) =>
      cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
    await signOut(page);
    await page.waitForURL(origin + "/");
    assertEquals(
      (await page.locator(".usermenu summary").textContent())?.trim(),
      "Account menu for admin",
    );

    // Passwordless, with the button (no one touches the autofill meanwhile).
    await presence(false);
    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).waitFor();
    await presence(true);
    // The pending autofill request may win the race for the authenticator once presence is
    // simulated again (on a busy machine it does): either way the passkey alone signs in.
    await Promise.race([
      page.getByRole("button", { name: "Sign in with a passkey" }).click({ timeout: 10_000 }),
      page.waitForURL(origin + "/"),
    ]).catch(() => {});
    await page.waitForURL(origin + "/");

    // As the second factor of a password login (the passkey turned two-step sign-in on).
    await presence(false);
    await signOut(page);
    await passwordStep(page, "admin", ADMIN_PASSWORD);
    await page.getByLabel("Code").waitFor();
    await presence(true);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await page.waitForURL(origin + "/");
    const sessions = await app.db.sql<{ mfaMethod: string }[]>`
      select mfa_method as "mfaMethod" from sessions order by created_at desc limit 1`;
    assertEquals(sessions[0].mfaMethod, "webauthn", "the session records the passkey");

    // Delete it: the list is empty again.
    await page.goto(origin + "/settings/security");
    await page.getByRole("button", { name: "Delete Laptop" }).click();
    await page.getByText("No passkeys yet.").waitFor();
    const left = await app.db.sql`select 1 from webauthn_credentials`;
    assertEquals(left.length, 0);
    assertClean(rec);
    await ctx.close();
  } finally {
    await browser.close();
    await app.close();
  }
});

dbTest("every page passes axe-core without serious or critical violations", async () => {
  const { app, origin } = await startApp();
  const browser = await launchBrowser();
  try {
    const { ctx, page, rec } = await open(browser);
    const check = async (what: string) => {
      assertEquals(await axeViolations(page), [], what);
    };
    await page.goto(origin + "/setup");
    await check("/setup");
    await page.getByRole("button", { name: "Create administrator" }).click();
    await page.getByRole("alert").first().waitFor();
    await check("/setup with errors");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Create administrator" }).click();
    // The new administrator lands in the first-run wizard.
    await page.waitForURL(origin + "/welcome");
    await check("/welcome");
    await page.goto(origin + "/");
    await check("/ (empty server)");
    await page.goto(origin + "/settings/security");
    await check("/settings/security");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await page.locator("[data-totp-secret]").waitFor();
    await check("/settings/security, TOTP setup");
    await page.locator(".usermenu summary").click();
    await check("user menu open");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/login$/);
    await check("/login");
    await passwordStep(page, "admin", "wrong password");
    await page.getByRole("alert").first().waitFor();
    await check("/login with errors");
    // The two refusals provoked above (400 for the empty setup form, 401 for the wrong password).
    rec.errors = rec.errors.filter((e) => !/status of (400|401)/.test(e));
    assertClean(rec);
    await ctx.close();
  } finally {
    await browser.close();
    await app.close();
  }
});
