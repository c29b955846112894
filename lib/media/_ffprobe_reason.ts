/**
 * A failed ffprobe run in words a user can read. Under `-v error`, ffprobe
 * ends with `<input>: <what went wrong>` when it cannot open the input
 * ("Invalid data found when processing input", "No such file or
 * directory"), after lines such as `[matroska,webm @ 0x5581...] EBML header
 * parsing failed`. The input (the path) is cut out: the reason names no path.
 */
import type { ProcessError } from "./subprocess.ts";

const MAX_REASON = 200;

/** The reason for a `ProcessError` of an ffprobe run on `input` (exit, signal, stdout-limit). */
export function ffprobeFailure(e: ProcessError, input: string): string {
  const stderr = e.result?.stderrTail ?? "";
  switch (e.reason) {
    case "signal":
      return `ffprobe crashed (${e.result?.signal ?? "killed by a signal"})`;
    case "stdout-limit":
      return "ffprobe's report is too large (over 16 MiB of metadata)";
    case "exit": {
      const opened = openFailure(stderr, input);
      if (opened === "Invalid data found when processing input") {
        const detail = demuxerDetail(stderr, input);
        return `not a media file: ${opened}${detail ? ` (${detail})` : ""}`;
      }
      if (opened === "No such file or directory") return "file not found";
      if (opened === "Permission denied") return "permission denied";
      if (opened) return `ffprobe cannot open it: ${opened}`;
      const last = lastLine(stderr, input);
      return last
        ? `ffprobe failed: ${last}`
        : `ffprobe exited with code ${e.result?.code ?? "unknown"}`;
    }
    default:
      return `ffprobe failed (${e.reason})`;
  }
}

/** The text after the last `<input>: `, up to the end of its line. */
function openFailure(stderr: string, input: string): string | undefined {
  const at = stderr.lastIndexOf(`${input}: `);
  if (at < 0) return undefined;
  const rest = stderr.slice(at + input.length + 2);
  return clean(rest.split("\n")[0]) || undefined;
}

/** The last `[demuxer @ 0x...] what` line before the `<input>: ` one: "moov atom not found". */
function demuxerDetail(stderr: string, input: string): string | undefined {
  const at = stderr.lastIndexOf(`${input}: `);
  const before = stderr.slice(0, at < 0 ? stderr.length : at).split("\n");
  for (let i = before.length - 1; i >= 0; i--) {
    const m = /^\[[^\]]*@ 0x[0-9a-f]+\]\s*(.+)$/.exec(before[i]);
    if (m) return clean(withoutInput(m[1], input)) || undefined;
  }
  return undefined;
}

function withoutInput(text: string, input: string): string {
  return text.replaceAll(input, "the file").replaceAll(input.slice("file:".length), "the file");
}

/** The last non-empty line, without its `[demuxer @ 0x...]` prefix and without the input. */
function lastLine(stderr: string, input: string): string | undefined {
  const text = withoutInput(stderr, input);
  const lines = text.split("\n").map((l) => clean(l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, "")));
  return lines.filter(Boolean).at(-1);
}

function clean(s: string): string {
  // deno-lint-ignore no-control-regex -- colour codes and control characters are what is removed
  const t = s.replace(/\x1b\[[0-9;]*m/g, "").replace(/[\x00-\x1f\x7f]+/g, " ").trim();
  return t.length > MAX_REASON ? t.slice(0, MAX_REASON - 1) + "…" : t;
}
