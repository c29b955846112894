/**
 * probeFile on real files (tests/media_fixtures.ts): every fixture field by
 * field, broken files, timeouts and aborts on FIFOs (nothing left running),
 * file names that look like options, protocols or shell, and the static
 * ffprobe against Debian's.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { waitFor } from "./wait_for.ts";
import {
  fixtureAvailable,
  type FixtureKind,
  FIXTURES,
  mediaFixture,
  srtText,
  writeBadMedia,
} from "./media_fixtures.ts";
import { ProbeError, probeFile } from "../lib/media/ffprobe.ts";
import { resolveFfprobe } from "../lib/media/ffprobe_binary.ts";
import { runProcess } from "../lib/media/subprocess.ts";
import { type MediaInfo, resolutionLabel } from "../lib/model/media_info.ts";

const DEBIAN = "/usr/bin/ffprobe";
const STATIC = await resolveFfprobe("auto");
const BINARIES = [STATIC, DEBIAN];
const probe = (path: string, ffprobe = STATIC, timeoutMs = 20_000) =>
  probeFile(path, { ffprobe, timeoutMs });

function near(actual: number | null, expected: number, within: number, what: string): void {
  assert(
    actual !== null && Math.abs(actual - expected) <= within,
    `${what}: ${actual}, expected ${expected} ± ${within}`,
  );
}

/** The fields every fixture shares: container size, duration, frame size and rate. */
async function probeKind(kind: FixtureKind): Promise<MediaInfo> {
  const path = await mediaFixture(kind);
  const info = await probe(path);
  const spec = FIXTURES[kind];
  assertEquals(info.sizeBytes, (await Deno.stat(path)).size);
  near(info.durationMs, spec.durationMs, 50, `${kind} duration`);
  assert(info.bitrate !== null && info.bitrate > 0, `${kind} bitrate ${info.bitrate}`);
  const v = info.video!;
  assertEquals([v.index, v.codec, v.width, v.height, v.frameRate], [
    0,
    spec.videoCodec,
    spec.width,
    spec.height,
    spec.frameRate,
  ]);
  assertEquals(info.audio.map((a) => a.codec), spec.audioCodecs);
  return info;
}

Deno.test("probeFile reads h264_aac: MP4, H.264 High, AAC LC stereo", async () => {
  const info = await probeKind("h264_aac");
  assertEquals(info.container, "mov");
  const { level, bitrate, ...v } = info.video!;
  assertEquals(v, {
    index: 0,
    codec: "h264",
    profile: "High",
    width: 320,
    height: 180,
    frameRate: 24,
    bitDepth: 8,
    pixelFormat: "yuv420p",
    colorPrimaries: null,
    colorTransfer: null,
    colorSpace: null,
    hdr: null,
  });
  assert(level !== null && level > 0 && bitrate !== null && bitrate > 0, `${level} ${bitrate}`);
  const [a] = info.audio;
  assertEquals({ ...a, bitrate: null }, {
    index: 1,
    codec: "aac",
    profile: "LC",
    channels: 2,
    channelLayout: "stereo",
    sampleRate: 48000,
    bitrate: null,
    language: null, // MP4 says "und"
    title: null,
    default: true,
    forced: false,
  });
  assert(a.bitrate !== null && a.bitrate > 0);
  assertEquals([info.subtitles, info.chapters], [[], []]);
});

Deno.test("probeFile reads h264_wide as a 1080p scope frame", async () => {
  const v = (await probeKind("h264_wide")).video!;
  assertEquals([v.width, v.height, resolutionLabel(v.width, v.height)], [1920, 800, "1080p"]);
});

Deno.test("probeFile reads hevc10_hdr10: Main 10, 10 bits, BT.2020 PQ, HDR10", async () => {
  const info = await probeKind("hevc10_hdr10");
  assertEquals(info.container, "matroska");
  const v = info.video!;
  assertEquals(
    [v.codec, v.profile, v.bitDepth, v.pixelFormat, v.colorPrimaries, v.colorTransfer],
    ["hevc", "Main 10", 10, "yuv420p10le", "bt2020", "smpte2084"],
  );
  assertEquals([v.colorSpace, v.hdr], ["bt2020nc", "hdr10"]);
  assertEquals(info.audio, []);
});

Deno.test("probeFile finds HDR10+ in the frames of hevc10_hdr10plus, with both ffprobes", async () => {
  const path = await mediaFixture("hevc10_hdr10plus");
  await probeKind("hevc10_hdr10plus");
  for (const ffprobe of BINARIES) {
    const v = (await probe(path, ffprobe)).video!;
    assertEquals([v.colorTransfer, v.bitDepth, v.hdr], ["smpte2084", 10, "hdr10plus"], ffprobe);
  }
});

