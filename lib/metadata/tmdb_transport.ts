/**
 * How one TMDb request goes over the wire: the shared rate schedule
 * (lib/metadata/tmdb_schedule.ts), a timeout per attempt, retries with
 * exponential back-off and jitter on 5xx, timeouts and network errors, 429s
 * that pause every sender for their `Retry-After`, and the outbound proxy.
 * What comes back is a status with its parsed JSON body, or a
 * {@linkcode TmdbUnavailableError}.
 */
import { inSpan } from "../observability/tracing.ts";
import { retryDelayMs } from "../jobs/backoff.ts";
import type { TmdbRateRepo } from "../db/tmdb_rate_repo.ts";
import type { Logger } from "../observability/logger.ts";
import { createTmdbSchedule } from "./tmdb_schedule.ts";
import { TmdbUnavailableError } from "./tmdb_types.ts";

/** Retry tuning (the defaults suit TMDb; tests shorten them). */
export interface TmdbRetryPolicy {
  /** Attempts per request for 5xx, timeouts and network errors (default 4). */
  attempts?: number;
  /** First back-off (ms, default 500), doubled per attempt up to `capMs` (default 8000). */
  baseMs?: number;
  capMs?: number;
  /** 429 answers honoured per request before giving up (default 5). */
  rateLimited?: number;
  /** Longest `Retry-After` waited for (s, default 60); a longer one fails the request. */
  maxRetryAfterS?: number;
}

/** What {@linkcode createTmdbTransport} needs. */
export interface TmdbTransportOptions {
  rate: TmdbRateRepo;
  /** Key of the shared schedule (the API base URL). */
  rateKey: string;
  /** Requests per second. */
  ratePerSecond: number;
  timeoutMs: number;
  /** An HTTP proxy URL. */
  proxy?: string;
  logger: Logger;
  fetch?: typeof fetch;
  retry?: TmdbRetryPolicy;
}

/** An answer TMDb gave: 200 with a JSON body, or 404. */
export interface TmdbAnswer {
  status: number;
  body: unknown;
}

/** Sends GET requests to TMDb. */
export interface TmdbTransport {
  /** `url` carries the credentials when they are a query param; `logPath` never does. */
  get(url: URL, headers: HeadersInit, logPath: string): Promise<TmdbAnswer>;
  /** Releases the proxy connection pool. */
  close(): void;
}

/**
 * Slots are 8% further apart than the rate asks (80 ms per second), so
 * scheduling and network jitter of several tens of milliseconds never puts
 * more than `ratePerSecond` requests into a one-second window as TMDb
 * counts them.
 */
const SPACING = 1.08;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds to wait from a `Retry-After` header (seconds or an HTTP date); default 1. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (!header) return 1;
  const n = Number(header);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.max(0, (at - now) / 1000);
}

/** The transport for one client. */
export function createTmdbTransport(o: TmdbTransportOptions): TmdbTransport {
  const doFetch = o.fetch ?? fetch;
  const client = o.proxy ? Deno.createHttpClient({ proxy: { url: o.proxy } }) : undefined;
  const attempts = o.retry?.attempts ?? 4;
  const policy = { baseMs: o.retry?.baseMs ?? 500, capMs: o.retry?.capMs ?? 8000, jitter: 0.5 };
  const maxLimited = o.retry?.rateLimited ?? 5;
  const maxRetryAfter = o.retry?.maxRetryAfterS ?? 60;
  const intervalMs = (1000 / o.ratePerSecond) * SPACING;
  const schedule = createTmdbSchedule(o.rate, { key: o.rateKey, intervalMs });

  async function once(url: URL, headers: HeadersInit): Promise<Response> {
    await schedule.wait();
    const init: RequestInit & { client?: Deno.HttpClient } = {
      headers,
      signal: AbortSignal.timeout(o.timeoutMs),
    };
    if (client) init.client = client;
    return await doFetch(url, init);
  }

  return {
    get(url, headers, logPath) {
      // One span per logical call, its attempts (Deno's fetch spans) inside it.
      return inSpan("tmdb GET", {
        kind: "client",
        attributes: { "tmdb.path": logPath.split("?")[0] },
      }, () => getWithRetries(url, headers, logPath));
    },
    close() {
      client?.close();
    },
  };

  async function getWithRetries(
    url: URL,
    headers: HeadersInit,
    logPath: string,
  ): Promise<TmdbAnswer> {
    let failed = 0;
    let limited = 0;
    for (let attempt = 1;; attempt++) {
      const started = performance.now();
      let problem: string;
      let status: number | undefined;
      try {
        const res = await once(url, headers);
        status = res.status;
        if (res.status === 200) {
          // Reading the body is covered by the timeout signal too.
          const text = await res.text();
          o.logger.debug("tmdb request", {
            path: logPath,
            status,
            attempt,
            durationMs: Math.round(performance.now() - started),
          });
          try {
            return { status, body: JSON.parse(text) };
          } catch {
            throw new TmdbUnavailableError(`TMDb sent a malformed answer for ${logPath}`, 200);
          }
        }
        await res.body?.cancel();
        o.logger.debug("tmdb request", {
          path: logPath,
          status,
          attempt,
          durationMs: Math.round(performance.now() - started),
        });
        if (res.status === 404) return { status: 404, body: null };
        if (res.status === 401) {
          throw new TmdbUnavailableError(
            "TMDb refused the credentials (401): check REVENGE_TMDB_TOKEN or REVENGE_TMDB_API_KEY",
            401,
          );
        }
        if (res.status === 429) {
          const seconds = retryAfterSeconds(res.headers.get("retry-after"));
          // Every sender waits, not just this one: the schedule itself moves past the pause.
          await schedule.pause(seconds * 1000);
          if (++limited > maxLimited || seconds > maxRetryAfter) {
            throw new TmdbUnavailableError(
              `TMDb kept limiting the request rate (429, Retry-After ${seconds} s)`,
              429,
            );
          }
          o.logger.info("tmdb rate limited: pausing", { path: logPath, retryAfterS: seconds });
          continue;
        }
        if (res.status < 500) {
          throw new TmdbUnavailableError(`TMDb answered ${res.status} for ${logPath}`, status);
        }
        problem = `TMDb answered ${res.status}`;
      } catch (e) {
        if (e instanceof TmdbUnavailableError) throw e;
        const err = e as Error;
        problem = err.name === "TimeoutError"
          ? `TMDb did not answer within ${o.timeoutMs} ms`
          : `TMDb could not be reached (${err.message.slice(0, 200)})`;
        o.logger.debug("tmdb request failed", {
          path: logPath,
          attempt,
          durationMs: Math.round(performance.now() - started),
          error: problem,
        });
      }
      if (++failed >= attempts) {
        throw new TmdbUnavailableError(`${problem} (after ${failed} attempts)`, status);
      }
      const delay = retryDelayMs(failed, policy);
      o.logger.debug("tmdb retry", { path: logPath, attempt, retryInMs: delay, reason: problem });
      await sleep(delay);
    }
  }
}
