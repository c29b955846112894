/**
 * A Radarr API v3 client (`X-Api-Key`): system status, movies, movie files,
 * quality profiles, root folders and commands. Requests are spaced by a
 * client-side rate limit, retried with exponential back-off on 5xx and
 * network errors, bounded by a timeout each, and GET answers are cached for
 * a short while (a sync and the admin pages ask the same things).
 *
 * Outbound HTTP goes through an injected fetch-like function: production
 * passes the SSRF-checked one (`outbound.ts`), which refuses link-local and
 * cloud-metadata addresses.
 */
import type { z } from "zod";
import {
  RadarrCommand,
  RadarrMovie,
  RadarrMovieFile,
  RadarrQualityProfile,
  RadarrRootFolder,
  RadarrStatus,
} from "./radarr_types.ts";

/** The fetch a client sends through. */
export type RadarrFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Response>;

/** Why a call failed; `message` is safe to show to an administrator. */
export type RadarrFailure =
  | "unauthorized"
  | "unreachable"
  | "refused"
  | "bad_response"
  | "not_found";

/** A failed Radarr call. */
export class RadarrError extends Error {
  readonly reason: RadarrFailure;
  constructor(reason: RadarrFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RadarrError";
    this.reason = reason;
  }
}

/** How a client talks to one instance. */
export interface RadarrClientOptions {
  url: string;
  apiKey: string;
  fetch: RadarrFetch;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Attempts per call (5xx and network errors are retried). Default 3. */
  maxAttempts?: number;
  /** First back-off; doubles per attempt. Default 250 ms. */
  backoffMs?: number;
  /** At most this many requests per second. Default 20. */
  ratePerSecond?: number;
  /** How long a GET answer is reused. Default 10 s; 0: never. */
  cacheTtlMs?: number;
  /** Marks an error of the fetch as a refusal (an address not allowed), not retried. */
  isRefusal?: (e: unknown) => boolean;
}

/** A Radarr client. */
export interface RadarrClient {
  systemStatus(): Promise<RadarrStatus>;
  movies(): Promise<RadarrMovie[]>;
  movie(id: number): Promise<RadarrMovie | null>;
  movieFiles(movieId: number): Promise<RadarrMovieFile[]>;
  qualityProfiles(): Promise<RadarrQualityProfile[]>;
  rootFolders(): Promise<RadarrRootFolder[]>;
  /** Starts a command (`RefreshMovie`, `RescanMovie`, ...). */
  command(name: string, body?: Record<string, unknown>): Promise<{ id: number; name: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates a client of the instance at `options.url`. */
export function createRadarrClient(options: RadarrClientOptions): RadarrClient {
  const base = options.url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const gapMs = 1000 / (options.ratePerSecond ?? 20);
  const ttl = options.cacheTtlMs ?? 10_000;
  const cache = new Map<string, { at: number; value: unknown }>();
  let nextSlot = 0;

  async function slot(): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + gapMs;
    if (at > now) await sleep(at - now);
  }

  async function once(method: string, path: string, body?: unknown): Promise<Response> {
    await slot();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await options.fetch(base + path, {
        method,
        headers: {
          "x-api-key": options.apiKey,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (options.isRefusal?.(e)) {
        throw new RadarrError("refused", (e as Error).message, { cause: e });
      }
      const why = signal.aborted ? `no answer within ${timeoutMs} ms` : (e as Error).message;
      throw new RadarrError("unreachable", `Radarr did not answer: ${why}`, { cause: e });
    }
  }

  async function request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T> | null> {
    const key = `${method} ${path}`;
    const hit = method === "GET" ? cache.get(key) : undefined;
    if (hit && performance.now() - hit.at < ttl) return hit.value as z.infer<T>;
    let last: RadarrError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      let res: Response;
      try {
        res = await once(method, path, body);
      } catch (e) {
        if (e instanceof RadarrError && e.reason === "unreachable") {
          last = e;
          continue;
        }
        throw e;
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        last = new RadarrError("unreachable", `Radarr answered ${res.status}`);
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new RadarrError("unauthorized", "Radarr refused the API key.");
      }
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new RadarrError("bad_response", `Radarr answered ${res.status} to ${method} ${path}`);
      }
      let json: unknown;
      try {
        json = await res.json();
      } catch (e) {
        throw new RadarrError("bad_response", "Radarr's answer is not JSON.", { cause: e });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new RadarrError(
          "bad_response",
          `Radarr's answer to ${path} has an unexpected shape.`,
        );
      }
      if (method === "GET" && ttl > 0) {
        cache.set(key, { at: performance.now(), value: parsed.data });
      }
      return parsed.data;
    }
    throw last!;
  }

  async function required<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> {
    const r = await request("GET", path, schema);
    if (r === null) {
      throw new RadarrError("not_found", `Radarr has no ${path} (is this Radarr v3+?)`);
    }
    return r;
  }

  return {
    systemStatus: () => required("/api/v3/system/status", RadarrStatus),
    movies: () => required("/api/v3/movie", RadarrMovie.array()),
    movie: (id) => request("GET", `/api/v3/movie/${id}`, RadarrMovie),
    async movieFiles(movieId) {
      return await request(
        "GET",
        `/api/v3/moviefile?movieId=${movieId}`,
        RadarrMovieFile.array(),
      ) ??
        [];
    },
    qualityProfiles: () => required("/api/v3/qualityprofile", RadarrQualityProfile.array()),
    rootFolders: () => required("/api/v3/rootfolder", RadarrRootFolder.array()),
    async command(name, body = {}) {
      const r = await request("POST", "/api/v3/command", RadarrCommand, { name, ...body });
      if (!r) throw new RadarrError("not_found", "Radarr has no /api/v3/command");
      return r;
    },
  };
}
