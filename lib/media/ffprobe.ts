/**
 * The ffprobe wrapper: {@linkcode probeFile} tells what a media file holds as
 * {@linkcode MediaInfo}, or throws {@linkcode ProbeError} with a reason a
 * user can read.
 *
 * How, and why:
 *
 * - **`stat` first.** A missing, empty or directory path is answered without
 *   spawning anything.
 * - **One ffprobe run** (`-v error -print_format json -show_format
 *   -show_streams -show_chapters`) through `runProcess`: argv only, hard
 *   timeout, abort, bounded stderr, no process left behind.
 * - **The path as `file:<absolute path>` after `-i`.** Absolute, it never
 *   starts with `-` (so it is never an option); behind `file:`, a name such as
 *   `concat:a.mkv` or `http:x` is a file name, not a protocol; `-i` makes it
 *   the input whatever it looks like.
 * - **HDR10+ needs a frame.** PQ video is HDR10 from the stream alone, but
 *   HEVC and AV1 carry HDR10+ (SMPTE 2094-40) in the frames. For PQ video
 *   without Dolby Vision a second, short run decodes the first frames of that
 *   stream only (`-select_streams <index> -read_intervals %+#3 -show_frames`:
 *   three packets, because an MP4 edit list can mark the first ones discarded
 *   and then `%+#1` shows no frame at all). One run cannot do both:
 *   `-select_streams` would hide the other streams, and without it
 *   `-read_intervals` counts packets of every stream. SDR files pay nothing.
 * - **Truncation is checked by us.** ffprobe reads a file's first KiB and exits
 *   0 on the first half of an MKV; the container's declared sizes tell
 *   (`_ffprobe_declared_end.ts`).
 *
 * @module
 */
import { resolve } from "node:path";
import type { MediaInfo } from "../model/media_info.ts";
import {
  type FfprobeOutput,
  frameSideData,
  hdrType,
  mainVideoStream,
  parseFfprobeJson,
  toMediaInfo,
  wantsFrameSideData,
} from "./_ffprobe_parse.ts";
import { declaredEnd } from "./_ffprobe_declared_end.ts";
import { ffprobeFailure } from "./_ffprobe_reason.ts";
import { ProcessError, runProcess } from "./subprocess.ts";

/**
 * A file that cannot be probed, and why. `reason` is a short sentence that is
 * safe to show a user ("empty file (0 bytes)", "not a media file: Invalid
 * data found when processing input", ...); the message adds the path.
 */
export class ProbeError extends Error {
  /** The path as given to {@linkcode probeFile}. */
  readonly path: string;
  /** What is wrong with it, for people. */
  readonly reason: string;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`cannot probe ${path}: ${reason}`, options);
    this.name = "ProbeError";
    this.path = path;
    this.reason = reason;
  }
}

