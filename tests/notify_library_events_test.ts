/**
 * The library's events from a real scan of real media: `movie.added`,
 * `movie.available` and `library.scan_done` reach an administrator's agent
 * with the film's fields, each film is announced once, and a user hears of
 * films only in the libraries granted to them.
 */
import { assertEquals } from "./assert.ts";
import { call, login, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";
import { dbTest } from "./harness.ts";
import { startReceiver } from "./fakes/notify_receivers.ts";
import { createLibrary, scanIdle, scanNow } from "./library_helpers.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { notificationsSettled, startNotifyApp } from "./notify_helpers.ts";

const AGENTS = "/api/v1/admin/notifications/agents";

dbTest(
  "a scan announces new films once, when available, and its end, to who may see them",
  async () => {
    const env = await startNotifyApp();
    const hook = startReceiver({ kind: "webhook" });
    try {
      const { app } = env;
      const admin = await setupAdmin(app);
      const lib = await createLibrary(app, admin.token, { name: "Films" });
      await scanIdle(app, admin.token, lib.id);
      for (
        const body of [
          {
            name: "admin",
            events: ["movie.added", "movie.available", "library.scan_done"],
            settings: { url: `${hook.url}/admin` },
          },
          {
            name: "shared",
            events: [],
            userSelectable: true,
            settings: { url: `${hook.url}/shared` },
          },
        ]
      ) {
        const r = await call(app, "POST", AGENTS, {
          token: admin.token,
          body: { kind: "webhook", ...body },
        });
        assertEquals(r.status, 201, JSON.stringify(r.body));
      }
      const shared = (await call(app, "GET", AGENTS, { token: admin.token })).body.items
        .find((a: { name: string }) => a.name === "shared").id;
      for (const username of ["kim", "lee"]) {
        const u = await call(app, "POST", "/api/v1/admin/users", {
          token: admin.token,
          body: { username, password: USER_PASSWORD, roles: ["user"] },
        });
        if (username === "kim") {
          const g = await call(app, "PUT", `/api/v1/admin/users/${u.body.id}/libraries`, {
            token: admin.token,
            body: { libraryIds: [lib.id] },
          });
          assertEquals(g.status, 200, JSON.stringify(g.body));
        }
        const token = await login(app, username, USER_PASSWORD);
        const p = await call(app, "PUT", `/api/v1/users/me/notifications/preferences/${shared}`, {
          token,
          body: { events: ["movie.added"] },
        });
        assertEquals(p.status, 200, JSON.stringify(p.body));
      }
      await notificationsSettled(app);
      const before = hook.received.length;

      const folder = `${lib.paths[0]}/Arrival (2016)`;
      await Deno.mkdir(folder);
      await Deno.copyFile(await mediaFixture("h264_aac"), `${folder}/Arrival (2016).mp4`);
      await scanNow(app, admin.token, lib.id);
      await notificationsSettled(app);

      const got = hook.received.slice(before);
      const at = (path: string, event: string) =>
        got.filter((r) => r.path === path && r.json.event === event).map((r) => r.json.fields);
      const [added] = at("/admin", "movie.added");
      assertEquals([added.title, added.year, added.library], ["Arrival", 2016, "Films"]);
      const [available] = at("/admin", "movie.available");
      assertEquals(available.movieId, added.movieId);
      const [done] = at("/admin", "library.scan_done");
      assertEquals([done.library, done.added, done.outcome], ["Films", 1, "done"]);
      // Kim can see the library, Lee cannot: one message through the shared agent.
      assertEquals(at("/shared", "movie.added").length, 1);

      // A rescan that changes nothing announces no film again, only its end.
      const mark = hook.received.length;
      await scanNow(app, admin.token, lib.id);
      await notificationsSettled(app);
      assertEquals(hook.received.slice(mark).map((r) => r.json.event), ["library.scan_done"]);
    } finally {
      await hook.close();
      await env.close();
    }
  },
);
