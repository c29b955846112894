/**
 * Small real media files for tests, made by ffmpeg from its `lavfi` sources
 * (`testsrc2` pictures, `sine` tones): a second or two at 320x180 (one at
 * 1920x800), each made in well under a second, once per process, in a
 * temporary folder removed at exit. Callers copy or hard-link the returned
 * path; they must not change the file.
 *
 * | kind               | file  | contents                                                            |
 * |--------------------|-------|---------------------------------------------------------------------|
 * | `h264_aac`         | .mp4  | H.264 High 320x180 24 fps 1 s, AAC LC stereo 48 kHz; moov first     |
 * | `h264_wide`        | .mp4  | H.264 High 1920x800 24 fps 1 s (a "1080p" scope film), AAC stereo   |
 * | `hevc10_hdr10`     | .mkv  | HEVC Main 10, yuv420p10le, BT.2020 + PQ, mastering display and      |
 * |                    |       | content light level SEI, 320x180 24 fps 1 s, no audio               |
 * | `hevc10_hdr10plus` | .mkv  | the same without B-frames, plus an HDR10+ (SMPTE 2094-40) SEI       |
 * |                    |       | in every picture, written here (this x265 is built without HDR10+)  |
 * | `vp9_opus`         | .webm | VP9 Profile 0 320x180 24 fps 1 s, Opus stereo                       |
 * | `av1_opus`         | .mkv  | AV1 Main 320x180 24 fps 1 s, Opus stereo (needs an AV1 encoder)     |
 * | `h264_ac3`         | .mkv  | H.264 High 320x180 24 fps 1 s, AC-3 stereo                          |
 * | `h264_aac51`       | .mp4  | H.264 High 320x180 24 fps 1 s, AAC LC 5.1 48 kHz; moov first        |
 * | `h264_multi`       | .mkv  | H.264 High 320x180 24 fps 2 s; AAC stereo `eng` "Stereo" (default), |
 * |                    |       | AC-3 5.1(side) `fra`; SubRip `eng` "Forced" (forced); chapters      |
 * |                    |       | "Opening" 0–1 s and "Ending" 1–2 s                                  |
 * | `h264_long`        | .mp4  | H.264 High 320x180 24 fps 30 s, a keyframe every second, AAC stereo |
 * | `hevc_aac`         | .mkv  | HEVC Main 320x180 24 fps 4 s, a keyframe every second, AAC stereo   |
 * | `h264_vobsub`      | .mkv  | H.264 320x180 24 fps 3 s, AAC stereo, a VobSub track `eng` (stream  |
 * |                    |       | 2): a white box at (10,10) 0.5–1.5 s and 1.5–2.5 s (vobsub_fixture) |
 *
 * {@linkcode FIXTURES} has these facts as data, for assertions.
 */
import { runProcess } from "../lib/media/subprocess.ts";
import { writeVobSub } from "./vobsub_fixture.ts";

/** The kinds of generated media. */
export type FixtureKind =
  | "h264_aac"
  | "h264_wide"
  | "hevc10_hdr10"
  | "hevc10_hdr10plus"
  | "vp9_opus"
  | "av1_opus"
  | "h264_ac3"
  | "h264_aac51"
  | "h264_multi"
  | "h264_long"
  | "hevc_aac"
  | "h264_vobsub";

/** What a fixture was made with: the facts a probe must find. */
export interface FixtureSpec {
  ext: string;
  width: number;
  height: number;
  frameRate: number;
  /** Requested length; the container's duration is within a few tens of ms of it. */
  durationMs: number;
  videoCodec: string;
  audioCodecs: string[];
}

/** Every kind, with what it was made with. */
export const FIXTURES: Readonly<Record<FixtureKind, FixtureSpec>> = {
  h264_aac: spec(".mp4", 320, 180, 1000, "h264", ["aac"]),
  h264_wide: spec(".mp4", 1920, 800, 1000, "h264", ["aac"]),
  hevc10_hdr10: spec(".mkv", 320, 180, 1000, "hevc", []),
  hevc10_hdr10plus: spec(".mkv", 320, 180, 1000, "hevc", []),
  vp9_opus: spec(".webm", 320, 180, 1000, "vp9", ["opus"]),
  av1_opus: spec(".mkv", 320, 180, 1000, "av1", ["opus"]),
  h264_ac3: spec(".mkv", 320, 180, 1000, "h264", ["ac3"]),
  h264_aac51: spec(".mp4", 320, 180, 1000, "h264", ["aac"]),
  h264_multi: spec(".mkv", 320, 180, 2000, "h264", ["aac", "ac3"]),
  h264_long: spec(".mp4", 320, 180, 30000, "h264", ["aac"]),
  hevc_aac: spec(".mkv", 320, 180, 4000, "hevc", ["aac"]),
  h264_vobsub: spec(".mkv", 320, 180, 3000, "h264", ["aac"]),
};

