/**
 * Start-up, shutdown and crash behaviour of the real process with the
 * embedded PostgreSQL: the promises of the foundation issue.
 */
import postgres from "postgres";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { dbTest } from "./harness.ts";
import {
  postgresPids,
  spawnRevenge,
  stopRevenge,
  waitForStatus,
  waitNoPostgres,
} from "./process.ts";
import { waitFor } from "./wait_for.ts";
import { parseDatabaseUrl } from "../lib/db/client.ts";

async function tempDataDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "revenge-proc-" });
}

async function exitOf(env: Record<string, string>) {
  const p = spawnRevenge(env);
  const status = await p.status;
  // The exit can be seen before the last stderr lines have been read.
  await p.drained;
  return { code: status.code, lines: p.lines.filter((l) => l.trim()) };
}

function socketSql(dataDir: string) {
  const password = Deno.readTextFileSync(`${dataDir}/postgres/password`).trim();
  return postgres({
    host: `${dataDir}/postgres/run`,
    port: 5432,
    user: "revenge",
    password,
    database: "revenge",
    max: 1,
    onnotice: () => {},
  });
}

dbTest("main exits 2 with one line naming an invalid config key", async () => {
  const { code, lines } = await exitOf({ REVENGE_PORT: "eighty" });
  assertEquals(code, 2);
  assertEquals(lines.length, 1, lines.join("\n"));
  assertMatch(lines[0], /^revenge: REVENGE_PORT: must be a port number from 0 to 65535/);
});

