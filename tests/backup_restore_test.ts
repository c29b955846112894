/**
 * Backup and restore through the commands of the contract, on real
 * processes: Revenge runs (`main.ts`, embedded PostgreSQL) with users, a
 * second factor (TOTP and backup codes), a scanned library with a real film,
 * watch progress and a cached poster; `main.ts backup --with-cache` runs
 * beside it; Revenge stops; `main.ts restore` fills a new data dir; Revenge
 * starts on it, and the API shows everything back: the same users, film,
 * progress and poster bytes, the old session still valid (sessions are kept,
 * see docs/operations.md), and the second factor still asked for and
 * answered by a backup code (the secret key came back with the archive).
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { ADMIN_PASSWORD, call, USER_PASSWORD } from "./auth_helpers.ts";
import type { TestApp } from "./harness.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { challenge, MFA_ENV, mfaStep, totpCode } from "./mfa_helpers.ts";
import { spawnRevenge, stopRevenge, waitForStatus } from "./process.ts";
import { scanNow } from "./library_helpers.ts";
import { createSql } from "../lib/db/client.ts";
import { runningEmbeddedConnection } from "../lib/db/embedded_postgres.ts";
import { createImageStore } from "../lib/metadata/image_store.ts";
import { sha256 } from "./image_helpers.ts";
import { runMain } from "./backup_helpers.ts";

const M = "/api/v1/movies";

function client(url: string): TestApp {
  return { fetch: (path: string, init?: RequestInit) => fetch(url + path, init) } as TestApp;
}

/** A clock on real time that can be moved on (TOTP codes for later steps). */
function realClock() {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms: number) => void (offset += ms) };
}

