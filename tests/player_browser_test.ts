/**
 * The player page in real Chromium (tests/browser.ts): signing in through
 * the login redirect, a direct-play film that plays (`currentTime`
 * advances), the controls by their labels, progress reports reaching the
 * watch progress and the admin's stream list, resume from the saved
 * position, and the notice when an administrator stops the playback; then
 * a transcode through hls.js (the HLS routes of the transcode module) that
 * plays, a seek with the seek bar landing within 2 s of its target, and an
 * external subtitle's cue showing.
 */
import type { Page } from "playwright-core";
import { assert, assertEquals } from "./assert.ts";
import { launchBrowser, watchPage } from "./browser.ts";
import { ADMIN_PASSWORD, call, createUser, setupAdmin, USER_PASSWORD } from "./auth_helpers.ts";
import { dbTest, startTestApp } from "./harness.ts";
import { createLibrary, scanIdle } from "./library_helpers.ts";
import { runProcess } from "../lib/media/subprocess.ts";
import { waitFor } from "./wait_for.ts";

const HOST = "localhost";

/** A 6 s H.264/AAC MP4 (moov first), long enough to watch time pass. */
async function film(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/Clock (2020)`);
  const path = `${dir}/Clock (2020)/Clock (2020).mp4`;
  await runProcess([
    "ffmpeg",
    ...["-nostdin", "-hide_banner", "-v", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=6"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6"],
    ...["-c:v", "libx264", "-preset", "superfast", "-profile:v", "high", "-crf", "35"],
    ...["-c:a", "aac", "-ac", "2", "-movflags", "+faststart", path],
  ], { timeoutMs: 60_000 });
  return path;
}

const AXE = await Deno.readTextFile(
  new URL("../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  // evaluate() goes through the DevTools protocol: the page's CSP does not apply.
  await page.evaluate(AXE);
  return await page.evaluate(async () => {
    // @ts-ignore: axe is the global the script just defined
    const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    // deno-lint-ignore no-explicit-any
    return r.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical")
      // deno-lint-ignore no-explicit-any
      .map((v: any) => `${v.impact} ${v.id}: ${v.nodes.map((n: any) => n.target.join(" "))}`);
  });
}

const currentTime = (page: Page) =>
  page.locator("video").evaluate((v: HTMLVideoElement) => v.currentTime);

dbTest(
  "the player page plays a direct-play film, reports progress, resumes, shows a stop",
  async () => {
    const app = await startTestApp({
      env: { REVENGE_RESUME_MIN_DURATION_SEC: "0", REVENGE_RESUME_MIN_PERCENT: "1" },
    });
    const origin = `http://${HOST}:${app.revenge.port}`;
    const browser = await launchBrowser();
    try {
      const admin = await setupAdmin(app);
      const dir = await Deno.makeTempDir({ prefix: "revenge-player-" });
      await film(dir);
      const lib = await createLibrary(app, admin.token, { paths: [dir] });
      await scanIdle(app, admin.token, lib.id);
      const user = await createUser(app, admin.token, "watcher");
      await call(app, "PUT", `/api/v1/admin/users/${user.id}/libraries`, {
        token: admin.token,
        body: { libraryIds: [lib.id] },
      });
      const [{ id: movieId }] = await app.db.sql<{ id: string }[]>`
      select m.id from movies m join movie_files f on f.movie_id = m.id
      where f.probe_state = 'ready'`;

      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const rec = await watchPage(page);
      // Without a session: the login, then back to the player.
      await page.goto(`${origin}/play/${movieId}`);
      assertEquals(page.url(), `${origin}/login?next=${encodeURIComponent(`/play/${movieId}`)}`);
      await page.getByLabel("Username").fill("watcher");
      await page.getByLabel("Password", { exact: true }).fill(USER_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL(`${origin}/play/${movieId}`);
      await page.getByRole("heading", { name: "Clock (2020)" }).waitFor();
      await page.locator('video[data-method="direct_play"]').waitFor({ state: "attached" });
      assert(await page.getByText("Direct play").isVisible());

      // Play (autoplay may have been refused), and time passes.
      const video = page.locator("video");
      if (await video.evaluate((v: HTMLVideoElement) => v.paused)) {
        await page.getByRole("button", { name: "Play" }).click();
      }
      await waitFor(async () => (await currentTime(page)) > 1.5, {
        message: "currentTime to pass 1.5 s",
        timeoutMs: 20_000,
      });
      // Controls are there by their labels.
      for (const name of ["Seek", "Volume"]) await page.getByRole("slider", { name }).waitFor();
      for (const name of ["Audio", "Subtitles", "Quality"]) {
        await page.getByRole("combobox", { name }).waitFor();
      }
      await page.getByRole("button", { name: "Fullscreen" }).waitFor();
      assertEquals(await axeViolations(page), [], "accessibility of the player page");

      // Pause by keyboard: the pause report carries the position.
      await page.getByRole("button", { name: "Pause" }).focus();
      await page.keyboard.press("k");
      await page.getByRole("button", { name: "Play" }).waitFor();
      const paused = await currentTime(page);
      let progress = 0;
      await waitFor(async () => {
        const p = await call(app, "GET", `/api/v1/movies/${movieId}/progress`, {
          token: user.token,
        });
        progress = p.body.positionMs;
        return Math.abs(progress - paused * 1000) < 300;
      }, { message: "the pause report to reach the watch progress", timeoutMs: 10_000 });

      // The report writes the progress, then the session's state: wait for both.
      let streams = await call(app, "GET", "/api/v1/admin/streams", { token: admin.token });
      await waitFor(async () => {
        streams = await call(app, "GET", "/api/v1/admin/streams", { token: admin.token });
        return streams.body.items[0]?.state === "paused";
      }, { message: "the session to show paused", timeoutMs: 10_000 });
      assertEquals(streams.body.items.length, 1, JSON.stringify(streams.body));
      const s = streams.body.items[0];
      assertEquals([s.username, s.movieId, s.method, s.state], [
        "watcher",
        movieId,
        "direct_play",
        "paused",
      ]);
      assert(/Revenge web player/.test(s.client), s.client);

      // Resume: a fresh page starts where the progress says. Leaving the player sends a last
      // report (pagehide) with its own position; wait for it to land before saving 3 s, or it
      // would overwrite them.
      await page.goto(`${origin}/`);
      await waitFor(async () => {
        const r = await call(app, "GET", "/api/v1/admin/streams", { token: admin.token });
        return r.body.items.length === 0;
      }, {
        message: "the stop report on leaving the player to end the session",
        timeoutMs: 10_000,
      });
      await call(app, "POST", `/api/v1/movies/${movieId}/progress`, {
        token: user.token,
        body: { positionMs: 3000 },
      });
      await page.goto(`${origin}/play/${movieId}`);
      await page.locator('video[data-method="direct_play"]').waitFor({ state: "attached" });
      await waitFor(async () => (await currentTime(page)) >= 2.9, {
        message: "the player to start at the saved 3 s",
        timeoutMs: 20_000,
      });

      // An administrator stops it: the next report tells the player, which says so.
      if (await video.evaluate((v: HTMLVideoElement) => v.paused)) {
        await page.getByRole("button", { name: "Play" }).click();
      }
      let sessionId: string | undefined;
      await waitFor(async () => {
        const r = await call(app, "GET", "/api/v1/admin/streams", { token: admin.token });
        sessionId = r.body.items.find((i: { state: string }) => i.state === "playing")?.id;
        return sessionId !== undefined;
      }, { message: "the new session to be listed", timeoutMs: 10_000 });
      const stop = await call(app, "DELETE", `/api/v1/admin/streams/${sessionId}`, {
        token: admin.token,
      });
      assertEquals(stop.status, 200);
      await page.getByRole("button", { name: "Pause" }).click();
      await page.getByText("An administrator stopped this playback.").waitFor({ timeout: 10_000 });

      const errors = rec.errors.filter((e) => !/^failed: .* net::ERR_ABORTED$/.test(e));
      assertEquals(errors, [], "console errors, exceptions or failed requests");
      assertEquals(rec.cspViolations, []);
      // A direct-play film never loads hls.js (a chunk of ~600 kB).
      for (const u of new Set(rec.requests.filter((u) => u.includes("/static/_build/")))) {
        const size = (await (await fetch(u)).arrayBuffer()).byteLength;
        assert(size < 100_000, `${u}: ${size} bytes`);
      }
      await ctx.close();
      await Deno.remove(dir, { recursive: true });
    } finally {
      await browser.close();
      await app.close();
    }
  },
);

