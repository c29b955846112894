import fc from "fast-check";
import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import {
  fileInput,
  hlsRunArgs,
  type HlsRunSpec,
  keyframeProbeArgs,
  testEncodeArgs,
  VIDEO_ENCODERS,
  webvttArgs,
} from "./ffmpeg_args.ts";

// Options ffmpeg is given, and how many values each takes: anything else in an option's place
// is a value that became an option.
const FLAGS = new Set(["-nostdin", "-hide_banner", "-nostats", "-copyts", "-sn", "-dn"]);
const WITH_VALUE = new Set([
  "-loglevel",
  "-v",
  "-ss",
  "-protocol_whitelist",
  "-format_whitelist",
  "-i",
  "-filter_complex",
  "-map",
  "-c:v",
  "-b:v",
  "-maxrate",
  "-bufsize",
  "-preset",
  "-profile:v",
  "-level:v",
  "-sc_threshold",
  "-g",
  "-bf",
  "-tag:v",
  "-x265-params",
  "-force_key_frames",
  "-c:a",
  "-ac",
  "-b:a",
  "-map_metadata",
  "-map_chapters",
  "-f",
  "-hls_time",
  "-hls_list_size",
  "-start_number",
  "-hls_playlist_type",
  "-hls_segment_type",
  "-hls_fmp4_init_filename",
  "-hls_segment_filename",
  "-vaapi_device",
  "-forced-idr",
  "-qsv_device",
  "-c:s",
  "-select_streams",
  "-show_entries",
  "-of",
  "-vf",
]);
const FILTER =
  /^(\[0:\d{1,3}\]\[0:\d{1,3}\]overlay=eof_action=pass\[ov\];)?\[(0:\d{1,3}|ov)\]([a-z0-9=:.,_]+)\[vout\]$/;
const FILTER_STEP =
  /^(zscale=t=linear:npl=100|format=gbrpf32le|zscale=p=bt709|tonemap=hable:desat=0|zscale=t=bt709:m=bt709:r=tv|colorspace=all=bt709:iall=bt2020:fast=1|scale=\d+:\d+|format=nv12|hwupload|format=yuv420p)$/;

/** Walks an argv: every option is known, the input is one `file:` argument, filters are numbers. */
function checkArgv(args: string[], input: string, outDir?: string): void {
  let i = 0;
  let inputs = 0;
  // The last argument of an HLS run is its playlist, inside the session folder.
  const end = outDir ? args.length - 1 : args.length;
  if (outDir) assert(/^\/.*\/r\d+\.m3u8$/.test(args[end]) && args[end].startsWith(outDir + "/"));
  for (; i < end; i++) {
    const a = args[i];
    if (a === "pipe:1" || a === "-") continue;
    if (FLAGS.has(a)) continue;
    assert(
      WITH_VALUE.has(a),
      `unexpected option position: ${JSON.stringify(a)} in ${JSON.stringify(args)}`,
    );
    const v = args[++i];
    assert(v !== undefined, `${a} without a value`);
    if (a === "-i") {
      if (v.startsWith("testsrc2=")) continue;
      assertEquals(v, fileInput(input));
      inputs++;
    } else if (a === "-filter_complex") {
      const m = FILTER.exec(v);
      assert(m, `filter ${JSON.stringify(v)}`);
      for (const step of m[3].split(",")) assert(FILTER_STEP.test(step), `filter step ${step}`);
    } else if (a === "-hls_segment_filename") {
      assertEquals(v, `${outDir}/${v.slice(outDir!.length + 1)}`);
      assert(/^r\d+-p%d\.(ts|m4s)$/.test(v.slice(outDir!.length + 1)));
    } else {
      // Every other value is a constant or a number: no arbitrary text reaches it.
      assert(!v.includes(input) || input.length < 3, `${a} got the input name: ${v}`);
      assert(
        v === "[vout]" || /^[A-Za-z0-9_.,:=+\/\-]*$/.test(v),
        `${a} value ${JSON.stringify(v)}`,
      );
    }
  }
  assertEquals(inputs, 1, "one input");
}

