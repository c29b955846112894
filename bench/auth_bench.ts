// deno-lint-ignore-file no-console -- benchmarks print their figures
/**
 * What authentication costs. A real Revenge runs as its own process (so the
 * load generator here does not share its event loop), on the PostgreSQL of
 * `BENCH_DATABASE_URL` / `TEST_DATABASE_URL` (a throw-away database is made
 * and dropped) or else its embedded one in a temporary data dir. Beside it,
 * also in its own process, a bare `Deno.serve` answering JSON is the
 * yardstick: every Revenge figure is printed next to the bare server's,
 * measured just before it, as a ratio.
 *
 * - login latency, p50/p99, sequential (argon2id verify, session insert,
 *   audit row), and the same for an unknown user and a wrong password, which
 *   should not differ in a way that reveals whether the user exists;
 * - `/healthz` (no authentication, no database) and `GET /api/v1/users/me`
 *   with a Bearer session token and with the session cookie, 64 concurrent
 *   clients for 10 s: requests per second, p50/p99, with wrk (`--latency`)
 *   when it is installed, else an in-process `fetch` load generator.
 *
 * Revenge logs at `BENCH_LOG_LEVEL` (default `info`, as in production: one
 * access-log line per request) into a pipe that this process drains to a
 * file, as a container runtime or journald would.
 *
 * Beside each figure, the server process's CPU time per request (from
 * `/proc`): on a shared or virtual machine, throughput moves with what else
 * runs, CPU per request much less.
 *
 * `BENCH_ONLY=<label part>` measures only some targets, `BENCH_DURATION_MS`
 * shortens the runs, and `BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=DIR"`
 * profiles the server (summarise with `scripts/cpuprofile_top.ts`).
 *
 * Prints figures and the goals they are measured against; asserts nothing.
 */
import { freePort, makeDatabase, post, startServer, waitFor } from "./_revenge.ts";
import { findWrk, type LoadResult, runLoad } from "./_wrk.ts";
import { cpuSeconds } from "./_proc.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const LOGINS = 100;
const CLIENTS = 64;
const DURATION_MS = Number(Deno.env.get("BENCH_DURATION_MS") ?? 10_000);
const WARMUP_MS = 2_000;
const PASSWORD = "correct horse battery staple";

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function startBare() {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "bench/_bare_server.ts", String(port)],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, child, "bare Deno.serve");
  return { child, url };
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

/** Goals of the hot-path work, printed beside the figures (never asserted). */
const GOAL = { healthz: 0.5, authenticated: 0.25, p99Ms: 5 };

function sessionCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith("revenge_session="));
  if (!line) throw new Error("login set no session cookie");
  return line.split(";")[0];
}

/** A load run with the CPU time the server process spent on it, per request. */
async function measure(pid: number, url: string, options: Parameters<typeof runLoad>[1]) {
  const before = cpuSeconds(pid);
  const r = await runLoad(url, options);
  return { ...r, cpuUs: (cpuSeconds(pid) - before) * 1e6 / Math.max(1, r.requests) };
}

function figures(r: LoadResult & { cpuUs: number }): string {
  return `${String(Math.round(r.rps)).padStart(7)} req/s  p50 ${ms(r.p50Ms)}  p99 ${
    ms(r.p99Ms)
  }  server CPU ${r.cpuUs.toFixed(1).padStart(5)} µs/req${
    r.errors ? `  (${r.errors} errors/non-2xx!)` : ""
  }`;
}

const db = await makeDatabase();
const dataDir = await Deno.makeTempDir({ prefix: "revenge-auth-bench-" });
const logFile = await Deno.makeTempFile({ prefix: "revenge-auth-bench-", suffix: ".log" });
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let loggedRequests = LOGINS + 6; // logins, setup, the two failures of each kind
let bare: Awaited<ReturnType<typeof startBare>> | undefined;
try {
  server = await startServer(db.url, dataDir, logFile);
  bare = await startBare();
  console.log(
    `PostgreSQL: ${db.url ? "BENCH/TEST_DATABASE_URL" : "embedded"}; load: ${
      findWrk() ? "wrk" : "fetch (wrk not found)"
    }; Revenge log level ${Deno.env.get("BENCH_LOG_LEVEL") ?? "info"}`,
  );
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

  const loginRes = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  const token = (await loginRes.json()).accessToken;
  const cookie = sessionCookie(loginRes);
  const targets = [
    ["GET /healthz (no auth)", "/healthz", {}, GOAL.healthz],
    ["GET /api/v1/users/me (Bearer)", "/api/v1/users/me", {
      authorization: `Bearer ${token}`,
    }, GOAL.authenticated],
    ["GET /api/v1/users/me (cookie)", "/api/v1/users/me", { cookie }, GOAL.authenticated],
  ] as const;
  console.log(
    `\n${CLIENTS} clients, ${DURATION_MS / 1000} s each; the bare Deno.serve (JSON) is measured ` +
      `just before each Revenge figure. Goals: /healthz >= ${GOAL.healthz * 100}% of bare, ` +
      `authenticated GET >= ${GOAL.authenticated * 100}%, p99 < ${GOAL.p99Ms} ms.`,
  );
  const load = { connections: CLIENTS, durationMs: DURATION_MS };
  const warm = { connections: CLIENTS, durationMs: WARMUP_MS };
  // BENCH_ONLY=cookie (say) measures only the targets whose label contains it.
  const only = Deno.env.get("BENCH_ONLY");
  for (const [label, path, headers, goal] of targets) {
    if (only && !label.includes(only)) continue;
    await runLoad(`${bare.url}/`, warm);
    const w = await runLoad(`${server.url}${path}`, { ...warm, headers });
    const b = await measure(bare.child.pid, `${bare.url}/`, load);
    const r = await measure(server.child.pid, `${server.url}${path}`, { ...load, headers });
    if (path !== "/healthz") loggedRequests += w.requests + r.requests;
    const ratio = r.rps / b.rps;
    console.log(`${"  bare Deno.serve".padEnd(32)} ${figures(b)}`);
    console.log(`${label.padEnd(32)} ${figures(r)}`);
    console.log(
      `${"".padEnd(32)} = ${(ratio * 100).toFixed(1)}% of bare (goal >= ${goal * 100}%: ${
        ratio >= goal ? "met" : "not met"
      }); p99 goal < ${GOAL.p99Ms} ms: ${r.p99Ms < GOAL.p99Ms ? "met" : "not met"}; ` +
        `CPU per request ${(r.cpuUs / b.cpuUs).toFixed(1)}x bare's`,
    );
  }
} finally {
  bare?.child.kill("SIGTERM");
  await bare?.child.status;
  server?.child.kill("SIGTERM");
  await server?.child.status;
  await server?.drained.catch(() => {});
  if (server) {
    const log = await Deno.readTextFile(logFile);
    const lines = log.split("\n").filter(Boolean);
    const requests = lines.filter((l) => l.includes(`"msg":"request"`)).length;
    console.log(
      `\nRevenge wrote ${lines.length} log lines: ${requests} access-log lines for the ` +
        `${loggedRequests} logged requests the load tools counted (they may count a few less)`,
    );
    const problems = lines.filter((l) => /"level":"(warn|error)"/.test(l));
    if (problems.length) console.log(problems.slice(0, 5).join("\n"));
  }
  await Deno.remove(logFile).catch(() => {});
  await db.drop().catch((e) => console.error("dropping the bench database failed:", e));
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