/** 30 s of 640x360 H.264 at 2 Mbit/s with AAC, a keyframe a second, and an English SRT. */
async function busyFilm(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/Busy (2021)`);
  const base = `${dir}/Busy (2021)/Busy (2021)`;
  await runProcess([
    "ffmpeg",
    ...["-nostdin", "-hide_banner", "-v", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24:duration=30"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=30"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "2M", "-g", "24"],
    ...["-c:a", "aac", "-ac", "2", "-movflags", "+faststart", `${base}.mp4`],
  ], { timeoutMs: 60_000 });
  await Deno.writeTextFile(
    `${base}.en.srt`,
    "1\n00:00:00,000 --> 00:00:29,000\nA line for the whole film.\n",
  );
}

dbTest(
  "the player page plays a transcode through hls.js, seeks, and shows subtitle cues",
  async () => {
    const app = await startTestApp();
    const origin = `http://${HOST}:${app.revenge.port}`;
    const browser = await launchBrowser();
    try {
      const admin = await setupAdmin(app);
      const dir = await Deno.makeTempDir({ prefix: "revenge-player-hls-" });
      await busyFilm(dir);
      const lib = await createLibrary(app, admin.token, { paths: [dir] });
      await scanIdle(app, admin.token, lib.id);
      const [{ id: movieId }] = await app.db.sql<{ id: string }[]>`
      select m.id from movies m join movie_files f on f.movie_id = m.id
      where f.probe_state = 'ready'`;
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const rec = await watchPage(page);
      await page.goto(`${origin}/login?next=${encodeURIComponent(`/play/${movieId}`)}`);
      await page.getByLabel("Username").fill("admin");
      await page.getByLabel("Password", { exact: true }).fill(ADMIN_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL(`${origin}/play/${movieId}`);
      // A 500 kbit/s cap: only a transcode meets it.
      await page.goto(`${origin}/play/${movieId}?maxBitrate=500000`);
      await page.locator('video[data-method="transcode"]').waitFor({ state: "attached" });
      const video = page.locator("video");
      if (await video.evaluate((v: HTMLVideoElement) => v.paused)) {
        await page.getByRole("button", { name: "Play" }).click();
      }
      await waitFor(async () => (await currentTime(page)) > 1, {
        message: "the transcode to play past 1 s",
        timeoutMs: 60_000,
      });
      assert(
        rec.requests.some((u) => u.includes(`/master.m3u8?mode=transcode`)),
        "hls.js fetched the transcode's master playlist",
      );
      await page.getByRole("combobox", { name: "Quality" }).waitFor();

      // Seek to 20 s with the seek bar: it lands within 2 s, and plays on from there.
      await page.getByRole("slider", { name: "Seek" }).fill("20");
      await waitFor(async () => {
        const t = await currentTime(page);
        return t >= 18 && t <= 22;
      }, { message: "the seek to land near 20 s", timeoutMs: 60_000 });
      const landed = await currentTime(page);
      assert(Math.abs(landed - 20) <= 2, `landed at ${landed}`);
      await waitFor(async () => (await currentTime(page)) > landed + 0.5, {
        message: "playback to go on after the seek",
        timeoutMs: 60_000,
      });

      // The English subtitle file: WebVTT through the HLS routes, its cue active now.
      await page.getByRole("combobox", { name: "Subtitles" }).selectOption({ index: 1 });
      await waitFor(
        () =>
          video.evaluate((v: HTMLVideoElement) => {
            const t = v.textTracks[0];
            return !!t && t.mode === "showing" && (t.activeCues?.length ?? 0) > 0;
          }),
        { message: "a subtitle cue to show", timeoutMs: 20_000 },
      );
      const cue = await video.evaluate((v: HTMLVideoElement) =>
        (v.textTracks[0].activeCues![0] as VTTCue).text
      );
      assertEquals(cue, "A line for the whole film.");
      const errors = rec.errors.filter((e) => !/^failed: .* net::ERR_ABORTED$/.test(e));
      assertEquals(errors, [], "console errors, exceptions or failed requests");
      assertEquals(rec.cspViolations, []);
      await ctx.close();
      await Deno.remove(dir, { recursive: true });
    } finally {
      await browser.close();
      await app.close();
    }
  },
);
