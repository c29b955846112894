/**
 * Outbound HTTP that cannot be turned against the server's own network
 * (SSRF). Every request:
 *
 * 1. allows only `http:` and `https:` URLs;
 * 2. resolves the host name once and checks EVERY address it answers
 *    against the policy (a name answering a public address first and a
 *    loopback one second is refused: a later lookup could pick the second);
 * 3. connects to the address it checked, through `node:http(s)` with a
 *    `lookup` that returns only that address, so nothing resolves the name
 *    a second time (DNS rebinding), while Host and TLS SNI stay the name;
 * 4. follows no redirect: a 3xx is answered as it is, the caller decides
 *    (and a Location it follows goes through here again);
 * 5. times out (the whole exchange) and caps the response body.
 *
 * The answer is a standard `Response` with the body already read.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { addressAllowed, classifyAddress, type OutboundPolicy } from "./address_policy.ts";
import { createResolver, type Resolve } from "./resolver.ts";

export type { OutboundPolicy } from "./address_policy.ts";

/** Why an outbound request failed; `message` is safe to show to the caller. */
export type OutboundFailure =
  | "invalid_url"
  | "blocked"
  | "unresolvable"
  | "timeout"
  | "too_large"
  | "network";

/** An outbound request that was refused or failed. */
export class OutboundError extends Error {
  readonly reason: OutboundFailure;
  constructor(reason: OutboundFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutboundError";
    this.reason = reason;
  }
}

/** The request: method, headers, body. No redirect option: none are followed. */
export interface SafeRequestInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string | Uint8Array;
}

/** How a request is checked and bounded. */
export interface SafeFetchOptions {
  /** `user` (public addresses only) or `admin` (loopback and LAN too). */
  policy: OutboundPolicy;
  /** Whole exchange, connect to last byte. Default 10 s. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 5 MiB. */
  maxBytes?: number;
  /** Name resolution; default: the system's DNS (see {@linkcode configureOutbound}). */
  resolve?: Resolve;
  /** Aborts the request early. */
  signal?: AbortSignal;
  /** PEM certificates to trust besides the system's (an administrator's self-signed server). */
  ca?: string[];
}

/** The signature of {@linkcode safeFetch}. */
export type SafeFetch = (
  url: string | URL,
  init: SafeRequestInit,
  options: SafeFetchOptions,
) => Promise<Response>;

let defaultResolve: Resolve = createResolver();

/**
 * Sets the resolver used when a call passes none (main.ts, from
 * `net.dnsServer`; tests, to a local DNS stand-in).
 */
export function configureOutbound(options: { resolve: Resolve }): void {
  defaultResolve = options.resolve;
}

/**
 * Resolves `host` (a name or an IP literal, brackets allowed) and checks
 * every address against the policy; returns the first, to connect to (for
 * protocols other than HTTP: SMTP).
 */
export async function checkOutboundHost(
  host: string,
  options: Pick<SafeFetchOptions, "policy" | "resolve">,
): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "") throw new OutboundError("invalid_url", "The address has no host.");
  let addresses: string[];
  if (isIP(bare)) {
    addresses = [bare];
  } else {
    try {
      addresses = await (options.resolve ?? defaultResolve)(bare);
    } catch (cause) {
      throw new OutboundError("unresolvable", `The host ${bare} could not be resolved.`, { cause });
    }
    if (addresses.length === 0) {
      throw new OutboundError("unresolvable", `The host ${bare} could not be resolved.`);
    }
  }
  for (const address of addresses) {
    if (!addressAllowed(address, options.policy)) {
      throw new OutboundError(
        "blocked",
        `The host ${bare} points at a ${
          classifyAddress(address)
        } address, which is not allowed here.`,
      );
    }
  }
  const address = addresses[0];
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

/** Checks a URL's scheme and host without connecting; returns the checked address. */
export async function checkOutboundUrl(
  url: string | URL,
  options: Pick<SafeFetchOptions, "policy" | "resolve">,
): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundError("invalid_url", "The URL is not valid.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new OutboundError("invalid_url", "Only http and https URLs are allowed.");
  }
  return { url: parsed, ...await checkOutboundHost(parsed.hostname, options) };
}

function headerRecord(headers: SafeRequestInit["headers"]): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  return { ...headers };
}

/** Sends one HTTP request under the SSRF rules above. */
export async function safeFetch(
  url: string | URL,
  init: SafeRequestInit,
  options: SafeFetchOptions,
): Promise<Response> {
  const checked = await checkOutboundUrl(url, options);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const target = checked.url;
  const headers = headerRecord(init.headers);
  if (
    (target.username || target.password) &&
    !Object.keys(headers).some((k) => /^authorization$/i.test(k))
  ) {
    const user = decodeURIComponent(target.username);
    const pass = decodeURIComponent(target.password);
    headers["authorization"] = `Basic ${btoa(`${user}:${pass}`)}`;
  }
  const body = typeof init.body === "string" ? new TextEncoder().encode(init.body) : init.body;
  if (body) headers["content-length"] = String(body.byteLength);
  // The one address that passed the check; node calls this instead of DNS.
  const lookup: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(
        null,
        [{ address: checked.address, family: checked.family }],
      );
    } else callback(null, checked.address, checked.family);
  };
  const secure = target.protocol === "https:";
  const hostname = target.hostname.replace(/^\[|\]$/g, "");
  return await new Promise<Response>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const request = (secure ? https : http).request({
      // An IP literal is connected to directly; a name goes through `lookup`.
      host: isIP(hostname) ? checked.address : hostname,
      port: target.port ? Number(target.port) : secure ? 443 : 80,
      path: `${target.pathname}${target.search}`,
      method: init.method ?? "GET",
      headers,
      lookup,
      servername: isIP(hostname) ? undefined : hostname,
      ...(options.ca ? { ca: options.ca } : {}),
      agent: false,
    }, (res) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      res.on("data", (chunk: Uint8Array) => {
        size += chunk.byteLength;
        if (size > maxBytes) {
          request.destroy();
          finish(() =>
            reject(new OutboundError("too_large", `The response is larger than ${maxBytes} bytes.`))
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () =>
        finish(() => {
          const all = new Uint8Array(size);
          let at = 0;
          for (const c of chunks) {
            all.set(c, at);
            at += c.byteLength;
          }
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue;
            for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
          }
          const status = res.statusCode ?? 502;
          const nullBody = status === 204 || status === 205 || status === 304;
          resolve(
            new Response(nullBody ? null : all, {
              status,
              statusText: res.statusMessage,
              headers: out,
            }),
          );
        }));
      res.on(
        "error",
        (cause) =>
          finish(() =>
            reject(new OutboundError("network", "The response was cut off.", { cause }))
          ),
      );
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish(() =>
        reject(new OutboundError("timeout", `No complete answer within ${timeoutMs} ms.`))
      );
    }, timeoutMs);
    const onAbort = () => {
      request.destroy();
      finish(() => reject(new OutboundError("network", "The request was aborted.")));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.on(
      "error",
      (cause: Error) =>
        finish(() =>
          reject(
            new OutboundError("network", `Could not reach ${hostname}: ${cause.message}`, {
              cause,
            }),
          )
        ),
    );
    if (body) request.write(body);
    request.end();
  });
}
