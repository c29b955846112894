/**
 * Path-traversal corpus for every route that maps a URL to a file on disk
 * (static files now; images, HLS segments, subtitles later), and the raw
 * HTTP/1.1 client it needs. `fetch` and `new URL` normalise a path before it
 * leaves (`..` segments, `%2e`, backslashes), so the corpus is written by hand
 * onto a TCP socket, exactly as an attacker would send it.
 *
 * ```ts
 * await assertNoTraversal(app.url, "/static/");
 * await assertNoTraversal(app.url, "/api/v1/images/", { headers: { authorization } });
 * ```
 */
import { AssertionError } from "node:assert";

/** Options of {@linkcode rawRequest}. */
export interface RawRequestOptions {
  /** Request method; `GET` unless told. */
  method?: string;
  /** The request target, sent byte for byte: `/static/..%2f..%2fetc%2fpasswd`. */
  target: string;
  /** Extra header lines. A `host` entry replaces the one taken from the URL. */
  headers?: Record<string, string>;
  /** A request body, sent with a Content-Length. */
  body?: string;
  /** Gives up after this long; 5 s unless told. */
  timeoutMs?: number;
}

/** What came back over the socket. */
export interface RawResponse {
  status: number;
  headers: Headers;
  /**
   * The body decoded as UTF-8, de-chunked. After HEAD, 204 and 304 it is every
   * byte that followed the head, which should be none.
   */
  body: string;
}

const CRLF = "\r\n";

/**
 * Sends one HTTP/1.1 request over a fresh TCP connection to `url`'s host and
 * port, without normalising anything, and reads the answer to the end
 * (`Connection: close`).
 */
