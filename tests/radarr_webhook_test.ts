/**
 * Radarr's webhook receiver against the real app, a real library on disk
 * and the fake Radarr's payloads: authentication (401, audited), Download
 * (twice and concurrently: one scan, one film, identified by TMDb id),
 * Rename (watch progress kept), MovieFileDelete (missing, removed after the
 * grace period), Test (nothing changes), unknown and Health events, and the
 * Emby/Jellyfin-style `POST /Library/Media/Updated`.
 */
import { dirname } from "node:path";
import { assert, assertEquals } from "./assert.ts";
import { call } from "./auth_helpers.ts";
import { dbTest } from "./harness.ts";
import { scanIdle } from "./library_helpers.ts";
import { place } from "./metadata_helpers.ts";
import { waitFor } from "./wait_for.ts";
import { radarrPayloads } from "./fakes/radarr.ts";
import {
  localPath,
  postWebhook,
  type RadarrWorld,
  startRadarrWorld,
  syntheticFilms,
} from "./radarr_helpers.ts";

const { radarr: FILMS, tmdb: TMDB } = syntheticFilms(6);

async function radarrScans(w: RadarrWorld): Promise<number> {
  const [r] = await w.app.db.sql<{ n: number }[]>`
    select count(*)::int as n from library_scans
    where library_id = ${w.libraryId} and reason = 'radarr'`;
  return r.n;
}

async function filesOf(w: RadarrWorld) {
  return [
    ...await w.app.db.sql<
      {
        movieId: string;
        path: string;
        missing: Date | null;
        tmdbId: number | null;
        state: string;
        source: string | null;
      }[]
    >`
      select f.movie_id as "movieId", f.path, f.missing_since as missing, m.tmdb_id as "tmdbId",
        m.match_state as state, m.match_source as source
      from movie_files f join movies m on m.id = f.movie_id
      where f.library_id = ${w.libraryId} order by f.path`,
  ];
}

/** Waits until every job of the integrations is done and the library's scan is idle. */
async function settled(w: RadarrWorld): Promise<void> {
  let open: unknown[] = [];
  await waitFor(async () => {
    open = [
      ...await w.app.db.sql`
        select kind, state, attempt, last_error from jobs
        where kind like 'radarr.%' and state not in ('succeeded', 'dead', 'cancelled')`,
    ];
    return open.length === 0;
  }, { message: () => `radarr jobs to finish: ${JSON.stringify(open)}`, timeoutMs: 30_000 });
  await scanIdle(w.app, w.token, w.libraryId);
}

async function matched(w: RadarrWorld, path: string) {
  let row: Awaited<ReturnType<typeof filesOf>>[number] | undefined;
  await waitFor(async () => {
    row = (await filesOf(w)).find((f) => f.path === path);
    return row?.state === "matched";
  }, { message: () => `${path} to be matched (${JSON.stringify(row)})`, timeoutMs: 30_000 });
  return row!;
}

