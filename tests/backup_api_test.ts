/**
 * Scheduled and requested backups through the admin API: `POST
 * /api/v1/admin/backups` answers 202 with a job that writes an archive into
 * the backups folder, the list shows it, only `backup.keep` are kept (and
 * only files named like ours are ever deleted), everything is audited, and
 * a user without the permission gets 403. Then the consistency promise: a
 * backup taken while a scan writes restores (foreign keys checked by
 * pg_restore) into an empty database on which Revenge starts, and a new scan
 * there converges to what the live server had.
 */
import { join } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, runSchedule, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { createDatabaseSite } from "./backup_helpers.ts";
import { createTestDatabase } from "./db.ts";
import { scanNow } from "./library_helpers.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { waitFor } from "./wait_for.ts";
import { createBackup } from "../lib/backup/create_backup.ts";
import { restoreBackup } from "../lib/backup/restore_backup.ts";
import { createLogger } from "../lib/observability/logger.ts";
import { writeTestLog } from "./test_log.ts";

const B = "/api/v1/admin/backups";
const logger = createLogger({ level: "info", format: "pretty", write: writeTestLog });

dbTest("backup: admins list and request backups; the job writes, prunes and audits", async () => {
  const app = await startTestApp({ env: { REVENGE_BACKUP_KEEP: "2" } });
  try {
    const admin = await setupAdmin(app);
    const bob = await createUser(app, admin.token, "bob");
    assertEquals((await call(app, "GET", B, { token: bob.token })).status, 403);
    assertEquals((await call(app, "POST", B, { token: bob.token })).status, 403);
    assertEquals((await call(app, "GET", B)).status, 401);

    const empty = await call(app, "GET", B, { token: admin.token });
    assertEquals(empty.status, 200, JSON.stringify(empty.body));
    assertEquals(empty.body.dir, join(app.dataDir, "backups"));
    assertEquals([empty.body.schedule, empty.body.keep, empty.body.items], ["30 3 * * *", 2, []]);

    // An administrator's own file in the folder, and two old backups of ours.
    const dir = join(app.dataDir, "backups");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "my-copy.tar"), "mine");
    await Deno.writeTextFile(join(dir, "revenge-20200101-000000Z.tar"), "old");
    await Deno.writeTextFile(join(dir, "revenge-20200102-000000Z.tar"), "old");

    const req = await call(app, "POST", B, { token: admin.token });
    assertEquals(req.status, 202, JSON.stringify(req.body));
    assertEquals(req.body.queued, true);
    let job = req.body;
    await waitFor(async () => {
      job = (await call(app, "GET", `/api/v1/admin/jobs/${req.body.jobId}`, { token: admin.token }))
        .body;
      return ["succeeded", "dead"].includes(job.state);
    }, { message: () => `the backup job to finish (${JSON.stringify(job)})`, timeoutMs: 60_000 });
    assertEquals(job.state, "succeeded", JSON.stringify(job));

    const list = await call(app, "GET", B, { token: admin.token });
    const names = list.body.items.map((i: { name: string }) => i.name);
    assertEquals(names.length, 2, JSON.stringify(list.body));
    assertEquals(names[1], "revenge-20200102-000000Z.tar", "the older one of ours is pruned");
    assert(/^revenge-\d{8}-\d{6}Z\.tar$/.test(names[0]) && names[0] > names[1]);
    assert(list.body.items[0].bytes > 1024);
    assertEquals(await Deno.readTextFile(join(dir, "my-copy.tar")), "mine", "not ours: kept");

    // The schedule is there and runs the same job.
    const schedules = await call(app, "GET", "/api/v1/admin/jobs/schedules", {
      token: admin.token,
    });
    assert(schedules.body.items.some((s: { name: string }) => s.name === "backup.create"));
    await runSchedule(app, admin.token, "backup.create", 60_000);
    const after = await call(app, "GET", B, { token: admin.token });
    assertEquals(after.body.items.length, 2, "still two kept");

    const audit = await call(app, "GET", "/api/v1/admin/audit?limit=100", { token: admin.token });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    assertEquals(actions.filter((a: string) => a === "backup.requested").length, 1);
    assertEquals(actions.filter((a: string) => a === "backup.created").length, 2);
  } finally {
    await app.close();
  }
});

dbTest(
  "backup: a backup taken while a scan writes restores to a consistent, working state",
  async () => {
    const app = await startTestApp();
    const media = await Deno.makeTempDir({ prefix: "revenge-bk-media-" });
    const target = await createTestDatabase({ migrated: false });
    const archive = join(await Deno.makeTempDir({ prefix: "revenge-bk-out-" }), "scan.tar");
    try {
      const fixture = await mediaFixture("h264_aac");
      const n = 40;
      for (let i = 0; i < n; i++) {
        const name = `Film ${String(i).padStart(2, "0")} (${1950 + i})`;
        await Deno.mkdir(join(media, name));
        await Deno.copyFile(fixture, join(media, name, `${name}.mp4`));
      }
      const admin = await setupAdmin(app);
      const lib = await call(app, "POST", "/api/v1/libraries", {
        token: admin.token,
        body: { name: "Films", paths: [media], watch: false },
      });
      assertEquals(lib.status, 201, JSON.stringify(lib.body));
      // The library's first scan starts on creation; back up once it has written some films.
      await waitFor(async () => {
        const [r] = await app.db.sql<{ n: number }[]>`select count(*)::int as n from movie_files`;
        return r.n > 0;
      }, { message: "the scan to write its first files", timeoutMs: 60_000 });
      const site = createDatabaseSite(app.db.url, app.dataDir);
      await createBackup({ ...site, file: archive, withCache: false, logger });
      const live = await scanNow(app, admin.token, lib.body.id);
      assertEquals(live.scan.state, "idle");
      const [{ films }] = await app.db.sql<{ films: number }[]>`
      select count(*)::int as films from movies`;
      assertEquals(films, n);

      // Restore into an empty database (pg_restore validates every foreign key after loading).
      const restoredDir = await Deno.makeTempDir({ prefix: "revenge-bk-restored-" });
      await restoreBackup({
        ...createDatabaseSite(target.url, restoredDir),
        file: archive,
        logger,
      });
      const [snap] = await target.sql<{ films: number; files: number; orphans: number }[]>`
      select (select count(*)::int from movies) as films,
             (select count(*)::int from movie_files) as files,
             (select count(*)::int from movies m
               where not exists (select 1 from movie_files f where f.movie_id = m.id)) as orphans`;
      assert(snap.files >= 1 && snap.files <= n, JSON.stringify(snap));
      assert(snap.films <= n, JSON.stringify(snap));
      assertEquals(snap.orphans, 0, "a film and its file are written together, or neither is");

      // Revenge starts on the restored database, and a scan there converges to the live state.
      await app.close();
      const restored = await startTestApp({ db: target });
      try {
        const scanned = await scanNow(restored, admin.token, lib.body.id);
        assertEquals(scanned.scan.state, "idle");
        const [after] = await target.sql<{ films: number }[]>`
        select count(*)::int as films from movies`;
        assertEquals(after.films, n);
      } finally {
        await restored.close();
      }
    } finally {
      await app.close().catch(() => {});
      await target.drop();
      await Deno.remove(media, { recursive: true }).catch(() => {});
    }
  },
);
