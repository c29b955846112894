/**
 * A throw-away `redis-server` for tests and benchmarks: a free port on
 * 127.0.0.1, no persistence, a temporary working directory. Tests never touch
 * a Redis the machine may run on 6379.
 */

/** A running test Redis. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const REDIS_SERVER = "/usr/bin/redis-server";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Sends PING over a raw connection; true when the answer is +PONG. */
async function pings(port: number): Promise<boolean> {
  let conn: Deno.Conn | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    conn?.close();
  }
}

/** Starts `redis-server` and resolves once it answers PING (within `timeoutMs`). */
export async function startRedis(timeoutMs = 10_000): Promise<TestRedis> {
  const dir = await Deno.makeTempDir({ prefix: "revenge-redis-" });
  const port = freePort();
  const child = new Deno.Command(REDIS_SERVER, {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      "--dir",
      dir,
      "--loglevel",
      "warning",
    ],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stderr = new Response(child.stderr).text();
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await status;
    await stderr.catch(() => "");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await pings(port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      const why = exited ? `exited: ${(await stderr).slice(0, 2000)}` : "did not answer PING";
      throw new Error(`redis-server on port ${port} ${why}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