function spec(
  ext: string,
  width: number,
  height: number,
  durationMs: number,
  videoCodec: string,
  audioCodecs: string[],
): FixtureSpec {
  return { ext, width, height, frameRate: 24, durationMs, videoCodec, audioCodecs };
}

/** The HDR10 static metadata written into `hevc10_hdr10` (P3 primaries in a BT.2020 signal). */
export const HDR10_METADATA = {
  masterDisplay: "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)",
  maxCll: 1000,
  maxFall: 400,
} as const;

const GEN_TIMEOUT_MS = 60_000;

/** Arguments of one file: inputs and encoders, without `ffmpeg -y ... out`. */
function recipe(kind: FixtureKind, dir: string, av1Encoder: string | undefined): string[] {
  const s = FIXTURES[kind];
  const secs = String(s.durationMs / 1000);
  const video = [
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${s.width}x${s.height}:rate=24:duration=${secs}`,
  ];
  const tone = (hz: number) => [
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=${hz}:sample_rate=48000:duration=${secs}`,
  ];
  const x264 = ["-c:v", "libx264", "-preset", "superfast", "-profile:v", "high", "-crf", "35"];
  switch (kind) {
    case "h264_aac":
    case "h264_wide":
      return [
        ...video,
        ...tone(440),
        ...x264,
        "-c:a",
        "aac",
        "-ac",
        "2",
        "-movflags",
        "+faststart",
      ];
    case "h264_ac3":
      return [...video, ...tone(440), ...x264, "-c:a", "ac3", "-ac", "2"];
    case "h264_aac51":
      return [
        ...video,
        ...tone(440),
        ...x264,
        "-c:a",
        "aac",
        "-ac",
        "6",
        "-movflags",
        "+faststart",
      ];
    case "hevc10_hdr10":
    case "hevc10_hdr10plus": {
      const m = HDR10_METADATA;
      const x265 = [
        "log-level=error",
        // Raw HEVC carries no timestamps; without B-frames the remux can make them up.
        ...(kind === "hevc10_hdr10plus" ? ["bframes=0"] : []),
        "colorprim=bt2020",
        "transfer=smpte2084",
        "colormatrix=bt2020nc",
        `master-display=${m.masterDisplay}`,
        `max-cll=${m.maxCll},${m.maxFall}`,
        "hdr10=1",
        "repeat-headers=1",
      ].join(":");
      return [
        ...video,
        ...["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le"],
        ...["-x265-params", x265],
        // The container's colour elements too, as a real HDR10 remux has them.
        ...["-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"],
      ];
    }
    case "vp9_opus":
      return [
        ...video,
        ...tone(440),
        ...["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"],
        ...["-c:a", "libopus", "-ac", "2"],
      ];
    case "av1_opus": {
      const enc = av1Encoder === "libaom-av1"
        ? ["-c:v", "libaom-av1", "-usage", "realtime", "-cpu-used", "8"]
        : av1Encoder === "libsvtav1"
        ? ["-c:v", "libsvtav1", "-preset", "12", "-svtav1-params", "log-level=0"]
        : ["-c:v", String(av1Encoder), "-speed", "10"];
      return [...video, ...tone(440), ...enc, "-c:a", "libopus", "-ac", "2"];
    }
    case "h264_long":
      return [...video, ...tone(440), ...x264, "-g", "24", "-c:a", "aac", "-ac", "2"];
    case "hevc_aac":
      return [
        ...video,
        ...tone(440),
        ...["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=24"],
        ...["-c:a", "aac", "-ac", "2"],
      ];
    case "h264_vobsub":
      return [
        ...video,
        ...tone(440),
        ...["-i", `${dir}/vobsub.idx`, "-map", "0:v", "-map", "1:a", "-map", "2:s"],
        ...x264,
        ...["-c:a", "aac", "-ac", "2", "-c:s", "copy", "-metadata:s:s:0", "language=eng"],
      ];
    case "h264_multi":
      return [
        ...video,
        ...tone(440),
        ...tone(220),
        ...["-i", `${dir}/multi.srt`, "-i", `${dir}/multi.ffmeta`],
        ...["-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s"],
        ...["-map_metadata", "4", "-map_chapters", "4"],
        ...x264,
        ...["-c:a:0", "aac", "-ac:a:0", "2", "-c:a:1", "ac3", "-ac:a:1", "6", "-c:s", "srt"],
        ...["-metadata:s:a:0", "language=eng", "-metadata:s:a:0", "title=Stereo"],
        ...["-metadata:s:a:1", "language=fra"],
        ...["-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=Forced"],
        ...["-disposition:a:0", "default", "-disposition:a:1", "0"],
        ...["-disposition:s:0", "forced"],
      ];
  }
}

