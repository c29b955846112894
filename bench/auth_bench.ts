// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * What authentication costs. A real Revenge runs as its own process (so the
 * load generator here does not share its event loop), on the PostgreSQL of
 * `BENCH_DATABASE_URL` / `TEST_DATABASE_URL` (a throw-away database is made
 * and dropped) or else its embedded one in a temporary data dir.
 *
 * - login latency, p50/p99, sequential (argon2id verify, session insert,
 *   audit row), and the same for an unknown user and a wrong password, which
 *   should not differ in a way that reveals whether the user exists;
 * - `GET /api/v1/users/me` with a Bearer session token, 64 concurrent clients
 *   for 10 s: p50/p99 and requests per second, against the same load on
 *   `/healthz` (no authentication, no database).
 *
 * Prints figures; asserts nothing about timings.
 */
import { createSql } from "../lib/db/client.ts";
import { withDatabase } from "../tests/db.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const LOGINS = 100;
const CLIENTS = 64;
const DURATION_MS = 10_000;
const PASSWORD = "correct horse battery staple";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function makeDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
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

async function startServer(databaseUrl: string | undefined, dataDir: string) {
  const port = freePort();
  const env: Record<string, string> = {
    REVENGE_DATA_DIR: dataDir,
    REVENGE_PORT: String(port),
    REVENGE_HOST: "127.0.0.1",
    REVENGE_LOG_LEVEL: "warn",
    REVENGE_API_RATE_LIMIT: "1000000000",
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR", "REVENGE_EMBEDDED_PG_USER"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "main.ts"],
    cwd: ROOT,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  while (true) {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.status === 200) return { child, url };
    if (performance.now() - t0 > 120_000) {
      child.kill("SIGKILL");
      throw new Error("Revenge not ready after 120 s");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function timeLogins(url: string, username: string, password: string, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await post(`${url}/api/v1/auth/login`, { username, password });
    times.push(performance.now() - t);
    if (r.status === 429) throw new Error("login back-off reached; lower the count");
  }
  return times;
}

async function load(url: string, headers: Record<string, string>) {
  const times: number[] = [];
  let errors = 0;
  const end = performance.now() + DURATION_MS;
  const client = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      times.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const seconds = (performance.now() - t0) / 1000;
  return { times, errors, rps: times.length / seconds };
}

const db = await makeDatabase();
const dataDir = await Deno.makeTempDir({ prefix: "revenge-auth-bench-" });
let server: Awaited<ReturnType<typeof startServer>> | undefined;
try {
  server = await startServer(db.url, dataDir);
  console.log(`PostgreSQL: ${db.url ? "BENCH/TEST_DATABASE_URL" : "embedded"}`);
  const setup = await post(`${server.url}/api/v1/setup`, { username: "admin", password: PASSWORD });
  if (setup.status !== 201) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);

  const ok = await timeLogins(server.url, "admin", PASSWORD, LOGINS);
  console.log(
    `login (argon2id m=19456 t=2 p=1), ${LOGINS} sequential:  p50 ${ms(pct(ok, 0.5))}  p99 ${
      ms(pct(ok, 0.99))
    }`,
  );
  // Failures count towards the back-off: stay under its free failures per address.
  const unknown = await timeLogins(server.url, "nobody", PASSWORD, 2);
  const wrong = await timeLogins(server.url, "admin", "wrong password", 2);
  console.log(
    `failed login, unknown user vs wrong password (2 each):  ${unknown.map(ms).join(", ")}  vs  ${
      wrong.map(ms).join(", ")
    }`,
  );

  const token = (await post(`${server.url}/api/v1/auth/login`, {
    username: "admin",
    password: PASSWORD,
  })).body.accessToken;
  for (
    const [label, path, headers] of [
      ["GET /healthz (no auth)", "/healthz", {}],
      ["GET /api/v1/users/me (Bearer)", "/api/v1/users/me", { authorization: `Bearer ${token}` }],
    ] as const
  ) {
    await load(`${server.url}${path}`, headers); // warm-up round
    const r = await load(`${server.url}${path}`, headers);
    console.log(
      `${label.padEnd(30)} ${CLIENTS} clients ${DURATION_MS / 1000} s:  p50 ${
        ms(pct(r.times, 0.5))
      }  p99 ${ms(pct(r.times, 0.99))}  ${Math.round(r.rps)} req/s${
        r.errors ? `  (${r.errors} non-200!)` : ""
      }`,
    );
  }
} finally {
  server?.child.kill("SIGTERM");
  await server?.child.status;
  await db.drop().catch((e) => console.error("dropping the bench database failed:", e));
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
