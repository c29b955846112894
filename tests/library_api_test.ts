/** `/api/v1/libraries`: validation, conflicts, permissions, audit, and scan requests. */
import { join } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { createLibraryRepo } from "../lib/db/library_repo.ts";

dbTest(
  "libraries: create, read, change, delete; bad folders and names are refused with reasons",
  async () => {
    const app = await startTestApp();
    const root = await Deno.makeTempDir({ prefix: "revenge-api-" });
    try {
      const admin = await setupAdmin(app);
      const t = admin.token;
      const post = (body: unknown) => call(app, "POST", "/api/v1/libraries", { token: t, body });
      await Deno.mkdir(join(root, "films"));
      await Deno.mkdir(join(root, "more"));
      await Deno.writeTextFile(join(root, "file.txt"), "x");

      for (
        const [body, status, pattern] of [
          [{ name: "A", paths: ["relative/path"] }, 400, /absolute/],
          [{ name: "A", paths: [join(root, "nope")] }, 400, /does not exist/],
          [{ name: "A", paths: [join(root, "file.txt")] }, 400, /not a directory/],
          [{ name: "A", paths: [] }, 400, /paths/],
          [{ name: "", paths: [join(root, "films")] }, 400, /name/],
          [{ name: "A", paths: [join(root, "films")], extra: 1 }, 400, /extra|Unrecognized/i],
          [{ name: "A", paths: [join(root, "films"), join(root, "films/sub")] }, 400, /inside/],
        ] as const
      ) {
        const res = await post(body);
        assertEquals(res.status, status, JSON.stringify(body));
        assertEquals(res.headers.get("content-type"), "application/problem+json");
        assert(pattern.test(JSON.stringify(res.body)), `${JSON.stringify(res.body)} ~ ${pattern}`);
      }

      const created = await post({
        name: "Films",
        paths: [join(root, "films") + "/"],
        language: "de",
      });
      assertEquals(created.status, 201, JSON.stringify(created.body));
      const lib = created.body;
      assertEquals(lib.paths, [join(root, "films")], "stored without the trailing slash");
      assertEquals([lib.language, lib.watch, lib.scanIntervalMinutes], ["de", true, 360]);
      assert(
        ["queued", "running", "idle"].includes(lib.scan.state),
        "its first scan was requested",
      );

      // One folder, one library; names are unique regardless of case.
      assertEquals((await post({ name: "Other", paths: [join(root, "films")] })).status, 409);
      assertEquals(
        (await post({ name: "Other", paths: [join(root, "films", "..", "films")] })).status,
        409,
      );
      assertEquals((await post({ name: "films", paths: [join(root, "more")] })).status, 409);

      const patched = await call(app, "PATCH", `/api/v1/libraries/${lib.id}`, {
        token: t,
        body: {
          name: "Movies",
          paths: [join(root, "films"), join(root, "more")],
          scanIntervalMinutes: 0,
        },
      });
      assertEquals(patched.status, 200, JSON.stringify(patched.body));
      assertEquals(patched.body.paths.length, 2);
      assertEquals(patched.body.scanIntervalMinutes, 0);
      assertEquals(
        (await call(app, "GET", `/api/v1/libraries/${lib.id}`, { token: t })).body.name,
        "Movies",
      );

      // Scans: of the library or paths inside it; a path elsewhere is refused.
      await scanIdle(app, t, lib.id);
      const scan = await call(app, "POST", `/api/v1/libraries/${lib.id}/scan`, { token: t });
      assertEquals(scan.status, 202, JSON.stringify(scan.body));
      assertEquals(typeof scan.body.scanId, "string");
      const outside = await call(app, "POST", `/api/v1/libraries/${lib.id}/scan`, {
        token: t,
        body: { paths: ["/etc"] },
      });
      assertEquals(outside.status, 400);
      const missing = crypto.randomUUID();
      for (
        const [method, path] of [
          ["GET", `/api/v1/libraries/${missing}`],
          ["PATCH", `/api/v1/libraries/${missing}`],
          ["DELETE", `/api/v1/libraries/${missing}`],
          ["POST", `/api/v1/libraries/${missing}/scan`],
          ["GET", `/api/v1/libraries/${missing}/problems`],
          ["GET", `/api/v1/libraries/${missing}/scans`],
        ]
      ) {
        const res = await call(app, method, path, {
          token: t,
          body: method === "PATCH" ? { name: "x" } : undefined,
        });
        assertEquals(res.status, 404, `${method} ${path}`);
      }
      assertEquals(
        (await call(app, "GET", "/api/v1/libraries/not-a-uuid", { token: t })).status,
        400,
      );

      // A plain user: reads only what they are granted, changes nothing.
      const user = await createUser(app, t, "viewer");
      assertEquals(
        (await call(app, "GET", "/api/v1/libraries", { token: user.token })).body.items,
        [],
      );
      assertEquals(
        (await call(app, "GET", `/api/v1/libraries/${lib.id}`, { token: user.token })).status,
        404,
      );
      assertEquals(
        (await call(app, "POST", "/api/v1/libraries", {
          token: user.token,
          body: { name: "x", paths: [root] },
        }))
          .status,
        403,
      );
      assertEquals(
        (await call(app, "POST", `/api/v1/libraries/${lib.id}/scan`, { token: user.token })).status,
        403,
      );
      assertEquals(
        (await call(app, "GET", `/api/v1/libraries/${lib.id}/problems`, { token: user.token }))
          .status,
        403,
      );

      // Granted, then the library is deleted: the grant goes with it.
      await call(app, "PUT", `/api/v1/admin/users/${user.id}/libraries`, {
        token: t,
        body: { libraryIds: [lib.id] },
      });
      assertEquals(
        (await call(app, "GET", `/api/v1/libraries/${lib.id}`, { token: user.token })).status,
        200,
      );
      await scanIdle(app, t, lib.id);
      assertEquals(
        (await call(app, "DELETE", `/api/v1/libraries/${lib.id}`, { token: t })).status,
        204,
      );
      assertEquals(
        (await call(app, "GET", `/api/v1/admin/users/${user.id}/libraries`, { token: t })).body
          .libraryIds,
        [],
      );

      const audit = await call(app, "GET", "/api/v1/admin/audit?limit=200", { token: t });
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      for (
        const a of [
          "library.created",
          "library.updated",
          "library.scan.requested",
          "library.deleted",
        ]
      ) {
        assert(actions.includes(a), `${a} in ${actions}`);
      }
    } finally {
      await app.close();
      await Deno.remove(root, { recursive: true });
    }
  },
);

