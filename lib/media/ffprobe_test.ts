/**
 * Unit tests of the ffprobe wrapper's parts: the JSON mapping (on canned
 * ffprobe output), HDR detection, the declared-end check (on made-up
 * bytes), the failure reasons and the binary resolution. Real files are
 * probed in tests/media_probe_test.ts.
 */
import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import {
  type FfprobeOutput,
  type FfprobeStream,
  frameSideData,
  hdrType,
  parseFfprobeJson,
  toMediaInfo,
} from "./_ffprobe_parse.ts";
import { declaredEnd } from "./_ffprobe_declared_end.ts";
import { ffprobeFailure } from "./_ffprobe_reason.ts";
import { ffprobeRuns, findStaticFfprobe, resolveFfprobe } from "./ffprobe_binary.ts";
import { ProbeError, probeFile } from "./ffprobe.ts";
import { ProcessError, type ProcessResult } from "./subprocess.ts";

/** ffprobe 5.1's answer for tests/media_fixtures.ts `h264_multi`, cut to the fields read. */
const MULTI: FfprobeOutput = {
  streams: [
    {
      index: 0,
      codec_name: "h264",
      codec_type: "video",
      profile: "High",
      level: 12,
      width: 320,
      height: 180,
      avg_frame_rate: "24/1",
      r_frame_rate: "24/1",
      bits_per_raw_sample: "8",
      pix_fmt: "yuv420p",
      tags: { ENCODER: "Lavc libx264", DURATION: "00:00:02.021000000" },
      disposition: { default: 0, forced: 0, attached_pic: 0 },
    },
    {
      index: 1,
      codec_name: "aac",
      codec_type: "audio",
      profile: "LC",
      avg_frame_rate: "0/0",
      channels: 2,
      channel_layout: "stereo",
      sample_rate: "48000",
      tags: { language: "eng", title: "Stereo", DURATION: "00:00:02.021000000" },
      disposition: { default: 1, forced: 0, attached_pic: 0 },
    },
    {
      index: 2,
      codec_name: "ac3",
      codec_type: "audio",
      bit_rate: "448000",
      channels: 6,
      channel_layout: "5.1(side)",
      sample_rate: "48000",
      tags: { language: "fra" },
      disposition: { default: 0, forced: 0, attached_pic: 0 },
    },
    {
      index: 3,
      codec_name: "subrip",
      codec_type: "subtitle",
      tags: { language: "eng", title: "Forced" },
      disposition: { default: 0, forced: 1, attached_pic: 0 },
    },
  ],
  chapters: [
    { start_time: "0.000000", end_time: "1.000000", tags: { title: "Opening" } },
    { start_time: "1.000000", end_time: "2.000000", tags: { title: "Ending" } },
  ],
  format: {
    format_name: "matroska,webm",
    duration: "2.032000",
    size: "183774",
    bit_rate: "723519",
  },
};

const video = (s: Partial<FfprobeStream>): FfprobeStream => ({
  index: 0,
  codec_type: "video",
  codec_name: "hevc",
  width: 3840,
  height: 2160,
  ...s,
});
const infoOf = (streams: FfprobeStream[]) => toMediaInfo({ streams, format: {} }, 1);

Deno.test("toMediaInfo maps every field of a real ffprobe answer", () => {
  assertEquals(toMediaInfo(MULTI, 183774), {
    container: "matroska",
    durationMs: 2032,
    sizeBytes: 183774,
    bitrate: 723519,
    video: {
      index: 0,
      codec: "h264",
      profile: "High",
      level: 12,
      width: 320,
      height: 180,
      frameRate: 24,
      bitDepth: 8,
      pixelFormat: "yuv420p",
      colorPrimaries: null,
      colorTransfer: null,
      colorSpace: null,
      hdr: null,
      bitrate: null,
    },
    audio: [
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
        bitrate: 448000,
        language: "fra",
        title: null,
        default: false,
        forced: false,
      },
    ],
    subtitles: [
      {
        index: 3,
        codec: "subrip",
        language: "eng",
        title: "Forced",
        default: false,
        forced: true,
        text: true,
      },
    ],
    chapters: [
      { startMs: 0, endMs: 1000, title: "Opening" },
      { startMs: 1000, endMs: 2000, title: "Ending" },
    ],
  });
});

