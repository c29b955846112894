/**
 * Passkeys against the real server and PostgreSQL, with a software
 * authenticator (tests/soft_authenticator.ts) making real ES256 attestations
 * and assertions: registration, list, rename, delete; passwordless login
 * and the passkey as second factor; and valid assertions changed in exactly
 * one way, each refused: wrong origin, wrong RP ID hash, reused challenge,
 * expired challenge, no user verification, bad signature, counter going
 * backwards (which also flags the passkey and is audited).
 */
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import {
  ADMIN_PASSWORD,
  call,
  createTestClock,
  createUser,
  type Reply,
  setupAdmin,
  USER_PASSWORD,
} from "./auth_helpers.ts";
import { freshAddress, MFA_ENV } from "./mfa_helpers.ts";
import { rawRequest } from "./traversal.ts";
import { SoftAuthenticator, type Tweaks } from "./soft_authenticator.ts";

/** Registers a passkey for the session `token`; answers the authenticator and the reply. */
async function register(
  app: TestApp,
  token: string,
  options: { tweaks?: Tweaks; authenticator?: SoftAuthenticator; name?: string } = {},
) {
  const auth = options.authenticator ?? new SoftAuthenticator(app.url, "127.0.0.1");
  const opts = await call(app, "POST", "/api/v1/mfa/webauthn/register/options", { token });
  assertEquals(opts.status, 200, JSON.stringify(opts.body));
  const response = await auth.attest(opts.body, options.tweaks);
  const reply = await call(app, "POST", "/api/v1/mfa/webauthn/register/verify", {
    token,
    body: { response, ...(options.name ? { name: options.name } : {}) },
  });
  return { auth, reply, options: opts.body };
}

function loginOptions(app: TestApp, mfaToken?: string): Promise<Reply> {
  return call(app, "POST", "/api/v1/auth/webauthn/login/options", {
    body: mfaToken ? { mfaToken } : {},
    headers: { "x-forwarded-for": freshAddress() },
  });
}

async function passkeyLogin(
  app: TestApp,
  auth: SoftAuthenticator,
  tweaks: Tweaks = {},
  mfaToken?: string,
): Promise<Reply> {
  const opts = await loginOptions(app, mfaToken);
  assertEquals(opts.status, 200, JSON.stringify(opts.body));
  const assertion = await auth.assert(opts.body, tweaks);
  return call(app, "POST", "/api/v1/auth/webauthn/login/verify", {
    body: { assertion, ...(mfaToken ? { mfaToken } : {}) },
    headers: { "x-forwarded-for": freshAddress() },
  });
}

dbTest("passkeys register several, list, rename, delete; duplicates refused; audited", async () => {
  const app = await startTestApp({ env: MFA_ENV });
  try {
    const admin = await setupAdmin(app);
    const u = await createUser(app, admin.token, "pia");

    const first = await register(app, u.token, { name: "Laptop" });
    assertEquals(first.reply.status, 201, JSON.stringify(first.reply.body));
    assertEquals(first.reply.body.name, "Laptop");
    assertEquals(first.options.authenticatorSelection.userVerification, "required");
    assertEquals(first.options.authenticatorSelection.residentKey, "required");
    assertEquals(first.options.rp.id, "127.0.0.1");
    const second = await register(app, u.token);
    assertEquals(second.reply.status, 201, JSON.stringify(second.reply.body));
    assertEquals(second.reply.body.name, "Passkey 2");
    // The options of a third registration exclude both.
    const third = await call(app, "POST", "/api/v1/mfa/webauthn/register/options", {
      token: u.token,
    });
    assertEquals(third.body.excludeCredentials.length, 2);

    // The same credential again, even through a fresh ceremony: refused.
    const dup = await register(app, u.token, { authenticator: first.auth });
    assertEquals(dup.reply.status, 409, JSON.stringify(dup.reply.body));
    // ... and for another user too.
    const other = await createUser(app, admin.token, "olaf");
    const dup2 = await register(app, other.token, { authenticator: first.auth });
    assertEquals(dup2.reply.status, 409);

    let status = await call(app, "GET", "/api/v1/mfa/status", { token: u.token });
    assertEquals(status.body.passkeys.count, 2);
    assertEquals(status.body.active, true, "the first passkey turns MFA on");
    assert(status.body.methods.includes("webauthn"));

    const list = await call(app, "GET", "/api/v1/mfa/webauthn/credentials", { token: u.token });
    assertEquals(list.body.items.map((p: { name: string }) => p.name), ["Laptop", "Passkey 2"]);
    assert(!("publicKey" in list.body.items[0]), "no key material in the list");
    const id = list.body.items[1].id;
    const renamed = await call(app, "PATCH", `/api/v1/mfa/webauthn/credentials/${id}`, {
      token: u.token,
      body: { name: "Phone" },
    });
    assertEquals([renamed.status, renamed.body.name], [200, "Phone"]);
    // Another user's passkey is simply not found.
    const foreign = await call(app, "PATCH", `/api/v1/mfa/webauthn/credentials/${id}`, {
      token: other.token,
      body: { name: "Mine" },
    });
    assertEquals(foreign.status, 404);

    const del = await call(app, "DELETE", `/api/v1/mfa/webauthn/credentials/${id}`, {
      token: u.token,
      body: { password: USER_PASSWORD },
    });
    assertEquals(del.status, 204, JSON.stringify(del.body));
    status = await call(app, "GET", "/api/v1/mfa/status", { token: u.token });
    assertEquals(status.body.passkeys.count, 1);

    const audit = await call(app, "GET", "/api/v1/admin/audit?action=mfa.webauthn.", {
      token: admin.token,
    });
    const actions = audit.body.items.map((e: { action: string }) => e.action).sort();
    assertEquals(actions, [
      "mfa.webauthn.deleted",
      "mfa.webauthn.refused",
      "mfa.webauthn.refused",
      "mfa.webauthn.registered",
      "mfa.webauthn.registered",
      "mfa.webauthn.renamed",
    ]);

    // An admin's reset removes passkeys too.
    const reset = await call(app, "DELETE", `/api/v1/admin/users/${u.id}/mfa`, {
      token: admin.token,
    });
    assertEquals(reset.status, 204, JSON.stringify(reset.body));
    const n = await app.db.sql<{ n: number }[]>`
      select count(*)::int as n from webauthn_credentials where user_id = ${u.id}`;
    assertEquals(n[0].n, 0);
  } finally {
    await app.close();
  }
});

