/**
 * Second factors as policy: a role that requires one confines its members to
 * enrolment; an administrator's reset is audited; a password reset never
 * bypasses the factor; sensitive changes need a fresh confirmation; the
 * device cookie and the login throttle follow the completed login; and
 * several instances must share the secret key.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import {
  ADMIN_PASSWORD,
  call,
  createTestClock,
  createUser,
  login,
  setCookie,
  setupAdmin,
  USER_PASSWORD,
} from "./auth_helpers.ts";
import {
  challenge,
  enrolTotp,
  loginWithTotp,
  MFA_ENV,
  mfaStep,
  passwordStep,
  totpCode,
} from "./mfa_helpers.ts";
import { createLogger } from "../lib/observability/logger.ts";

const MIN = 60_000;

dbTest(
  "a role that requires MFA confines its members to enrolment until a factor is on",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "mona");

      const patch = await call(app, "PATCH", "/api/v1/rbac/roles/user", {
        token: admin.token,
        body: { requireMfa: true },
      });
      assertEquals(patch.status, 200, JSON.stringify(patch.body));
      assertEquals(patch.body.requireMfa, true);
      // A role whose members could not enrol (no self:update) cannot require it.
      const guest = await call(app, "PATCH", "/api/v1/rbac/roles/guest", {
        token: admin.token,
        body: { requireMfa: true },
      });
      assertEquals(guest.status, 409);

      // The existing session is confined from its next request on; so is a new login.
      const forbidden = await call(app, "GET", "/api/v1/users/me/sessions", { token: u.token });
      assertEquals(forbidden.status, 403);
      const r = await passwordStep(app, "mona", USER_PASSWORD);
      assertEquals(r.status, 200);
      assertEquals(r.body.mfaEnrolmentRequired, true);
      const token = r.body.accessToken as string;
      assert(token, "a session, to enrol with");

      const me = await call(app, "GET", "/api/v1/users/me", { token });
      assertEquals([me.status, me.body.mfaEnrolmentRequired], [200, true]);
      for (
        const [method, path, body] of [
          ["GET", "/api/v1/users/me/sessions"],
          ["GET", "/api/v1/users/me/api-keys"],
          ["POST", "/api/v1/users/me/api-keys", { name: "sneaky" }],
          ["PATCH", "/api/v1/users/me", { displayName: "M" }],
          ["DELETE", "/api/v1/mfa/totp", {}],
          ["GET", "/api/v1/not-a-route"],
        ] as const
      ) {
        const res = await call(app, method, path, { token, body });
        assertEquals(res.status, 403, `${method} ${path}`);
        assertEquals(res.headers.get("content-type"), "application/problem+json");
        assertEquals(res.body.mfaEnrolmentRequired, true);
        assertMatch(res.body.detail, /second factor/);
      }
      assertEquals((await call(app, "GET", "/api/v1/mfa/status", { token })).body.required, true);
      // An administrator is not confined by another role's requirement.
      assertEquals(
        (await call(app, "GET", "/api/v1/admin/users", { token: admin.token })).status,
        200,
      );

      // Enrolment is open; once TOTP is on, everything is.
      const secret = await enrolTotp(app, token, clock);
      assertEquals((await call(app, "GET", "/api/v1/users/me/sessions", { token })).status, 200);
      assertEquals(
        (await call(app, "GET", "/api/v1/users/me", { token })).body.mfaEnrolmentRequired,
        false,
      );
      // The requirement keeps the factor on.
      const off = await call(app, "POST", "/api/v1/mfa/disable", { token, body: {} });
      assertEquals(off.status, 409);
      const remove = await call(app, "DELETE", "/api/v1/mfa/totp", {
        token,
        body: { password: USER_PASSWORD },
      });
      assertEquals(remove.status, 409);
      // The next login asks for it.
      const next = await passwordStep(app, "mona", USER_PASSWORD);
      assertEquals(next.body.mfaRequired, true);
      assertEquals(
        (await mfaStep(app, next.body.mfaToken, "totp", await totpCode(secret, clock))).status,
        200,
      );

      // Lifting the requirement is audited; the role's members are free again.
      const lift = await call(app, "PATCH", "/api/v1/rbac/roles/user", {
        token: admin.token,
        body: { requireMfa: false },
      });
      assertEquals(lift.body.requireMfa, false);
      const audit = await call(
        app,
        "GET",
        "/api/v1/admin/audit?action=role.mfa_requirement.changed",
        {
          token: admin.token,
        },
      );
      assertEquals(audit.body.total, 2);
    } finally {
      await app.close();
    }
  },
);

dbTest(
  "an administrator's reset of a user's factors is audited and ends their sessions",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "rolf");
      await enrolTotp(app, u.token, clock);
      await call(app, "POST", "/api/v1/mfa/backup-codes/generate", { token: u.token });
      const mod = await createUser(app, admin.token, "moe", ["moderator"]);

      // Not one's own (that needs a fresh confirmation), and not someone more powerful.
      assertEquals(
        (await call(app, "DELETE", `/api/v1/admin/users/${admin.id}/mfa`, { token: admin.token }))
          .status,
        409,
      );
      assertEquals(
        (await call(app, "DELETE", `/api/v1/admin/users/${admin.id}/mfa`, { token: mod.token }))
          .status,
        403,
      );
      const reset = await call(app, "DELETE", `/api/v1/admin/users/${u.id}/mfa`, {
        token: admin.token,
      });
      assertEquals(reset.status, 204);
      assertEquals((await call(app, "GET", "/api/v1/users/me", { token: u.token })).status, 401);

      const entry = (await call(app, "GET", `/api/v1/admin/audit?action=mfa.reset`, {
        token: admin.token,
      })).body.items[0];
      assertEquals(entry.actorId, admin.id);
      assertEquals(entry.targetId, u.id);
      assertEquals(entry.details.totp, true);
      assertEquals(entry.details.backupCodes, 10);

      // The next login asks for nothing more; the user may enrol again.
      const r = await passwordStep(app, "rolf", USER_PASSWORD);
      assertEquals(r.status, 200);
      assert(r.body.accessToken && !r.body.mfaRequired);
      const status = await call(app, "GET", "/api/v1/mfa/status", { token: r.body.accessToken });
      assertEquals([status.body.active, status.body.backupCodes.remaining], [false, 0]);
    } finally {
      await app.close();
    }
  },
);

dbTest("a password reset never bypasses the second factor", async () => {
  const clock = createTestClock();
  const app = await startTestApp({ clock, env: MFA_ENV });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "pia");
    const secret = await enrolTotp(app, u.token, clock);

    // The reset link sets the password and ends the sessions...
    const link = await call(app, "POST", `/api/v1/admin/users/${u.id}/password-reset-link`, {
      token: admin.token,
    });
    const newPassword = "a brand new passphrase";
    const used = await call(app, "POST", "/api/v1/auth/password-reset", {
      body: { token: link.body.token, newPassword },
    });
    assertEquals(used.status, 204);
    // ... but the next login still asks for the factor, and only the factor completes it.
    const r = await passwordStep(app, "pia", newPassword);
    assertEquals(r.status, 200);
    assertEquals(r.body.mfaRequired, true);
    assert(!r.body.accessToken);
    assertEquals((await mfaStep(app, r.body.mfaToken, "totp", "000000")).status, 401);
    assertEquals(
      (await mfaStep(app, r.body.mfaToken, "totp", await totpCode(secret, clock))).status,
      200,
    );

    // So does a password an administrator sets.
    await call(app, "POST", `/api/v1/admin/users/${u.id}/password`, {
      token: admin.token,
      body: { newPassword: "yet another passphrase" },
    });
    const again = await passwordStep(app, "pia", "yet another passphrase");
    assertEquals(again.body.mfaRequired, true);
  } finally {
    await app.close();
  }
});

dbTest("removing TOTP or turning MFA off needs a fresh password or second factor", async () => {
  const clock = createTestClock();
  const app = await startTestApp({ clock, env: MFA_ENV });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "finn");
    const secret = await enrolTotp(app, u.token, clock);
    clock.advance(11 * MIN);
    const token = u.token;

    const stale = await call(app, "DELETE", "/api/v1/mfa/totp", { token, body: {} });
    assertEquals(stale.status, 403, "a session that authenticated 11 minutes ago");
    assertMatch(stale.body.detail, /fresh confirmation/);
    assertEquals(
      (await call(app, "POST", "/api/v1/mfa/disable", { token, body: {} })).status,
      403,
    );
    assertEquals(
      (await call(app, "POST", "/api/v1/mfa/backup-codes/generate", { token })).status,
      403,
      "new backup codes beside a factor need it too",
    );
    assertEquals(
      (await call(app, "POST", "/api/v1/mfa/disable", { token, body: { password: "wrong one!" } }))
        .status,
      401,
    );
    assertEquals(
      (await call(app, "POST", "/api/v1/mfa/disable", {
        token,
        body: { method: "totp", code: "123456" },
      })).status,
      401,
    );

    // A code confirms (and is used up by it).
    const code = await totpCode(secret, clock);
    const off = await call(app, "POST", "/api/v1/mfa/disable", {
      token,
      body: { method: "totp", code },
    });
    assertEquals(off.status, 200, JSON.stringify(off.body));
    assertEquals([off.body.active, off.body.enabled, off.body.totp.enabled], [false, false, true]);
    assertEquals((await passwordStep(app, "finn", USER_PASSWORD)).body.mfaRequired, undefined);
    // Back on without a confirmation (it only adds protection).
    const on = await call(app, "POST", "/api/v1/mfa/enable", { token });
    assertEquals([on.status, on.body.active], [200, true]);

    // An API key never changes factors.
    const key = await call(app, "POST", "/api/v1/users/me/api-keys", {
      token,
      body: { name: "script" },
    });
    const viaKey = await call(app, "POST", "/api/v1/mfa/totp/setup", {
      headers: { "x-api-key": key.body.key },
    });
    assertEquals(viaKey.status, 403);

    // The password confirms as well.
    const removed = await call(app, "DELETE", "/api/v1/mfa/totp", {
      token,
      body: { password: USER_PASSWORD },
    });
    assertEquals(removed.status, 200, JSON.stringify(removed.body));
    assertEquals([removed.body.active, removed.body.totp.enabled], [false, false]);
    const plain = await passwordStep(app, "finn", USER_PASSWORD);
    assert(plain.body.accessToken, "no second factor any more");

    const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${u.id}&limit=100`, {
      token: admin.token,
    });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    for (const a of ["auth.reauth.failed", "mfa.disabled", "mfa.enabled", "mfa.totp.disabled"]) {
      assert(actions.includes(a), `${a} in ${actions}`);
    }
  } finally {
    await app.close();
  }
});

dbTest(
  "the completed second step is the successful login: throttle and device cookie",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "dana");
      const secret = await enrolTotp(app, u.token, clock);

      // Password steps left without their second factor count as failed logins of the account.
      let limited = false;
      for (let i = 0; i < 14 && !limited; i++) {
        const r = await passwordStep(app, "dana", USER_PASSWORD);
        limited = r.status === 429;
        if (!limited) assertEquals(r.body.mfaRequired, true);
      }
      assert(limited, "a known password alone does not mint pending logins without end");
      clock.advance(2 * MIN);

      // A completed login clears the account's count and hands out the device cookie.
      const done = await loginWithTotp(app, clock, "dana", USER_PASSWORD, secret);
      assertEquals(done.status, 200);
      const device = setCookie(done, "revenge_device")!.value;
      for (let i = 0; i < 11; i++) {
        assertEquals((await passwordStep(app, "dana", USER_PASSWORD)).status, 200, `after ${i}`);
      }
      assertEquals((await passwordStep(app, "dana", USER_PASSWORD)).status, 429, "back-off again");
      // The device cookie counts on the device instead, through the second step.
      clock.advance(30_000);
      const withDevice = await passwordStep(app, "dana", USER_PASSWORD, {
        cookie: `revenge_device=${device}`,
      });
      assertEquals(withDevice.status, 200, JSON.stringify(withDevice.body));
      const fin = await mfaStep(
        app,
        withDevice.body.mfaToken,
        "totp",
        await totpCode(secret, clock),
      );
      assertEquals(fin.status, 200);
      const ok = await call(app, "GET", "/api/v1/admin/audit?action=auth.login.succeeded&limit=5", {
        token: await login(app, "admin", ADMIN_PASSWORD),
      });
      assertEquals(ok.body.items[1].details.trustedDevice, true);
      assertEquals(ok.body.items[1].details.mfa, "totp");
    } finally {
      await app.close();
    }
  },
);

dbTest("instances on one database must share the secret key", async () => {
  const clock = createTestClock();
  const key = "cd".repeat(32);
  const env = { ...MFA_ENV, REVENGE_SECRET_KEY: key };
  const one = await startTestApp({ clock, env });
  const two = await startTestApp({ clock, env, db: one.db });
  let other: Awaited<ReturnType<typeof startTestApp>> | undefined;
  try {
    const admin = await setupAdmin(one);
    const u = await createUser(one, admin.token, "ines");
    const secret = await enrolTotp(one, u.token, clock);
    // Enrolled on one, verified on two: the same key opens the secret.
    assertEquals((await loginWithTotp(two, clock, "ines", USER_PASSWORD, secret)).status, 200);
    // An instance added with another key says so, instead of calling the right code wrong.
    other = await startTestApp({
      clock,
      env: { ...MFA_ENV, REVENGE_SECRET_KEY: "ef".repeat(32) },
      db: one.db,
      logger: createLogger({ level: "silent" }),
    });
    clock.advance(30_000);
    const token = await challenge(other, "ines", USER_PASSWORD);
    const r = await mfaStep(other, token, "totp", await totpCode(secret, clock));
    assertEquals(r.status, 503);
    assertMatch(r.body.detail, /same key/);
    assert(!JSON.stringify(r.body).includes(key));
    // Nor does it seal new secrets with its own key.
    const v = await createUser(one, admin.token, "otto");
    const setup = await call(other, "POST", "/api/v1/mfa/totp/setup", { token: v.token });
    assertEquals(setup.status, 503);
    assert(await Deno.stat(`${one.dataDir}/secret.key`).catch(() => null) === null, "no file");
  } finally {
    await other?.close();
    await two.close();
    await one.close();
  }
});
