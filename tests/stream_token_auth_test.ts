/**
 * Stream tokens at the door (`lib/http/middleware/authenticate.ts`): a
 * credential on the media paths of its own file and nowhere else. What the
 * media routes then answer is for their own tests; here, only whether the
 * token got the request past authentication.
 */
import { createStreamTokens } from "../lib/auth/stream_tokens.ts";
import { createServerSettingsRepo } from "../lib/db/server_settings_repo.ts";
import { systemClock } from "../lib/model/clock.ts";
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";

dbTest("a stream token authenticates its own file's media paths, and nothing else", async () => {
  const app = await startTestApp();
  try {
    const admin = await setupAdmin(app);
    const user = await createUser(app, admin.token, "viewer");
    // The same key as the server's: it lives in the database.
    const tokens = createStreamTokens({
      settings: createServerSettingsRepo(app.revenge.sql),
      clock: systemClock,
    });
    await tokens.start();
    const file = crypto.randomUUID();
    const other = crypto.randomUUID();
    const token = await tokens.issue(user.id, file);
    const passed = (status: number) => status !== 401 && status !== 403;

    for (const path of [`/api/v1/stream/${file}`, `/api/v1/hls/${file}/master.m3u8`]) {
      assertEquals((await call(app, "GET", path)).status, 401, `${path} without credentials`);
      const r = await call(app, "GET", `${path}?token=${token}`);
      assert(passed(r.status), `${path} with its token: ${r.status} ${JSON.stringify(r.body)}`);
      const bad = await call(app, "GET", `${path}?token=${token.slice(0, -2)}xx`);
      assertEquals(bad.status, 401, "a forged token");
      assertEquals(bad.headers.get("content-type"), "application/problem+json");
    }
    // Another file's media paths: 403, whichever the route.
    for (const path of [`/api/v1/stream/${other}`, `/api/v1/hls/${other}/0/seg-0.ts`]) {
      assertEquals((await call(app, "GET", `${path}?token=${token}`)).status, 403, path);
    }
    // Not a media path of a file: the token is no credential at all.
    for (
      const path of ["/api/v1/users/me", "/api/v1/movies", `/api/v1/images/${file}`, "/admin"]
    ) {
      const r = await call(app, "GET", `${path}?token=${token}`, {
        headers: { accept: "application/json" },
      });
      assertEquals(r.status, 401, path);
    }
    // A disabled account's tokens stop working at once.
    const off = await call(app, "POST", `/api/v1/admin/users/${user.id}/disable`, {
      token: admin.token,
    });
    assertEquals(off.status, 200, JSON.stringify(off.body));
    assertEquals((await call(app, "GET", `/api/v1/stream/${file}?token=${token}`)).status, 401);
  } finally {
    await app.close();
  }
});
