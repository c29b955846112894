/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device
 * Cookies"): a botnet that keeps an account in back-off with wrong passwords
 * from changing addresses must not make the account's owner wait on a
 * device they signed in from before, while everyone else, and anything
 * looking like a device cookie that is not one for this account, still
 * waits. Behind a trusted proxy, `X-Forwarded-For` plays the client
 * addresses.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import {
  ADMIN_PASSWORD,
  call,
  createTestClock,
  createUser,
  type Reply,
  setCookie,
  setupAdmin,
  type TestClock,
  USER_PASSWORD,
} from "./auth_helpers.ts";

const DEVICE_COOKIE = "revenge_device";

const tryLogin = (
  app: TestApp,
  username: string,
  password: string,
  from: string,
  device?: string,
) =>
  call(app, "POST", "/api/v1/auth/login", {
    body: { username, password },
    headers: {
      "x-forwarded-for": from,
      ...(device ? { cookie: `${DEVICE_COOKIE}=${device}` } : {}),
    },
  });

/** The device cookie a login answered; fails when there is none. */
function deviceCookie(r: Reply): string {
  assertEquals(r.status, 200, JSON.stringify(r.body));
  const c = setCookie(r, DEVICE_COOKIE);
  assert(c, "a successful login sets the device cookie");
  return c.value;
}

function assertLimited(r: Reply, what: string): number {
  assertEquals(r.status, 429, what);
  const wait = Number(r.headers.get("retry-after"));
  assert(wait >= 1, `${what}: Retry-After`);
  return wait;
}

let nextAddress = 1;
/** A client address no earlier request used, so the per-address back-off stays out of the way. */
const freshAddress = () => `203.0.113.${nextAddress++}`;

/**
 * The security test's attack: wrong passwords for `username`, each from a new
 * address, waiting out every delay, until the account's wait reaches its 60 s cap.
 */
async function botnet(app: TestApp, clock: TestClock, username: string) {
  for (let i = 0; i < 40; i++) {
    const r = await tryLogin(app, username, "wrong password", `198.18.${i >> 8}.${i & 255}`);
    if (r.status === 429) {
      const wait = Number(r.headers.get("retry-after"));
      if (wait >= 60) return;
      clock.advance(wait * 1000);
    } else assertEquals(r.status, 401, `guess ${i}`);
  }
  throw new Error("the account never reached its longest back-off");
}