Deno.test("toMediaInfo skips a cover picture and reads an audio-only file", () => {
  const cover = video({ index: 0, codec_name: "mjpeg", disposition: { attached_pic: 1 } });
  const main = video({ index: 1, codec_name: "h264" });
  assertEquals(infoOf([cover, main]).video?.index, 1);
  const audioOnly = infoOf([cover, { index: 1, codec_type: "audio", codec_name: "flac" }]);
  assertEquals(audioOnly.video, null);
  assertEquals(audioOnly.audio.map((a) => a.codec), ["flac"]);
  // Attachments (fonts) and data streams are neither video nor tracks.
  const other = infoOf([{ index: 0, codec_type: "attachment" }, { index: 1, codec_type: "data" }]);
  assertEquals([other.video, other.audio, other.subtitles], [null, [], []]);
});

Deno.test("toMediaInfo reads bit depth, frame rate and level in all their spellings", () => {
  const depth = (s: Partial<FfprobeStream>) => infoOf([video(s)]).video!.bitDepth;
  assertEquals(depth({ bits_per_raw_sample: "10", pix_fmt: "yuv420p" }), 10);
  assertEquals(depth({ pix_fmt: "yuv420p10le" }), 10);
  assertEquals(depth({ pix_fmt: "yuv444p12be" }), 12);
  assertEquals(depth({ pix_fmt: "p010le" }), 10);
  assertEquals(depth({ pix_fmt: "gbrp16le" }), 16);
  assertEquals(depth({ pix_fmt: "yuv420p" }), 8);
  assertEquals(depth({ pix_fmt: "yuvj420p" }), 8);
  assertEquals(depth({ pix_fmt: "nv12" }), 8);
  assertEquals(depth({ pix_fmt: "rgb24" }), null);
  assertEquals(depth({ bits_per_raw_sample: "N/A" }), null);

  const fps = (s: Partial<FfprobeStream>) => infoOf([video(s)]).video!.frameRate;
  assertEquals(fps({ avg_frame_rate: "24000/1001" }), 23.976);
  assertEquals(fps({ avg_frame_rate: "0/0", r_frame_rate: "25/1" }), 25);
  assertEquals(fps({ avg_frame_rate: "0/0", r_frame_rate: "90000/0" }), null);

  const level = (l: number | undefined) => infoOf([video({ level: l })]).video!.level;
  assertEquals([level(153), level(0), level(-99), level(undefined)], [153, 0, null, null]);
  const color = infoOf([video({ color_transfer: "unknown", color_space: "bt709" })]).video!;
  assertEquals([color.colorTransfer, color.colorSpace], [null, "bt709"]);
});

Deno.test("toMediaInfo reads tags in any case, und as no language, and mkvmerge's BPS", () => {
  const [a] = infoOf([{
    index: 1,
    codec_type: "audio",
    codec_name: "dts",
    profile: "DTS-HD MA",
    channels: 8,
    tags: { LANGUAGE: "und", Title: "Surround 7.1", BPS: "3500000" },
  }]).audio;
  assertEquals([a.language, a.title, a.bitrate, a.profile, a.sampleRate], [
    null,
    "Surround 7.1",
    3500000,
    "DTS-HD MA",
    null,
  ]);
});

Deno.test("toMediaInfo tells text subtitles from picture subtitles", () => {
  const codecs = [
    "subrip",
    "ass",
    "ssa",
    "mov_text",
    "webvtt",
    "text",
    "hdmv_pgs_subtitle",
    "dvd_subtitle",
    "dvb_subtitle",
    "xsub",
  ];
  const subs = infoOf(
    codecs.map((c, index) => ({ index, codec_type: "subtitle", codec_name: c })),
  ).subtitles;
  assertEquals(
    subs.map((s) => [s.codec, s.text]),
    codecs.map((c, i) => [c, i < 6]),
  );
});

