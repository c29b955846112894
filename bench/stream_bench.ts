// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * Direct-play throughput: `GET /api/v1/stream/{fileId}` of a large
 * generated H.264/AAC MP4 through a real Revenge (its own process), against
 * nginx (Debian's package, one worker, sendfile, a temporary config, run as
 * a non-daemon child on a free port) serving the same file. Both are read
 * by curl into /dev/null on this machine: the whole file once
 * (`BENCH_STREAM_ROUNDS`, default 3, the best kept), then 4 connections at
 * once, each a quarter of the file by range (as players do).
 *
 * The film: 10 s of 1080p testsrc2 at 40 Mbit/s, looped by stream copy to
 * `BENCH_STREAM_MB` (default 400) MB, then scanned and probed by Revenge.
 * Goal: Revenge at least 80 % of nginx. On a shared machine the figures of
 * both vary by 2× from round to round; the best round of each is compared.
 * Asserts nothing.
 */
import { runProcess } from "../lib/media/subprocess.ts";
import { freePort, makeDatabase, post, startServer } from "./_revenge.ts";

const TARGET_MB = Number(Deno.env.get("BENCH_STREAM_MB") ?? 400);
const ROUNDS = Number(Deno.env.get("BENCH_STREAM_ROUNDS") ?? 3);
const GOAL = 0.8;
const PASSWORD = "correct horse battery staple";

async function makeFilm(dir: string): Promise<string> {
  const piece = `${dir}/piece.mp4`;
  await runProcess([
    "ffmpeg",
    ...["-nostdin", "-hide_banner", "-v", "error", "-y"],
    ...["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24:duration=10"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "40M", "-g", "48"],
    ...["-c:a", "aac", "-ac", "2", piece],
  ], { timeoutMs: 600_000 });
  const loops = Math.max(0, Math.ceil(TARGET_MB * 1e6 / (await Deno.stat(piece)).size) - 1);
  await Deno.mkdir(`${dir}/films/Big (2020)`, { recursive: true });
  const film = `${dir}/films/Big (2020)/Big (2020).mp4`;
  await runProcess([
    "ffmpeg",
    ...["-nostdin", "-hide_banner", "-v", "error", "-y", "-stream_loop", String(loops)],
    ...["-i", piece, "-c", "copy", "-movflags", "+faststart", film],
  ], { timeoutMs: 600_000 });
  await Deno.remove(piece);
  return film;
}

/** Bytes per second of one curl download of `url` (optionally a range). */
async function curl(url: string, range?: string): Promise<{ bytes: number; seconds: number }> {
  const r = await runProcess([
    "curl",
    ...["-s", "-o", "/dev/null", "-w", "%{size_download} %{time_total}"],
    ...(range ? ["-r", range] : []),
    url,
  ], { timeoutMs: 600_000 });
  const [bytes, seconds] = new TextDecoder().decode(r.stdout).trim().split(" ").map(Number);
  return { bytes, seconds };
}

async function measure(url: string, size: number) {
  let best = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const { bytes, seconds } = await curl(url);
    if (bytes !== size) throw new Error(`${url}: ${bytes} of ${size} bytes`);
    best = Math.max(best, bytes / seconds);
  }
  const quarter = Math.ceil(size / 4);
  const t = performance.now();
  const parts = await Promise.all([0, 1, 2, 3].map((i) => {
    const end = Math.min(size, (i + 1) * quarter) - 1;
    return curl(url, `${i * quarter}-${end}`);
  }));
  const got = parts.reduce((a, p) => a + p.bytes, 0);
  if (got !== size) throw new Error(`${url}: ranges gave ${got} of ${size} bytes`);
  return { single: best, parallel: size / ((performance.now() - t) / 1000) };
}

async function startNginx(root: string, dir: string) {
  const port = freePort();
  const conf = `${dir}/nginx.conf`;
  await Deno.writeTextFile(
    conf,
    `daemon off;
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr crit;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { video/mp4 mp4; }
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`,
  );
  const child = new Deno.Command("nginx", {
    args: ["-c", conf, "-p", dir],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const r = await fetch(url + "/").catch(() => undefined);
    await r?.body?.cancel();
    if (r) return { child, url };
    await new Promise((res) => setTimeout(res, 25));
  }
  child.kill("SIGKILL");
  throw new Error("nginx did not start");
}

const mbps = (bps: number) => `${(bps / 1e6).toFixed(0)} MB/s`;

const dir = await Deno.makeTempDir({ prefix: "revenge-stream-bench-" });
const db = await makeDatabase();
let revenge: Awaited<ReturnType<typeof startServer>> | undefined;
let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
try {
  const film = await makeFilm(dir);
  const size = (await Deno.stat(film)).size;
  await Deno.mkdir(`${dir}/data`);
  revenge = await startServer(db.url, `${dir}/data`, `${dir}/revenge.log`);
  const base = revenge.url;
  const setup = await post(`${base}/api/v1/setup`, { username: "admin", password: PASSWORD });
  const token = setup.body.accessToken as string;
  const lib = await post(`${base}/api/v1/libraries`, {
    name: "Bench",
    paths: [`${dir}/films`],
    watch: false,
  }, token);
  if (lib.status !== 201) throw new Error(`library: ${JSON.stringify(lib.body)}`);
  let movieId: string | undefined;
  for (let i = 0; i < 600 && !movieId; i++) {
    const r = await fetch(`${base}/api/v1/movies`, {
      headers: { authorization: `Bearer ${token}` },
    });
    movieId = (await r.json()).items?.[0]?.id;
    if (!movieId) await new Promise((res) => setTimeout(res, 100));
  }
  if (!movieId) throw new Error("the film was not scanned");
  // Listed before probed: the decision answers 409 until ffprobe is done.
  let d = await post(`${base}/api/v1/movies/${movieId}/playback`, { profile: "chromium" }, token);
  for (let i = 0; i < 600 && d.status === 409; i++) {
    await new Promise((res) => setTimeout(res, 100));
    d = await post(`${base}/api/v1/movies/${movieId}/playback`, { profile: "chromium" }, token);
  }
  if (d.body.method !== "direct_play") throw new Error(`decision: ${JSON.stringify(d.body)}`);
  nginx = await startNginx(`${dir}/films`, dir);

  const ours = await measure(base + d.body.url, size);
  const theirs = await measure(
    `${nginx.url}/${encodeURIComponent("Big (2020)")}/${encodeURIComponent("Big (2020).mp4")}`,
    size,
  );
  console.log(`file: ${(size / 1e6).toFixed(0)} MB (H.264/AAC 1080p MP4); curl into /dev/null`);
  for (
    const [what, a, b] of [
      ["one connection, whole file", ours.single, theirs.single],
      ["4 connections, a range each", ours.parallel, theirs.parallel],
    ] as const
  ) {
    const ratio = a / b;
    console.log(
      `${what}: Revenge ${mbps(a)}, nginx ${mbps(b)}: ${(ratio * 100).toFixed(0)} % ` +
        `(goal >= ${GOAL * 100} %) ${ratio >= GOAL ? "ok" : "MISSED"}`,
    );
  }
} finally {
  nginx?.child.kill("SIGTERM");
  await nginx?.child.status;
  if (revenge) {
    revenge.child.kill("SIGTERM");
    await revenge.child.status;
    await revenge.drained.catch(() => {});
  }
  await db.drop();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
