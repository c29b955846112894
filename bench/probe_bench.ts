// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * ffprobe throughput on small files: Debian's `/usr/bin/ffprobe` (5.1,
 * dynamically linked) against the static build of `@ffprobe-installer`
 * (what `library.ffprobePath: auto` picks), at 1, 2 and 4 probes at once.
 *
 * - **raw**: `Deno.Command` running ffprobe with probeFile's arguments and
 *   nothing else: the cost of the program itself;
 * - **probeFile**: the wrapper (stat, `runProcess` with its `setpriv`
 *   parent-death guard and process group, JSON mapping, the declared-size
 *   check), to show its overhead over raw.
 *
 * The files are hard links to the SDR fixtures of tests/media_fixtures.ts
 * (h264_aac, h264_multi, vp9_opus: one ffprobe run each; HDR files take a
 * second run for their first frames). Each figure is the median of
 * {@linkcode ROUNDS} rounds after a warm-up. Prints figures; asserts nothing.
 */
import { mediaFixture } from "../tests/media_fixtures.ts";
import { probeFile } from "../lib/media/ffprobe.ts";
import { resolveFfprobe } from "../lib/media/ffprobe_binary.ts";

const COPIES = Number(Deno.env.get("BENCH_PROBE_COPIES") ?? 10);
const ROUNDS = 3;
const CONCURRENCY = [1, 2, 4];
const DEBIAN = "/usr/bin/ffprobe";
/** probeFile's first (and for SDR files only) ffprobe run. */
const ARGS = [
  "-v",
  "error",
  "-print_format",
  "json",
  "-show_format",
  "-show_streams",
  "-show_chapters",
];

const STATIC = await resolveFfprobe("auto");
if (STATIC === "ffprobe") {
  console.log("the static ffprobe is not installed or does not run here: nothing to compare");
  Deno.exit(0);
}

const dir = await Deno.makeTempDir({ prefix: "revenge-probe-bench-" });
const files: string[] = [];
for (const kind of ["h264_aac", "h264_multi", "vp9_opus"] as const) {
  const src = await mediaFixture(kind);
  for (let i = 0; i < COPIES; i++) {
    const path = `${dir}/${kind}-${i}${src.slice(src.lastIndexOf("."))}`;
    await Deno.link(src, path);
    files.push(path);
  }
}

type Probe = (path: string) => Promise<unknown>;

function raw(ffprobe: string): Probe {
  return async (path) => {
    const out = await new Deno.Command(ffprobe, {
      args: [...ARGS, "-i", `file:${path}`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`${ffprobe} failed on ${path}`);
    JSON.parse(new TextDecoder().decode(out.stdout));
  };
}

function wrapped(ffprobe: string): Probe {
  return (path) => probeFile(path, { ffprobe, timeoutMs: 30_000 });
}

/** Wall time of probing every file with `inFlight` probes at once. */
async function round(probe: Probe, inFlight: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) await probe(files[next++]);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return performance.now() - start;
}

interface Figure {
  filesPerSecond: number;
  msPerFile: number;
}

async function measure(label: string, probe: Probe, inFlight: number): Promise<Figure> {
  await round(probe, inFlight); // warm-up: page cache, the binary's pages, the JIT
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await round(probe, inFlight));
  const ms = times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  const figure = { filesPerSecond: files.length / (ms / 1000), msPerFile: ms / files.length };
  console.log(
    `${label.padEnd(26)} ${String(inFlight).padStart(2)} at once  ${
      figure.filesPerSecond.toFixed(1).padStart(7)
    } files/s  ${figure.msPerFile.toFixed(1).padStart(6)} ms/file (wall)`,
  );
  return figure;
}

function compare(what: string, a: [string, Figure], b: [string, Figure]): void {
  const [fast, slow] = a[1].filesPerSecond >= b[1].filesPerSecond ? [a, b] : [b, a];
  const ratio = fast[1].filesPerSecond / slow[1].filesPerSecond;
  console.log(
    `  → ${what}: ${fast[0]} is faster, ${ratio.toFixed(2)}× (${
      (slow[1].msPerFile - fast[1].msPerFile).toFixed(1)
    } ms less per file)`,
  );
}

const version = async (p: string) =>
  new TextDecoder().decode((await new Deno.Command(p, { args: ["-version"] }).output()).stdout)
    .split("\n")[0];
console.log(`${files.length} files (${COPIES} hard links each of 3 fixtures), ${ROUNDS} rounds`);
console.log(`debian: ${await version(DEBIAN)}`);
console.log(`static: ${await version(STATIC)}`);
try {
  for (const n of CONCURRENCY) {
    console.log("");
    const debian = await measure("raw debian", raw(DEBIAN), n);
    const stat = await measure("raw static", raw(STATIC), n);
    const debianWrapped = await measure("probeFile debian", wrapped(DEBIAN), n);
    const staticWrapped = await measure("probeFile static", wrapped(STATIC), n);
    compare(`raw, ${n} at once`, ["static", stat], ["debian", debian]);
    compare(`probeFile, ${n} at once`, ["static", staticWrapped], ["debian", debianWrapped]);
    const overhead = (w: Figure, r: Figure) => (w.msPerFile - r.msPerFile).toFixed(1);
    console.log(
      `  → probeFile overhead over raw: ${overhead(staticWrapped, stat)} ms/file (static), ${
        overhead(debianWrapped, debian)
      } ms/file (debian)`,
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