Deno.test("probeFile reads vp9_opus: WebM, VP9 Profile 0, Opus", async () => {
  const info = await probeKind("vp9_opus");
  assertEquals(info.container, "matroska");
  const v = info.video!;
  assertEquals([v.profile, v.level, v.bitDepth, v.hdr], ["Profile 0", null, 8, null]);
  const [a] = info.audio;
  assertEquals([a.channels, a.channelLayout, a.sampleRate], [2, "stereo", 48000]);
});

Deno.test({
  name: "probeFile reads av1_opus: AV1 Main, 8 bits, Opus",
  ignore: !(await fixtureAvailable("av1_opus")),
  fn: async () => {
    const info = await probeKind("av1_opus");
    const v = info.video!;
    assertEquals([v.codec, v.profile, v.bitDepth, v.hdr], ["av1", "Main", 8, null]);
    assertEquals(info.audio.map((a) => [a.codec, a.channels]), [["opus", 2]]);
  },
});

Deno.test("probeFile reads h264_multi: two audio tracks, a forced subtitle, chapters", async () => {
  const info = await probeKind("h264_multi");
  assertEquals(info.container, "matroska");
  assertEquals(info.video?.profile, "High");
  assertEquals(
    info.audio.map((a) => ({ ...a, bitrate: null })),
    [
      {
        index: 1,
        codec: "aac",
        profile: "LC",
        channels: 2,
        channelLayout: "stereo",
        sampleRate: 48000,
        bitrate: null,
        language: "eng",
        title: "Stereo",
        default: true,
        forced: false,
      },
      {
        index: 2,
        codec: "ac3",
        profile: null,
        channels: 6,
        channelLayout: "5.1(side)",
        sampleRate: 48000,
        bitrate: null,
        language: "fra",
        title: null,
        default: false,
        forced: false,
      },
    ],
  );
  assertEquals(info.audio[1].bitrate, 448000);
  assertEquals(info.subtitles, [
    {
      index: 3,
      codec: "subrip",
      language: "eng",
      title: "Forced",
      default: false,
      forced: true,
      text: true,
    },
  ]);
  assertEquals(info.chapters, [
    { startMs: 0, endMs: 1000, title: "Opening" },
    { startMs: 1000, endMs: 2000, title: "Ending" },
  ]);
});

Deno.test("probeFile gives the same MediaInfo with the static and Debian ffprobe", async () => {
  assert(STATIC !== "ffprobe" && STATIC !== DEBIAN, `auto chose ${STATIC}`);
  const version = async (p: string) =>
    new TextDecoder().decode((await runProcess([p, "-version"], { timeoutMs: 10_000 })).stdout)
      .split("\n")[0];
  assertMatch(await version(STATIC), /-static/);
  assertMatch(await version(DEBIAN), /^ffprobe version \d/);
  for (const kind of Object.keys(FIXTURES) as FixtureKind[]) {
    if (!(await fixtureAvailable(kind))) continue;
    const path = await mediaFixture(kind);
    assertEquals(await probe(path, STATIC), await probe(path, DEBIAN), kind);
  }
});

Deno.test("probeFile rejects corrupt, truncated, empty and random files with a reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = await writeBadMedia(dir);
    for (const ffprobe of BINARIES) {
      const reason = async (p: string) =>
        (await assertRejects(() => probe(p, ffprobe), ProbeError)).reason;
      assertMatch(await reason(bad.corrupt), /^not a media file: Invalid data found/);
      assertMatch(
        await reason(bad.truncated),
        /^truncated: file ends before its declared end \(\d+ of \d+ bytes\)$/,
      );
      assertEquals(await reason(bad.empty), "empty file (0 bytes)");
      assertMatch(await reason(bad.random), /^not a media file: Invalid data found/);
    }
    const e = await assertRejects(() => probe(bad.truncated), ProbeError);
    const size = (await Deno.stat(bad.truncated)).size;
    const whole = (await Deno.stat(await mediaFixture("h264_multi"))).size;
    assertEquals(
      e.reason,
      `truncated: file ends before its declared end (${size} of ${whole} bytes)`,
    );
    assertEquals(e.path, bad.truncated);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeFile flags a cut MP4 and WebM, with the index first or last", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const half = async (src: string, name: string) => {
      const b = await Deno.readFile(src);
      await Deno.writeFile(`${dir}/${name}`, b.subarray(0, b.length >> 1));
      return `${dir}/${name}`;
    };
    // Index first (+faststart): ffprobe is happy; the mdat box's size tells.
    const faststart = await half(await mediaFixture("h264_aac"), "faststart.mp4");
    // Index last: ffprobe says "moov atom not found"; the same check explains it.
    await runProcess([
      ...["ffmpeg", "-nostdin", "-v", "error", "-i", await mediaFixture("h264_aac")],
      ...["-c", "copy", `${dir}/moov_last.mp4`],
    ], { timeoutMs: 20_000 });
    const moovLast = await half(`${dir}/moov_last.mp4`, "moov_last_cut.mp4");
    const webm = await half(await mediaFixture("vp9_opus"), "cut.webm");
    for (const p of [faststart, moovLast, webm]) {
      const e = await assertRejects(() => probe(p), ProbeError);
      assertMatch(e.reason, /^truncated: /, p);
    }
    assertEquals((await probe(`${dir}/moov_last.mp4`)).video?.codec, "h264");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeFile rejects a file without audio or video", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/film.srt`, srtText());
    const e = await assertRejects(() => probe(`${dir}/film.srt`), ProbeError);
    assertEquals(e.reason, "no audio or video stream");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** PIDs of live processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      if (/\) [ZX] /.test(stat)) continue; // exited, waiting to be reaped
      if (Deno.readTextFileSync(`/proc/${e.name}/cmdline`).includes(text)) found.push(+e.name);
    } catch { /* gone while we looked */ }
  }
  return found;
}

