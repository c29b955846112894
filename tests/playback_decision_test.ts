/**
 * The playback decision (`lib/playback/decision.ts`) on real ffprobe output
 * of generated files (tests/media_fixtures.ts), for each built-in profile:
 * the method and the reason codes, table-driven. The image subtitle is the
 * `h264_vobsub` fixture's VobSub track (written by hand: ffmpeg encodes
 * bitmap subtitles only from bitmap subtitles); a PGS track is added to a
 * real probe for the rows of a Blu-ray remux.
 */
import { assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { type FixtureKind, mediaFixture } from "./media_fixtures.ts";
import { probeFile } from "../lib/media/ffprobe.ts";
import { resolveFfprobe } from "../lib/media/ffprobe_binary.ts";
import type { MediaInfo } from "../lib/model/media_info.ts";
import { ForbiddenError, ValidationError } from "../lib/model/errors.ts";
import {
  decidePlayback,
  type PlaybackChoices,
  type PlaybackMethod,
  type ReasonCode,
} from "../lib/playback/decision.ts";
import {
  builtinProfile,
  type BuiltinProfileName,
  type DeviceProfile,
} from "../lib/playback/profiles.ts";

const FFPROBE = await resolveFfprobe("auto");
const probed = new Map<FixtureKind, Promise<{ media: MediaInfo; path: string }>>();
function source(kind: FixtureKind) {
  let p = probed.get(kind);
  if (!p) {
    p = mediaFixture(kind).then(async (path) => ({
      path,
      media: await probeFile(path, { ffprobe: FFPROBE, timeoutMs: 20_000 }),
    }));
    probed.set(kind, p);
  }
  return p;
}

const ALL = new Set(["playback:stream", "playback:transcode"]);
const GUEST = new Set(["playback:stream"]);

interface Row {
  kind: FixtureKind;
  choices?: PlaybackChoices;
  /** Add a PGS track (index 9) and choose it. */
  pgs?: true;
  expect: Record<BuiltinProfileName, [PlaybackMethod, ReasonCode[]]>;
}

const ROWS: Row[] = [
  {
    kind: "h264_aac",
    expect: {
      chromium: ["direct_play", []],
      firefox: ["direct_play", []],
      safari: ["direct_play", []],
    },
  },
  {
    kind: "h264_ac3",
    expect: {
      chromium: ["direct_stream", ["container_not_supported", "audio_codec_not_supported"]],
      firefox: ["direct_stream", ["container_not_supported", "audio_codec_not_supported"]],
      safari: ["direct_stream", ["container_not_supported"]],
    },
  },
  {
    kind: "hevc10_hdr10",
    expect: {
      chromium: ["transcode", [
        "container_not_supported",
        "video_codec_not_supported",
        "hdr_not_supported",
      ]],
      firefox: ["transcode", [
        "container_not_supported",
        "video_codec_not_supported",
        "hdr_not_supported",
      ]],
      // Safari takes HEVC Main 10 and HDR10 from HLS (fMP4): only the container changes.
      safari: ["direct_stream", ["container_not_supported"]],
    },
  },
  {
    kind: "vp9_opus",
    expect: {
      chromium: ["direct_play", []],
      firefox: ["direct_play", []],
      safari: ["transcode", [
        "container_not_supported",
        "video_codec_not_supported",
        "audio_codec_not_supported",
      ]],
    },
  },
  {
    kind: "h264_aac51",
    expect: {
      chromium: ["direct_play", []],
      firefox: ["direct_play", []],
      safari: ["direct_play", []],
    },
  },
  {
    // The AC-3 5.1 track chosen.
    kind: "h264_multi",
    choices: { audioTrack: 2 },
    expect: {
      chromium: ["direct_stream", ["container_not_supported", "audio_codec_not_supported"]],
      firefox: ["direct_stream", ["container_not_supported", "audio_codec_not_supported"]],
      safari: ["direct_stream", ["container_not_supported"]],
    },
  },
  {
    kind: "h264_multi",
    choices: { subtitleTrack: 3 },
    expect: {
      // A text subtitle is served as WebVTT beside the video: no reason.
      chromium: ["direct_stream", ["container_not_supported"]],
      firefox: ["direct_stream", ["container_not_supported"]],
      safari: ["direct_stream", ["container_not_supported"]],
    },
  },
  {
    // The VobSub track (stream 2) chosen: burned in, so transcoded; Matroska needs a remux anyway.
    kind: "h264_vobsub",
    choices: { subtitleTrack: 2 },
    expect: {
      chromium: ["transcode", ["container_not_supported", "subtitle_burn_in"]],
      firefox: ["transcode", ["container_not_supported", "subtitle_burn_in"]],
      safari: ["transcode", ["container_not_supported", "subtitle_burn_in"]],
    },
  },
  {
    kind: "h264_aac",
    pgs: true,
    expect: {
      chromium: ["transcode", ["subtitle_burn_in"]],
      firefox: ["transcode", ["subtitle_burn_in"]],
      safari: ["transcode", ["subtitle_burn_in"]],
    },
  },
];

function withPgs(media: MediaInfo): MediaInfo {
  return {
    ...media,
    subtitles: [...media.subtitles, {
      index: 9,
      codec: "hdmv_pgs_subtitle",
      language: "eng",
      title: null,
      default: false,
      forced: false,
      text: false,
    }],
  };
}

Deno.test("decidePlayback gives each built-in profile the expected method and reasons", async () => {
  for (const row of ROWS) {
    const s = await source(row.kind);
    const media = row.pgs ? withPgs(s.media) : s.media;
    const choices = row.pgs ? { subtitleTrack: 9 } : row.choices ?? {};
    for (const [name, [method, codes]] of Object.entries(row.expect)) {
      const d = decidePlayback(
        { media, path: s.path },
        builtinProfile(name as BuiltinProfileName),
        choices,
        ALL,
      );
      const what = `${row.kind} ${JSON.stringify(choices)} on ${name}`;
      assertEquals([d.method, d.reasons.map((r) => r.code)], [method, codes], what);
      for (const r of d.reasons) assertEquals(r.text.length > 10, true, `${what}: ${r.text}`);
      if (method === "direct_play") assertEquals(d.hls, null, what);
      else assertEquals(d.hls?.mode, method === "transcode" ? "transcode" : "remux", what);
      if (codes.includes("hdr_not_supported")) assertEquals(d.hls?.tonemap, "1", what);
      if (row.pgs) assertEquals(d.hls?.burn, 9, what);
      if (row.kind === "h264_vobsub") {
        assertEquals([d.hls?.burn, d.burn?.codec], [2, "dvd_subtitle"], what);
      }
      // The audio track the HLS stream carries is the one played.
      if (d.hls && d.audio) assertEquals(d.hls.audio, d.audio.index, what);
    }
  }
});

Deno.test("decidePlayback keeps a caller without playback:transcode to direct play and remux", async () => {
  const chromium = builtinProfile("chromium");
  // Burn-in given up: direct play, and the reasons say so.
  const pgs = await source("h264_aac");
  const d = decidePlayback(
    { media: withPgs(pgs.media), path: pgs.path },
    chromium,
    { subtitleTrack: 9 },
    GUEST,
  );
  assertEquals(d.method, "direct_play");
  assertEquals(d.reasons.map((r) => r.code), ["subtitle_burn_in", "transcode_not_permitted"]);
  // A remux is allowed (the audio converted).
  const ac3 = await source("h264_ac3");
  assertEquals(
    decidePlayback({ media: ac3.media, path: ac3.path }, chromium, {}, GUEST).method,
    "direct_stream",
  );
  // A bitrate cap that only a transcode could meet: the file as it is, with the reason.
  const capped = decidePlayback({ media: ac3.media, path: ac3.path }, chromium, {
    maxBitrate: 1000,
  }, GUEST);
  assertEquals(capped.method, "direct_stream");
  assertEquals(capped.reasons.map((r) => r.code), [
    "container_not_supported",
    "bitrate_too_high",
    "audio_codec_not_supported",
    "transcode_not_permitted",
  ]);
  assertEquals(capped.hls?.mode, "remux");
  // Nothing but a transcode plays HEVC in Chromium: 403.
  const hevc = await source("hevc10_hdr10");
  const e = assertThrows(
    () => decidePlayback({ media: hevc.media, path: hevc.path }, chromium, {}, GUEST),
    ForbiddenError,
  );
  assertEquals(/playback:transcode/.test(e.message), true, e.message);
});

Deno.test("decidePlayback checks a custom profile's channels, profiles, levels, depth and size", async () => {
  const stereoOnly: DeviceProfile = {
    name: "tv",
    containers: ["mp4"],
    video: [{ codec: "h264", profiles: ["main"], maxLevel: 10, maxBitDepth: 8 }],
    audio: [{ codec: "aac", maxChannels: 2 }],
    maxWidth: 160,
    maxHeight: 90,
    hdr: [],
    hlsVideo: ["h264"],
  };
  const s = await source("h264_aac51");
  const d = decidePlayback(s, stereoOnly, {}, ALL);
  assertEquals(d.method, "transcode");
  assertEquals(d.reasons.map((r) => r.code), [
    "video_profile_not_supported",
    "video_level_not_supported",
    "resolution_too_high",
    "audio_channels_not_supported",
  ]);
  assertEquals(d.hls?.maxHeight, 90);
  const hevc = await source("hevc10_hdr10");
  const d10 = decidePlayback(
    hevc,
    {
      ...stereoOnly,
      containers: ["mkv"],
      video: [{ codec: "hevc", maxBitDepth: 8 }],
      maxWidth: undefined,
      maxHeight: undefined,
    },
    {},
    ALL,
  );
  assertEquals(d10.reasons.map((r) => r.code), [
    "video_bit_depth_not_supported",
    "hdr_not_supported",
  ]);
});

Deno.test("decidePlayback refuses tracks the file does not have", async () => {
  const s = await source("h264_aac");
  const chromium = builtinProfile("chromium");
  assertThrows(() => decidePlayback(s, chromium, { audioTrack: 7 }, ALL), ValidationError);
  assertThrows(() => decidePlayback(s, chromium, { subtitleTrack: 7 }, ALL), ValidationError);
  assertThrows(
    () => decidePlayback(s, chromium, { subtitleTrack: crypto.randomUUID() }, ALL),
    ValidationError,
  );
  await assertRejects(() =>
    Promise.resolve().then(() => {
      decidePlayback(s, chromium, { audioTrack: -1 }, ALL);
    }), ValidationError);
});