export async function rawRequest(url: string, options: RawRequestOptions): Promise<RawResponse> {
  const method = options.method ?? "GET";
  if (/[\r\n]/.test(options.target + method)) {
    throw new Error("rawRequest: CR or LF in the request line would split the request");
  }
  const u = new URL(url);
  const headers: Record<string, string> = { host: u.host, connection: "close" };
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
  const body = new TextEncoder().encode(options.body ?? "");
  if (options.body !== undefined) headers["content-length"] = String(body.length);
  const head = `${method} ${options.target} HTTP/1.1${CRLF}` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}${CRLF}`).join("") + CRLF;

  const conn = await Deno.connect({ hostname: u.hostname.replace(/^\[|\]$/g, ""), port: port(u) });
  const timer = setTimeout(() => conn.close(), options.timeoutMs ?? 5_000);
  const chunks: Uint8Array[] = [];
  try {
    await writeAll(conn, concat([new TextEncoder().encode(head), body]));
    const buf = new Uint8Array(64 * 1024);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
      chunks.push(buf.slice(0, n));
    }
  } catch (e) {
    throw new Error(`rawRequest ${method} ${options.target}: no complete answer`, { cause: e });
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  return parseResponse(concat(chunks), method);
}

function port(u: URL): number {
  return Number(u.port || (u.protocol === "https:" ? 443 : 80));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function parseResponse(raw: Uint8Array, method: string): RawResponse {
  const text = new TextDecoder("latin1").decode(raw);
  const end = text.indexOf(CRLF + CRLF);
  if (end < 0) throw new Error(`rawRequest: truncated response head: ${JSON.stringify(text)}`);
  const [statusLine, ...lines] = text.slice(0, end).split(CRLF);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) throw new Error(`rawRequest: bad status line ${JSON.stringify(statusLine)}`);
  const status = Number(m[1]);
  const headers = new Headers();
  for (const line of lines) {
    const i = line.indexOf(":");
    headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  let body = raw.subarray(end + 4);
  // Whatever follows a HEAD, 204 or 304 head is a server bug: hand it back as is.
  if (method === "HEAD" || status === 204 || status === 304) body = body.slice();
  else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) body = dechunk(body);
  else if (headers.has("content-length")) {
    body = body.subarray(0, Number(headers.get("content-length")));
  }
  return { status, headers, body: new TextDecoder().decode(body) };
}

function dechunk(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let off = 0;
  while (off < data.length) {
    let eol = off;
    while (eol + 1 < data.length && !(data[eol] === 13 && data[eol + 1] === 10)) eol++;
    const size = parseInt(new TextDecoder().decode(data.subarray(off, eol)).split(";")[0], 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    off = eol + 2 + size + 2;
  }
  return concat(parts);
}

/** Options of {@linkcode traversalCorpus} and {@linkcode assertNoTraversal}. */
export interface TraversalOptions {
  /** Sent with every request, e.g. `authorization` for a route behind a login. */
  headers?: Record<string, string>;
  /**
   * More files to aim at, as absolute paths (e.g. the test app's
   * `<dataDir>/postgres/password`); reached from `/` by over-long `../` chains.
   */
  targets?: string[];
  /** Strings that must appear in no answer (e.g. the content of `targets`). */
  secrets?: string[];
  /** `../` repetitions tried for files named relative to the checkout; 6 unless told. */
  maxDepth?: number;
}

/**
 * One way to spell "go up one folder", as it appears in the request target,
 * from plain through single, double and triple percent-encoding, overlong
 * UTF-8, backslashes and the filter-bypass classics.
 */
const UP: [dots: string, separator: string][] = [
  ["..", "/"],
  ["..", "%2f"],
  ["..", "%2F"],
  ["%2e%2e", "/"],
  ["%2e%2e", "%2f"],
  ["%2E%2E", "%2F"],
  [".%2e", "/"],
  ["%2e.", "/"],
  ["..", "%252f"],
  ["%252e%252e", "/"],
  ["%252e%252e", "%252f"],
  ["%25252e%25252e", "%25252f"],
  ["%c0%ae%c0%ae", "%c0%af"],
  ["%c0%ae%c0%ae", "/"],
  ["..", "%c0%af"],
  ["%e0%80%ae%e0%80%ae", "%e0%80%af"],
  ["%e0%80%ae%e0%80%ae", "/"],
  ["..", "%c1%9c"],
  ["%ef%bc%8e%ef%bc%8e", "%ef%bc%8f"],
  ["%u002e%u002e", "%u002f"],
  ["..", "\\"],
  ["..", "%5c"],
  ["..", "%5C"],
  ["%2e%2e", "%5c"],
  ["..", "%255c"],
  ["..", "\\/"],
  ["..", "/\\"],
  ["..", "%5c%2f"],
  ["....", "//"],
  ["..;", "/"],
  ["..%00", "/"],
  [".%00.", "/"],
];

/** Files outside any root, named from `/`. */
const ABSOLUTE_TARGETS = ["etc/passwd", "proc/self/environ", "var/lib/revenge/postgres/password"];
/** Files of the checkout, named from its root (a route's root sits some folders below). */
const CHECKOUT_TARGETS = ["deno.json", "main.ts", "data/postgres/password", ".git/config"];
/** Enough `../` to reach `/` from any root we would serve. */
const TO_FS_ROOT = 12;

/** Spellings of an absolute path or a NUL trick, after the prefix. */
const DIRECT = [
  "/etc/passwd",
  "//etc/passwd",
  "%2fetc%2fpasswd",
  "%2Fetc%2Fpasswd",
  "%252fetc%252fpasswd",
  "%2f%2fetc%2fpasswd",
  "\\etc\\passwd",
  "%5cetc%5cpasswd",
  "file:///etc/passwd",
  "file:%2f%2f%2fetc%2fpasswd",
  "C:%5cWindows%5cwin.ini",
  "/proc/self/environ",
  "%2fproc%2fself%2fenviron",
  "%00",
  "a%00.css",
  "app.css%00",
  "app.css%00.js",
  "%00../../../../etc/passwd",
  "%2500",
  "%",
  "%E0%A4%A",
  "%ed%a0%80",
  "%c0%80",
  ".",
  "..",
  "%2e",
  "%2e%2e",
  ".env",
  ".git/config",
  "%2egit%2fconfig",
];

/** Returns the corpus of request targets under `prefix` (e.g. `/static/`). */
export function traversalCorpus(prefix: string, options: TraversalOptions = {}): string[] {
  const out = new Set<string>();
  const absolute = [
    ...ABSOLUTE_TARGETS,
    ...(options.targets ?? []).map((t) => t.replace(/^\/+/, "")),
  ];
  for (const [dots, sep] of UP) {
    const up = dots + sep;
    const enc = (target: string) => target.replaceAll("/", sep);
    for (const t of absolute) {
      out.add(prefix + up.repeat(TO_FS_ROOT) + t);
      out.add(prefix + up.repeat(TO_FS_ROOT) + enc(t));
    }
    for (let depth = 1; depth <= (options.maxDepth ?? 6); depth++) {
      for (const t of CHECKOUT_TARGETS) out.add(prefix + up.repeat(depth) + t);
    }
    // Mixed: a real slash in the middle of encoded ones, and a known folder first.
    out.add(prefix + "_build/" + up.repeat(TO_FS_ROOT) + "etc/passwd");
    out.add(prefix + up + "/" + up.repeat(TO_FS_ROOT) + "etc/passwd");
  }
  for (const d of DIRECT) out.add(prefix + d);
  for (const t of options.targets ?? []) {
    out.add(prefix + t);
    out.add(prefix + encodeURIComponent(t));
  }
  return [...out];
}

/** The first line of `text` long enough to be telling; `undefined` for short files. */
function marker(text: string): string | undefined {
  return text.split("\n").map((l) => l.trim()).find((l) => l.length >= 24);
}

async function outsideMarkers(secrets: string[]): Promise<string[]> {
  const checkout = new URL("../", import.meta.url);
  const markers = ["root:x:0:0", "PATH=", ...secrets];
  for (const f of ["deno.json", "main.ts"]) {
    const m = marker(await Deno.readTextFile(new URL(f, checkout)));
    if (m) markers.push(m);
  }
  return markers;
}

/**
 * Sends the whole corpus under `prefix` to the server at `baseUrl` and fails
 * unless every answer is 400 or 404 and no answer carries content from
 * outside the route's root (`/etc/passwd`, the process environment,
 * `deno.json`, `main.ts`, `options.secrets`). Returns how many requests it sent.
 */
export async function assertNoTraversal(
  baseUrl: string,
  prefix: string,
  options: TraversalOptions = {},
): Promise<number> {
  const corpus = traversalCorpus(prefix, options);
  const markers = await outsideMarkers(options.secrets ?? []);
  const failures: string[] = [];
  // A few at a time: the machines running tests are small.
  const queue = [...corpus];
  async function worker(): Promise<void> {
    for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
      for (const method of ["GET", "HEAD"]) {
        if (method === "HEAD" && !target.includes("passwd")) continue;
        const res = await rawRequest(baseUrl, { method, target, headers: options.headers });
        if (res.status !== 400 && res.status !== 404) {
          failures.push(`${method} ${target} → ${res.status}`);
        }
        const leaked = markers.find((m) => res.body.includes(m));
        if (leaked) failures.push(`${method} ${target} → body contains ${JSON.stringify(leaked)}`);
      }
    }
  }
  await Promise.all(Array.from({ length: 4 }, worker));
  if (failures.length) {
    throw new AssertionError({
      message: `${failures.length} of ${corpus.length} traversal requests answered wrongly:\n` +
        failures.slice(0, 40).join("\n") + (failures.length > 40 ? "\n…" : ""),
    });
  }
  return corpus.length;
}