/** Options of {@linkcode probeFile}. */
export interface ProbeOptions {
  /** The program: a path or a command name, as `resolveFfprobe()` returns it. */
  ffprobe: string;
  /** Longest the whole probe may take; then ffprobe is killed and a `ProbeError` thrown. */
  timeoutMs: number;
  /** Aborting kills ffprobe; the probe then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Probes the media file at `path`.
 *
 * @throws {ProbeError} when the file is missing, empty, a directory, not
 * media, has neither audio nor video, is truncated, or ffprobe failed on it
 * or ran past `timeoutMs`.
 * @throws the signal's reason when `signal` was aborted.
 * @throws {ProcessError} (`not-found`, `spawn-failed`) when ffprobe itself
 * cannot be run: a set-up problem, not the file's.
 */
export async function probeFile(path: string, options: ProbeOptions): Promise<MediaInfo> {
  options.signal?.throwIfAborted();
  const deadline = performance.now() + options.timeoutMs;
  const abs = resolve(path);
  const stat = await statOf(path, abs);
  if (stat.isDirectory) throw new ProbeError(path, "a folder, not a file");
  if (stat.isFile && stat.size === 0) throw new ProbeError(path, "empty file (0 bytes)");
  const input = `file:${abs}`;

  let out: FfprobeOutput;
  try {
    out = await ffprobe(path, input, options, deadline, [
      ...["-show_format", "-show_streams", "-show_chapters"],
    ]);
  } catch (e) {
    // "moov atom not found" is how ffprobe sees an MP4 cut before its index: say so.
    const rejected = e instanceof ProbeError && e.cause instanceof ProcessError &&
      e.cause.reason === "exit";
    if (rejected && stat.isFile) throw await truncation(path, abs, stat.size, e) ?? e;
    throw e;
  }
  const streams = out.streams ?? [];
  if (!mainVideoStream(out) && !streams.some((s) => s.codec_type === "audio")) {
    throw new ProbeError(path, "no audio or video stream");
  }
  const info = toMediaInfo(out, stat.isFile ? stat.size : 0);

  // Regular files only: reading a FIFO or a device could block, and has no size to compare.
  if (stat.isFile) {
    const cut = await truncation(path, abs, stat.size);
    if (cut) throw cut;
  }

  if (info.video && wantsFrameSideData(info.video)) {
    const index = info.video.index;
    const frames = await ffprobe(path, input, options, deadline, [
      ...["-select_streams", String(index), "-read_intervals", "%+#3"],
      ...["-show_frames", "-show_entries", "frame=side_data_list"],
    ]).catch((e) => {
      // The stream-level answer stands when the first frame cannot be read.
      if (e instanceof ProbeError && !e.reason.startsWith("timed out")) return undefined;
      throw e;
    });
    if (frames) info.video.hdr = hdrType(mainVideoStream(out)!, frameSideData(frames));
  }
  return info;
}

/** A `ProbeError` when the file is shorter than its container declares. */
async function truncation(
  path: string,
  abs: string,
  size: number,
  cause?: unknown,
): Promise<ProbeError | undefined> {
  // A file that cannot be read here was already judged by ffprobe.
  const end = await declaredEnd(abs, size).catch(() => null);
  if (end === null || end <= size) return undefined;
  const reason = `truncated: file ends before its declared end (${size} of ${end} bytes)`;
  return new ProbeError(path, reason, { cause });
}

async function statOf(path: string, abs: string): Promise<Deno.FileInfo> {
  try {
    return await Deno.stat(abs);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ProbeError(path, "file not found", { cause: e });
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new ProbeError(path, "permission denied", { cause: e });
    }
    // Deno's message names the path; the reason must not.
    throw new ProbeError(path, `cannot read it (${(e as Error).name})`, { cause: e });
  }
}

/** One ffprobe run on `input` with `show` arguments, within what is left of the deadline. */
async function ffprobe(
  path: string,
  input: string,
  options: ProbeOptions,
  deadline: number,
  show: string[],
): Promise<FfprobeOutput> {
  const timedOut = () =>
    new ProbeError(path, `timed out after ${seconds(options.timeoutMs)} s (ffprobe was killed)`);
  const left = Math.ceil(deadline - performance.now());
  if (left <= 0) throw timedOut();
  const argv = [options.ffprobe, "-v", "error", "-print_format", "json", ...show, "-i", input];
  let stdout: Uint8Array;
  try {
    ({ stdout } = await runProcess(argv, { timeoutMs: left, signal: options.signal }));
  } catch (e) {
    if (!(e instanceof ProcessError)) throw e;
    switch (e.reason) {
      case "timeout":
        throw timedOut();
      case "aborted":
        options.signal?.throwIfAborted();
        throw e;
      case "not-found":
      case "spawn-failed":
        throw e;
      default:
        throw new ProbeError(path, ffprobeFailure(e, input), { cause: e });
    }
  }
  try {
    return parseFfprobeJson(stdout);
  } catch (e) {
    throw new ProbeError(path, "ffprobe printed no readable report", { cause: e });
  }
}

/** 30000 → "30", 1500 → "1.5", 250 → "0.25". */
function seconds(ms: number): string {
  if (ms >= 10_000) return String(Math.round(ms / 1000));
  return String(Number((ms / 1000).toFixed(ms < 1000 ? 3 : 1)));
}
