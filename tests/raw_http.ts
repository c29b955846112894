/**
 * HTTP/1.1 over a raw TCP connection, for requests that `fetch` would
 * normalise or refuse: a request target sent byte for byte (`%2e%2e`,
 * backslashes, NUL escapes) and headers such as `Host`.
 */

/** What {@linkcode rawRequest} sends. */
export interface RawRequest {
  method?: string;
  /** The request target exactly as sent, e.g. `/static/%252e%252e%252f`. */
  target: string;
  /** Headers in order; `Host` defaults to the server's, `Connection: close` is added. */
  headers?: Record<string, string>;
  body?: string;
}

/** A response as read from the socket. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** How long a server gets to answer and close the connection. */
const DEADLINE_MS = 15_000;

/** Sends one request to `baseUrl`'s host and port and reads the whole answer. */
export async function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  // A server that never closes would hang the read loop (and the test) forever.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      conn.close();
    } catch { /* closed already */ }
  }, DEADLINE_MS);
  try {
    const headers: Record<string, string> = { host: url.host, ...req.headers };
    if (req.body !== undefined) {
      headers["content-length"] = String(new TextEncoder().encode(req.body).length);
    }
    headers.connection = "close";
    const head = `${req.method ?? "GET"} ${req.target} HTTP/1.1\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
    await conn.write(new TextEncoder().encode(head + (req.body ?? "")));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf).catch((e) => {
        if (timedOut) throw new Error(`no complete answer to ${req.target} in ${DEADLINE_MS} ms`);
        throw e;
      });
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    // Framing is in bytes: parse one char per byte, decode the body as UTF-8 at the end.
    return parse(Array.from(concat(chunks), (b) => String.fromCharCode(b)).join(""));
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function parse(text: string): RawResponse {
  const end = text.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = text.slice(0, end < 0 ? text.length : end).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers.append(l.slice(0, i).trim(), l.slice(i + 1).trim());
  }
  let body = end < 0 ? "" : text.slice(end + 4);
  if (headers.get("transfer-encoding")?.includes("chunked")) body = unchunk(body);
  const bytes = Uint8Array.from(body, (ch) => ch.charCodeAt(0));
  return { status, headers, body: new TextDecoder().decode(bytes) };
}

function unchunk(s: string): string {
  let out = "";
  for (let i = 0;;) {
    const nl = s.indexOf("\r\n", i);
    if (nl < 0) return out;
    const size = parseInt(s.slice(i, nl), 16);
    if (!size) return out;
    out += s.slice(nl + 2, nl + 2 + size);
    i = nl + 2 + size + 2;
  }
}