dbTest("main exits with one line when the port is taken", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dir = await tempDataDir();
  try {
    const { code, lines } = await exitOf({
      REVENGE_PORT: String(listener.addr.port),
      REVENGE_DATA_DIR: dir,
    });
    assert(code !== 0);
    assertEquals(lines.length, 1, lines.join("\n"));
    assertMatch(lines[0], /^revenge: REVENGE_PORT: port \d+ on 127\.0\.0\.1 is already in use$/);
    assertEquals(postgresPids(dir), []);
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

dbTest("main exits with one line when the data dir is not writable", async () => {
  const { code, lines } = await exitOf({ REVENGE_DATA_DIR: "/etc/hostname/revenge" });
  assert(code !== 0);
  assertEquals(lines.length, 1, lines.join("\n"));
  assertMatch(lines[0], /^revenge: REVENGE_DATA_DIR: \/etc\/hostname\/revenge is not writable/);
});

dbTest("main on SIGTERM exits 0 and leaves no PostgreSQL behind", async () => {
  const dir = await tempDataDir();
  const p = spawnRevenge({ REVENGE_DATA_DIR: dir });
  try {
    const url = await p.listening;
    assertEquals(await waitForStatus(url + "/readyz", 200), 200);
    assert(postgresPids(dir).length > 0, "embedded PostgreSQL should be running");
    const t0 = Date.now();
    p.child.kill("SIGTERM");
    const status = await p.status;
    assertEquals(status.code, 0);
    assert(Date.now() - t0 < 15_000, "shutdown took longer than 15 s");
    assertEquals(postgresPids(dir), [], "postgres processes left after exit");
  } finally {
    await stopRevenge(p);
    await waitNoPostgres(dir);
    await Deno.remove(dir, { recursive: true });
  }
});

dbTest(
  "main after kill -9 or a stale postmaster.pid starts again with one PostgreSQL and no data lost",
  async () => {
    const dir = await tempDataDir();
    const started: ReturnType<typeof spawnRevenge>[] = [];
    const spawn = (env: Record<string, string>) => {
      const p = spawnRevenge(env);
      started.push(p);
      return p;
    };
    try {
      const first = spawn({ REVENGE_DATA_DIR: dir });
      const url1 = await first.listening;
      assertEquals(await waitForStatus(url1 + "/readyz", 200), 200);
      const sql = socketSql(dir);
      await sql`insert into server_settings (key, value) values ('crash-test', '"kept"')`;
      await sql.end();
      first.child.kill("SIGKILL");
      await first.status;

      const second = spawn({ REVENGE_DATA_DIR: dir });
      const url2 = await second.listening;
      assertEquals(await waitForStatus(url2 + "/readyz", 200), 200);
      const masters = postgresPids(dir).filter((pid) => {
        const cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
        return cmd.includes("-D\0"); // only the postmaster carries the -D argument
      });
      assertEquals(masters.length, 1, `postmasters: ${masters}`);
      const sql2 = socketSql(dir);
      const [row] = await sql2`select value from server_settings where key = 'crash-test'`;
      // Only the Unix socket in the data dir: no TCP port.
      const [{ listen_addresses }] = await sql2`show listen_addresses`;
      await sql2.end();
      assertEquals(row?.value, "kept");
      assertEquals(listen_addresses, "");
      second.child.kill("SIGTERM");
      assertEquals((await second.status).code, 0);
      assertEquals(await waitNoPostgres(dir), []);

      // A stale postmaster.pid naming a process that is not ours (here: this
      // test runner) must not keep PostgreSQL from starting.
      await Deno.writeTextFile(
        `${dir}/postgres/data/postmaster.pid`,
        `${Deno.pid}\n${dir}/postgres/data\n0\n5432\n\n\n0 0\nready\n`,
      );
      const third = spawn({ REVENGE_DATA_DIR: dir });
      const url3 = await third.listening;
      assertEquals(await waitForStatus(url3 + "/readyz", 200), 200);
      third.child.kill("SIGTERM");
      assertEquals((await third.status).code, 0);
      assertEquals(await waitNoPostgres(dir), []);
    } finally {
      await Promise.all(started.map((p) => stopRevenge(p)));
      await waitNoPostgres(dir);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

dbTest("main restarts the embedded PostgreSQL when it dies", async () => {
  const dir = await tempDataDir();
  const p = spawnRevenge({ REVENGE_DATA_DIR: dir });
  try {
    const url = await p.listening;
    assertEquals(await waitForStatus(url + "/readyz", 200), 200);
    const pidFile = Deno.readTextFileSync(`${dir}/postgres/data/postmaster.pid`);
    const master = Number(pidFile.split("\n")[0]);
    Deno.kill(master, "SIGKILL");
    assertEquals(await waitForStatus(url + "/readyz", 503, 10_000), 503);
    assertEquals(await waitForStatus(url + "/readyz", 200, 30_000), 200);
    const again = Number(
      Deno.readTextFileSync(`${dir}/postgres/data/postmaster.pid`).split("\n")[0],
    );
    assert(again !== master, "a new postmaster should serve");
    const info = await fetch(url + "/api/v1/system/info");
    assertEquals(info.status, 200);
    await info.body?.cancel();
    p.child.kill("SIGTERM");
    assertEquals((await p.status).code, 0);
    assertEquals(await waitNoPostgres(dir), []);
  } finally {
    await stopRevenge(p);
    await waitNoPostgres(dir);
    await Deno.remove(dir, { recursive: true });
  }
});

/** Forwards TCP connections on a port to the test PostgreSQL, once switched on. */
function startForwarder(port: number) {
  const target = parseDatabaseUrl(Deno.env.get("TEST_DATABASE_URL")!);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const upstream = typeof target === "string"
        ? await Deno.connect({
          hostname: new URL(target).hostname,
          port: Number(new URL(target).port || 5432),
        })
        : await Deno.connect({ transport: "unix", path: `${target.host}/.s.PGSQL.${target.port}` });
      conns.push(upstream);
      conn.readable.pipeTo(upstream.writable).catch(() => {});
      upstream.readable.pipeTo(conn.writable).catch(() => {});
    }
  })().catch(() => {});
  return () => {
    listener.close();
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
  };
}

dbTest("main with an unreachable DATABASE_URL stays up, answers 503, and recovers", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const target = parseDatabaseUrl(Deno.env.get("TEST_DATABASE_URL")!);
  const user = typeof target === "string" ? new URL(target).username : target.username;
  const password = typeof target === "string" ? new URL(target).password : target.password;
  const dbName = typeof target === "string" ? new URL(target).pathname.slice(1) : target.database;
  const dir = await tempDataDir();
  const p = spawnRevenge({
    REVENGE_DATA_DIR: dir,
    DATABASE_URL: `postgres://${user}:${password}@127.0.0.1:${port}/${dbName}`,
  });
  let stop = () => {};
  try {
    const url = await p.listening;
    assertEquals(await waitForStatus(url + "/healthz", 200), 200);
    // Not just at the start: still 503 after the database has been tried and retried.
    await waitFor(
      () => p.lines.filter((l) => l.includes("database not reachable yet")).length >= 2,
      { message: "two failed attempts to reach the database" },
    );
    for (const path of ["/readyz", "/startupz", "/api/v1/system/info"]) {
      const res = await fetch(url + path);
      await res.body?.cancel();
      assertEquals(res.status, 503, path);
    }
    stop = startForwarder(port);
    assertEquals(await waitForStatus(url + "/readyz", 200, 30_000), 200);
    p.child.kill("SIGTERM");
    assertEquals((await p.status).code, 0);
  } finally {
    await stopRevenge(p);
    stop();
    await Deno.remove(dir, { recursive: true });
  }
});