dbTest(
  "POST /api/v1/auth/login exempts the owner's known device from the account back-off",
  async (t) => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: { REVENGE_TRUSTED_PROXIES: "127.0.0.1" } });
    try {
      const admin = await setupAdmin(app);
      await createUser(app, admin.token, "viewer");
      const home = "192.0.2.10";

      let laptop = "";
      await t.step("a login sets a long-lived HttpOnly device cookie", async () => {
        const r = await tryLogin(app, "admin", ADMIN_PASSWORD, home);
        laptop = deviceCookie(r);
        const attrs = setCookie(r, DEVICE_COOKIE)!.attrs;
        for (const a of ["httponly", "samesite=lax", "path=/", `max-age=${400 * 86_400}`]) {
          assert(attrs.includes(a), `${a} in ${attrs.join("; ")}`);
        }
        assert(!attrs.includes("secure"), "plain HTTP: not Secure (browsers would refuse it)");
        // Nonce, issue time, MAC: the account is signed, not spelled out.
        assertMatch(laptop, /^v1\.[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
      });
      const viewerDevice = deviceCookie(
        await tryLogin(app, "viewer", USER_PASSWORD, "192.0.2.20"),
      );

      await botnet(app, clock, "admin");
      const waited = assertLimited(
        await tryLogin(app, "admin", ADMIN_PASSWORD, "192.0.2.11"),
        "the account is in back-off",
      );
      assertEquals(waited, 60);

      await t.step("(a) the device that signed in before logs in at once", async () => {
        const r = await tryLogin(app, "admin", ADMIN_PASSWORD, home, laptop);
        laptop = deviceCookie(r);
        // Case does not matter for usernames, nor for the device's binding.
        laptop = deviceCookie(await tryLogin(app, "Admin", ADMIN_PASSWORD, home, laptop));
      });

      await t.step("(b) a new device still waits, with Retry-After", async () => {
        const r = await tryLogin(app, "admin", ADMIN_PASSWORD, "192.0.2.12");
        assertEquals(
          assertLimited(r, "no device cookie"),
          60,
          "the owner's login did not reset it",
        );
        assertEquals(setCookie(r, DEVICE_COOKIE), undefined);
      });

      await t.step("(c) a tampered device cookie gets no exemption", async () => {
        const [version, nonce, issued, mac] = laptop.split(".");
        const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
        const tampered = [
          [version, flip(nonce), issued, mac],
          [version, nonce, String(Number(issued) + 1), mac],
          [version, nonce, issued, flip(mac)],
          [version, nonce, issued, mac.slice(0, -2) + (mac.endsWith("AA") ? "BA" : "AA")],
          ["v2", nonce, issued, mac],
          [version, nonce, issued],
          ["garbage"],
        ].map((parts) => parts.join("."));
        for (const cookie of tampered) {
          const r = await tryLogin(app, "admin", ADMIN_PASSWORD, freshAddress(), cookie);
          assertLimited(r, `tampered cookie ${cookie}`);
        }
      });

      await t.step("(d) a device cookie for another account gives no exemption", async () => {
        const r = await tryLogin(app, "admin", ADMIN_PASSWORD, "192.0.2.20", viewerDevice);
        assertLimited(r, "the viewer's device, logging in as admin");
        // ... while it still works for its own account.
        deviceCookie(await tryLogin(app, "viewer", USER_PASSWORD, "192.0.2.20", viewerDevice));
      });

      await t.step("over HTTPS the cookie is Secure, named __Host-, and read only so", async () => {
        const https = (cookie?: string) =>
          call(app, "POST", "/api/v1/auth/login", {
            body: { username: "admin", password: ADMIN_PASSWORD },
            headers: {
              "x-forwarded-for": home,
              "x-forwarded-proto": "https",
              ...(cookie ? { cookie } : {}),
            },
          });
        assertLimited(await https(`${DEVICE_COOKIE}=${laptop}`), "the plain-HTTP name over HTTPS");
        const phone = deviceCookie(await tryLogin(app, "admin", ADMIN_PASSWORD, home, laptop));
        const r = await https(`__Host-${DEVICE_COOKIE}=${phone}`);
        assertEquals(r.status, 200, "an HTTPS login with the __Host- cookie is exempt");
        const secure = setCookie(r, `__Host-${DEVICE_COOKIE}`);
        assert(secure, "and renews it");
        assert(secure.attrs.includes("secure"), secure.attrs.join("; "));
        assert(secure.attrs.includes("path=/"));
        assert(!secure.attrs.some((a) => a.startsWith("domain=")));
      });

      await t.step(
        "(e) wrong passwords from a trusted device are slowed by its own count",
        async () => {
          // From a new address each time: only the device's count can be what stops them.
          for (let i = 1; i <= 6; i++) {
            const r = await tryLogin(app, "admin", "wrong password", freshAddress(), laptop);
            assertEquals(r.status, 401, `device guess ${i}`);
          }
          const limited = await tryLogin(app, "admin", "wrong password", freshAddress(), laptop);
          assertEquals(assertLimited(limited, "7th failure from one device"), 1);
          const right = await tryLogin(app, "admin", ADMIN_PASSWORD, freshAddress(), laptop);
          assertLimited(right, "a right password does not slip past the device's delay");
          clock.advance(1000);
          const before = laptop;
          laptop = deviceCookie(await tryLogin(app, "admin", ADMIN_PASSWORD, home, laptop));
          assert(laptop !== before, "a success issues a new cookie");
          // The success cleared that device's count: the cookie it presented (still valid until
          // it expires) has its free failures again.
          for (let i = 1; i <= 6; i++) {
            const r = await tryLogin(app, "admin", "wrong password", freshAddress(), before);
            assertEquals(r.status, 401, `device guess ${i} after the success`);
          }
          assertLimited(
            await tryLogin(app, "admin", "wrong password", freshAddress(), before),
            "and then it is slowed again",
          );
        },
      );

      await t.step("the per-address back-off still applies to a trusted device", async () => {
        const address = "198.51.100.77";
        for (let i = 1; i <= 6; i++) {
          const r = await tryLogin(app, `nobody${i}`, "wrong password", address);
          assertEquals(r.status, 401, `address guess ${i}`);
        }
        const fresh = deviceCookie(await tryLogin(app, "viewer", USER_PASSWORD, "192.0.2.21"));
        assertLimited(
          await tryLogin(app, "viewer", USER_PASSWORD, address, fresh),
          "a device on an address in back-off",
        );
      });

      await t.step("failed and refused logins say whether a trusted device was used", async () => {
        const audit = async (action: string) =>
          (await call(app, "GET", `/api/v1/admin/audit?action=${action}&limit=200`, {
            token: admin.token,
          })).body.items as { details: { username: string; trustedDevice?: boolean } }[];
        const failed = await audit("auth.login.failed");
        assertEquals(failed.filter((e) => e.details.trustedDevice === true).length, 12);
        assert(failed.every((e) => typeof e.details.trustedDevice === "boolean"));
        const throttled = await audit("auth.login.throttled");
        assertEquals(throttled.filter((e) => e.details.trustedDevice === true).length, 4);
        assert(throttled.some((e) => e.details.trustedDevice === false));
      });
    } finally {
      await app.close();
    }
  },
);

dbTest("POST /api/v1/auth/login accepts a device cookie issued by another instance", async () => {
  const clock = createTestClock();
  const env = { REVENGE_TRUSTED_PROXIES: "127.0.0.1" };
  const one = await startTestApp({ clock, env });
  const two = await startTestApp({ clock, env, db: one.db });
  try {
    await setupAdmin(one);
    const device = deviceCookie(await tryLogin(one, "admin", ADMIN_PASSWORD, "192.0.2.10"));
    // Each instance has its own memory limiter here; the attack runs on the second one.
    await botnet(two, clock, "admin");
    assertLimited(await tryLogin(two, "admin", ADMIN_PASSWORD, "192.0.2.11"), "no cookie");
    deviceCookie(await tryLogin(two, "admin", ADMIN_PASSWORD, "192.0.2.10", device));
  } finally {
    await two.close();
    await one.close();
  }
});