const anyText = fc.string({ unit: "binary", maxLength: 40 });
const anyNumber = fc.oneof(
  fc.integer({ min: -1000, max: 100_000_000 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, 1, 2, 999, 1000, -1, Infinity, NaN),
);
const anyPath = fc.oneof(
  anyText,
  anyText.map((s) => `/${s}`),
  fc.constantFrom("/a/-i", "/x/concat:a|b", "/f/http:x"),
);
const anyDir = fc.oneof(
  anyText,
  fc.constantFrom("/data/transcode/abc", "/tmp/x y", "/a/%d", "/a/../b"),
);

/** Mostly a valid value, sometimes anything: both sides of every check are reached. */
function num(min: number, max: number) {
  return fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: 6 },
    { arbitrary: anyNumber, weight: 1 },
  );
}
const goodDir = fc.constantFrom("/data/transcode/abc", "/var/lib/revenge/transcode/s-1");

const spec = fc.record({
  input: anyPath,
  outDir: fc.oneof({ arbitrary: goodDir, weight: 6 }, { arbitrary: anyDir, weight: 1 }),
  run: num(0, 100),
  startSec: num(0, 10_000),
  videoIndex: num(0, 999),
  audioIndex: fc.option(num(0, 999), { nil: undefined }),
  audio: fc.oneof(
    fc.constant({ copy: true as const }),
    fc.record({
      copy: fc.constant(false as const),
      channels: num(1, 8),
      bitrate: num(32_000, 1_024_000),
    }),
  ),
  video: fc.option(
    fc.record({
      codec: fc.constantFrom("h264" as const, "hevc" as const),
      hwaccel: fc.constantFrom(...Object.keys(VIDEO_ENCODERS) as (keyof typeof VIDEO_ENCODERS)[]),
      device: fc.option(
        fc.oneof(
          anyText,
          fc.constantFrom("/dev/dri/renderD128", "/dev/x -y", "/dev/dri/renderD128"),
        ),
        {
          nil: undefined,
        },
      ),
      width: num(16, 8192),
      height: num(16, 8192),
      bitrate: num(50_000, 400_000_000),
      level: num(10, 62),
      keyframes: fc.array(num(0, 100_000), { maxLength: 5 }),
      burnIndex: fc.option(num(0, 999), { nil: undefined }),
      tonemap: fc.constantFrom(undefined, "zscale" as const, "colorspace" as const),
    }),
    { nil: undefined },
  ),
  segments: fc.constantFrom("ts" as const, "fmp4" as const),
});

Deno.test("hlsRunArgs lets no value become an option or leave a filter, whatever the input", () => {
  let built = 0;
  fc.assert(
    fc.property(spec, (s) => {
      let args: string[];
      try {
        args = hlsRunArgs(s as HlsRunSpec);
      } catch (e) {
        assert(e instanceof RangeError, String(e));
        return;
      }
      built++;
      checkArgv(args, s.input, s.outDir);
    }),
    { numRuns: 3000 },
  );
  assert(built > 100, `only ${built} specs were valid: the generator tests nothing`);
});

Deno.test("webvttArgs and keyframeProbeArgs keep any file name a file", () => {
  fc.assert(
    fc.property(anyPath, anyNumber, (path, index) => {
      for (
        const build of [
          () => webvttArgs(path, { kind: "embedded", index }),
          () => webvttArgs(path, { kind: "external" }),
          () => keyframeProbeArgs(path, index),
        ]
      ) {
        let args: string[];
        try {
          args = build();
        } catch (e) {
          assert(e instanceof RangeError, String(e));
          continue;
        }
        checkArgv(args, path);
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("testEncodeArgs refuses a device path that is not a plain /dev path", () => {
  assertThrows(() => testEncodeArgs("vaapi", "h264", "-i /etc/passwd"), RangeError);
  assertThrows(() => testEncodeArgs("vaapi", "h264", "/dev/../etc/passwd x"), RangeError);
  const args = testEncodeArgs("vaapi", "h264", "/dev/dri/renderD128");
  assertEquals(args[args.indexOf("-vaapi_device") + 1], "/dev/dri/renderD128");
});

Deno.test("hlsRunArgs opens the input with the file protocol and media demuxers only", () => {
  const args = hlsRunArgs({
    input: "/films/-y: concat:x.mkv",
    outDir: "/data/transcode/s1",
    run: 1,
    startSec: 12.5,
    videoIndex: 0,
    audioIndex: 1,
    audio: { copy: true },
    segments: "ts",
  });
  const i = args.indexOf("-i");
  assertEquals(args[i + 1], "file:/films/-y: concat:x.mkv");
  assertEquals(args[args.indexOf("-protocol_whitelist") + 1], "file");
  assert(
    !args[args.indexOf("-format_whitelist") + 1].split(",").some((d) =>
      ["hls", "concat"].includes(d)
    ),
  );
  assert(args.indexOf("-ss") < i, "-ss before -i: a fast seek");
});
