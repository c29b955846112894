/**
 * Passwords: argon2id with at least OWASP's parameters, stored as a PHC
 * string; 8 to 1024 characters of any Unicode, never truncated; NFC so the
 * same typed password matches from any device; common passwords refused;
 * raising the parameters re-hashes at the next login; an unknown user and a
 * wrong password get the same answer.
 */
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { ADMIN_PASSWORD, call, setupAdmin } from "./auth_helpers.ts";

/** 1024 code points of mixed scripts, emoji (astral: two UTF-16 units each) and spaces. */
function longUnicode(): string {
  const parts = ["Ä", "ж", "語", "🎬", " ", "é", "ß", "ℵ", "👩‍", "a"];
  const chars: string[] = [];
  for (let i = 0; chars.length < 1024; i++) chars.push(...parts[i % parts.length]);
  return chars.slice(0, 1024).join("");
}

dbTest("createPasswordHasher hashes any Unicode up to 1024 chars whole, argon2id", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const hashOf = async (username: string) =>
      (await app.db.sql<{ h: string }[]>`
        select password_hash as h from users where username = ${username}`)[0].h;
    assertMatch(await hashOf("admin"), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$/);

    const long = longUnicode();
    assertEquals([...long].length, 1024);
    assert(long.length > 1024, "more UTF-16 units than characters");
    const create = (username: string, password: string) =>
      call(app, "POST", "/api/v1/admin/users", {
        token: admin.token,
        body: { username, password, roles: ["user"] },
      });
    assertEquals((await create("long", long)).status, 201);
    const login = (username: string, password: string) =>
      call(app, "POST", "/api/v1/auth/login", { body: { username, password } });
    assertEquals((await login("long", long)).status, 200);
    assertEquals((await login("long", [...long].slice(0, 1023).join(""))).status, 401);
    assertEquals((await login("long", long + "x")).status, 401, "1025 characters never match");
    assertEquals((await login("LONG", long)).status, 200, "usernames ignore case");

    const tooLong = await create("longer", long + "!");
    assertEquals(tooLong.status, 400);
    assertMatch(tooLong.body.detail, /at most 1024/);
    assertMatch((await create("short", "1234567")).body.detail, /at least 8/);
    assertMatch((await create("common", "password1")).body.detail, /most common/);
    assertMatch((await create("sameasname", "SameAsName")).body.detail, /username/);
    // Any composition: no class rules.
    assertEquals((await create("spaces", "        x")).status, 201);

    // The same password typed as composed or decomposed characters matches (NFC).
    const composed = "crème brûlée à la café";
    const decomposed = composed.normalize("NFD");
    assert(composed !== decomposed);
    assertEquals((await create("nfc", decomposed)).status, 201);
    assertEquals((await login("nfc", composed)).status, 200);
    // ... but nothing else is folded: case matters.
    assertEquals((await login("nfc", composed.toUpperCase())).status, 401);

    // Unknown user and wrong password: one answer.
    const unknown = await login("nobody-here", "whatever password");
    const wrong = await login("admin", "whatever password");
    assertEquals([unknown.status, wrong.status], [401, 401]);
    assertEquals(unknown.body.detail, wrong.body.detail);
    assertEquals(unknown.headers.get("www-authenticate"), wrong.headers.get("www-authenticate"));
  } finally {
    await app.close();
  }
});

dbTest("POST /api/v1/auth/login re-hashes a password once argon2 parameters rise", async () => {
  const app = await startTestApp();
  try {
    await setupAdmin(app);
    const hash = async () =>
      (await app.db.sql<{ h: string }[]>`select password_hash as h from users`)[0].h;
    const before = await hash();
    assertMatch(before, /m=19456,t=2,p=1/);
    const stronger = await startTestApp({
      db: app.db,
      env: { REVENGE_ARGON2_TIME_COST: "3", REVENGE_ARGON2_MEMORY_KIB: "20480" },
    });
    try {
      const r = await call(stronger, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: ADMIN_PASSWORD },
      });
      assertEquals(r.status, 200);
      assertMatch(await hash(), /^\$argon2id\$v=19\$m=20480,t=3,p=1\$/);
      const audit = await call(stronger, "GET", "/api/v1/admin/audit?action=auth.login.succeeded", {
        token: r.body.accessToken,
      });
      assertEquals(audit.body.items[0].details, { passwordRehashed: true });
      // A wrong password does not touch the hash.
      const h = await hash();
      await call(stronger, "POST", "/api/v1/auth/login", {
        body: { username: "admin", password: "not the password" },
      });
      assertEquals(await hash(), h);
    } finally {
      await stronger.close();
    }
    // The old instance still verifies the new hash: the parameters travel with it.
    const again = await call(app, "POST", "/api/v1/auth/login", {
      body: { username: "admin", password: ADMIN_PASSWORD },
    });
    assertEquals(again.status, 200);
  } finally {
    await app.close();
  }
});