dbTest(
  "scan requests while one waits join it; scans of two libraries run side by side",
  async () => {
    const app = await startTestApp({ env: { REVENGE_JOB_WORKERS: "0" } });
    try {
      const admin = await setupAdmin(app);
      // No job worker runs here: scans wait, so what requests do to each other is visible.
      const a = await createLibrary(app, admin.token);
      const b = await createLibrary(app, admin.token);
      const first =
        (await call(app, "GET", `/api/v1/libraries/${a.id}`, { token: admin.token })).body.scan;
      assertEquals(first.state, "queued");
      const again = await call(app, "POST", `/api/v1/libraries/${a.id}/scan`, {
        token: admin.token,
        body: { paths: [a.paths[0]] },
      });
      assertEquals(again.body, { scanId: first.id, merged: true }, "joined the waiting scan");
      const other =
        (await call(app, "GET", `/api/v1/libraries/${b.id}`, { token: admin.token })).body.scan;
      assert(other.id !== first.id);
      const jobs = await call(app, "GET", "/api/v1/admin/jobs?kind=library.scan&limit=50", {
        token: admin.token,
      });
      assertEquals(jobs.body.total, 2, "one walk job per library");
    } finally {
      await app.close();
    }
  },
);

dbTest(
  "claimDuePeriodic counts a new library's interval from its creation, and picks it once",
  async () => {
    const app = await startTestApp();
    try {
      const admin = await setupAdmin(app);
      const lib = await createLibrary(app, admin.token);
      const repo = createLibraryRepo(app.db.sql);
      // Created (and scanned) just now: not due, however soon the periodic job runs.
      assertEquals(await repo.claimDuePeriodic(new Date()), []);
      // One interval (360 minutes by default) after its creation it is due, once.
      const later = new Date(Date.now() + 361 * 60_000);
      assertEquals(await repo.claimDuePeriodic(later), [lib.id]);
      assertEquals(await repo.claimDuePeriodic(later), []);
    } finally {
      await app.close();
    }
  },
);
