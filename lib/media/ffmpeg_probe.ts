/**
 * What this ffmpeg can do: its version, whether it has the `zscale` filter
 * (tone-mapping), and whether an encoder really encodes here (a one-second
 * test picture through it: a listed encoder may lack its device or driver).
 */
import { type HwAccel, type OutputCodec, testEncodeArgs } from "./ffmpeg_args.ts";
import { runProcess } from "./subprocess.ts";

/** ffmpeg's version line and filters. */
export async function ffmpegInfo(ffmpeg: string): Promise<{ version: string; zscale: boolean }> {
  const text = async (args: string[]) =>
    new TextDecoder().decode((await runProcess([ffmpeg, ...args], { timeoutMs: 20_000 })).stdout);
  const version = (await text(["-hide_banner", "-version"])).split("\n")[0] ?? "";
  const filters = await text(["-hide_banner", "-filters"]);
  return { version: version.trim(), zscale: /^\s*\S+\s+zscale\s/m.test(filters) };
}

/** Encodes one second through `hwaccel`; resolves with null when it works, else why not. */
export async function testEncode(
  ffmpeg: string,
  hwaccel: HwAccel,
  codec: OutputCodec,
  device?: string,
): Promise<string | null> {
  try {
    await runProcess([ffmpeg, ...testEncodeArgs(hwaccel, codec, device)], { timeoutMs: 30_000 });
    return null;
  } catch (e) {
    const tail = (e as { result?: { stderrTail?: string } }).result?.stderrTail?.trim();
    const last = tail?.split("\n").filter((l) => l.trim()).slice(-2).join(" / ");
    return last || (e instanceof Error ? e.message : String(e));
  }
}
