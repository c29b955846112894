/**
 * The keyframe times of a film's video (seconds), read with ffprobe from
 * the packets (no decoding), once per file: a copy can only cut there.
 */
import { keyframeProbeArgs } from "./ffmpeg_args.ts";
import { runProcess } from "./subprocess.ts";

/** Reads the keyframe times of stream `videoIndex` of `path`. */
export async function readKeyframes(
  ffprobe: string,
  path: string,
  videoIndex: number,
): Promise<number[]> {
  const { stdout } = await runProcess([ffprobe, ...keyframeProbeArgs(path, videoIndex)], {
    timeoutMs: 120_000,
    maxStdoutBytes: 256 * 1024 * 1024,
  });
  const out: number[] = [];
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const [pts, flags] = line.split(",");
    if (flags?.includes("K")) {
      const t = Number(pts);
      if (Number.isFinite(t)) out.push(t);
    }
  }
  return out.sort((a, b) => a - b);
}