Deno.test("toMediaInfo handles a bare answer without inventing values", () => {
  assertEquals(toMediaInfo({}, 0), {
    container: "unknown",
    durationMs: null,
    sizeBytes: 0,
    bitrate: null,
    video: null,
    audio: [],
    subtitles: [],
    chapters: [],
  });
  // A FIFO has no stat size: ffprobe's own is taken.
  assertEquals(toMediaInfo({ format: { size: "1234", duration: "N/A" } }, 0).sizeBytes, 1234);
});

Deno.test("hdrType orders Dolby Vision, HLG, HDR10+, HDR10 and SDR", () => {
  const dovi = { side_data_type: "DOVI configuration record", dv_profile: 8 };
  const plus = { side_data_type: "HDR Dynamic Metadata SMPTE2094-40 (HDR10+)" };
  const mastering = { side_data_type: "Mastering display metadata" };
  const pq = video({ color_transfer: "smpte2084" });
  assertEquals(hdrType({ ...pq, side_data_list: [dovi] }), "dolby_vision");
  assertEquals(hdrType(video({ side_data_list: [dovi] })), "dolby_vision"); // profile 5: no PQ tag
  assertEquals(hdrType(video({ color_transfer: "arib-std-b67" })), "hlg");
  assertEquals(hdrType(pq, [mastering, plus]), "hdr10plus");
  assertEquals(hdrType(pq, [mastering]), "hdr10");
  assertEquals(hdrType(pq), "hdr10");
  assertEquals(hdrType(video({ color_transfer: "bt709" })), null);
  assertEquals(hdrType(video({})), null);
  const frames: FfprobeOutput = {
    frames: [{ side_data_list: [mastering] }, { side_data_list: [plus] }],
  };
  assertEquals(frameSideData(frames), [mastering, plus]);
  assertEquals(toMediaInfo({ streams: [pq] }, 1, [plus]).video?.hdr, "hdr10plus");
});

Deno.test("parseFfprobeJson refuses what is not a JSON object", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  assertEquals(parseFfprobeJson(bytes('{"streams": []}')), { streams: [] });
  for (const bad of ["", "[]", "null", "{"]) {
    let threw = false;
    try {
      parseFfprobeJson(bytes(bad));
    } catch (e) {
      threw = e instanceof SyntaxError;
    }
    assert(threw, `accepted ${JSON.stringify(bad)}`);
  }
});

/** EBML header (DocType "matroska"), then a Segment of `size` (8-byte size field). */
function matroska(segmentSize: number | "unknown", body: number): Uint8Array {
  const docType = [0x42, 0x82, 0x88, ...new TextEncoder().encode("matroska")];
  const header = [0x1a, 0x45, 0xdf, 0xa3, 0x80 | docType.length, ...docType];
  const size = segmentSize === "unknown"
    ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    : [0x01, 0, 0, 0, 0, (segmentSize >> 16) & 0xff, (segmentSize >> 8) & 0xff, segmentSize & 0xff];
  return new Uint8Array([
    ...header,
    0xec,
    0x82,
    0,
    0,
    0x18,
    0x53,
    0x80,
    0x67,
    ...size,
    ...new Array(body).fill(0),
  ]);
}

function box(type: string, size: number, large = false): number[] {
  const t = [...new TextEncoder().encode(type)];
  if (large) {
    return [
      0,
      0,
      0,
      1,
      ...t,
      0,
      0,
      0,
      0,
      0,
      0,
      size >> 8,
      size & 0xff,
      ...new Array(size - 16).fill(0),
    ];
  }
  return [0, 0, size >> 8, size & 0xff, ...t, ...new Array(Math.max(size - 8, 0)).fill(0)];
}

function riff(n: number, body: number, form = "AVI "): number[] {
  return [
    ...new TextEncoder().encode("RIFF"),
    n & 0xff,
    n >> 8,
    0,
    0,
    ...new TextEncoder().encode(form),
    ...new Array(body).fill(0),
  ];
}