Deno.test("backup: a running server's data dir is backed up and restored whole into a new one", async () => {
  const root = await Deno.makeTempDir({ prefix: "revenge-bk-" });
  // Run as root, the embedded PostgreSQL runs as nobody, which must enter the data dirs' parent.
  await Deno.chmod(root, 0o755);
  const [dirA, dirB, media] = ["a", "b", "media"].map((n) => join(root, n));
  const archive = join(root, "out", "backup.tar");
  await Deno.mkdir(join(media, "Film One (2001)"), { recursive: true });
  await Deno.copyFile(
    await mediaFixture("h264_aac"),
    join(media, "Film One (2001)", "Film One (2001).mp4"),
  );
  const env = { ...MFA_ENV, REVENGE_BACKUP_SCHEDULE: "off" };
  let a = spawnRevenge({ ...env, REVENGE_DATA_DIR: dirA });
  try {
    const url = await a.listening;
    await waitForStatus(`${url}/readyz`, 200);
    const app = client(url);
    const setup = await call(app, "POST", "/api/v1/setup", {
      body: { username: "admin", password: ADMIN_PASSWORD },
    });
    assertEquals(setup.status, 201, JSON.stringify(setup.body));
    const token = setup.body.accessToken as string;
    const bob = await call(app, "POST", "/api/v1/admin/users", {
      token,
      body: { username: "bob", password: USER_PASSWORD, roles: ["user"] },
    });
    assertEquals(bob.status, 201, JSON.stringify(bob.body));

    // TOTP and backup codes for the admin.
    const clock = realClock();
    const totp = await call(app, "POST", "/api/v1/mfa/totp/setup", { token });
    assertEquals(totp.status, 200, JSON.stringify(totp.body));
    const verify = await call(app, "POST", "/api/v1/mfa/totp/verify", {
      token,
      body: { code: await totpCode(totp.body.secret, clock) },
    });
    assertEquals(verify.status, 200, JSON.stringify(verify.body));
    const gen = await call(app, "POST", "/api/v1/mfa/backup-codes/generate", { token });
    assertEquals(gen.status, 200, JSON.stringify(gen.body));
    const codes: string[] = gen.body.codes;

    // A library with one real film, scanned; progress on it.
    const lib = await call(app, "POST", "/api/v1/libraries", {
      token,
      body: { name: "Films", paths: [media], watch: false },
    });
    assertEquals(lib.status, 201, JSON.stringify(lib.body));
    await scanNow(app, token, lib.body.id);
    const films = await call(app, "GET", `${M}?limit=50`, { token });
    assertEquals(films.status, 200, JSON.stringify(films.body));
    assertEquals(films.body.items.length, 1, JSON.stringify(films.body));
    const film = films.body.items[0].id as string;
    const report = await call(app, "POST", `${M}/${film}/progress`, {
      token,
      body: { positionMs: 400 },
    });
    assert(report.status < 300, JSON.stringify(report.body));
    const progress = (await call(app, "GET", `${M}/${film}/progress`, { token })).body;

    // A cached poster (as the image job leaves one: a ready row and its original on disk).
    const poster = Uint8Array.from(
      atob(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
      ),
      (c) => c.charCodeAt(0),
    );
    const digest = await sha256(poster);
    const conn = await runningEmbeddedConnection(dirA);
    assert(conn, "the embedded server of the running Revenge is found");
    const sql = createSql(conn, { max: 1 });
    try {
      const [img] = await sql<{ id: string }[]>`
        insert into images (source, source_path, state, width, height, content_type, sha256)
        values ('tmdb', '/poster-one.png', 'ready', 1, 1, 'image/png', ${digest}) returning id`;
      await createImageStore(dirA).saveOriginal(
        { id: img.id, sha256: digest, contentType: "image/png" },
        poster,
      );
      await sql`update movies set poster_image_id = ${img.id} where id = ${film}`;
    } finally {
      await sql.end();
    }
    const served = await fetch(`${url}/api/v1/images/poster/${film}/original`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assertEquals(served.status, 200);
    assertEquals(await sha256(new Uint8Array(await served.arrayBuffer())), digest);

    // The backup, while the server runs.
    const backup = await runMain(["backup", archive, "--with-cache"], { REVENGE_DATA_DIR: dirA });
    assertEquals(backup.code, 0, backup.output);
    assertMatch(backup.output, /backup written: .*backup\.tar/);
    await stopRevenge(a);

    // Restore into a new data dir, with the server stopped.
    const restore = await runMain(["restore", archive], { REVENGE_DATA_DIR: dirB });
    assertEquals(restore.code, 0, restore.output);
    assertEquals(
      await Deno.readFile(join(dirB, "secret.key")),
      await Deno.readFile(join(dirA, "secret.key")),
    );

    a = spawnRevenge({ ...env, REVENGE_DATA_DIR: dirB });
    const url2 = await a.listening;
    await waitForStatus(`${url2}/readyz`, 200);
    const app2 = client(url2);
    const me = await call(app2, "GET", "/api/v1/users/me", { token });
    assertEquals(me.status, 200, "the session made before the backup is still valid");
    assertEquals(me.body.username, "admin");
    const users = await call(app2, "GET", "/api/v1/admin/users?limit=50", { token });
    assertEquals(
      users.body.items.map((u: { username: string }) => u.username).sort(),
      ["admin", "bob"],
    );
    const films2 = await call(app2, "GET", `${M}?limit=50`, { token });
    assertEquals(films2.body.items.map((f: { id: string }) => f.id), [film]);
    assertEquals((await call(app2, "GET", `${M}/${film}/progress`, { token })).body, progress);
    const libs = await call(app2, "GET", "/api/v1/libraries", { token });
    assertEquals(
      (libs.body.items ?? libs.body).map((l: { id: string }) => l.id),
      [lib.body.id],
    );
    const served2 = await fetch(`${url2}/api/v1/images/poster/${film}/original`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assertEquals(served2.status, 200);
    assertEquals(await sha256(new Uint8Array(await served2.arrayBuffer())), digest);

    // The second factor is still required, and its secrets open (same key): a backup code works.
    const status = await call(app2, "GET", "/api/v1/mfa/status", { token });
    assertEquals(status.body.methods, ["totp", "backup_code"], JSON.stringify(status.body));
    const mfaToken = await challenge(app2, "admin", ADMIN_PASSWORD);
    const second = await mfaStep(app2, mfaToken, "backup_code", codes[0]);
    assertEquals(second.status, 200, JSON.stringify(second.body));
    const bobLogin = await call(app2, "POST", "/api/v1/auth/login", {
      body: { username: "bob", password: USER_PASSWORD },
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    assertEquals(bobLogin.status, 200, JSON.stringify(bobLogin.body));
  } finally {
    await stopRevenge(a);
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
});