dbTest(
  "passkey registration refuses wrong origin, wrong RP ID and no user verification",
  async () => {
    const app = await startTestApp({ env: MFA_ENV });
    try {
      const admin = await setupAdmin(app);
      for (
        const tweaks of [
          { origin: "http://evil.example" },
          { rpId: "evil.example" },
          { uv: false },
        ]
      ) {
        const r = await register(app, admin.token, { tweaks });
        assertEquals(r.reply.status, 400, JSON.stringify(tweaks));
      }
      const status = await call(app, "GET", "/api/v1/mfa/status", { token: admin.token });
      assertEquals(status.body.passkeys.count, 0);
    } finally {
      await app.close();
    }
  },
);

dbTest("passkeys log in alone and as the second factor", async () => {
  const app = await startTestApp({ env: MFA_ENV });
  try {
    const admin = await setupAdmin(app);
    const { auth, reply } = await register(app, admin.token);
    assertEquals(reply.status, 201);

    // Passwordless: no allowCredentials, the authenticator picks its discoverable credential.
    const opts = await loginOptions(app);
    assertEquals(opts.body.allowCredentials ?? [], []);
    assertEquals(opts.body.userVerification, "required");
    const alone = await passkeyLogin(app, auth);
    assertEquals(alone.status, 200, JSON.stringify(alone.body));
    assertEquals(alone.body.user.username, "admin");
    const sessions = await call(app, "GET", "/api/v1/users/me/sessions", {
      token: alone.body.accessToken,
    });
    assertEquals(sessions.body.items[0].mfaMethod, "webauthn");

    // Second factor: the password step asks for it, the passkey completes it.
    const pw = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "admin", password: ADMIN_PASSWORD },
      headers: { "x-forwarded-for": freshAddress() },
    });
    assertEquals(pw.body.mfaRequired, true, JSON.stringify(pw.body));
    assert(pw.body.methods.includes("webauthn"));
    const mfaOpts = await loginOptions(app, pw.body.mfaToken);
    assertEquals(mfaOpts.body.allowCredentials.length, 1);
    const second = await passkeyLogin(app, auth, {}, pw.body.mfaToken);
    assertEquals(second.status, 200, JSON.stringify(second.body));
    // The pending token is used up.
    const again = await loginOptions(app, pw.body.mfaToken);
    assertEquals(again.status, 401);

    // A challenge for passwordless login is no good for a pending login's step, and vice versa.
    const pw2 = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "admin", password: ADMIN_PASSWORD },
      headers: { "x-forwarded-for": freshAddress() },
    });
    const plain = await loginOptions(app);
    const cross = await call(app, "POST", "/api/v1/auth/webauthn/login/verify", {
      body: { assertion: await auth.assert(plain.body), mfaToken: pw2.body.mfaToken },
    });
    assertEquals(cross.status, 401);
    // A passkey assertion sent as a code to /auth/mfa/verify is pointed elsewhere.
    const misplaced = await call(app, "POST", "/api/v1/auth/mfa/verify", {
      body: { mfaToken: pw2.body.mfaToken, method: "webauthn", code: "x" },
    });
    assertEquals(misplaced.status, 400);
  } finally {
    await app.close();
  }
});

