/**
 * A full sync of 500 films from the fake Radarr into a real library: every
 * film with a file under the mapped root becomes a Revenge film identified
 * by its TMDb id (titles no search would find: a match proves the id was
 * used), Radarr's media info shows until the probe; films whose path is in
 * no library are reported and not imported, films without a file skipped.
 */
import { assert, assertEquals } from "./assert.ts";
import { call } from "./auth_helpers.ts";
import { dbTest } from "./harness.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { waitFor } from "./wait_for.ts";
import { jobDone } from "./metadata_helpers.ts";
import { localPath, startRadarrWorld, syntheticFilms } from "./radarr_helpers.ts";
import { dirname } from "node:path";

const N = 500;
const OUTSIDE = 10;
const NO_FILE = 10;

dbTest(
  "radarr sync: 500 films, each identified by its TMDb id, nothing outside a library",
  async (t) => {
    const { radarr, tmdb } = syntheticFilms(N);
    // Some films live where no library is (Radarr's /archive has no mapping to a library).
    for (const f of radarr.slice(0, OUTSIDE)) f.path = f.path.replace("/movies/", "/archive/");
    // Some have no file yet.
    for (const f of radarr.slice(OUTSIDE, OUTSIDE + NO_FILE)) delete f.fileName;
    const w = await startRadarrWorld({ radarr, tmdb });
    try {
      const inLibrary = radarr.filter((f) => f.fileName && f.path.startsWith("/movies/"));
      const video = await mediaFixture("h264_aac");
      for (const f of inLibrary) {
        const p = localPath(w.libDir, f);
        await Deno.mkdir(dirname(p), { recursive: true });
        await Deno.copyFile(video, p);
      }

      await t.step("POST sync answers 202 with a job; the sync reports what it did", async () => {
        const r = await call(
          w.app,
          "POST",
          `/api/v1/admin/integrations/radarr/${w.instanceId}/sync`,
          {
            token: w.token,
          },
        );
        assertEquals(r.status, 202, JSON.stringify(r.body));
        const job = await jobDone(w.app, w.token, r.body.jobId);
        assertEquals(job.state, "succeeded", JSON.stringify(job));
        const s = await call(
          w.app,
          "GET",
          `/api/v1/admin/integrations/radarr/${w.instanceId}/status`,
          {
            token: w.token,
          },
        );
        assertEquals(s.status, 200);
        assertEquals(s.body.reachable, true);
        assertEquals(s.body.lastSync.films, N);
        assertEquals(s.body.lastSync.withFile, N - NO_FILE);
        assertEquals(s.body.lastSync.inLibrary, inLibrary.length);
        assertEquals(s.body.lastSync.notInLibrary, OUTSIDE);
        assertEquals(
          s.body.lastSync.unplaced.map((u: { path: string }) => u.path).sort(),
          radarr.slice(0, OUTSIDE).map((f) => `${f.path}/${f.fileName}`).sort(),
          "reported with Radarr's path as mapped",
        );
      });

      await t.step("every film in the library is identified by Radarr's TMDb id", async () => {
        let rows: { tmdbId: number; path: string; state: string; source: string }[] = [];
        await waitFor(async () => {
          rows = [
            ...await w.app.db.sql<typeof rows>`
            select m.tmdb_id as "tmdbId", f.path, m.match_state as state, m.match_source as source
            from movie_files f join movies m on m.id = f.movie_id
            where f.library_id = ${w.libraryId}`,
          ];
          return rows.length === inLibrary.length && rows.every((r) => r.state === "matched");
        }, {
          message: () =>
            `${inLibrary.length} matched films (have ${rows.length}, ${
              rows.filter((r) => r.state === "matched").length
            } matched)`,
          timeoutMs: 240_000,
          intervalMs: 500,
        });
        const byPath = new Map(rows.map((r) => [r.path, r]));
        for (const f of inLibrary) {
          const row = byPath.get(localPath(w.libDir, f));
          assert(row, `film ${f.id} imported at its mapped path`);
          assertEquals(row.tmdbId, f.tmdbId);
          assertEquals(row.source, "name_id");
        }
      });

      await t.step(
        "nothing outside a library was imported; one scan, of the folder holding the films",
        async () => {
          const [all] = await w.app.db.sql<{ n: number }[]>`select count(*)::int as n from movies`;
          assertEquals(all.n, inLibrary.length);
          const scans = await w.app.db.sql<{ paths: string[] | null }[]>`
        select paths from library_scans where library_id = ${w.libraryId} and reason = 'radarr'`;
          assertEquals(scans.length, 1);
          // 480 film folders: the scan covers the folder that holds them (Radarr's /movies, mapped).
          assertEquals(scans[0].paths, [w.libDir]);
        },
      );

      await t.step("a second sync changes no film", async () => {
        const before = await w.app.db.sql`select id, tmdb_id from movies order by id`;
        const r = await call(
          w.app,
          "POST",
          `/api/v1/admin/integrations/radarr/${w.instanceId}/sync`,
          {
            token: w.token,
          },
        );
        assertEquals((await jobDone(w.app, w.token, r.body.jobId)).state, "succeeded");
        const after = await w.app.db.sql`select id, tmdb_id from movies order by id`;
        assertEquals(after, before);
      });
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "radarr sync: Radarr's media info is used until our probe has its own (a failed probe keeps it)",
  async () => {
    const { radarr, tmdb } = syntheticFilms(1, 700);
    radarr[0].resolution = "3840x2160";
    radarr[0].videoCodec = "x265";
    const w = await startRadarrWorld({ radarr, tmdb, env: { REVENGE_PROBE_CONCURRENCY: "1" } });
    try {
      // The file is not video at all: our probe fails, and what Radarr said stays (over the name's 1080p).
      const p = localPath(w.libDir, radarr[0]);
      await Deno.mkdir(dirname(p), { recursive: true });
      await Deno.writeTextFile(p, "not a video");
      const r = await call(
        w.app,
        "POST",
        `/api/v1/admin/integrations/radarr/${w.instanceId}/sync`,
        {
          token: w.token,
        },
      );
      await jobDone(w.app, w.token, r.body.jobId);
      let row: Record<string, unknown> | undefined;
      await waitFor(async () => {
        [row] = await w.app.db.sql`
        select resolution, video_codec as "videoCodec", height, probe_state as "probeState"
        from movie_files where library_id = ${w.libraryId}`;
        return row?.probeState === "failed";
      }, { message: () => `the probe to fail (${JSON.stringify(row)})`, timeoutMs: 60_000 });
      assertEquals(row!.resolution, "2160p");
      assertEquals(row!.videoCodec, "h265");
      assertEquals(row!.height, 2160);
    } finally {
      await w.close();
    }
  },
);
