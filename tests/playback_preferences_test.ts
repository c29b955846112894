/**
 * Playback preferences: `GET/PUT /api/v1/users/me/preferences/playback`
 * (validation, one's own only, guests refused), and their effect on the
 * real playback decision for a generated file with an English and a French
 * audio track and a forced English subtitle: the preferred audio language's
 * track, the forced subtitle chosen and shown as selected, the cap making
 * the server transcode down, and a request's own choice winning. Plus the
 * pure rules of `applyPreferences` (language codes in either form).
 */
import { assert, assertEquals } from "./assert.ts";
import { call, createUser, setupAdmin } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { mediaFixture } from "./media_fixtures.ts";
import { applyPreferences } from "../lib/playback/preferences.ts";
import { NO_PREFERENCES, sameLanguage } from "../lib/model/playback_preferences.ts";
import type { MediaInfo } from "../lib/model/media_info.ts";

const PATH = "/api/v1/users/me/preferences/playback";

dbTest("playback preferences: the API, and the decision applies them", async (t) => {
  const app = await startTestApp();
  const dir = await Deno.makeTempDir({ prefix: "revenge-prefs-" });
  try {
    const admin = await setupAdmin(app);
    await Deno.mkdir(`${dir}/Multi (2001)`);
    const path = `${dir}/Multi (2001)/Multi (2001).mkv`;
    await Deno.copyFile(await mediaFixture("h264_multi"), path);
    const lib = await createLibrary(app, admin.token, { paths: [dir] });
    await scanIdle(app, admin.token, lib.id);
    const [film] = await app.db.sql<{ id: string }[]>`
      select m.id from movies m join movie_files f on f.movie_id = m.id
      where f.path = ${path} and f.probe_state = 'ready'`;
    assert(film, "the file is scanned and probed");
    const user = await createUser(app, admin.token, "viewer");
    const other = await createUser(app, admin.token, "other");
    const guest = await createUser(app, admin.token, "visitor", ["guest"]);
    for (const u of [user, other, guest]) {
      const r = await call(app, "PUT", `/api/v1/admin/users/${u.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [lib.id] },
      });
      assertEquals(r.status, 200, JSON.stringify(r.body));
    }
    const decide = (token: string, body: Record<string, unknown> = {}) =>
      call(app, "POST", `/api/v1/movies/${film.id}/playback`, {
        token,
        body: { profile: "chromium", ...body },
      });

    await t.step("no preferences: the defaults, and the file's default tracks", async () => {
      const r = await call(app, "GET", PATH, { token: user.token });
      assertEquals(r.status, 200);
      assertEquals(r.body, {
        audioLanguage: null,
        subtitleLanguage: null,
        subtitleMode: "off",
        maxBitrate: null,
      });
      const d = await decide(user.token);
      assertEquals(d.status, 200, JSON.stringify(d.body));
      assertEquals(d.body.audioTrack.language, "eng");
      assertEquals(d.body.subtitleTrack, null);
      assertEquals(d.body.subtitles.filter((s: { selected: boolean }) => s.selected), []);
    });

    await t.step("bad input is a 400 problem naming the field", async () => {
      for (
        const [body, field] of [
          [{ ...NO_PREFERENCES, audioLanguage: "english" }, "audioLanguage"],
          [{ ...NO_PREFERENCES, subtitleMode: "sometimes" }, "subtitleMode"],
          [{ ...NO_PREFERENCES, maxBitrate: 5 }, "maxBitrate"],
          [{ ...NO_PREFERENCES, maxBitrate: 1.5e6 + 0.5 }, "maxBitrate"],
          [{ audioLanguage: "en" }, "subtitleMode"],
          [{ ...NO_PREFERENCES, userId: other.id }, "userId"],
        ] as const
      ) {
        const r = await call(app, "PUT", PATH, { token: user.token, body });
        assertEquals(r.status, 400, JSON.stringify(body));
        assertEquals(r.headers.get("content-type"), "application/problem+json");
        assert(
          JSON.stringify(r.body.errors ?? r.body).includes(field),
          `${JSON.stringify(r.body)} names ${field}`,
        );
      }
    });

    await t.step("stored, one's own only; a guest may neither read nor write", async () => {
      const prefs = {
        audioLanguage: "FR",
        subtitleLanguage: "en",
        subtitleMode: "forced",
        maxBitrate: 150_000,
      };
      const put = await call(app, "PUT", PATH, { token: user.token, body: prefs });
      assertEquals(put.status, 200, JSON.stringify(put.body));
      assertEquals(put.body, { ...prefs, audioLanguage: "fr" });
      assertEquals((await call(app, "GET", PATH, { token: user.token })).body.audioLanguage, "fr");
      assertEquals((await call(app, "GET", PATH, { token: other.token })).body, NO_PREFERENCES);
      assertEquals((await call(app, "GET", PATH, { token: guest.token })).status, 403);
      assertEquals(
        (await call(app, "PUT", PATH, { token: guest.token, body: NO_PREFERENCES })).status,
        403,
      );
      assertEquals((await call(app, "GET", PATH)).status, 401);
    });

    await t.step("the decision plays the preferred tracks under the cap", async () => {
      const d = await decide(user.token);
      assertEquals(d.status, 200, JSON.stringify(d.body));
      assertEquals(d.body.audioTrack.language, "fra", "the French track");
      const chosen = d.body.subtitles.filter((s: { selected: boolean }) => s.selected);
      assertEquals(chosen.length, 1, JSON.stringify(d.body.subtitles));
      assertEquals([chosen[0].language, chosen[0].forced], ["eng", true]);
      assertEquals(d.body.subtitleTrack, chosen[0].index);
      assert(chosen[0].url, "a text subtitle the player can show");
      assertEquals(d.body.method, "transcode", JSON.stringify(d.body.reasons));
      assert(
        d.body.reasons.some((r: { code: string }) => r.code === "bitrate_too_high"),
        JSON.stringify(d.body.reasons),
      );
      assert(d.body.bitrate <= 150_000, `sent at ${d.body.bitrate} bit/s`);
      // Another user's decision is untouched by these preferences.
      const o = await decide(other.token);
      assertEquals(o.body.audioTrack.language, "eng");
      assertEquals(o.body.subtitleTrack, null);
    });

    await t.step("what the request chooses wins; the lower cap counts", async () => {
      const d = await decide(user.token, { audioTrack: 1, maxBitrate: 120_000 });
      assertEquals(d.status, 200, JSON.stringify(d.body));
      assertEquals(d.body.audioTrack.language, "eng");
      assert(d.body.bitrate <= 120_000, `sent at ${d.body.bitrate} bit/s`);
      const high = await decide(user.token, { maxBitrate: 400_000_000 });
      assert(high.body.bitrate <= 150_000, "a higher request cap does not lift the preferred one");
    });
  } finally {
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyPreferences: languages in either code form, always, forced, the request wins", () => {
  const media = {
    audio: [
      { index: 1, language: "ger", default: true },
      { index: 2, language: "eng", default: false },
    ],
    subtitles: [],
  } as unknown as MediaInfo;
  const subs = [
    { id: 3, language: "eng", forced: true },
    { id: 4, language: "eng", forced: false },
    { id: "0d6e3c4a-4c1e-4a55-9f0e-1f1d8d1f7a10", language: "de", forced: false },
  ];
  assert(sameLanguage("deu", "de") && sameLanguage("GER", "deu") && sameLanguage("en", "EN"));
  assert(!sameLanguage("eng", "de") && !sameLanguage(null, "en"));
  const prefs = { ...NO_PREFERENCES, audioLanguage: "en" };
  assertEquals(applyPreferences(media, subs, {}, prefs), { audioTrack: 2 });
  assertEquals(applyPreferences(media, subs, { audioTrack: 1 }, prefs), { audioTrack: 1 });
  // Always: a full subtitle before a forced one; in the audio language when none is set.
  assertEquals(
    applyPreferences(media, subs, {}, { ...prefs, subtitleMode: "always" }).subtitleTrack,
    4,
  );
  assertEquals(
    applyPreferences(media, subs, {}, { ...prefs, subtitleMode: "forced" }).subtitleTrack,
    3,
  );
  assertEquals(
    applyPreferences(media, subs, {}, {
      ...prefs,
      subtitleMode: "always",
      subtitleLanguage: "deu",
    }).subtitleTrack,
    subs[2].id,
  );
  // Forced only, in a language without forced subtitles: none.
  assertEquals(
    applyPreferences(media, subs, {}, {
      ...prefs,
      subtitleMode: "forced",
      subtitleLanguage: "de",
    }).subtitleTrack,
    undefined,
  );
  assertEquals(
    applyPreferences(media, subs, { subtitleTrack: 4 }, { ...prefs, subtitleMode: "forced" })
      .subtitleTrack,
    4,
  );
  assertEquals(
    applyPreferences(media, subs, { maxBitrate: 2e6 }, { ...prefs, maxBitrate: 1e6 }).maxBitrate,
    1e6,
  );
  assertEquals(applyPreferences(media, subs, { maxBitrate: 5e5 }, prefs).maxBitrate, 5e5);
});
