/**
 * Helpers of the HLS tests: films whose files are real generated media
 * (probed by the real ffprobe, rows as the scanner leaves them), users with
 * access to their library, m3u8 parsing with the npm `m3u8-parser`, and a
 * look at the transcode folder and at running ffmpeg processes (/proc).
 */
import { Parser } from "m3u8-parser";
import { probeFile } from "../lib/media/ffprobe.ts";
import type { Sql } from "../lib/db/client.ts";
import { movieRows } from "./movie_rows.ts";
import { type FixtureKind, mediaFixture } from "./media_fixtures.ts";

/** A film with one file, copied from a fixture into `dir` as `name`. */
export async function filmOf(
  sql: Sql,
  libraryId: string,
  kind: FixtureKind,
  o: { dir: string; name?: string },
): Promise<{ movieId: string; fileId: string; path: string }> {
  const src = await mediaFixture(kind);
  const path = `${o.dir}/${o.name ?? `${kind}${src.slice(src.lastIndexOf("."))}`}`;
  await Deno.copyFile(src, path);
  const media = await probeFile(path, { ffprobe: "ffprobe", timeoutMs: 30_000 });
  const rows = movieRows(sql);
  const movieId = await rows.film(libraryId, {
    title: `${kind} ${crypto.randomUUID().slice(0, 6)}`,
  });
  const fileId = await rows.file(movieId, { path, durationMs: media.durationMs, media });
  return { movieId, fileId, path };
}

/** Lets a user see a library. */
export async function grant(sql: Sql, userId: string, libraryId: string): Promise<void> {
  await sql`insert into library_grants (user_id, library_id) values (${userId}, ${libraryId})`;
}

/** A parsed playlist (m3u8-parser's manifest). */
// deno-lint-ignore no-explicit-any
export function parseM3u8(text: string): any {
  const p = new Parser();
  p.push(text);
  p.end();
  return p.manifest;
}

/** Files under the transcode folder of a data dir. */
export async function transcodeFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    try {
      for await (const e of Deno.readDir(d)) {
        if (e.isDirectory) await walk(`${d}/${e.name}`);
        else out.push(`${d}/${e.name}`);
      }
    } catch { /* gone */ }
  }
  await walk(`${dataDir}/transcode`);
  return out;
}

/** PIDs of running ffmpeg processes whose command line names `needle`. */
export async function ffmpegProcesses(needle: string): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).split("\0");
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "Z") continue;
      if (cmd[0]?.endsWith("ffmpeg") && cmd.some((a) => a.includes(needle))) {
        out.push(Number(e.name));
      }
    } catch { /* exited */ }
  }
  return out;
}

/** Duration of a media file (or bytes) by ffprobe; throws if ffprobe finds it invalid. */
export async function probeDuration(path: string): Promise<number> {
  const out = await new Deno.Command("ffprobe", {
    args: ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
  }).output();
  if (!out.success) throw new Error(`ffprobe: ${new TextDecoder().decode(out.stderr)}`);
  return Number(new TextDecoder().decode(out.stdout).trim());
}
