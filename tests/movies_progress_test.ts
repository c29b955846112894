/**
 * Watch progress through the API: the Jellyfin-like thresholds (resume
 * points kept only between them, watched past the upper one, short films
 * never resumed), their configuration, clearing, marking watched, guests
 * (no history), and concurrent reports keeping one consistent row.
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, type Reply, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp, type TestApp } from "./harness.ts";
import { movieRows } from "./movie_rows.ts";

const M = "/api/v1/movies";
const LONG = 6_000_000; // 100 minutes
const SHORT = 240_000; // 4 minutes

async function setup(app: TestApp) {
  const rows = movieRows(app.db.sql);
  const lib = await rows.library("Films");
  const film = async (title: string, durationMs: number | null) => {
    const id = await rows.film(lib, { title });
    await rows.file(id, {
      durationMs,
      probeState: durationMs === null ? "pending" : "ready",
      resolution: "1080p",
    });
    return id;
  };
  const admin = await setupAdmin(app);
  const alice = await createUser(app, admin.token, "alice");
  const grant = await call(app, "PUT", `/api/v1/admin/users/${alice.id}/libraries`, {
    token: admin.token,
    body: { libraryIds: [lib] },
  });
  assertEquals(grant.status, 200);
  return { lib, film, admin, alice };
}

function client(app: TestApp, token: string) {
  return {
    report: (id: string, body: unknown) =>
      call(app, "POST", `${M}/${id}/progress`, { token, body }),
    progress: async (id: string) => {
      const r = await call(app, "GET", `${M}/${id}/progress`, { token });
      assertEquals(r.status, 200, JSON.stringify(r.body));
      return r.body;
    },
    list: async (name: string) => {
      const r = await call(app, "GET", `${M}/${name}`, { token });
      assertEquals(r.status, 200);
      return r.body.items.map((m: { id: string }) => m.id) as string[];
    },
    watched: (id: string, body?: unknown) =>
      call(app, "POST", `${M}/${id}/watched`, { token, body }),
    clear: (id: string) => call(app, "DELETE", `${M}/${id}/progress`, { token }),
  };
}

const at = (percent: number, durationMs = LONG) => ({ positionMs: durationMs * percent / 100 });

dbTest(
  "POST /api/v1/movies/{id}/progress keeps resume points between the thresholds",
  async (t) => {
    const app = await startTestApp();
    try {
      const { film, alice } = await setup(app);
      const me = client(app, alice.token);
      const long = await film("Long", LONG);

      await t.step("never played: zeros, not 404", async () => {
        assertEquals(await me.progress(long), {
          positionMs: 0,
          durationMs: null,
          watched: false,
          playCount: 0,
          lastPlayedAt: null,
          resumable: false,
        });
      });

      await t.step("4%: nothing kept for resume", async () => {
        assertEquals((await me.report(long, at(4))).status, 204);
        const p = await me.progress(long);
        assertEquals([p.positionMs, p.resumable, p.watched, p.playCount, p.durationMs], [
          0,
          false,
          false,
          0,
          LONG,
        ]);
        assert(!isNaN(Date.parse(p.lastPlayedAt)));
        assertEquals(await me.list("continue-watching"), []);
      });

      await t.step("50%: resumable, in continue watching, on the list item", async () => {
        assertEquals((await me.report(long, at(50))).status, 204);
        const p = await me.progress(long);
        assertEquals([p.positionMs, p.resumable, p.watched], [LONG / 2, true, false]);
        assertEquals(await me.list("continue-watching"), [long]);
        const item = (await call(app, "GET", `${M}/${long}`, { token: alice.token })).body;
        assertEquals(item.userData, p);
      });

      await t.step("95%: watched, one play, out of continue watching, in history", async () => {
        assertEquals((await me.report(long, at(95))).status, 204);
        let p = await me.progress(long);
        assertEquals([p.positionMs, p.resumable, p.watched, p.playCount], [0, false, true, 1]);
        assertEquals(await me.list("continue-watching"), []);
        assertEquals(await me.list("watch-history"), [long]);
        // The player goes on reporting until it stops: still one play.
        assertEquals((await me.report(long, at(97))).status, 204);
        assertEquals((await me.report(long, at(100))).status, 204);
        p = await me.progress(long);
        assertEquals([p.playCount, p.watched, p.positionMs], [1, true, 0]);
      });

      await t.step(
        "a rewatch: resumable again, still watched, a second play at the end",
        async () => {
          await me.report(long, at(30));
          let p = await me.progress(long);
          assertEquals([p.positionMs, p.watched, p.resumable], [LONG * 0.3, true, true]);
          assertEquals(await me.list("continue-watching"), [long]);
          await me.report(long, at(92));
          p = await me.progress(long);
          assertEquals([p.playCount, p.positionMs], [2, 0]);
        },
      );

      await t.step("past the end counts as the end", async () => {
        const other = await film("Other", LONG);
        assertEquals((await me.report(other, { positionMs: LONG + 5_000 })).status, 204);
        const p = await me.progress(other);
        assertEquals([p.watched, p.playCount, p.positionMs], [true, 1, 0]);
        // A duration given by the player wins; past it, the end too.
        const third = await film("Third", LONG);
        await me.report(third, { positionMs: 700_000, durationMs: 600_000 });
        const q = await me.progress(third);
        assertEquals([q.watched, q.durationMs], [true, 600_000]);
      });

      await t.step("no duration known: the position alone; given one: the rules", async () => {
        const unprobed = await film("Unprobed", null);
        assertEquals((await me.report(unprobed, { positionMs: 12_345 })).status, 204);
        let p = await me.progress(unprobed);
        assertEquals([p.positionMs, p.durationMs, p.watched, p.resumable], [
          12_345,
          null,
          false,
          true,
        ]);
        await me.report(unprobed, { positionMs: 3_000_000, durationMs: LONG });
        p = await me.progress(unprobed);
        assertEquals([p.positionMs, p.durationMs], [3_000_000, LONG]);
        // A later report without a duration keeps the one known.
        await me.report(unprobed, { positionMs: 3_100_000 });
        p = await me.progress(unprobed);
        assertEquals([p.positionMs, p.durationMs], [3_100_000, LONG]);
      });

      await t.step("a short film is never resumed, only watched", async () => {
        const short = await film("Short", SHORT);
        await me.report(short, at(2, SHORT));
        let p = await me.progress(short);
        assertEquals([p.positionMs, p.watched, p.playCount], [0, false, 0]);
        await me.report(short, at(50, SHORT));
        p = await me.progress(short);
        assertEquals([p.positionMs, p.resumable, p.watched, p.playCount], [0, false, true, 1]);
        assert(!(await me.list("continue-watching")).includes(short));
      });

      await t.step("bad reports are 400 problems", async () => {
        for (
          const body of [
            { positionMs: -1 },
            { positionMs: "12" },
            { positionMs: 1.5 },
            {},
            { positionMs: 1, durationMs: 0 },
            { positionMs: 1e13 },
          ]
        ) {
          const r = await me.report(long, body);
          assertEquals(r.status, 400, JSON.stringify(body));
          assertEquals(r.headers.get("content-type"), "application/problem+json");
        }
        const notJson = await app.fetch(`${M}/${long}/progress`, {
          method: "POST",
          headers: { authorization: `Bearer ${alice.token}`, "content-type": "text/plain" },
          body: "positionMs=1",
        });
        await notJson.body?.cancel();
        assertEquals(notJson.status, 415);
      });
    } finally {
      await app.close();
    }
  },
);

dbTest("DELETE /api/v1/movies/{id}/progress and POST …/watched", async () => {
  const app = await startTestApp();
  try {
    const { film, alice } = await setup(app);
    const me = client(app, alice.token);
    const a = await film("A", LONG);

    await me.report(a, at(40));
    assertEquals((await me.clear(a)).status, 204);
    assertEquals((await me.progress(a)).lastPlayedAt, null);
    assertEquals(await me.list("watch-history"), []);
    assertEquals((await me.clear(a)).status, 204, "clearing twice is fine");

    const marked: Reply = await me.watched(a, { watched: true });
    assertEquals(marked.status, 200);
    assertEquals([marked.body.watched, marked.body.playCount, marked.body.positionMs], [
      true,
      1,
      0,
    ]);
    assertEquals(await me.progress(a), marked.body);
    // Marking it again is no new play.
    assertEquals((await me.watched(a)).body.playCount, 1);
    assertEquals(await me.list("watch-history"), [a]);

    await me.report(a, at(40));
    const unmarked = await me.watched(a, { watched: false });
    assertEquals(unmarked.status, 200);
    assertEquals(
      [unmarked.body.watched, unmarked.body.positionMs, unmarked.body.resumable],
      [false, 0, false],
    );
    assertEquals(unmarked.body.playCount, 1, "the history stays");
    // Without a body: watched.
    assertEquals((await me.watched(a)).body.playCount, 2);

    // Not watched, never played: still nothing stored.
    const b = await film("B", LONG);
    assertEquals((await me.watched(b, { watched: false })).body.lastPlayedAt, null);
    assertEquals((await me.watched(b, { watched: "yes" })).status, 400);
  } finally {
    await app.close();
  }
});

dbTest("progress thresholds come from REVENGE_WATCHED_PERCENT and friends", async () => {
  const app = await startTestApp({
    env: {
      REVENGE_WATCHED_PERCENT: "50",
      REVENGE_RESUME_MIN_PERCENT: "20",
      REVENGE_RESUME_MIN_DURATION_SEC: "1m",
    },
  });
  try {
    const { film, alice } = await setup(app);
    const me = client(app, alice.token);
    const long = await film("Long", LONG);
    await me.report(long, at(15));
    assertEquals((await me.progress(long)).resumable, false);
    await me.report(long, at(30));
    assertEquals((await me.progress(long)).positionMs, LONG * 0.3);
    await me.report(long, at(55));
    assertEquals((await me.progress(long)).watched, true);
    // Four minutes is long enough now.
    const short = await film("Short", SHORT);
    await me.report(short, at(30, SHORT));
    const p = await me.progress(short);
    assertEquals([p.resumable, p.watched], [true, false]);
  } finally {
    await app.close();
  }
});

dbTest("progress writes need self:update: a guest reads but keeps no history", async () => {
  const app = await startTestApp();
  try {
    const { lib, film, admin } = await setup(app);
    const guest = await createUser(app, admin.token, "visitor", ["guest"]);
    await call(app, "PUT", `/api/v1/admin/users/${guest.id}/libraries`, {
      token: admin.token,
      body: { libraryIds: [lib] },
    });
    const id = await film("A", LONG);
    const g = client(app, guest.token);
    assertEquals((await g.report(id, at(50))).status, 403);
    assertEquals((await g.watched(id)).status, 403);
    assertEquals((await g.clear(id)).status, 403);
    assertEquals((await g.progress(id)).playCount, 0);
    assertEquals((await call(app, "GET", `${M}/${id}`, { token: guest.token })).status, 200);
    const [{ count }] = await app.db.sql<{ count: number }[]>`
      select count(*)::int as count from watch_progress`;
    assertEquals(count, 0);
  } finally {
    await app.close();
  }
});

dbTest("20 concurrent progress reports keep one consistent row", async () => {
  const app = await startTestApp();
  try {
    const { film, alice } = await setup(app);
    const me = client(app, alice.token);
    const id = await film("Race", LONG);

    // All past the end at once, starting from no row: one play, not twenty.
    const ends = await Promise.all(
      Array.from({ length: 20 }, (_, i) => me.report(id, at(91 + i % 9))),
    );
    assertEquals(ends.map((r) => r.status), Array(20).fill(204));
    let p = await me.progress(id);
    assertEquals([p.watched, p.playCount, p.positionMs], [true, 1, 0]);

    // Positions in the middle at once: the row holds one of them, nothing else moved.
    const positions = Array.from({ length: 20 }, (_, i) => (10 + 2 * i) * LONG / 100);
    const middles = await Promise.all(positions.map((positionMs) => me.report(id, { positionMs })));
    assertEquals(middles.map((r) => r.status), Array(20).fill(204));
    p = await me.progress(id);
    assert(positions.includes(p.positionMs), String(p.positionMs));
    assertEquals([p.watched, p.playCount, p.durationMs], [true, 1, LONG]);

    // Rewatch endings at once: exactly one more play.
    await Promise.all(Array.from({ length: 20 }, () => me.report(id, at(95))));
    p = await me.progress(id);
    assertEquals([p.playCount, p.positionMs], [2, 0]);
    const rows = await app.db.sql`select 1 from watch_progress where movie_id = ${id}`;
    assertEquals(rows.length, 1);
  } finally {
    await app.close();
  }
});