async function noneLeft(text: string): Promise<void> {
  await waitFor(() => processesWith(text).length === 0, {
    message: () => `no process mentioning ${text} (left: ${processesWith(text).join(", ")})`,
    timeoutMs: 10_000,
  });
}

async function mkfifo(path: string): Promise<void> {
  await runProcess(["mkfifo", path], { timeoutMs: 10_000 });
}

Deno.test("probeFile kills ffprobe stuck on a FIFO nobody writes, and leaves nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fifo = `${dir}/never-written.mkv`;
    await mkfifo(fifo);
    const e = await assertRejects(() => probe(fifo, STATIC, 300), ProbeError);
    assertEquals(e.reason, "timed out after 0.3 s (ffprobe was killed)");
    await noneLeft(fifo);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeFile kills ffprobe on a slow input that stops halfway, and leaves nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fifo = `${dir}/slow.mkv`;
    await mkfifo(fifo);
    const probing = assertRejects(() => probe(fifo, DEBIAN, 1000), ProbeError);
    // Opening the write end waits for ffprobe to open the read end.
    const writer = await Deno.open(fifo, { write: true });
    const head = (await Deno.readFile(await mediaFixture("h264_multi"))).subarray(0, 4096);
    await writer.write(head).catch(() => {});
    const e = await probing;
    writer.close();
    assertEquals(e.reason, "timed out after 1 s (ffprobe was killed)");
    await noneLeft(fifo);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeFile stops ffprobe on abort and rejects with the signal's reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fifo = `${dir}/aborted.mkv`;
    await mkfifo(fifo);
    const ac = new AbortController();
    const probing = probeFile(fifo, { ffprobe: STATIC, timeoutMs: 30_000, signal: ac.signal });
    await waitFor(() => processesWith(fifo).length > 0, { message: "ffprobe to start" });
    ac.abort(new Error("scan cancelled"));
    await assertRejects(() => probing, Error, "scan cancelled");
    await noneLeft(fifo);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("probeFile reads files whose names look like options, protocols or shell", async () => {
  const dir = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  try {
    const src = await mediaFixture("h264_aac");
    const names = [
      `it's "quoted".mp4`,
      "$(touch pwned).mp4",
      "`touch pwned`;|&.mp4",
      "-i.mp4",
      "-leading dash.mp4",
      "new\nline.mp4",
      "a:b.mp4",
      "concat:x.mp4",
      "file:y.mp4",
      "http:z.mp4",
      "100%d ?#.mp4",
      "Ame\u0301lie.mp4".normalize("NFD"),
      "日本語の映画.mp4",
      "a".repeat(251) + ".mp4",
    ];
    assertEquals(new TextEncoder().encode(names.at(-1)!).length, 255);
    for (const name of names) {
      await Deno.link(src, `${dir}/${name}`);
      const info = await probe(`${dir}/${name}`);
      assertEquals([info.container, info.video?.codec], ["mov", "h264"], JSON.stringify(name));
    }
    // Relative paths too, where "-i.mp4" is most tempting to read as an option.
    Deno.chdir(dir);
    for (const name of ["-i.mp4", "-leading dash.mp4", "a:b.mp4", "concat:x.mp4"]) {
      assertEquals((await probe(name)).video?.codec, "h264", name);
    }
    Deno.chdir(cwd);
    for (const where of [dir, cwd]) {
      assert(!(await Deno.stat(`${where}/pwned`).then(() => true, () => false)), "a shell ran");
    }
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});