Deno.test("declaredEnd reads Matroska, MP4 and AVI sizes and flags a cut file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const end = async (bytes: Uint8Array | number[]) => {
      const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      await Deno.writeFile(`${dir}/f`, b);
      return { end: await declaredEnd(`${dir}/f`, b.length), size: b.length };
    };
    // Matroska: EBML header 16 bytes, Void 4, Segment id 4 + size 8: 32 bytes before the body.
    assertEquals(await end(matroska(100, 100)), { end: 132, size: 132 });
    assertEquals(await end(matroska(100, 50)), { end: 132, size: 82 });
    assertEquals(await end(matroska("unknown", 50)), { end: null, size: 82 });
    // ISO BMFF: ftyp + moov + mdat; a 64-bit mdat; size 0 means "to the end".
    const mp4 = [...box("ftyp", 24), ...box("moov", 40), ...box("mdat", 200)];
    assertEquals(await end(mp4), { end: 264, size: 264 });
    assertEquals(await end(mp4.slice(0, 150)), { end: 264, size: 150 });
    assertEquals(await end([...box("ftyp", 24), ...box("mdat", 300, true)].slice(0, 200)), {
      end: 324,
      size: 200,
    });
    assertEquals(
      await end([...box("ftyp", 24), 0, 0, 0, 0, ...new TextEncoder().encode("mdat"), 1, 2]),
      {
        end: 34,
        size: 34,
      },
    );
    // Trailing bytes that are no box are not ours to judge.
    assertEquals((await end([...mp4, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])).end, null);
    // AVI: RIFF size excludes its 8-byte header; an odd size is padded by one byte.
    assertEquals(await end(riff(101, 97)), { end: 109, size: 109 });
    assertEquals(await end(riff(101, 40)), { end: 109, size: 52 });
    assertEquals((await end(riff(101, 97, "WAVE"))).end, null);
    // Formats without declared sizes.
    assertEquals((await end(new Uint8Array(188).fill(0x47))).end, null);
    assertEquals(
      (await end(new TextEncoder().encode("1\n00:00:00,000 --> 00:00:01,000\nHi\n"))).end,
      null,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function failed(
  reason: ProcessError["reason"],
  stderrTail: string,
  extra: Partial<ProcessResult> = {},
) {
  const result: ProcessResult = {
    code: 1,
    signal: null,
    stdout: new Uint8Array(),
    stderrTail,
    durationMs: 5,
    timedOut: false,
    ...extra,
  };
  return new ProcessError(reason, "ffprobe", "ffprobe exited with code 1", { result });
}

Deno.test("ffprobeFailure words ffprobe's errors without the path", () => {
  const input = "file:/films/a\nb: c.mkv";
  const at = "[matroska,webm @ 0x55c40aa001c0] ";
  assertEquals(
    ffprobeFailure(
      failed(
        "exit",
        `${at}EBML header parsing failed\n${input}: Invalid data found when processing input\n`,
      ),
      input,
    ),
    "not a media file: Invalid data found when processing input (EBML header parsing failed)",
  );
  assertEquals(
    ffprobeFailure(failed("exit", `${input}: Invalid data found when processing input\n`), input),
    "not a media file: Invalid data found when processing input",
  );
  assertEquals(
    ffprobeFailure(failed("exit", `${input}: No such file or directory\n`), input),
    "file not found",
  );
  assertEquals(
    ffprobeFailure(failed("exit", `${input}: End of file\n`), input),
    "ffprobe cannot open it: End of file",
  );
  assertEquals(
    ffprobeFailure(failed("exit", `${at}Failed to read ${input.slice(5)}\x1b[0m\n`), input),
    "ffprobe failed: Failed to read the file",
  );
  assertEquals(ffprobeFailure(failed("exit", ""), input), "ffprobe exited with code 1");
  assertEquals(
    ffprobeFailure(failed("signal", "", { code: null, signal: "SIGSEGV" }), input),
    "ffprobe crashed (SIGSEGV)",
  );
  assertEquals(
    ffprobeFailure(failed("stdout-limit", ""), input),
    "ffprobe's report is too large (over 16 MiB of metadata)",
  );
  const long = ffprobeFailure(failed("exit", `${input}: ${"x".repeat(500)}\n`), input);
  assert(long.length <= 230 && long.endsWith("…"), long);
});

Deno.test("probeFile answers a missing, empty or folder path without ffprobe", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/empty.mkv`, new Uint8Array());
    // A program that does not exist: reaching it would be a ProcessError, not these.
    const options = { ffprobe: `${dir}/no-ffprobe`, timeoutMs: 5000 };
    const reason = async (p: string) =>
      (await assertRejects(() => probeFile(p, options), ProbeError)).reason;
    assertEquals(await reason(`${dir}/empty.mkv`), "empty file (0 bytes)");
    assertEquals(await reason(`${dir}/missing.mkv`), "file not found");
    assertEquals(await reason(dir), "a folder, not a file");
    const e = await assertRejects(() => probeFile(`${dir}/empty.mkv`, options), ProbeError);
    assertEquals([e.path, e.message], [
      `${dir}/empty.mkv`,
      `cannot probe ${dir}/empty.mkv: empty file (0 bytes)`,
    ]);
    // Reaching ffprobe: a set-up problem, not the file's.
    await Deno.writeFile(`${dir}/a.mkv`, new Uint8Array([1]));
    const p = await assertRejects(() => probeFile(`${dir}/a.mkv`, options), ProcessError);
    assertEquals(p.reason, "not-found");
    const aborted = AbortSignal.abort(new Error("scan cancelled"));
    await assertRejects(
      () => probeFile(`${dir}/a.mkv`, { ...options, signal: aborted }),
      Error,
      "scan cancelled",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function fakeNodeModules(dir: string, versions: Record<string, string>): Promise<URL> {
  for (const [v, script] of Object.entries(versions)) {
    const at =
      `${dir}/.deno/@ffprobe-installer+linux-x64@${v}/node_modules/@ffprobe-installer/linux-x64`;
    await Deno.mkdir(at, { recursive: true });
    await Deno.writeTextFile(`${at}/ffprobe`, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  }
  return new URL(`file://${dir}/`);
}

Deno.test("findStaticFfprobe takes the newest static build that runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nm = await fakeNodeModules(dir, {
      "5.2.0": "exit 0",
      "5.10.0": "exit 0",
      "6.0.0": "exit 1",
    });
    assertEquals(
      await findStaticFfprobe(nm),
      `${dir}/.deno/@ffprobe-installer+linux-x64@5.10.0/node_modules/@ffprobe-installer/linux-x64/ffprobe`,
    );
    // The top-level link (npm's layout) comes first.
    const top = `${dir}/@ffprobe-installer/linux-x64`;
    await Deno.mkdir(top, { recursive: true });
    await Deno.writeTextFile(`${top}/ffprobe`, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    assertEquals(await findStaticFfprobe(nm), `${top}/ffprobe`);
    // Not executable, or failing: none.
    const none = await fakeNodeModules(`${dir}/b`, { "5.2.0": "exit 3" });
    await Deno.writeTextFile(`${dir}/b/.deno/x`, "");
    assertEquals(await findStaticFfprobe(none), undefined);
    assertEquals(await findStaticFfprobe(new URL(`file://${dir}/nothing/`)), undefined);
    assertEquals(await ffprobeRuns(`${dir}/nothing/ffprobe`), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveFfprobe keeps a configured program and answers auto once", async () => {
  assertEquals(await resolveFfprobe("/opt/ffmpeg/bin/ffprobe"), "/opt/ffmpeg/bin/ffprobe");
  assertEquals(await resolveFfprobe("ffprobe"), "ffprobe");
  const first = resolveFfprobe("auto");
  assert(first === resolveFfprobe("auto"), "auto is worked out once");
  const chosen = await first;
  // This checkout installs the static build (deno.json); it runs on linux-x64.
  assert(
    chosen === "ffprobe" || /\/@ffprobe-installer\/linux-x64\/ffprobe$/.test(chosen),
    chosen,
  );
  if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") {
    assert(chosen !== "ffprobe", chosen);
  }
  assert(await ffprobeRuns(chosen));
});