const CHAPTERS = `;FFMETADATA1
title=Fixture

[CHAPTER]
TIMEBASE=1/1000
START=0
END=1000
title=Opening

[CHAPTER]
TIMEBASE=1/1000
START=1000
END=2000
title=Ending
`;

/**
 * A tiny valid SubRip text: one cue per line, one second each, from 0 s.
 * Defaults to two English lines.
 */
export function srtText(lines: string[] = ["Hello.", "Goodbye."]): string {
  const at = (s: number) =>
    `00:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")},000`;
  return lines.map((l, i) => `${i + 1}\n${at(i)} --> ${at(i + 1)}\n${l}\n`).join("\n");
}

let cacheDir: Promise<string> | undefined;
const made = new Map<FixtureKind, Promise<string>>();
let encoders: Promise<string> | undefined;

function dir(): Promise<string> {
  cacheDir ??= (async () => {
    const d = await Deno.makeTempDir({ prefix: "revenge-media-fixtures-" });
    await Deno.writeTextFile(`${d}/multi.srt`, srtText(["Hello.", "Goodbye."]));
    await Deno.writeTextFile(`${d}/multi.ffmeta`, CHAPTERS);
    await writeVobSub(`${d}/vobsub`, [0.5, 1.5]);
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(d, { recursive: true });
      } catch { /* already gone */ }
    });
    return d;
  })();
  return cacheDir;
}

function encoderList(): Promise<string> {
  encoders ??= runProcess(["ffmpeg", "-hide_banner", "-encoders"], { timeoutMs: GEN_TIMEOUT_MS })
    .then((r) => new TextDecoder().decode(r.stdout));
  return encoders;
}

async function av1Encoder(): Promise<string | undefined> {
  const list = await encoderList();
  return ["libaom-av1", "libsvtav1", "librav1e"].find((e) =>
    new RegExp(`^ V\\S* ${e} `, "m").test(list)
  );
}

/**
 * Whether `kind` can be made here: `av1_opus` needs an AV1 encoder
 * (libaom-av1, libsvtav1 or librav1e) in ffmpeg; the others only ffmpeg.
 */
export async function fixtureAvailable(kind: FixtureKind): Promise<boolean> {
  return kind !== "av1_opus" || (await av1Encoder()) !== undefined;
}

/**
 * The path of the `kind` file, made on first use and shared by every later
 * call of this process (also calls made at the same time). Rejects when it
 * cannot be made here (see {@linkcode fixtureAvailable}).
 */
export function mediaFixture(kind: FixtureKind): Promise<string> {
  let p = made.get(kind);
  if (!p) {
    p = generate(kind);
    made.set(kind, p);
    // A failure is not cached: the next caller tries again and sees the real error.
    p.catch(() => made.delete(kind));
  }
  return p;
}

async function generate(kind: FixtureKind): Promise<string> {
  const d = await dir();
  const av1 = kind === "av1_opus" ? await av1Encoder() : undefined;
  if (kind === "av1_opus" && !av1) {
    throw new Error("media fixture av1_opus: this ffmpeg has no AV1 encoder (fixtureAvailable)");
  }
  const out = `${d}/${kind}${FIXTURES[kind].ext}`;
  // Written under a temporary name and renamed: a reader never sees half a file.
  const tmp = `${d}/.${kind}.${crypto.randomUUID()}${FIXTURES[kind].ext}`;
  const argv = [
    "ffmpeg",
    ...["-nostdin", "-hide_banner", "-v", "error", "-y"],
    ...recipe(kind, d, av1),
    "-fflags",
    "+bitexact",
    tmp,
  ];
  try {
    if (kind === "hevc10_hdr10plus") {
      // x265 writes a raw stream, HDR10+ SEI go in, and the result is put into Matroska.
      const raw = `${tmp}.hevc`;
      await ffmpeg(kind, [...argv.slice(0, -1), "-f", "hevc", raw]);
      await Deno.writeFile(raw, withHdr10PlusSei(await Deno.readFile(raw)));
      await ffmpeg(kind, [
        ...["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", "-fflags", "+genpts"],
        ...["-framerate", "24", "-f", "hevc", "-i", raw, "-c", "copy", tmp],
      ]);
      await Deno.remove(raw);
    } else {
      await ffmpeg(kind, argv);
    }
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    await Deno.remove(`${tmp}.hevc`).catch(() => {});
    throw e;
  }
  await Deno.rename(tmp, out);
  return out;
}

async function ffmpeg(kind: FixtureKind, argv: string[]): Promise<void> {
  try {
    await runProcess(argv, { timeoutMs: GEN_TIMEOUT_MS });
  } catch (e) {
    const tail = (e as { result?: { stderrTail?: string } }).result?.stderrTail ?? "";
    throw new Error(`media fixture ${kind}: ffmpeg failed\n${tail}`, { cause: e });
  }
}

