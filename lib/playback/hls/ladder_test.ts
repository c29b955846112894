import { assertEquals } from "../../../tests/assert.ts";
import type { VideoInfo } from "../../model/media_info.ts";
import { ladder, sourceRendition, videoCodecString } from "./ladder.ts";

function video(width: number, height: number, o: Partial<VideoInfo> = {}): VideoInfo {
  return {
    index: 0,
    codec: "h264",
    profile: "High",
    level: 41,
    width,
    height,
    frameRate: 24,
    bitDepth: 8,
    pixelFormat: "yuv420p",
    colorPrimaries: null,
    colorTransfer: null,
    colorSpace: null,
    hdr: null,
    bitrate: 10_000_000,
    ...o,
  };
}

const sizes = (v: VideoInfo, caps = {}) =>
  ladder(v, "h264", caps).map((r) => `${r.name} ${r.width}x${r.height} ${r.videoBitrate}`);

Deno.test("ladder offers the rungs at or below the source, never enlarged", () => {
  assertEquals(sizes(video(1920, 1080)), [
    "1080p 1920x1080 8000000",
    "720p 1280x720 4000000",
    "480p 854x480 1500000",
  ]);
  // A scope film is 1080p by its width (with the bits per pixel of 1080p).
  assertEquals(sizes(video(1920, 800))[0], "1080p 1920x800 5926000");
  assertEquals(sizes(video(1280, 720)), ["720p 1280x720 4000000", "480p 854x480 1500000"]);
  // Smaller than every rung: one rung at its own size, at the rung's bits per pixel.
  assertEquals(sizes(video(320, 180)), ["480p 320x180 211000"]);
});

Deno.test("ladder is capped by the client's height and bitrate", () => {
  assertEquals(sizes(video(1920, 1080), { maxHeight: 720 }), [
    "720p 1280x720 4000000",
    "480p 854x480 1500000",
  ]);
  assertEquals(sizes(video(1920, 1080), { maxBitrate: 2_000_000 }), ["480p 854x480 1500000"]);
  // Below every rung: the smallest, squeezed to the budget.
  assertEquals(sizes(video(1920, 1080), { maxBitrate: 700_000 }), ["480p 854x480 540000"]);
});

Deno.test("videoCodecString gives RFC 6381 strings", () => {
  assertEquals(videoCodecString(sourceRendition(video(1920, 1080), null), "High"), "avc1.640029");
  assertEquals(
    videoCodecString(sourceRendition(video(1920, 1080), null), "Constrained Baseline"),
    "avc1.42e029",
  );
  const hevc = sourceRendition(video(3840, 2160, { codec: "hevc", level: 153 }), null);
  assertEquals(videoCodecString(hevc, "Main 10"), "hvc1.2.4.L153.B0");
  assertEquals(videoCodecString(ladder(video(1920, 1080), "h264", {})[1], null), "avc1.64001f");
});
