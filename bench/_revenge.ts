// deno-lint-ignore-file no-console -- benchmarks print their figures
/** What the benchmarks that run a real Revenge share: a database, the server process, requests. */
import { createSql } from "../lib/db/client.ts";
import { withDatabase } from "../tests/db.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A throw-away database on BENCH/TEST_DATABASE_URL's server, or none (Revenge embeds its own). */
export async function makeDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  const server = Deno.env.get("BENCH_DATABASE_URL") ?? Deno.env.get("TEST_DATABASE_URL");
  if (!server) return { drop: () => Promise.resolve() };
  const name = `revenge_bench_${crypto.randomUUID().slice(0, 8)}`;
  // createSql also understands socket URLs (`?host=/path`), as tests/run.ts makes them.
  const admin = createSql(server, { max: 1 });
  await admin.unsafe(`create database "${name}"`);
  return {
    url: withDatabase(server, name),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Waits until `url` answers 200 (120 s at most; then the child is killed). */
export async function waitFor(url: string, child: Deno.ChildProcess, what: string) {
  const t0 = performance.now();
  while (true) {
    const res = await fetch(url).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.status === 200) return;
    if (performance.now() - t0 > 120_000) {
      child.kill("SIGKILL");
      throw new Error(`${what} not ready after 120 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts Revenge (`main.ts`) as its own process with a cleared environment,
 * its log drained into `logFile`; `env` adds settings.
 */
export async function startServer(
  databaseUrl: string | undefined,
  dataDir: string,
  logFile: string,
  extraEnv: Record<string, string> = {},
) {
  const port = freePort();
  const env: Record<string, string> = {
    REVENGE_DATA_DIR: dataDir,
    REVENGE_PORT: String(port),
    REVENGE_HOST: "127.0.0.1",
    REVENGE_LOG_LEVEL: Deno.env.get("BENCH_LOG_LEVEL") ?? "info",
    REVENGE_LOG_FORMAT: "json",
    REVENGE_API_RATE_LIMIT: "1000000000",
    ...extraEnv,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const extra = Deno.env.get("BENCH_SERVER_FLAGS")?.split(" ").filter(Boolean) ?? [];
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR", "REVENGE_EMBEDDED_PG_USER"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  const child = new Deno.Command(Deno.execPath(), {
    // BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
    args: ["run", "--allow-all", ...extra, "main.ts"],
    cwd: ROOT,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const file = await Deno.open(logFile, { write: true, create: true, truncate: true });
  const drained = child.stderr.pipeTo(file.writable);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`, child, "Revenge").catch(async (e) => {
    await drained;
    console.error(await Deno.readTextFile(logFile));
    throw e;
  });
  return { child, url, drained };
}

/** POSTs JSON; answers the status and the JSON body. */
export async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