/** Writes bits most significant first. */
class BitWriter {
  readonly bytes: number[] = [];
  #cur = 0;
  #n = 0;
  put(value: number, width: number): this {
    for (let i = width - 1; i >= 0; i--) {
      this.#cur = (this.#cur << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.#n === 8) {
        this.bytes.push(this.#cur);
        this.#cur = this.#n = 0;
      }
    }
    return this;
  }
}

/**
 * An HEVC prefix SEI NAL unit (with its start code) holding one ITU-T T.35
 * message of SMPTE ST 2094-40 (HDR10+, application 4 version 1): one window,
 * 400 nits target display, MaxSCL 0.1, nine percentiles, no tone mapping
 * curve. The field order is the standard's, as FFmpeg's
 * `ff_parse_itu_t_t35_to_dynamic_hdr10_plus` reads it.
 */
function hdr10PlusSeiNal(): Uint8Array {
  const b = new BitWriter()
    .put(0xb5, 8) // country: United States
    .put(0x003c, 16) // provider: Samsung
    .put(0x0001, 16) // provider-oriented code
    .put(4, 8) // application identifier
    .put(1, 8) // application version
    .put(1, 2) // windows
    .put(400, 27) // targeted system display maximum luminance
    .put(0, 1); // no actual peak luminance of the targeted display
  for (let i = 0; i < 3; i++) b.put(10_000, 17); // MaxSCL per component
  b.put(5_000, 17); // average MaxRGB
  const percentages = [1, 5, 10, 25, 50, 75, 90, 95, 99];
  b.put(percentages.length, 4);
  for (const p of percentages) b.put(p, 7).put(p * 100, 17);
  b.put(0, 10) // fraction of bright pixels
    .put(0, 1) // no actual peak luminance of the mastering display
    .put(0, 1) // no tone mapping
    .put(0, 1) // no colour saturation mapping
    .put(0, 7); // byte alignment of the payload
  // SEI message: type 4 (user data registered by ITU-T T.35), size, payload, RBSP stop bit.
  const rbsp = [4, b.bytes.length, ...b.bytes, 0x80];
  const nal = [0, 0, 0, 1, 39 << 1, 1]; // NAL type 39 (prefix SEI), layer 0, temporal id 1
  let zeros = 0;
  for (const x of rbsp) {
    if (zeros >= 2 && x <= 3) {
      nal.push(3); // emulation prevention: no start code inside a NAL unit
      zeros = 0;
    }
    nal.push(x);
    zeros = x === 0 ? zeros + 1 : 0;
  }
  return new Uint8Array(nal);
}

/** An Annex B HEVC stream with the HDR10+ SEI before the first slice of every picture. */
function withHdr10PlusSei(stream: Uint8Array): Uint8Array {
  const sei = hdr10PlusSeiNal();
  const parts: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i + 5 < stream.length; i++) {
    if (stream[i] !== 0 || stream[i + 1] !== 0 || stream[i + 2] !== 1) continue;
    const type = (stream[i + 3] >> 1) & 0x3f;
    // A VCL NAL unit (type < 32) whose slice header starts with first_slice_segment_in_pic_flag.
    if (type < 32 && stream[i + 5] & 0x80) {
      const at = i > 0 && stream[i - 1] === 0 ? i - 1 : i;
      parts.push(stream.subarray(from, at), sei);
      from = at;
    }
    i += 2;
  }
  parts.push(stream.subarray(from));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic bytes (xorshift32): the bad files are the same on every run. */
function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Writes four broken files into `dir`, each of which a probe must reject:
 * - `corrupt.mkv`: `h264_multi` with its first 4 KiB (EBML header, track
 *   list) overwritten by noise;
 * - `truncated.mkv`: the first half of `h264_multi` (as a stopped copy leaves it);
 * - `empty.mkv`: 0 bytes;
 * - `random.mkv`: 64 KiB of noise.
 */
export async function writeBadMedia(
  dir: string,
): Promise<{ corrupt: string; truncated: string; empty: string; random: string }> {
  const good = await Deno.readFile(await mediaFixture("h264_multi"));
  const paths = {
    corrupt: `${dir}/corrupt.mkv`,
    truncated: `${dir}/truncated.mkv`,
    empty: `${dir}/empty.mkv`,
    random: `${dir}/random.mkv`,
  };
  const corrupt = good.slice();
  corrupt.set(pseudoRandom(4096, 0x5eed));
  await Deno.writeFile(paths.corrupt, corrupt);
  await Deno.writeFile(paths.truncated, good.subarray(0, Math.floor(good.length / 2)));
  await Deno.writeFile(paths.empty, new Uint8Array(0));
  await Deno.writeFile(paths.random, pseudoRandom(64 * 1024, 0xbad));
  return paths;
}
