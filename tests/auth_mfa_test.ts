/**
 * Second factors at login, against the real server and PostgreSQL, with TOTP
 * codes computed here on an injected clock: enrolment, the two-step login
 * and its pending token, replay (sequential and concurrent), guessing
 * limits, backup codes.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import {
  call,
  createTestClock,
  createUser,
  fill,
  operations,
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

const STEP = 30_000;

dbTest(
  "TOTP enrolment answers secret, otpauth URI and QR, stores the secret encrypted",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "tina");

      const setup = await call(app, "POST", "/api/v1/mfa/totp/setup", { token: u.token });
      assertEquals(setup.status, 200, JSON.stringify(setup.body));
      const { secret, uri, qr } = setup.body;
      assertMatch(secret, /^[A-Z2-7]{32}$/);
      const parsed = new URL(uri);
      assertEquals(parsed.protocol, "otpauth:");
      assertEquals(parsed.host, "totp");
      assertEquals(decodeURIComponent(parsed.pathname), "/Revenge:tina");
      assertEquals(parsed.searchParams.get("issuer"), "Revenge");
      assertEquals(parsed.searchParams.get("secret"), secret);
      assertMatch(qr, /^data:image\/svg\+xml;base64,/);
      assertMatch(atob(qr.split(",")[1]), /^<svg /);

      // Pending until the first correct code; a wrong one is refused and changes nothing.
      let status = await call(app, "GET", "/api/v1/mfa/status", { token: u.token });
      assertEquals([status.body.active, status.body.totp.pending], [false, true]);
      const wrong = await call(app, "POST", "/api/v1/mfa/totp/verify", {
        token: u.token,
        body: { code: (Number(await totpCode(secret, clock)) + 1).toString().padStart(6, "0") },
      });
      assertEquals(wrong.status, 400);
      const ok = await call(app, "POST", "/api/v1/mfa/totp/verify", {
        token: u.token,
        body: { code: await totpCode(secret, clock) },
      });
      assertEquals(ok.status, 200, JSON.stringify(ok.body));
      status = await call(app, "GET", "/api/v1/mfa/status", { token: u.token });
      assertEquals(status.body.active, true);
      assertEquals(status.body.totp.enabled, true);
      assertEquals(status.body.methods, ["totp"]);
      assertEquals(
        (await call(app, "POST", "/api/v1/mfa/totp/setup", { token: u.token })).status,
        409,
        "one TOTP at a time",
      );

      // At rest: AES-GCM output (nonce + ciphertext + tag), never the secret itself.
      const [row] = await app.db.sql<{ sealed: Uint8Array; keyId: string }[]>`
      select secret_sealed as sealed, key_id as "keyId" from mfa_totp where user_id = ${u.id}`;
      assertEquals(row.sealed.length, 12 + 32 + 16);
      const asText = new TextDecoder("latin1").decode(row.sealed);
      assert(!asText.includes(secret) && !asText.includes(secret.slice(0, 8)));
      assertMatch(row.keyId, /^[0-9a-f]{16}$/);
      // Without a configured key, a key file made once in the data dir, readable by its owner only.
      const info = await Deno.stat(`${app.dataDir}/secret.key`);
      assertEquals(info.mode! & 0o777, 0o600);

      const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${u.id}&limit=50`, {
        token: admin.token,
      });
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      for (const a of ["mfa.totp.setup_started", "mfa.totp.enabled", "auth.mfa.failed"]) {
        assert(actions.includes(a), `${a} in ${actions}`);
      }
    } finally {
      await app.close();
    }
  },
);

dbTest(
  "login with a factor: challenge without session, verify opens one, tokens are single-use",
  async (t) => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "vera");
      const secret = await enrolTotp(app, u.token, clock);
      const sessionCount = async () =>
        (await app.db.sql<{ n: number }[]>`
        select count(*)::int as n from sessions where user_id = ${u.id}`)[0].n;
      const before = await sessionCount();

      let mfaToken = "";
      await t.step("the password step answers a challenge and no session", async () => {
        const r = await passwordStep(app, "vera", USER_PASSWORD);
        assertEquals(r.status, 200);
        assertEquals(r.body.mfaRequired, true);
        assertEquals(r.body.methods, ["totp"]);
        assertMatch(r.body.mfaToken, /^rvm_[A-Za-z0-9_-]{43}$/);
        assertEquals(Date.parse(r.body.expiresAt), clock.now().getTime() + 5 * 60_000);
        assert(!("accessToken" in r.body));
        assertEquals(setCookie(r, "revenge_session"), undefined, "no session cookie");
        assertEquals(setCookie(r, "revenge_device"), undefined, "no device cookie yet");
        assertEquals(await sessionCount(), before, "no session row");
        mfaToken = r.body.mfaToken;
      });

      await t.step("the pending token is no credential on any other route", async () => {
        const failures: string[] = [];
        for (const { method, template, op } of await operations(app)) {
          if (Array.isArray(op.security) && op.security.length === 0) continue;
          const r = await call(app, method, fill(template, { name: "user" }), {
            token: mfaToken,
            body: op.requestBody ? {} : undefined,
          });
          if (r.status !== 401) failures.push(`${method} ${template} -> ${r.status}`);
        }
        assertEquals(failures, []);
      });

      await t.step("a wrong code is 401 and the token stays usable", async () => {
        const code = await totpCode(secret, clock);
        const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
        assertEquals((await mfaStep(app, mfaToken, "totp", wrong)).status, 401);
        assertEquals((await mfaStep(app, mfaToken, "backup_code", "abcd-efgh")).status, 401);
      });

      await t.step("the right code completes the login, as a login does", async () => {
        const r = await mfaStep(app, mfaToken, "totp", await totpCode(secret, clock));
        assertEquals(r.status, 200, JSON.stringify(r.body));
        assertMatch(r.body.accessToken, /^rvs_/);
        assertEquals(r.body.user.username, "vera");
        assert(setCookie(r, "revenge_session"), "session cookie");
        assert(setCookie(r, "revenge_device"), "the device cookie comes with the completed login");
        const sessions = await call(app, "GET", "/api/v1/users/me/sessions", {
          token: r.body.accessToken,
        });
        const mine = sessions.body.items.find((s: { current: boolean }) => s.current);
        assertEquals(mine.mfaMethod, "totp");
        assertEquals(Date.parse(mine.mfaVerifiedAt), clock.now().getTime());
        const [row] = await app.db.sql<{ m: string }[]>`
        select mfa_method as m from sessions where id = ${mine.id}`;
        assertEquals(row.m, "totp");
      });

      await t.step("a used token is refused, even with a new right code", async () => {
        clock.advance(STEP);
        const r = await mfaStep(app, mfaToken, "totp", await totpCode(secret, clock));
        assertEquals(r.status, 401);
      });

      await t.step("an expired token is refused", async () => {
        const token = await challenge(app, "vera", USER_PASSWORD);
        clock.advance(5 * 60_000 + 1000);
        const r = await mfaStep(app, token, "totp", await totpCode(secret, clock));
        assertEquals(r.status, 401);
        assertMatch(r.body.detail, /expired/);
        // And a fresh login still works.
        clock.advance(STEP);
        assertEquals((await loginWithTotp(app, clock, "vera", USER_PASSWORD, secret)).status, 200);
      });

      const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${u.id}&limit=100`, {
        token: admin.token,
      });
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      assert(actions.includes("auth.mfa.challenged") && actions.includes("auth.mfa.failed"));
      const ok = await call(
        app,
        "GET",
        "/api/v1/admin/audit?action=auth.login.succeeded&limit=100",
        {
          token: admin.token,
        },
      );
      assert(
        ok.body.items.some((e: { actorId: string; details: { mfa?: string } }) =>
          e.actorId === u.id && e.details.mfa === "totp"
        ),
      );
    } finally {
      await app.close();
    }
  },
);

dbTest("a TOTP code works once: sequentially, concurrently, and never an older step", async () => {
  const clock = createTestClock();
  const app = await startTestApp({ clock, env: MFA_ENV });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "rita");
    const secret = await enrolTotp(app, u.token, clock);

    // The same code twice, one after the other: one success.
    const code = await totpCode(secret, clock);
    const first = await mfaStep(app, await challenge(app, "rita", USER_PASSWORD), "totp", code);
    assertEquals(first.status, 200);
    const again = await mfaStep(app, await challenge(app, "rita", USER_PASSWORD), "totp", code);
    assertEquals(again.status, 401, "replayed code");
    // The previous step's code is within the skew window, but older than the step used.
    const older = await mfaStep(
      app,
      await challenge(app, "rita", USER_PASSWORD),
      "totp",
      await totpCode(secret, clock, -1),
    );
    assertEquals(older.status, 401, "a code of an earlier step than the last used");

    // Two concurrent submissions of one code, on two pending logins: one success.
    clock.advance(STEP);
    const [a, b] = [
      await challenge(app, "rita", USER_PASSWORD),
      await challenge(app, "rita", USER_PASSWORD),
    ];
    const next = await totpCode(secret, clock);
    const both = await Promise.all([mfaStep(app, a, "totp", next), mfaStep(app, b, "totp", next)]);
    assertEquals(both.map((r) => r.status).sort(), [200, 401]);

    // Two concurrent submissions on one pending login: one success.
    clock.advance(STEP);
    const one = await challenge(app, "rita", USER_PASSWORD);
    const c3 = await totpCode(secret, clock);
    const same = await Promise.all([mfaStep(app, one, "totp", c3), mfaStep(app, one, "totp", c3)]);
    assertEquals(same.map((r) => r.status).sort(), [200, 401]);

    // One step of skew is allowed: the next step's code, a little early, works.
    clock.advance(STEP);
    const early = await mfaStep(
      app,
      await challenge(app, "rita", USER_PASSWORD),
      "totp",
      await totpCode(secret, clock, 1),
    );
    assertEquals(early.status, 200);
    // ... but two steps away does not.
    clock.advance(3 * STEP);
    const far = await mfaStep(
      app,
      await challenge(app, "rita", USER_PASSWORD),
      "totp",
      await totpCode(secret, clock, 2),
    );
    assertEquals(far.status, 401);
  } finally {
    await app.close();
  }
});

dbTest("guessing second-factor codes is rate-limited per token and per user", async () => {
  const clock = createTestClock();
  const app = await startTestApp({ clock, env: MFA_ENV });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "gus");
    const secret = await enrolTotp(app, u.token, clock);
    const right = await totpCode(secret, clock);
    const wrongs = Array.from(
      { length: 12 },
      (_, i) => String((Number(right) + 1 + i * 7919) % 1_000_000).padStart(6, "0"),
    );

    const token = await challenge(app, "gus", USER_PASSWORD);
    const statuses: number[] = [];
    let retryAfter = 0;
    for (const w of wrongs.slice(0, 6)) {
      const r = await mfaStep(app, token, "totp", w);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = Number(r.headers.get("retry-after"));
    }
    assertEquals(statuses.slice(0, 4), [401, 401, 401, 401], "a few free tries");
    assert(statuses.includes(429), `429 after a burst: ${statuses}`);
    assert(retryAfter >= 1, "with Retry-After");
    // While the delay runs, even the right code waits.
    assertEquals((await mfaStep(app, token, "totp", right)).status, 429);

    // A new pending login does not reset the user's count.
    const other = await challenge(app, "gus", USER_PASSWORD);
    const more: number[] = [];
    for (const w of wrongs.slice(6)) more.push((await mfaStep(app, other, "totp", w)).status);
    assert(more.includes(429), `the user's own back-off: ${more}`);

    // Once the delay has passed (within the token's 5 minutes), the right code logs in.
    clock.advance(2 * 60_000);
    const ok = await mfaStep(app, other, "totp", await totpCode(secret, clock));
    assertEquals(ok.status, 200, JSON.stringify(ok.body));
    const audit = await call(app, "GET", "/api/v1/admin/audit?action=auth.mfa.throttled", {
      token: admin.token,
    });
    assert(audit.body.total >= 1);
  } finally {
    await app.close();
  }
});

dbTest(
  "backup codes: shown once, stored hashed, each works once, regeneration voids the old",
  async () => {
    const clock = createTestClock();
    const app = await startTestApp({ clock, env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      const u = await createUser(app, admin.token, "bea");
      const secret = await enrolTotp(app, u.token, clock);

      const gen = await call(app, "POST", "/api/v1/mfa/backup-codes/generate", { token: u.token });
      assertEquals(gen.status, 200, JSON.stringify(gen.body));
      const codes: string[] = gen.body.codes;
      assertEquals(codes.length, 10);
      assertEquals(new Set(codes).size, 10);
      for (const c of codes) assertMatch(c, /^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
      assertEquals(
        (await call(app, "POST", "/api/v1/mfa/backup-codes/generate", { token: u.token })).status,
        409,
        "generate does not silently void a printed set",
      );

      // The stored values are not the codes (nor their plain SHA-256).
      const rows = await app.db.sql<{ h: Uint8Array }[]>`
      select code_hash as h from mfa_backup_codes where user_id = ${u.id}`;
      assertEquals(rows.length, 10);
      const plain = new Set(
        await Promise.all(
          codes.flatMap((c) => [c, c.replaceAll("-", "")]).map(async (c) => {
            const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(c));
            return toHex(new Uint8Array(d));
          }),
        ),
      );
      for (const { h } of rows) {
        const text = new TextDecoder("latin1").decode(h);
        assert(!codes.some((c) => text.includes(c) || text.includes(c.replaceAll("-", ""))));
        assert(!plain.has(toHex(h)), "salted, not a bare SHA-256 of the code");
        assertEquals(h.length, 32);
      }

      const status = await call(app, "GET", "/api/v1/mfa/status", { token: u.token });
      assertEquals(status.body.backupCodes.remaining, 10);
      assertEquals(status.body.methods, ["totp", "backup_code"]);

      // A login with a backup code (typed in upper case, without dashes) uses it up.
      const login = await passwordStep(app, "bea", USER_PASSWORD);
      assertEquals(login.body.methods, ["totp", "backup_code"]);
      const used = await mfaStep(
        app,
        login.body.mfaToken,
        "backup_code",
        codes[0].replaceAll("-", "").toUpperCase(),
      );
      assertEquals(used.status, 200, JSON.stringify(used.body));
      const fresh = used.body.accessToken;
      assertEquals(
        (await call(app, "GET", "/api/v1/mfa/status", { token: fresh })).body.backupCodes.remaining,
        9,
      );
      assertEquals(
        (await mfaStep(app, await challenge(app, "bea", USER_PASSWORD), "backup_code", codes[0]))
          .status,
        401,
        "used once",
      );

      // Two concurrent redemptions of one code: one success.
      const [a, b] = [
        await challenge(app, "bea", USER_PASSWORD),
        await challenge(app, "bea", USER_PASSWORD),
      ];
      const both = await Promise.all([
        mfaStep(app, a, "backup_code", codes[1]),
        mfaStep(app, b, "backup_code", codes[1]),
      ]);
      assertEquals(both.map((r) => r.status).sort(), [200, 401]);

      // Regeneration: the old codes fail, the new ones work.
      const regen = await call(app, "POST", "/api/v1/mfa/backup-codes/regenerate", {
        token: fresh,
      });
      assertEquals(regen.status, 200, JSON.stringify(regen.body));
      const newCodes: string[] = regen.body.codes;
      assertEquals(newCodes.filter((c) => codes.includes(c)), []);
      const old = await mfaStep(
        app,
        await challenge(app, "bea", USER_PASSWORD),
        "backup_code",
        codes[2],
      );
      assertEquals(old.status, 401, "an old code after regeneration");
      const fine = await mfaStep(
        app,
        await challenge(app, "bea", USER_PASSWORD),
        "backup_code",
        newCodes[0],
      );
      assertEquals(fine.status, 200);
      // The TOTP still works beside them.
      clock.advance(STEP);
      assertEquals((await loginWithTotp(app, clock, "bea", USER_PASSWORD, secret)).status, 200);

      const audit = await call(app, "GET", `/api/v1/admin/audit?targetId=${u.id}&limit=100`, {
        token: admin.token,
      });
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      assert(
        actions.includes("mfa.backup_codes.generated") && actions.includes("mfa.backup_code.used"),
      );
      for (const e of audit.body.items) {
        const text = JSON.stringify(e);
        assert(![...codes, ...newCodes].some((c) => text.includes(c)), "no code in the audit log");
      }
    } finally {
      await app.close();
    }
  },
);

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
