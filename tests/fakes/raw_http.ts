/**
 * A minimal HTTP/1.1 server on a raw TCP listener, for fakes that must do
 * what `Deno.serve` cannot: close a connection without answering (a dropped
 * connection, as a flaky upstream or a load balancer produces). Keep-alive,
 * `Content-Length` bodies only (no chunked requests), one request at a time
 * per connection, which is what `fetch` sends. Absolute-form targets
 * (`GET http://host/path`) are accepted, so it can also play an HTTP proxy.
 */

/** What a handler returns: a response, or `"drop"` to close the socket unanswered. */
export type RawHttpAnswer = Response | "drop";

/** A running raw HTTP server. */
export interface RawHttpServer {
  readonly port: number;
  /** Aborted when the server closes (for handlers that wait). */
  readonly signal: AbortSignal;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const HEAD_END = new Uint8Array([13, 10, 13, 10]);
const MAX_HEAD = 64 * 1024;

function indexOf(buf: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= buf.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Serves `handler` on 127.0.0.1 at a free port. */
export function serveRawHttp(
  handler: (req: Request) => Promise<RawHttpAnswer> | RawHttpAnswer,
): RawHttpServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const abort = new AbortController();

  async function serveConn(conn: Deno.Conn): Promise<void> {
    let buf: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(16 * 1024);
    // Reads until `n` bytes are buffered; false on EOF.
    const fill = async (until: () => boolean): Promise<boolean> => {
      while (!until()) {
        const n = await conn.read(chunk);
        if (n === null) return false;
        buf = concat(buf, chunk.subarray(0, n));
        if (buf.length > MAX_HEAD * 16) return false;
      }
      return true;
    };
    try {
      while (true) {
        if (!await fill(() => indexOf(buf, HEAD_END) >= 0)) return;
        const end = indexOf(buf, HEAD_END);
        const head = new TextDecoder().decode(buf.subarray(0, end)).split("\r\n");
        buf = buf.subarray(end + 4);
        const [method, target] = head[0].split(" ");
        const headers = new Headers();
        for (const line of head.slice(1)) {
          const i = line.indexOf(":");
          if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
        }
        const length = Number(headers.get("content-length") ?? 0);
        if (!await fill(() => buf.length >= length)) return;
        const body = buf.slice(0, length);
        buf = buf.subarray(length);
        // Absolute-form targets are what HTTP proxies receive.
        const url = /^https?:\/\//.test(target) ? target : `http://127.0.0.1:${port}${target}`;
        const req = new Request(url, {
          method,
          headers,
          body: length > 0 && method !== "GET" && method !== "HEAD" ? body : undefined,
        });
        const answer = await handler(req);
        if (answer === "drop" || abort.signal.aborted) return;
        const bytes = new Uint8Array(await answer.arrayBuffer());
        const close = headers.get("connection")?.toLowerCase() === "close";
        let out = `HTTP/1.1 ${answer.status} ${answer.statusText || "-"}\r\n`;
        answer.headers.forEach((v, k) => {
          if (k !== "content-length" && k !== "connection" && k !== "transfer-encoding") {
            out += `${k}: ${v}\r\n`;
          }
        });
        out += `content-length: ${method === "HEAD" ? 0 : bytes.length}\r\n`;
        out += `connection: ${close ? "close" : "keep-alive"}\r\n\r\n`;
        const payload = method === "HEAD" ? new Uint8Array(0) : bytes;
        await writeAll(conn, concat(new TextEncoder().encode(out), payload));
        if (close) return;
      }
    } catch {
      // The client went away (a timeout abort): nothing to answer.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const t = serveConn(conn);
        tasks.add(t);
        t.finally(() => tasks.delete(t));
      }
    } catch {
      // The listener was closed.
    }
  })();

  return {
    port,
    signal: abort.signal,
    async close() {
      abort.abort();
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await accepting;
      await Promise.allSettled([...tasks]);
    },
  };
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}