dbTest("radarr webhook: authentication, events, idempotence, library effects", async (t) => {
  const w = await startRadarrWorld({ radarr: FILMS, tmdb: TMDB });
  try {
    await t.step("a missing or wrong secret is 401 and audited", async () => {
      const path = `/api/v1/webhooks/radarr/${w.instanceId}`;
      const body = radarrPayloads.download(FILMS[0]);
      const none = await call(w.app, "POST", path, { body });
      assertEquals(none.status, 401);
      assertEquals(none.headers.get("content-type"), "application/problem+json");
      const wrong = await call(w.app, "POST", `${path}?token=nope`, { body });
      assertEquals(wrong.status, 401);
      const basicWrong = await call(w.app, "POST", path, {
        body,
        headers: { authorization: `Basic ${btoa("radarr:nope")}` },
      });
      assertEquals(basicWrong.status, 401);
      const otherInstance = await call(
        w.app,
        "POST",
        `/api/v1/webhooks/radarr/${crypto.randomUUID()}?token=${w.secret}`,
        { body },
      );
      assertEquals(otherInstance.status, 401);
      const [audit] = await w.app.db.sql<{ n: number }[]>`
        select count(*)::int as n from audit_log where action = 'radarr.webhook.rejected'`;
      assertEquals(audit.n, 4);
      assertEquals(await radarrScans(w), 0);
    });

    await t.step("Test answers 202 and changes nothing", async () => {
      const before = await w.app.db.sql`select
        (select count(*) from jobs)::int as jobs, (select count(*) from radarr_events)::int as events,
        (select count(*) from library_scans)::int as scans, (select count(*) from movies)::int as movies`;
      const r = await postWebhook(w, radarrPayloads.test());
      assertEquals(r.status, 202, JSON.stringify(r.body));
      assertEquals(r.body.eventType, "Test");
      const after = await w.app.db.sql`select
        (select count(*) from jobs)::int as jobs, (select count(*) from radarr_events)::int as events,
        (select count(*) from library_scans)::int as scans, (select count(*) from movies)::int as movies`;
      assertEquals(after, before);
    });

    const f = FILMS[0];
    const file = localPath(w.libDir, f);
    await t.step(
      "the same Download twice and concurrently: one scan, one film, by TMDb id",
      async () => {
        await place(file);
        const payload = radarrPayloads.download(f);
        const [a, b] = await Promise.all([postWebhook(w, payload), postWebhook(w, payload)]);
        assertEquals([a.status, b.status], [202, 202]);
        assertEquals([a.body.accepted, b.body.accepted].filter(Boolean).length, 1);
        // And by HTTP Basic, as Radarr's connection offers: recognised as the same delivery.
        const c = await postWebhook(w, payload, {
          url: new URL(w.webhookUrl).origin + `/api/v1/webhooks/radarr/${w.instanceId}`,
          headers: { authorization: `Basic ${btoa(`radarr:${w.secret}`)}` },
        });
        assertEquals(c.status, 202);
        assertEquals(c.body.accepted, false);
        await settled(w);
        const again = await postWebhook(w, payload);
        assertEquals([again.status, again.body.accepted], [202, false]);
        await settled(w);
        assertEquals(await radarrScans(w), 1);
        const row = await matched(w, file);
        assertEquals(row.tmdbId, f.tmdbId);
        assertEquals(row.source, "name_id", "identified by the id Radarr gave, not by a search");
        assertEquals((await filesOf(w)).length, 1);
      },
    );

    await t.step("a scan touches only the film's folder", async () => {
      const [scan] = await w.app.db.sql<{ paths: string[] }[]>`
        select paths from library_scans where library_id = ${w.libraryId} and reason = 'radarr'`;
      assertEquals(scan.paths, [dirname(file)]);
    });

    await t.step("Rename moves the file and keeps watch progress", async () => {
      const { movieId } = (await filesOf(w))[0];
      const report = await call(w.app, "POST", `/api/v1/movies/${movieId}/progress`, {
        token: w.token,
        body: { positionMs: 600_000, durationMs: 6_000_000 },
      });
      assert(report.status < 300, JSON.stringify(report.body));
      const oldName = f.fileName!;
      const renamed = { ...f, fileName: "Synthetic Picture 1 (1951) {tmdb-900001}.mp4" };
      await Deno.rename(file, localPath(w.libDir, renamed));
      const r = await postWebhook(w, radarrPayloads.rename(renamed, oldName));
      assertEquals(r.status, 202);
      await settled(w);
      const files = await filesOf(w);
      assertEquals(files.map((x) => [x.movieId, x.path, x.missing]), [
        [movieId, localPath(w.libDir, renamed), null],
      ]);
      const progress = await call(w.app, "GET", `/api/v1/movies/${movieId}/progress`, {
        token: w.token,
      });
      assertEquals(progress.status, 200);
      assertEquals(progress.body.positionMs, 600_000);
      FILMS[0] = renamed;
    });

    await t.step(
      "MovieFileDelete marks the file missing, removed after the grace period",
      async () => {
        const film = FILMS[0];
        const path = localPath(w.libDir, film);
        await Deno.remove(path);
        const r = await postWebhook(w, radarrPayloads.movieFileDelete(film, "manual"));
        assertEquals(r.status, 202);
        await settled(w);
        const [row] = await filesOf(w);
        assert(row.missing, "marked missing, not removed at once");
        const list = await call(w.app, "GET", `/api/v1/movies?libraryId=${w.libraryId}`, {
          token: w.token,
        });
        assertEquals(list.body.items.length, 0, "a missing film is hidden from lists");
        // The grace period (72 h by default) passes: the next scan of the folder removes it.
        await w.app.db.sql`
        update movie_files set missing_since = missing_since - interval '73 hours'
        where library_id = ${w.libraryId}`;
        await postWebhook(w, {
          ...radarrPayloads.movieFileDelete(film, "upgrade"),
          movieFile: { ...radarrPayloads.movieFileDelete(film).movieFile, id: 777 },
        });
        await settled(w);
        assertEquals(await filesOf(w), []);
      },
    );

    await t.step(
      "Health, Grab, MovieAdded and unknown types: 202, logged, nothing in the library",
      async () => {
        const before = await radarrScans(w);
        for (
          const p of [
            radarrPayloads.health(),
            radarrPayloads.grab(FILMS[1]),
            radarrPayloads.movieAdded(FILMS[1]),
            {
              eventType: "ApplicationUpdate",
              message: "Radarr updated",
              previousVersion: "5.0",
              newVersion: "5.1",
            },
            { eventType: "SomethingNew", whatever: [1, 2, 3] },
          ]
        ) {
          const r = await postWebhook(w, p);
          assertEquals(r.status, 202, JSON.stringify(r.body));
        }
        const bad = await postWebhook(w, { notAnEvent: true });
        assertEquals(bad.status, 400);
        await settled(w);
        assertEquals(await radarrScans(w), before);
        const [dead] = await w.app.db.sql<{ n: number }[]>`
        select count(*)::int as n from jobs where kind = 'radarr.webhook' and state <> 'succeeded'`;
        assertEquals(dead.n, 0);
      },
    );

    await t.step("POST /Library/Media/Updated: the Emby/Jellyfin connection", async () => {
      const film = FILMS[2];
      const path = localPath(w.libDir, film);
      await place(path);
      const body = { Updates: [{ Path: film.path, UpdateType: "Created" }] };
      const none = await call(w.app, "POST", "/Library/Media/Updated", { body });
      assertEquals(none.status, 401);
      assertEquals(none.headers.get("content-type"), "application/problem+json");
      assert(none.headers.get("x-ratelimit-limit"), "the API's rate limit applies");
      const wrong = await call(w.app, "POST", "/Library/Media/Updated", {
        body,
        headers: { "x-mediabrowser-token": "nope" },
      });
      assertEquals(wrong.status, 401);
      const ok = await call(w.app, "POST", "/Library/Media/Updated", {
        body,
        headers: { "x-mediabrowser-token": w.secret },
      });
      assertEquals(ok.status, 202, JSON.stringify(ok.body));
      await settled(w);
      const files = await filesOf(w);
      assertEquals(files.map((x) => x.path), [path]);
    });
  } finally {
    await w.close();
  }
});