dbTest("a valid passkey assertion changed in one way is refused", async () => {
  const clock = createTestClock(Date.now());
  const app = await startTestApp({ env: MFA_ENV, clock });
  try {
    const admin = await setupAdmin(app);
    const { auth } = await register(app, admin.token);
    const ok = await passkeyLogin(app, auth);
    assertEquals(ok.status, 200, "the unchanged assertion works");

    const cases: [string, Tweaks][] = [
      ["wrong origin", { origin: "http://evil.example" }],
      ["wrong RP ID hash", { rpId: "evil.example" }],
      ["missing user-verification flag", { uv: false }],
      ["bad signature", { badSignature: true }],
    ];
    for (const [name, tweaks] of cases) {
      const r = await passkeyLogin(app, auth, tweaks);
      assertEquals(r.status, 401, name);
    }

    // Reused challenge: the same (valid) assertion twice.
    const opts = await loginOptions(app);
    const assertion = await auth.assert(opts.body);
    const send = () =>
      call(app, "POST", "/api/v1/auth/webauthn/login/verify", { body: { assertion } });
    const [a, b] = await Promise.all([send(), send()]);
    assertEquals([a.status, b.status].sort(), [200, 401], "reused challenge");
    assertEquals((await send()).status, 401, "reused challenge, later");

    // A challenge the server never issued.
    const made = await call(app, "POST", "/api/v1/auth/webauthn/login/verify", {
      body: { assertion: await auth.assert({ challenge: "bm90LWlzc3VlZA" }) },
    });
    assertEquals(made.status, 401, "unknown challenge");

    // Expired challenge: 5 minutes.
    const late = await loginOptions(app);
    clock.advance(5 * 60_000 + 1);
    const expired = await call(app, "POST", "/api/v1/auth/webauthn/login/verify", {
      body: { assertion: await auth.assert(late.body) },
    });
    assertEquals(expired.status, 401, "expired challenge");
    const fresh = await passkeyLogin(app, auth);
    assertEquals(fresh.status, 200, "the passkey itself is fine");

    // Counter regression: flagged as possibly cloned, refused, audited; refused from then on.
    const regressed = await passkeyLogin(app, auth, { counter: 1 });
    assertEquals(regressed.status, 401, "counter regression");
    const list = await call(app, "GET", "/api/v1/mfa/webauthn/credentials", {
      token: admin.token,
    });
    assert(list.body.items[0].possiblyClonedAt, "flagged");
    const after = await passkeyLogin(app, auth);
    assertEquals(after.status, 401, "a flagged passkey is refused");
    const status = await call(app, "GET", "/api/v1/mfa/status", { token: admin.token });
    assertEquals(status.body.passkeys.count, 0, "and no longer counts as a factor");
    const audit = await call(app, "GET", "/api/v1/admin/audit?action=mfa.webauthn.cloned", {
      token: admin.token,
    });
    assertEquals(audit.body.total, 1);
    assertEquals(audit.body.items[0].details.counter, 1);
    const failed = await call(app, "GET", "/api/v1/admin/audit?action=auth.login.failed", {
      token: admin.token,
    });
    assert(failed.body.total >= 8, `refusals audited (${failed.body.total})`);
  } finally {
    await app.close();
  }
});

dbTest(
  "passkey relying party comes from REVENGE_PUBLIC_URL; an unknown Host gets none",
  async () => {
    const app = await startTestApp({
      env: { ...MFA_ENV, REVENGE_PUBLIC_URL: "https://movies.example.org" },
    });
    try {
      const admin = await setupAdmin(app);
      const opts = await call(app, "POST", "/api/v1/mfa/webauthn/register/options", {
        token: admin.token,
      });
      assertEquals(opts.body.rp, { name: "Revenge", id: "movies.example.org" });
      // A browser at the request's own origin is not the public one: refused.
      const auth = new SoftAuthenticator(app.url, "movies.example.org");
      const r = await call(app, "POST", "/api/v1/mfa/webauthn/register/verify", {
        token: admin.token,
        body: { response: await auth.attest(opts.body) },
      });
      assertEquals(r.status, 400);
      const good = await register(app, admin.token, {
        authenticator: new SoftAuthenticator("https://movies.example.org", "movies.example.org"),
      });
      assertEquals(good.reply.status, 201, JSON.stringify(good.reply.body));
    } finally {
      await app.close();
    }
    const bare = await startTestApp({ env: MFA_ENV });
    try {
      await setupAdmin(bare);
      const r = await rawRequest(bare.url, {
        method: "POST",
        target: "/api/v1/auth/webauthn/login/options",
        headers: { host: "evil.example", "content-type": "application/json" },
        body: "{}",
      });
      assertEquals(r.status, 409, r.body);
    } finally {
      await bare.close();
    }
  },
);
